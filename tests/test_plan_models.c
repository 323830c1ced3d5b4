/* The interpreter's real plan for every shared model, with and without
 * in-place aliasing: no two tensors whose lifetimes meet share a byte unless
 * the planner aliased them on purpose (same buffer), every op's scratch is
 * disjoint from everything live during that op, and all of it lies inside the
 * activation region. Constants have no arena memory. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "plan/plan.h"
#include "r50.h"
#include "runtime/model_internal.h"

static void check_model(const char *name, uint32_t flags) {
  char path[1024];
  snprintf(path, sizeof path, "%s/models/%s", R50_SHARED_DIR, name);
  void *buf = NULL;
  size_t len = 0;
  r50_error err;
  if (r50_file_read(path, &buf, &len, &err) != R50_OK) {
    CHECK_MSG(0, "%s", err.msg);
    return;
  }
  r50_options opt = r50_options_default();
  opt.flags = flags;
  size_t need = 0;
  CHECK(r50_arena_size(buf, len, &need, &err) == R50_OK);
  need += 1u << 20; /* the no-inplace plan is larger than the sized default */
  void *arena = aligned_alloc(16, need);
  r50_model *m = NULL;
  r50_status s = r50_model_init_ex(&m, buf, len, arena, need, &opt, &err);
  CHECK_MSG(s == R50_OK, "%s: %s", name, err.msg);
  if (s == R50_OK) {
    const r50_graph *g = r50_model_graph(m);
    const size_t act = r50_model_activation_bytes(m);
    void *work = malloc(r50_plan_graph_bytes(g->n_tensors, g->n_ops));
    r50_graph_plan plan;
    r50_plan_region rg = {0, 0, NULL};
    r50_model_plan_region(m, &rg.a, &rg.b, &rg.bytes);
    r50_plan_graph(g, r50_model_scratch_sizes(m), r50_model_plan_flags(m), &rg, work, &plan);
    CHECK(plan.peak == act);
    /* per-tensor lifetimes (not per buffer) */
    int32_t *first = malloc(sizeof(int32_t) * (size_t)g->n_tensors);
    int32_t *last = malloc(sizeof(int32_t) * (size_t)g->n_tensors);
    r50_plan_lifetimes(g, first, last);
    int aliased = 0, pairs = 0;
    for (int32_t a = 0; a < g->n_tensors; a++) {
      int64_t oa = r50_model_tensor_offset(m, a);
      if (g->tensors[a].data) CHECK(oa < 0);
      if (oa < 0) continue;
      CHECK((uint64_t)oa + g->tensors[a].bytes <= act);
      for (int32_t b = a + 1; b < g->n_tensors; b++) {
        int64_t ob = r50_model_tensor_offset(m, b);
        if (ob < 0 || first[a] > last[b] || first[b] > last[a]) continue;
        pairs++;
        int overlap = oa < ob + (int64_t)g->tensors[b].bytes && ob < oa + (int64_t)g->tensors[a].bytes;
        if (overlap && plan.buf_of[a] == plan.buf_of[b]) {
          aliased++;
          continue;
        }
        CHECK_MSG(!overlap, "%s: tensors %d '%s' and %d '%s' overlap while both live", name, (int)a,
                  g->tensors[a].name, (int)b, g->tensors[b].name);
      }
    }
    for (int32_t o = 0; o < g->n_ops; o++) {
      int64_t so = r50_model_scratch_offset(m, o);
      if (so < 0) continue;
      size_t sb = r50_model_scratch_sizes(m)[o];
      CHECK((uint64_t)so + sb <= act);
      for (int32_t t = 0; t < g->n_tensors; t++) {
        int64_t ot = r50_model_tensor_offset(m, t);
        if (ot < 0 || first[t] > o || last[t] < o) continue;
        CHECK_MSG(!(so < ot + (int64_t)g->tensors[t].bytes && ot < so + (int64_t)sb),
                  "%s: op %d scratch overlaps live tensor '%s'", name, (int)o, g->tensors[t].name);
      }
    }
    if (flags & R50_OPT_NO_INPLACE) CHECK(aliased == 0);
    printf("%-36s %-10s activations %8zu bytes, %d live pairs checked, %d in-place aliases\n", name,
           (flags & R50_OPT_NO_INPLACE) ? "no-inplace" : "default", act, pairs, aliased);
    free(first);
    free(last);
    free(work);
  }
  free(arena);
  r50_file_free(buf);
}

int main(void) {
  const char *models[] = {"resnet50v2_224_int8.tflite", "tf2_mobilenet_v2_1.0_224_ptq.tflite",
                          "pretrainedResnet_quant.tflite", "pretrainedResnet.tflite"};
  for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
    check_model(models[i], 0);
    check_model(models[i], R50_OPT_NO_INPLACE);
  }
  return test_finish("test_plan_models");
}

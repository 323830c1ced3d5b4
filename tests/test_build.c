/* ResNet50V2 builder: determinism at a small size, activation statistics of the
 * init, structure at 224 (not run). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "host/quantize.h"
#include "host/resnet50v2.h"
#include "r50.h"

static void test_determinism(void) {
  r50_rn50v2_config a = {64, 64, 10, 1}, c = {64, 64, 10, 2};
  void *b1 = NULL, *b2 = NULL, *b3 = NULL;
  size_t n1 = 0, n2 = 0, n3 = 0;
  r50_error e;
  CHECK(r50_rn50v2_tflite(&a, &b1, &n1, &e) == R50_OK);
  CHECK(r50_rn50v2_tflite(&a, &b2, &n2, &e) == R50_OK);
  CHECK(r50_rn50v2_tflite(&c, &b3, &n3, &e) == R50_OK);
  CHECK(n1 == n2 && b1 && b2 && memcmp(b1, b2, n1) == 0);
  CHECK(n1 == n3 && b3 && memcmp(b1, b3, n1) != 0);
  /* any size and class count */
  r50_rn50v2_config odd = {37, 51, 3, 5};
  void *b4 = NULL;
  size_t n4 = 0, need = 0;
  CHECK(r50_rn50v2_tflite(&odd, &b4, &n4, &e) == R50_OK);
  CHECK_MSG(b4 && r50_arena_size(b4, n4, &need, &e) == R50_OK, "%s", e.msg);
  r50_rn50v2_config bad = {16, 64, 10, 1};
  CHECK(r50_rn50v2_tflite(&bad, &b4, &n4, &e) == R50_ERR_ARG);
  r50_file_free(b1), r50_file_free(b2), r50_file_free(b3), r50_file_free(b4);
}

/* Op types (without QUANTIZE/DEQUANTIZE), MACs and params against the shared model. */
static void test_structure_224(void) {
  r50_rn50v2_config cfg = {224, 224, 1000, 1};
  void *b = NULL, *ref = NULL;
  size_t n = 0, rn = 0, need = 0;
  r50_error e;
  CHECK(r50_rn50v2_tflite(&cfg, &b, &n, &e) == R50_OK);
  if (!b) return;
  CHECK(r50_arena_size(b, n, &need, &e) == R50_OK);
  void *arena = aligned_alloc(R50_ARENA_ALIGN, (need + 15) / 16 * 16);
  r50_model *m = NULL;
  CHECK(arena && r50_model_init(&m, b, n, arena, need, &e) == R50_OK);
  if (!m) return;
  r50_model_stats st;
  r50_model_get_stats(m, &st);
  CHECK_MSG(st.macs == 3482255360ull, "MACs %llu", (unsigned long long)st.macs);
  CHECK_MSG(st.param_count == 25560954ull, "params %llu", (unsigned long long)st.param_count);
  printf("ResNet50V2 224/1000 float: %d ops, %llu MACs, %llu params\n", (int)r50_model_op_count(m),
         (unsigned long long)st.macs, (unsigned long long)st.param_count);
  if (r50_file_read(R50_SHARED_DIR "/models/resnet50v2_224_int8.tflite", &ref, &rn, &e) != R50_OK) {
    CHECK_MSG(0, "%s", e.msg);
  } else {
    size_t rneed = 0;
    CHECK(r50_arena_size(ref, rn, &rneed, &e) == R50_OK);
    void *rarena = aligned_alloc(R50_ARENA_ALIGN, (rneed + 15) / 16 * 16);
    r50_model *rm = NULL;
    CHECK(rarena && r50_model_init(&rm, ref, rn, rarena, rneed, &e) == R50_OK);
    int32_t j = 0, mismatches = 0;
    for (int32_t i = 0; rm && i < r50_model_op_count(rm); i++) {
      r50_op_info ri, oi;
      r50_model_op_info(rm, i, &ri);
      if (!strcmp(ri.type_name, "QUANTIZE") || !strcmp(ri.type_name, "DEQUANTIZE")) continue;
      if (j >= r50_model_op_count(m)) {
        mismatches++;
        break;
      }
      r50_model_op_info(m, j++, &oi);
      if (strcmp(ri.type_name, oi.type_name) || ri.macs != oi.macs || ri.out_ndim != oi.out_ndim ||
          memcmp(ri.out_dims, oi.out_dims, sizeof ri.out_dims))
        mismatches++;
    }
    CHECK(j == r50_model_op_count(m));
    CHECK_MSG(mismatches == 0, "%d ops differ from the shared model", (int)mismatches);
    free(rarena);
    r50_file_free(ref);
  }
  free(arena);
  r50_file_free(b);
}

/* The init keeps activations in range and the output image-dependent:
 * per-stage std of the block outputs (float, 64x64, 6 synthetic images),
 * logits spread over classes, pooled features varying across images. */
typedef struct {
  r50_model *m;
  double std_sum[512];
  int cnt[512];
  float logits[16], pooled[2048];
} act_stats;

static void stats_hook(void *user, int32_t op, const void *data, size_t bytes) {
  act_stats *s = user;
  r50_op_info oi;
  if (op < 0 || op >= 512 || r50_model_op_info(s->m, op, &oi) != R50_OK || oi.output_dtype != R50_DTYPE_FLOAT32)
    return;
  const float *f = data;
  size_t n = bytes / sizeof(float);
  double a = 0, b = 0;
  for (size_t i = 0; i < n; i++) a += f[i], b += (double)f[i] * f[i];
  a /= (double)n;
  b = b / (double)n - a * a;
  s->std_sum[op] += sqrt(b > 0 ? b : 0);
  s->cnt[op]++;
  if (!strcmp(oi.output_name, "predictions_dense") && bytes <= sizeof s->logits) memcpy(s->logits, f, bytes);
  if (!strcmp(oi.output_name, "avg_pool") && bytes <= sizeof s->pooled) memcpy(s->pooled, f, bytes);
}

static void test_activation_stats(void) {
  enum { S = 64, P = 10, N = 6 };
  r50_rn50v2_config cfg = {S, S, P, 1};
  void *b = NULL;
  size_t n = 0, need = 0;
  r50_error e;
  CHECK(r50_rn50v2_tflite(&cfg, &b, &n, &e) == R50_OK);
  r50_options o = r50_options_default();
  o.flags |= R50_OPT_NO_STREAM; /* the hook sees every op */
  CHECK(b && r50_arena_size_ex(b, n, &o, &need, &e) == R50_OK);
  void *arena = aligned_alloc(R50_ARENA_ALIGN, (need + 15) / 16 * 16);
  static act_stats st;
  memset(&st, 0, sizeof st);
  CHECK(arena && r50_model_init_ex(&st.m, b, n, arena, need, &o, &e) == R50_OK);
  if (!st.m) return;
  r50_model_set_hook(st.m, stats_hook, &st);
  r50_tensor_info in;
  r50_model_input(st.m, 0, &in);
  static double pm[2048], pq[2048];
  double spread = 0;
  for (int i = 0; i < N; i++) {
    r50_synth_image(77, i, S, S, 3, -1.0f, 1.0f, in.data);
    CHECK(r50_model_invoke(st.m, &e) == R50_OK);
    double m = 0, q = 0;
    for (int k = 0; k < P; k++) m += st.logits[k], q += (double)st.logits[k] * st.logits[k];
    m /= P;
    spread += sqrt(q / P - m * m) / N;
    for (int c = 0; c < 2048; c++) pm[c] += st.pooled[c], pq[c] += (double)st.pooled[c] * st.pooled[c];
  }
  double across = 0, level = 0;
  for (int c = 0; c < 2048; c++) {
    double mu = pm[c] / N, v = pq[c] / N - mu * mu;
    across += sqrt(v > 0 ? v : 0) / 2048;
    level += mu / 2048;
  }
  printf("ResNet50V2 64x64 float, std of each block output (mean of %d synthetic images):\n", N);
  double lo = 1e9, hi = 0;
  for (int32_t op = 0; op < r50_model_op_count(st.m) && op < 512; op++) {
    r50_op_info oi;
    r50_model_op_info(st.m, op, &oi);
    size_t l = strlen(oi.output_name);
    int blk = l > 4 && !strcmp(oi.output_name + l - 4, "_out");
    if (!st.cnt[op] || !(blk || !strcmp(oi.output_name, "conv1_conv") || !strcmp(oi.output_name, "post_relu")))
      continue;
    double sd = st.std_sum[op] / st.cnt[op];
    printf("  %-18s %.3f\n", oi.output_name, sd);
    if (blk) lo = sd < lo ? sd : lo, hi = sd > hi ? sd : hi;
  }
  printf("  block outputs: std %.3f..%.3f; logits: std over classes %.3f; pooled features: level %.3f,\n"
         "  std across images %.3f (mean over channels)\n",
         lo, hi, spread, level, across);
  CHECK_MSG(lo > 0.4 && hi < 2.5, "block output std %.3f..%.3f", lo, hi);
  CHECK_MSG(spread > 0.5 && spread < 5.0, "logit spread %.3f", spread);
  CHECK_MSG(across > 0.2 * level, "pooled features barely depend on the image: %.4f vs level %.4f", across, level);
  free(arena);
  r50_file_free(b);
}

int main(void) {
  test_determinism();
  test_activation_stats();
  test_structure_224();
  return test_finish("test_build");
}

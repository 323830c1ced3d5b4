/* The public API as include/r50.h's usage example uses it, plus its edge
 * cases: argument checks, index ranges, status strings, stats, hooks. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "r50.h"

static int g_hook_calls;
static void hook(void *user, int32_t op, const void *data, size_t bytes) {
  (void)data;
  (void)bytes;
  int32_t *last = user;
  CHECK(op > *last); /* increasing; streamed ops (default plan) are skipped */
  *last = op;
  g_hook_calls++;
}

int main(void) {
  char path[1024];
  snprintf(path, sizeof path, "%s/models/pretrainedResnet_quant.tflite", R50_SHARED_DIR);

  /* --- the header's example, step by step --- */
  void *model_buf = NULL;
  size_t model_len = 0;
  r50_error err;
  CHECK(r50_file_read(path, &model_buf, &model_len, &err) == R50_OK);
  if (!model_buf) return test_finish("test_api");
  size_t need = 0;
  CHECK(r50_arena_size(model_buf, model_len, &need, &err) == R50_OK);
  CHECK(need > 0);
  void *arena = aligned_alloc(R50_ARENA_ALIGN,
                              (need + R50_ARENA_ALIGN - 1) / R50_ARENA_ALIGN * R50_ARENA_ALIGN);
  r50_model *m = NULL;
  CHECK(r50_model_init(&m, model_buf, model_len, arena, need, &err) == R50_OK);
  CHECK(r50_model_arena_used(m) == need);
  CHECK(r50_model_activation_bytes(m) > 0 && r50_model_activation_bytes(m) < need);

  r50_tensor_info in, out;
  CHECK(r50_model_input(m, 0, &in) == R50_OK);
  CHECK(in.dtype == R50_DTYPE_INT8 && in.ndim == 4 && in.dims[1] == 32 && in.bytes == 3072);
  CHECK(in.scale == 1.0f && in.zero_point == -128);
  CHECK(r50_model_output(m, 0, &out) == R50_OK);
  CHECK(out.dtype == R50_DTYPE_INT8 && out.bytes == 10 && out.zero_point == -128);

  /* golden cat input -> golden output */
  snprintf(path, sizeof path, "%s/golden/pretrainedResnet_quant/cat.in.bin", R50_SHARED_DIR);
  void *ib = NULL, *ob = NULL;
  size_t il = 0, ol = 0;
  CHECK(r50_file_read(path, &ib, &il, &err) == R50_OK && il == in.bytes);
  snprintf(path, sizeof path, "%s/golden/pretrainedResnet_quant/cat.out.bin", R50_SHARED_DIR);
  CHECK(r50_file_read(path, &ob, &ol, &err) == R50_OK && ol == out.bytes);
  if (ib && ob) {
    memcpy(in.data, ib, il);
    int32_t last = -1;
    r50_model_set_hook(m, hook, &last);
    CHECK(r50_model_invoke(m, &err) == R50_OK);
    CHECK(g_hook_calls > 0 && g_hook_calls <= r50_model_op_count(m));
    CHECK(memcmp(out.data, ob, ol) == 0);
    /* invoking again gives the same result (no state carried over) */
    r50_model_set_hook(m, NULL, NULL);
    memcpy(in.data, ib, il);
    CHECK(r50_model_invoke(m, &err) == R50_OK);
    CHECK(memcmp(out.data, ob, ol) == 0);
    /* without streaming every op reports, in order */
    r50_options opt = r50_options_default();
    opt.flags = R50_OPT_NO_STREAM;
    size_t need2 = 0;
    CHECK(r50_arena_size_ex(model_buf, model_len, &opt, &need2, &err) == R50_OK);
    void *arena2 = aligned_alloc(R50_ARENA_ALIGN, (need2 + 15) / 16 * 16);
    r50_model *m2 = NULL;
    CHECK(r50_model_init_ex(&m2, model_buf, model_len, arena2, need2, &opt, &err) == R50_OK);
    if (m2) {
      r50_tensor_info in2, out2;
      r50_model_input(m2, 0, &in2);
      r50_model_output(m2, 0, &out2);
      memcpy(in2.data, ib, il);
      g_hook_calls = 0;
      last = -1;
      r50_model_set_hook(m2, hook, &last);
      CHECK(r50_model_invoke(m2, &err) == R50_OK);
      CHECK(g_hook_calls == r50_model_op_count(m2) && last == r50_model_op_count(m2) - 1);
      CHECK(memcmp(out2.data, ob, ol) == 0);
    }
    free(arena2);
  }

  /* --- introspection --- */
  r50_model_stats st;
  CHECK(r50_model_get_stats(m, &st) == R50_OK);
  CHECK(st.macs == 12501632ull);
  CHECK(st.param_count == 77708ull);
  CHECK(st.arena_used == need);
  r50_op_info oi;
  CHECK(r50_model_op_info(m, 0, &oi) == R50_OK && strcmp(oi.type_name, "CONV_2D") == 0);
  CHECK(oi.macs > 0 && oi.param_bytes > 0);
  CHECK(r50_model_op_info(m, r50_model_op_count(m), &oi) == R50_ERR_ARG);
  CHECK(r50_model_op_info(m, -1, &oi) == R50_ERR_ARG);
  CHECK(r50_model_input(m, 1, &in) == R50_ERR_ARG);
  CHECK(r50_model_output(m, -1, &out) == R50_ERR_ARG);
  CHECK(r50_model_input(NULL, 0, &in) == R50_ERR_ARG);
  CHECK(r50_model_input_count(NULL) == 0 && r50_model_op_count(NULL) == 0);

  /* --- argument errors and status strings --- */
  CHECK(r50_model_init(NULL, model_buf, model_len, arena, need, &err) == R50_ERR_ARG);
  CHECK(r50_model_init(&m, NULL, model_len, arena, need, &err) == R50_ERR_ARG);
  CHECK(r50_model_init(&m, model_buf, model_len, NULL, need, &err) == R50_ERR_ARG);
  CHECK(r50_model_init(&m, model_buf, model_len, arena, need, NULL) == R50_OK); /* err optional */
  void *nb = NULL;
  size_t nl = 0;
  CHECK(r50_file_read("/nonexistent/model.tflite", &nb, &nl, &err) == R50_ERR_IO);
  CHECK(nb == NULL && nl == 0);
  CHECK(strstr(err.msg, "/nonexistent/model.tflite") != NULL);
  for (int s = R50_OK; s <= R50_ERR_STATE; s++) {
    const char *str = r50_status_str((r50_status)s);
    CHECK(str && strncmp(str, "R50_", 4) == 0);
  }
  CHECK(strcmp(r50_dtype_name(R50_DTYPE_INT8), "int8") == 0);

  free(ib);
  free(ob);
  free(arena);
  r50_file_free(model_buf);
  return test_finish("test_api");
}

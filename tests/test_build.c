/* ResNet50V2 builder: determinism at a small size, structure at 224 (not run). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
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

int main(void) {
  test_determinism();
  test_structure_224();
  return test_finish("test_build");
}

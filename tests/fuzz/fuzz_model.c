/* libFuzzer harness for the TFLite reader (and the writer on what it accepts).
 * Not built by CMake. Build and run from the repository root:
 *
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *     -Iinclude -Isrc tests/fuzz_model.c src/model/tflite.c src/model/tflite_write.c \
 *     src/graph/op_names.c src/graph/graph.c src/runtime/error.c -o fuzz_model
 *   mkdir -p corpus && cp ../shared/models/pretrainedResnet_quant.tflite \
 *     ../shared/models/model_invoking_error.tflite corpus/
 *   ./fuzz_model -max_len=200000 -timeout=5 corpus
 *
 * Properties checked: no crash, leak or sanitizer report on any input; a
 * failed read always sets a message; an accepted model satisfies the graph
 * contracts, and writing it with r50_tflite_write and reading it back gives
 * the same tensor/op counts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/tflite.h"
#include "model/tflite_write.h"

static _Alignas(16) uint8_t g_arena[1 << 20];
static _Alignas(16) uint8_t g_arena2[1 << 20];

static void check_graph(const r50_graph *g, const uint8_t *b, size_t n) {
  for (int32_t i = 0; i < g->n_tensors; i++) {
    const r50_tensor *t = &g->tensors[i];
    if (!t->name || t->ndim < 0 || t->ndim > R50_MAX_DIMS) __builtin_trap();
    size_t e = 1;
    for (int d = 0; d < t->ndim; d++) e *= (size_t)t->dims[d];
    if (e != t->n_elems || t->bytes != e * r50_dtype_size(t->type)) __builtin_trap();
    if (t->data && ((const uint8_t *)t->data < b || (size_t)((const uint8_t *)t->data - b) + t->bytes > n))
      __builtin_trap();
    if (t->q_count < 0 || (t->q_count > 1 && t->q_count != t->dims[t->q_dim])) __builtin_trap();
  }
  for (int32_t i = 0; i < g->n_ops; i++) {
    const r50_op *op = &g->ops[i];
    for (int32_t k = 0; k < op->n_inputs; k++)
      if (op->inputs[k] < -1 || op->inputs[k] >= g->n_tensors) __builtin_trap();
    for (int32_t k = 0; k < op->n_outputs; k++)
      if (op->outputs[k] < 0 || op->outputs[k] >= g->n_tensors) __builtin_trap();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* the reader requires a 16-byte aligned buffer; exact size so ASan sees overreads */
  uint8_t *b = (uint8_t *)malloc(size ? size : 1);
  if (!b) return 0;
  if ((uintptr_t)b % 16) {
    free(b);
    return 0;
  }
  memcpy(b, data, size);
  r50_limits lim = {2000, 20000, (uint64_t)1 << 28};
  r50_bump m = {g_arena, sizeof g_arena, 0};
  r50_graph g;
  r50_error e;
  memset(&e, 0, sizeof e);
  r50_status s = r50_tflite_read(b, size, &lim, &m, &g, &e);
  if (s != R50_OK) {
    if (e.msg[0] == 0 || e.status != s) __builtin_trap();
  } else {
    check_graph(&g, b, size);
    size_t len = 0;
    if (r50_tflite_write(&g, 0, NULL, 0, &len, &e) != R50_OK) __builtin_trap();
    uint8_t *o = (uint8_t *)aligned_alloc(16, (len + 15) / 16 * 16);
    if (o) {
      size_t len2 = 0;
      if (r50_tflite_write(&g, 0, o, len, &len2, &e) != R50_OK || len2 != len) __builtin_trap();
      r50_bump m2 = {g_arena2, sizeof g_arena2, 0};
      r50_graph g2;
      if (r50_tflite_read(o, len, &lim, &m2, &g2, &e) != R50_OK) __builtin_trap();
      if (g2.n_tensors != g.n_tensors || g2.n_ops != g.n_ops) __builtin_trap();
      free(o);
    }
  }
  free(b);
  return 0;
}

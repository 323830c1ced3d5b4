/* libFuzzer harness: model bytes -> TFLite reader (+ writer round trip) ->
 * r50_model_init_ex (limits, fixed 4 MiB arena) -> one r50_model_invoke on a
 * zero input when the model loads and its cost is small.
 *
 * Built by CMake with -DR50_FUZZ=ON (clang), run by tests/fuzz/run.sh; the same
 * file linked with tests/fuzz/replay.c replays tests/regress/model/ in ctest.
 *
 * Properties checked (__builtin_trap on violation, besides ASan/UBSan/LSan):
 *  - a refused model always has a message and err.status == the status;
 *  - an accepted graph satisfies the graph contracts (src/graph/graph.h), and
 *    writing it with r50_tflite_write and reading it back gives the same counts;
 *  - r50_model_init_ex agrees with the reader (it never accepts what the
 *    reader refused) and the introspection calls work on every op;
 *  - invoke returns R50_OK and the outputs lie inside the arena.
 * Invoke time is bounded: the limits cap every tensor at 2^18 elements and 256
 * ops, and invoke only runs when a conservative cost estimate (outputs times
 * taps per output, plus every input and output element) is under 2 M. The
 * input's length picks the kernel level (odd: reference kernels) and
 * streaming (bit 1: R50_OPT_NO_STREAM). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/tflite.h"
#include "model/tflite_write.h"
#include "r50.h"

#define ARENA_BYTES (4u << 20)
#define COST_MAX 2000000u

static _Alignas(16) uint8_t g_arena[ARENA_BYTES];
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

static uint64_t min64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* Upper bound on the work of one invoke (element operations), from the
 * verified graph; every factor is <= 2^18 by the limits, so no overflow. */
static uint64_t graph_cost(const r50_graph *g) {
  uint64_t cost = 0;
  for (int32_t o = 0; o < g->n_ops; o++) {
    const r50_op *op = &g->ops[o];
    uint64_t io = 0, out0 = 0;
    for (int32_t k = 0; k < op->n_inputs; k++)
      if (op->inputs[k] >= 0) io += g->tensors[op->inputs[k]].n_elems;
    for (int32_t k = 0; k < op->n_outputs; k++) io += g->tensors[op->outputs[k]].n_elems;
    if (op->n_outputs > 0) out0 = g->tensors[op->outputs[0]].n_elems;
    const r50_tensor *in0 = op->n_inputs > 0 && op->inputs[0] >= 0 ? &g->tensors[op->inputs[0]] : NULL;
    const r50_tensor *w = op->n_inputs > 1 && op->inputs[1] >= 0 ? &g->tensors[op->inputs[1]] : NULL;
    uint64_t taps = 1;
    switch (op->type) {
      case R50_OP_CONV_2D:
      case R50_OP_DEPTHWISE_CONV_2D:
      case R50_OP_FULLY_CONNECTED:
        if (w) taps = w->n_elems; /* >= taps per output */
        break;
      case R50_OP_MAX_POOL_2D:
      case R50_OP_AVERAGE_POOL_2D:
        if (in0 && in0->ndim == 4)
          taps = min64((uint64_t)op->opt.pool.filter_h, (uint64_t)in0->dims[1]) *
                 min64((uint64_t)op->opt.pool.filter_w, (uint64_t)in0->dims[2]);
        break;
      default:
        taps = 1;
    }
    cost += out0 * (taps ? taps : 1) + io;
  }
  return cost;
}

/* Reader properties; returns 1 when the reader accepted the model. */
static int fuzz_reader(uint8_t *b, size_t size, r50_graph *g) {
  r50_limits lim = {256, 1024, (uint64_t)1 << 18, (uint64_t)1 << 24};
  r50_bump m = {g_arena, sizeof g_arena, 0};
  r50_error e;
  memset(&e, 0, sizeof e);
  r50_status s = r50_tflite_read(b, size, &lim, &m, g, &e);
  if (s != R50_OK) {
    if (e.msg[0] == 0 || e.status != s) __builtin_trap();
    return 0;
  }
  check_graph(g, b, size);
  size_t len = 0;
  if (r50_tflite_write(g, 0, NULL, 0, &len, &e) != R50_OK) __builtin_trap();
  uint8_t *o = (uint8_t *)aligned_alloc(16, (len + 15) / 16 * 16);
  if (o) {
    size_t len2 = 0;
    if (r50_tflite_write(g, 0, o, len, &len2, &e) != R50_OK || len2 != len) __builtin_trap();
    r50_bump m2 = {g_arena2, sizeof g_arena2, 0};
    r50_graph g2;
    s = r50_tflite_read(o, len, &lim, &m2, &g2, &e);
    /* the copy may need more arena than g_arena2 holds, nothing else may fail */
    if (s != R50_OK && s != R50_ERR_ARENA) __builtin_trap();
    if (s == R50_OK && (g2.n_tensors != g->n_tensors || g2.n_ops != g->n_ops)) __builtin_trap();
    free(o);
  }
  return 1;
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
  if (size) memcpy(b, data, size);

  r50_graph g;
  int read_ok = fuzz_reader(b, size, &g);
  uint64_t cost = read_ok ? graph_cost(&g) : 0;

  r50_options opt = r50_options_default();
  opt.limits = (r50_limits){256, 1024, (uint64_t)1 << 18, (uint64_t)1 << 24};
  if (size & 2) opt.flags |= R50_OPT_NO_STREAM;
  r50_isa_set((size & 1) ? R50_ISA_REF : r50_isa_best(), NULL);
  r50_model *m = NULL;
  r50_error e;
  memset(&e, 0, sizeof e);
  r50_status s = r50_model_init_ex(&m, b, size, g_arena, sizeof g_arena, &opt, &e);
  if (s != R50_OK) {
    if (e.msg[0] == 0 || e.status != s) __builtin_trap();
  } else {
    if (!read_ok) __builtin_trap();
    r50_model_stats st;
    if (r50_model_get_stats(m, &st) != R50_OK) __builtin_trap();
    for (int32_t i = 0; i < r50_model_op_count(m); i++) {
      r50_op_info oi;
      if (r50_model_op_info(m, i, &oi) != R50_OK || !oi.type_name) __builtin_trap();
    }
    if (cost <= COST_MAX) {
      r50_tensor_info ti;
      for (int32_t i = 0; i < r50_model_input_count(m); i++)
        if (r50_model_input(m, i, &ti) == R50_OK && ti.data) memset(ti.data, 0, ti.bytes);
      if (r50_model_invoke(m, &e) != R50_OK) __builtin_trap();
      const uint8_t *lo = g_arena, *hi = g_arena + sizeof g_arena;
      for (int32_t i = 0; i < r50_model_output_count(m); i++) {
        if (r50_model_output(m, i, &ti) != R50_OK) __builtin_trap();
        const uint8_t *p = (const uint8_t *)ti.data;
        /* an output is an activation in the arena, a constant or a graph input */
        if (p && (p < lo || p + ti.bytes > hi) && (p < b || p + ti.bytes > b + size)) __builtin_trap();
        volatile uint8_t sink = 0;
        for (size_t k = 0; p && k < ti.bytes; k++) sink ^= p[k];
        (void)sink;
      }
    }
  }
  free(b);
  return 0;
}

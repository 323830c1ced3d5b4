/* Op layer: each supported builtin op is a prepare and an eval.
 *
 * prepare(p): validates the op against the graph (input/output counts, types,
 *   shapes - including that the output tensor's shape is exactly the shape the
 *   op computes, so eval can never write out of bounds -, quantization,
 *   options), precomputes everything eval needs into a plain kernel parameter
 *   struct allocated with r50_prep_alloc (persistent, in the caller's arena),
 *   and declares its scratch need in p->scratch_bytes. Any refusal goes
 *   through r50_prep_fail, which prefixes "op N TYPE: ".
 * eval(): arithmetic only, cannot fail. Gets the state prepare stored, the
 *   per-tensor data pointers (constants point into the model, activations into
 *   the arena) and a scratch buffer of the declared size (16-byte aligned).
 *
 * Kernels (src/kernels/...) take only the plain parameter structs, never the
 * graph, so the interpreter and generated firmware call the same functions.
 */
#ifndef R50_OPS_H
#define R50_OPS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "../graph/graph.h"
#include "../runtime/bump.h"
#include "r50.h"

/* Evaluate output rows [y0, y1) only. tdata is a view: each spatial input
 * points at the first row the op reads (max(0, y0*stride - pad), see
 * r50_rowmap) and holds at least the rows the map says; output 0 points at
 * row y0. Same arithmetic as eval, so streamed results are bit-identical. */
typedef void (*r50_op_eval_rows_fn)(const r50_op *op, const void *state, void *const *tdata,
                                    void *scratch, int32_t y0, int32_t y1);

/* Row mapping for streamed (row-band) execution of NHWC, batch-1 ops.
 * Output rows [y0, y1) read, from each input k with bit k of `spatial` set,
 * rows [max(0, y0*stride - pad), min(H_in, (y1-1)*stride - pad + window)).
 * Inputs without their bit are read whole (constants, broadcast vectors).
 * Prepare fills it (eval_rows non-NULL) only when the op, as configured,
 * supports row evaluation. */
typedef struct {
  r50_op_eval_rows_fn eval_rows; /* NULL: the op cannot be streamed */
  int32_t stride, pad, window;
  uint32_t spatial;
  size_t scratch_bytes;          /* scratch eval_rows needs for any band (<= whole-tensor scratch) */
} r50_rowmap;

typedef struct r50_prep {
  /* inputs to prepare */
  const r50_graph *g;
  int32_t op_index;
  const r50_op *op;
  r50_error *err;
  r50_bump *mem;        /* persistent allocator over the arena (owned by the runtime) */
  uint32_t flags;       /* the load's R50_OPT_* (R50_OPT_CORTEXM: plan the Cortex-M scratch) */
  /* outputs of prepare */
  void *state;          /* what eval receives */
  size_t scratch_bytes; /* scratch eval needs, 0 if none */
  r50_rowmap rows;      /* set by ops that support eval_rows (streamed execution) */
} r50_prep;

typedef r50_status (*r50_op_prepare_fn)(r50_prep *p);
typedef void (*r50_op_eval_fn)(const r50_op *op, const void *state, void *const *tdata, void *scratch);

typedef struct {
  int32_t type; /* builtin code */
  r50_op_prepare_fn prepare;
  r50_op_eval_fn eval;
} r50_op_impl;

/* First input row read for output row y0 under map m (clamped at 0). */
static inline int32_t r50_rowmap_lo(const r50_rowmap *m, int32_t y0) {
  int64_t lo = (int64_t)y0 * m->stride - m->pad;
  return lo < 0 ? 0 : (int32_t)lo;
}
/* Band of a windowed kernel (conv, pool): rewrite (in_h, out_h, pad_top) so
 * that the full-image kernel, given the input view starting at row
 * r50_rowmap_lo(y0), computes exactly output rows [y0, y1). Taps outside the
 * band are then outside the image too, so the kernel's skip-out-of-image
 * rule keeps every value identical. */
static inline void r50_rowband(const r50_rowmap *m, int32_t y0, int32_t y1, int32_t *in_h,
                               int32_t *out_h, int32_t *pad_top) {
  const int32_t lo = (int32_t)((int64_t)y0 * m->stride - m->pad < 0 ? 0 : (int64_t)y0 * m->stride - m->pad);
  int64_t hi = (int64_t)(y1 - 1) * m->stride - m->pad + m->window;
  if (hi > *in_h) hi = *in_h;
  *in_h = hi > lo ? (int32_t)hi - lo : 0;
  *out_h = y1 - y0;
  *pad_top = (int32_t)((int64_t)m->pad + lo - (int64_t)y0 * m->stride);
}

/* One past the last input row read for output rows < y1, clamped to h_in. */
static inline int32_t r50_rowmap_hi(const r50_rowmap *m, int32_t y1, int32_t h_in) {
  if (y1 <= 0) return 0;
  int64_t hi = (int64_t)(y1 - 1) * m->stride - m->pad + m->window;
  return hi > h_in ? h_in : (hi < 0 ? 0 : (int32_t)hi);
}

/* Registry: the implementation of a builtin code, or NULL if unsupported. */
const r50_op_impl *r50_op_find(int32_t type);

/* Persistent, 16-byte aligned, zero-filled. NULL after recording an R50_ERR_ARENA
 * error in p->err when the arena is exhausted; prepare then returns R50_ERR_ARENA. */
void *r50_prep_alloc(r50_prep *p, size_t bytes);

/* Record "op <index> <TYPE>: <fmt...>" in p->err and return s. */
r50_status r50_prep_fail(r50_prep *p, r50_status s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Input/output i of the op; NULL when i is out of range or the input is the
 * optional -1. Indices are already verified by the reader. */
const r50_tensor *r50_prep_in(const r50_prep *p, int32_t i);
const r50_tensor *r50_prep_out(const r50_prep *p, int32_t i);

/* Common checks, each failing through r50_prep_fail with a precise message. */
r50_status r50_prep_check_io(r50_prep *p, int32_t min_in, int32_t max_in, int32_t n_out);
r50_status r50_prep_check_type(r50_prep *p, const r50_tensor *t, const char *role, r50_dtype want);
/* Output tensor shape must equal dims[0..ndim) */
r50_status r50_prep_check_shape(r50_prep *p, const r50_tensor *t, const char *role, int32_t ndim,
                                const int32_t *dims);
/* Per-tensor quantization present with scale > 0 and finite, zero point in the type's range. */
r50_status r50_prep_check_quant(r50_prep *p, const r50_tensor *t, const char *role);

/* Fused activation range for quantized outputs, as TFLite's
 * CalculateActivationRangeQuantized: bounds zp + round(f / scale) clamped to the
 * type's range. Fails on activations other than NONE, RELU, RELU_N1_TO_1, RELU6. */
r50_status r50_prep_act_range_q(r50_prep *p, int32_t act, const r50_tensor *out, int32_t *lo, int32_t *hi);
/* Float activation range (-inf..inf, 0..inf, -1..1, 0..6). */
r50_status r50_prep_act_range_f(r50_prep *p, int32_t act, float *lo, float *hi);

/* Implementations, one per op file. */
extern const r50_op_impl r50_op_conv_2d, r50_op_depthwise_conv_2d, r50_op_fully_connected,
    r50_op_max_pool_2d, r50_op_average_pool_2d, r50_op_mean, r50_op_pad, r50_op_padv2;
extern const r50_op_impl r50_op_add, r50_op_sub, r50_op_mul, r50_op_softmax, r50_op_quantize,
    r50_op_dequantize, r50_op_relu, r50_op_relu6, r50_op_logistic, r50_op_hard_swish,
    r50_op_concatenation, r50_op_reshape, r50_op_squeeze;

#endif

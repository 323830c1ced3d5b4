/* MEAN: prepare + eval, matching TFLite Micro's reduce (micro/kernels/
 * reduce.cc + reduce_common.cc PrepareMeanOrSumHelper / EvalMeanHelper) and
 * reference/reduce.h (ResolveAxis, Mean, QuantizedMeanOrSum).
 *
 * Axis: a constant int32 (or int64) tensor; negative values count from the end,
 * duplicates are ignored (ResolveAxis). The output shape must equal the input
 * shape with reduced dims set to 1 (keep_dims) or removed.
 *
 * int8 (see kernels/ref/mean.h for the three algorithms):
 *   (mult, shift) = QuantizeMultiplier((double)in_scale / (double)out_scale)
 *   SAME when in/out zero points are equal and the float scales compare equal
 *   (keep_dims and the axes do not matter for int8 in current TFLM);
 *   else REQUANT with the multiplier adapted to 1/n as QuantizedMeanOrSum:
 *     s = min(floor(log2(n)), 32, 31 + shift)
 *     mult' = (int64(mult) << s) / n,  shift' = shift - s.
 * int8 runs the SIMD kernel of the level active at prepare (AVX2, AVX-512,
 * NEON; bit-exact with the reference).
 */
#include <math.h>
#include <stdint.h>

#include "../kernels/arm/pool_s8_arm.h"
#include "../kernels/pool_s8_isa.h"
#include "../kernels/quant.h"
#include "../kernels/ref/mean.h"
#include "../kernels/x86/pool_s8_x86.h"
#include "ops.h"

typedef struct {
  int32_t is_float;
  int32_t isa; /* int8: R50_ISA_AVX2 / AVX512VNNI / NEON select a SIMD kernel, else reference */
  r50_mean_params k;
} mean_state;

static r50_status mean_prepare(r50_prep *p) {
  r50_status s = r50_prep_check_io(p, 2, 2, 1);
  if (s != R50_OK) return s;
  const r50_tensor *in = r50_prep_in(p, 0), *ax = r50_prep_in(p, 1), *out = r50_prep_out(p, 0);
  if (in->type == R50_DTYPE_UINT8)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                         "uint8 models not supported yet (input tensor '%s' is uint8)", in->name);
  if (in->type != R50_DTYPE_FLOAT32 && in->type != R50_DTYPE_INT8)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "input tensor '%s' has unsupported type %s",
                         in->name, r50_dtype_name(in->type));
  if ((s = r50_prep_check_type(p, out, "output", in->type)) != R50_OK) return s;
  if (in->ndim < 1 || in->ndim > R50_MEAN_MAX_DIMS)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "input tensor '%s' has %d dims, supported 1..%d",
                         in->name, (int)in->ndim, R50_MEAN_MAX_DIMS);
  for (int32_t d = 0; d < in->ndim; d++)
    if (in->dims[d] < 1)
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "input tensor '%s' is empty", in->name);
  if (ax->type != R50_DTYPE_INT32 && ax->type != R50_DTYPE_INT64)
    return r50_prep_fail(p, R50_ERR_MODEL, "axis tensor '%s' has type %s, expected int32",
                         ax->name, r50_dtype_name(ax->type));
  if (!ax->data)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "axis tensor '%s' is not a constant", ax->name);
  if (ax->ndim > 1)
    return r50_prep_fail(p, R50_ERR_MODEL, "axis tensor '%s' has %d dims, expected 0 or 1", ax->name,
                         (int)ax->ndim);
  if (ax->n_elems < 1 || ax->n_elems > 64)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "axis tensor '%s' has %zu elements", ax->name,
                         ax->n_elems);

  /* ResolveAxis: normalise negatives, drop duplicates. */
  int reduced[R50_MEAN_MAX_DIMS] = {0};
  for (size_t i = 0; i < ax->n_elems; i++) {
    const int64_t a = ax->type == R50_DTYPE_INT32 ? (int64_t)((const int32_t *)ax->data)[i]
                                                  : ((const int64_t *)ax->data)[i];
    if (a < -(int64_t)in->ndim || a >= in->ndim)
      return r50_prep_fail(p, R50_ERR_MODEL, "axis %lld out of range for %d-D input", (long long)a,
                           (int)in->ndim);
    reduced[a < 0 ? a + in->ndim : a] = 1;
  }
  const int keep = p->op->opt.reducer.keep_dims != 0;

  mean_state *st = (mean_state *)r50_prep_alloc(p, sizeof *st);
  if (!st) return R50_ERR_ARENA;
  r50_mean_params *k = &st->k;
  k->ndim = in->ndim;
  int32_t want[R50_MAX_DIMS];
  int32_t want_nd = 0;
  int64_t n_red = 1;
  size_t stride = 1;
  for (int32_t d = in->ndim - 1; d >= 0; d--) {
    k->in_dims[d] = in->dims[d];
    if (reduced[d]) {
      k->out_stride[d] = 0;
      n_red *= in->dims[d];
    } else {
      k->out_stride[d] = stride;
      stride *= (size_t)in->dims[d];
    }
  }
  for (int32_t d = 0; d < in->ndim; d++) {
    if (!reduced[d]) want[want_nd++] = in->dims[d];
    else if (keep) want[want_nd++] = 1;
  }
  if ((s = r50_prep_check_shape(p, out, "output", want_nd, want)) != R50_OK) return s;
  if (n_red > INT32_MAX / 2)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "%lld elements per mean is too many",
                         (long long)n_red);
  k->n_in = in->n_elems;
  k->n_out = stride;
  k->n_reduced = (int32_t)n_red;
  st->is_float = in->type == R50_DTYPE_FLOAT32;
  st->isa = st->is_float ? R50_ISA_REF : r50_pool_s8_isa();

  if (!st->is_float) {
    if ((s = r50_prep_check_quant(p, in, "input")) != R50_OK) return s;
    if ((s = r50_prep_check_quant(p, out, "output")) != R50_OK) return s;
    if (in->q_count != 1 || out->q_count != 1)
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "activations must be quantized per-tensor");
    const float in_s = in->q_scale[0], out_s = out->q_scale[0];
    k->input_zp = (int32_t)in->q_zero_point[0];
    k->output_zp = (int32_t)out->q_zero_point[0];
    const double real = (double)in_s / (double)out_s;
    if (!isfinite(real))
      return r50_prep_fail(p, R50_ERR_MODEL, "invalid rescale %g", real);
    int32_t mult, shift;
    r50_quantize_multiplier(real, &mult, &shift);
    if (shift > 31)
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "rescale input/output %g is too large", real);
    if (k->input_zp == k->output_zp && in_s == out_s) {
      k->mode = R50_MEAN_S8_SAME;
    } else {
      k->mode = R50_MEAN_S8_REQUANT;
      /* 63 - CountLeadingZeros(n) == floor(log2(n)) */
      int32_t sh = 0;
      while (sh < 62 && ((uint64_t)n_red >> (sh + 1)) != 0) sh++;
      if (sh > 32) sh = 32;
      if (sh > 31 + shift) sh = 31 + shift;
      k->mult = (int32_t)(((int64_t)mult << sh) / n_red);
      k->shift = shift - sh;
    }
    p->scratch_bytes = r50_mean_s8_scratch_bytes(k);
  } else {
    p->scratch_bytes = 0;
  }
  p->state = st;
  return R50_OK;
}

static void mean_eval(const r50_op *op, const void *state, void *const *tdata, void *scratch) {
  const mean_state *st = (const mean_state *)state;
  const void *in = tdata[op->inputs[0]];
  void *out = tdata[op->outputs[0]];
  if (st->is_float) {
    r50_mean_f32_ref(&st->k, (const float *)in, (float *)out);
    return;
  }
#if defined(__x86_64__)
  if (st->isa == R50_ISA_AVX512VNNI) {
    r50_mean_s8__avx512vnni(&st->k, (const int8_t *)in, (int8_t *)out, scratch);
    return;
  }
  if (st->isa == R50_ISA_AVX2) {
    r50_mean_s8__avx2(&st->k, (const int8_t *)in, (int8_t *)out, scratch);
    return;
  }
#elif defined(R50_ARM_NEON_KERNELS)
  if (st->isa == R50_ISA_NEON) {
    r50_mean_s8__neon(&st->k, (const int8_t *)in, (int8_t *)out, scratch);
    return;
  }
#endif
  r50_mean_s8_ref(&st->k, (const int8_t *)in, (int8_t *)out, scratch);
}

const r50_op_impl r50_op_mean = {R50_OP_MEAN, mean_prepare, mean_eval};

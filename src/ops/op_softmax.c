/* SOFTMAX over the last dim: int8 -> int8 and float32, as TFLite Micro
 * (softmax_common.cc CalculateSoftmaxParams):
 *  - int8 output must be scale 1/256 (exactly) and zero point -128;
 *  - (mult, left_shift) = PreprocessSoftmaxScaling(beta, in_scale, 5):
 *    QuantizeMultiplierGreaterThanOne(min((double)beta * (double)in_scale * 2^26, 2^31 - 1));
 *  - diff_min = -CalculateInputRadius(5, left_shift, 31)
 *             = -floor(31 * 2^26 / 2^left_shift) (double).
 * int8 -> int16 output (TFLM supports it) and uint8 are refused. */
#include <math.h>

#include "../kernels/quant.h"
#include "../kernels/ref/softmax.h"
#include "ops.h"

typedef struct {
  int32_t dtype;
  union {
    r50_softmax_s8_params s8;
    r50_softmax_f32_params f32;
  } k;
  int32_t exp_table[256]; /* int8: r50_softmax_s8_table */
} softmax_state;

static r50_status prepare(r50_prep *p) {
  r50_status s = r50_prep_check_io(p, 1, 1, 1);
  if (s != R50_OK) return s;
  const r50_tensor *in = r50_prep_in(p, 0), *out = r50_prep_out(p, 0);
  if (in->type == R50_DTYPE_UINT8 || out->type == R50_DTYPE_UINT8)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "uint8 models not supported yet (tensor '%s')",
                         in->type == R50_DTYPE_UINT8 ? in->name : out->name);
  if (in->type == R50_DTYPE_INT8 && out->type == R50_DTYPE_INT16)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "int8 -> int16 softmax is not supported");
  if (in->type != R50_DTYPE_INT8 && in->type != R50_DTYPE_FLOAT32)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "input tensor '%s' has type %s, supported: int8, float32",
                         in->name, r50_dtype_name(in->type));
  if ((s = r50_prep_check_type(p, out, "output", in->type)) != R50_OK) return s;
  if (in->ndim < 1)
    return r50_prep_fail(p, R50_ERR_MODEL, "input tensor '%s' is a scalar (softmax needs >= 1 dim)", in->name);
  if ((s = r50_prep_check_shape(p, out, "output", in->ndim, in->dims)) != R50_OK) return s;
  const float beta = p->op->opt.softmax.beta;
  if (!isfinite(beta))
    return r50_prep_fail(p, R50_ERR_MODEL, "beta %g is not finite", (double)beta);

  softmax_state *st = r50_prep_alloc(p, sizeof *st);
  if (!st) return R50_ERR_ARENA;
  st->dtype = in->type;
  const int32_t depth = in->dims[in->ndim - 1];
  const size_t outer = depth > 0 ? in->n_elems / (size_t)depth : 0;
  if (in->type == R50_DTYPE_FLOAT32) {
    st->k.f32.outer = outer;
    st->k.f32.depth = depth;
    st->k.f32.beta = beta;
  } else {
    if ((s = r50_prep_check_quant(p, in, "input")) != R50_OK) return s;
    if ((s = r50_prep_check_quant(p, out, "output")) != R50_OK) return s;
    if (r50_tensor_zp(out) != -128 || r50_tensor_scale(out) != 1.0f / 256)
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                           "int8 output tensor '%s' must have scale 1/256 and zero point -128, has %g and %d",
                           out->name, (double)r50_tensor_scale(out), (int)r50_tensor_zp(out));
    double real = (double)beta * (double)r50_tensor_scale(in) * (double)(1 << 26);
    const double max_real = (double)(1LL << 31) - 1.0;
    if (real > max_real) real = max_real;
    if (!(real > 1.0))
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                           "beta * input scale = %g is too small (TFLite needs beta * scale * 2^26 > 1)",
                           (double)beta * (double)r50_tensor_scale(in));
    r50_softmax_s8_params *k = &st->k.s8;
    r50_quantize_multiplier(real, &k->input_multiplier, &k->input_left_shift);
    if (k->input_left_shift < 0 || k->input_left_shift > 31)
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "softmax input shift %d out of range",
                           (int)k->input_left_shift);
    const double radius = floor(31.0 * (double)(1LL << 26) / (double)(1LL << k->input_left_shift));
    k->diff_min = -(int32_t)radius;
    k->outer = outer;
    k->depth = depth;
    r50_softmax_s8_table(k, st->exp_table);
  }
  p->state = st;
  p->scratch_bytes = 0;
  return R50_OK;
}

static void eval(const r50_op *op, const void *state, void *const *tdata, void *scratch) {
  (void)scratch;
  const softmax_state *st = state;
  const void *in = tdata[op->inputs[0]];
  void *out = tdata[op->outputs[0]];
  if (st->dtype == R50_DTYPE_INT8) r50_softmax_s8_lut(&st->k.s8, st->exp_table, in, out);
  else r50_softmax_f32_ref(&st->k.f32, in, out);
}

const r50_op_impl r50_op_softmax = {R50_OP_SOFTMAX, prepare, eval};

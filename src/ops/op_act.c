/* RELU, RELU6, LOGISTIC, HARD_SWISH: int8 and float32, as TFLite Micro.
 *  - RELU int8 (activations_common.cc CalculateReluOpData): requantize with
 *    QuantizeMultiplier((double)in_scale / (double)out_scale), clamp to
 *    [max(-128, out_zp), 127].
 *  - RELU6 int8 (Relu6Prepare): clamp to [in_zp, six], six =
 *    clamp(round(6.0f / in_scale) + in_zp, -128, 127): TFLM uses the *input*
 *    quantization only (the output is assumed to share it).
 *  - LOGISTIC int8 (logistic_common.cc): output zero point -128 (TFLM) and
 *    scale 1/256 (TFLite); input multiplier from frexp((double)in_scale * 2^27).
 *  - HARD_SWISH int8 (hard_swish_common.cc): float ratios
 *    hires = (1/128) * in_scale, output = hires / out_scale, reluish =
 *    hires / (3/32768), QuantizeMultiplier then DownScaleInt32ToInt16Multiplier;
 *    the output exponent must be <= 0. */
#include <math.h>

#include "../kernels/quant.h"
#include "../kernels/ref/activations.h"
#include "ops.h"

enum { A_RELU, A_RELU6, A_LOGISTIC, A_HARD_SWISH };

typedef struct {
  int32_t kind;
  int32_t dtype;
  size_t n;
  union {
    r50_relu_s8_params relu;
    r50_clamp_s8_params clamp;
    r50_logistic_s8_params logistic;
    r50_hard_swish_s8_params hswish;
  } k;
} act_state;

/* TFLite DownScaleInt32ToInt16Multiplier */
static int16_t downscale16(int32_t m) {
  if (m >= INT32_MAX - (1 << 15)) return INT16_MAX;
  return (int16_t)((m + (1 << 15)) >> 16);
}

static r50_status prepare_s8(r50_prep *p, act_state *st, const r50_tensor *in, const r50_tensor *out) {
  r50_status s;
  if ((s = r50_prep_check_quant(p, in, "input")) != R50_OK) return s;
  if ((s = r50_prep_check_quant(p, out, "output")) != R50_OK) return s;
  const float si = r50_tensor_scale(in), so = r50_tensor_scale(out);
  const int32_t zi = r50_tensor_zp(in), zo = r50_tensor_zp(out);
  switch (st->kind) {
    case A_RELU: {
      r50_relu_s8_params *k = &st->k.relu;
      k->n = in->n_elems;
      k->in_zp = zi;
      k->out_zp = zo;
      r50_quantize_multiplier((double)si / (double)so, &k->mult, &k->shift);
      if (k->shift > 31)
        return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "input/output scale ratio %g is too large",
                             (double)si / (double)so);
      const int32_t z = zo + (int32_t)roundf(0.0f / so);
      k->act_min = z > -128 ? z : -128;
      k->act_max = 127;
    } break;
    case A_RELU6: {
      r50_clamp_s8_params *k = &st->k.clamp;
      k->n = in->n_elems;
      k->lo = zi;
      double six = (double)roundf(6.0f / si) + (double)zi; /* FloatToQuantizedType<int8_t> */
      if (six < -128) six = -128;
      if (six > 127) six = 127;
      k->hi = (int32_t)six;
    } break;
    case A_LOGISTIC: {
      if (zo != -128 || so != 1.0f / 256)
        return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                             "int8 output tensor '%s' must have scale 1/256 and zero point -128, has %g and %d",
                             out->name, (double)so, (int)zo);
      r50_logistic_s8_params *k = &st->k.logistic;
      k->n = in->n_elems;
      k->in_zp = zi;
      const double m = (double)si * (double)(1 << 27);
      int e = 0;
      const double q = frexp(m, &e);
      const double mr = round(q * (double)(1LL << 31));
      /* e < 0 (scale < 2^-28) would be a negative shift in TFLM's radius
       * computation; q rounding up to 2^31 overflows TFLM's int32 cast */
      if (e < 0 || mr >= (double)(1LL << 31))
        return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "input scale %g is outside the range TFLM's logistic handles",
                             (double)si);
      k->mult = (int32_t)mr;
      k->left_shift = e;
      /* CalculateInputRadius(4, e, 31); e >= 31 gives 0 and the multiply is never used */
      k->range_radius = (int32_t)floor(ldexp(15.0 * (double)(1LL << 27), -e));
    } break;
    default: {
      r50_hard_swish_s8_params *k = &st->k.hswish;
      k->n = in->n_elems;
      k->in_zp = zi;
      k->out_zp = zo;
      const float hires = (1.0f / 128.0f) * si;
      const float reluish_scale = 3.0f / 32768.0f;
      int32_t m32, e;
      r50_quantize_multiplier((double)(hires / so), &m32, &e);
      k->out_mult16 = downscale16(m32);
      k->out_exp = e;
      if (e > 0)
        return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                             "output scale %g is too small for the input scale %g (TFLM needs exponent <= 0)",
                             (double)so, (double)si);
      r50_quantize_multiplier((double)(hires / reluish_scale), &m32, &e);
      if (e > 31)
        return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "input scale %g is too large", (double)si);
      k->reluish_mult16 = downscale16(m32);
      k->reluish_exp = e;
    } break;
  }
  return R50_OK;
}

static r50_status prepare_common(r50_prep *p, int32_t kind) {
  r50_status s = r50_prep_check_io(p, 1, 1, 1);
  if (s != R50_OK) return s;
  const r50_tensor *in = r50_prep_in(p, 0), *out = r50_prep_out(p, 0);
  if (in->type == R50_DTYPE_UINT8 || out->type == R50_DTYPE_UINT8)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "uint8 models not supported yet (tensor '%s')",
                         in->type == R50_DTYPE_UINT8 ? in->name : out->name);
  if (in->type != R50_DTYPE_INT8 && in->type != R50_DTYPE_FLOAT32)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "input tensor '%s' has type %s, supported: int8, float32",
                         in->name, r50_dtype_name(in->type));
  if ((s = r50_prep_check_type(p, out, "output", in->type)) != R50_OK) return s;
  if ((s = r50_prep_check_shape(p, out, "output", in->ndim, in->dims)) != R50_OK) return s;
  act_state *st = r50_prep_alloc(p, sizeof *st);
  if (!st) return R50_ERR_ARENA;
  st->kind = kind;
  st->dtype = in->type;
  st->n = in->n_elems;
  if (in->type == R50_DTYPE_INT8 && (s = prepare_s8(p, st, in, out)) != R50_OK) return s;
  p->state = st;
  p->scratch_bytes = 0;
  return R50_OK;
}

static r50_status prepare_relu(r50_prep *p) { return prepare_common(p, A_RELU); }
static r50_status prepare_relu6(r50_prep *p) { return prepare_common(p, A_RELU6); }
static r50_status prepare_logistic(r50_prep *p) { return prepare_common(p, A_LOGISTIC); }
static r50_status prepare_hard_swish(r50_prep *p) { return prepare_common(p, A_HARD_SWISH); }

static void eval(const r50_op *op, const void *state, void *const *tdata, void *scratch) {
  (void)scratch;
  const act_state *st = state;
  const void *in = tdata[op->inputs[0]];
  void *out = tdata[op->outputs[0]];
  if (st->dtype == R50_DTYPE_INT8) {
    switch (st->kind) {
      case A_RELU: r50_relu_s8_ref(&st->k.relu, in, out); break;
      case A_RELU6: r50_clamp_s8_ref(&st->k.clamp, in, out); break;
      case A_LOGISTIC: r50_logistic_s8_ref(&st->k.logistic, in, out); break;
      default: r50_hard_swish_s8_ref(&st->k.hswish, in, out); break;
    }
  } else {
    switch (st->kind) {
      case A_RELU: r50_relu_f32_ref(st->n, in, out); break;
      case A_RELU6: r50_relu6_f32_ref(st->n, in, out); break;
      case A_LOGISTIC: r50_logistic_f32_ref(st->n, in, out); break;
      default: r50_hard_swish_f32_ref(st->n, in, out); break;
    }
  }
}

const r50_op_impl r50_op_relu = {R50_OP_RELU, prepare_relu, eval};
const r50_op_impl r50_op_relu6 = {R50_OP_RELU6, prepare_relu6, eval};
const r50_op_impl r50_op_logistic = {R50_OP_LOGISTIC, prepare_logistic, eval};
const r50_op_impl r50_op_hard_swish = {R50_OP_HARD_SWISH, prepare_hard_swish, eval};

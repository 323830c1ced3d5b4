/* FULLY_CONNECTED: prepare + eval.
 *
 * Quantization as TFLite Micro (micro/kernels/fully_connected_common.cc
 * CalculateOpDataFullyConnected):
 *  - per-channel weights (more than one scale): for each unit c
 *      effective = (double)input_scale * (double)w_scale[c] / (double)output_scale
 *  - per-tensor weights: GetQuantizedConvolutionMultipler (kernel_util.cc):
 *      effective = (double)(input_scale * w_scale)   <- product rounded to float
 *                  / (double)output_scale
 *    which first requires, when a bias is present,
 *      |(double)input_scale * (double)w_scale - (double)bias_scale| / output_scale <= 0.02
 *    (TFLite refuses the model otherwise; only checked here when the bias
 *    carries quantization, as an unquantized bias has no scale to compare).
 *  - then QuantizeMultiplier and CalculateActivationRangeQuantized.
 * Shapes: input flattened to [batch, in] (batch = elements / in);
 * output [batch, out], or with keep_num_dims the input shape with its last
 * dimension replaced by out (which then requires input dims[-1] == in).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "../kernels/conv_f32.h"
#include "../kernels/dispatch.h"
#include "../kernels/quant.h"
#include "../kernels/ref/fc.h"
#include "../kernels/x86/conv_s8_x86.h"
#include "../kernels/arm/conv_s8_arm.h"
#include "../kernels/cortexm/conv_s8_dsp.h"
#include "../runtime/parallel.h"
#include "ops.h"

typedef struct {
  int32_t is_float;
  int32_t isa;         /* int8 with constant weights: x86 GEMM kernel level, else R50_ISA_REF */
  r50_fc_params k;
  r50_conv_s8_x86 x;   /* the FC as a 1x1 convolution over `batch` pixels */
#if defined(R50_ARM_NEON_KERNELS)
  r50_conv_s8_arm a;   /* the same for the Arm NEON kernels (isa R50_ISA_NEON / NEONDOT) */
#endif
#if defined(R50_CORTEXM_DSP_KERNELS)
  int32_t dsp;         /* int8: the Cortex-M DSP kernel */
#endif
  r50_conv_dsp_tiling dsp_t; /* its tiling and scratch (planned for a Cortex-M plan) */
#if defined(R50_F32_SIMD)
  r50_conv2d_f32_fn f32;     /* float32 SIMD kernel (the FC as a 1x1 conv), or NULL */
  r50_conv_params fc;        /* its geometry: batch pixels of in channels -> out channels */
  const float *f32_packed;   /* r50_conv_f32_pack layout */
#endif
} fc_state;

static r50_status fc_act_type(r50_prep *p, const r50_tensor *t, const char *role) {
  switch (t->type) {
    case R50_DTYPE_FLOAT32:
    case R50_DTYPE_INT8: return R50_OK;
    case R50_DTYPE_UINT8:
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                           "uint8 models not supported yet (%s tensor '%s' is uint8; legacy "
                           "asymmetric uint8 quantization)",
                           role, t->name);
    case R50_DTYPE_INT16:
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "int16 activations not supported (%s tensor '%s')",
                           role, t->name);
    default:
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "%s tensor '%s' has unsupported type %s", role,
                           t->name, r50_dtype_name(t->type));
  }
}

static r50_status fc_act_quant(r50_prep *p, const r50_tensor *t, const char *role) {
  r50_status s = r50_prep_check_quant(p, t, role);
  if (s != R50_OK) return s;
  if (t->q_count != 1)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                         "%s tensor '%s' is quantized per channel; activations must be per-tensor",
                         role, t->name);
  return R50_OK;
}

static r50_status fc_multiplier(r50_prep *p, double m, int32_t ch, int32_t *mult, int32_t *shift) {
  if (!(m >= 0.0) || !isfinite(m))
    return r50_prep_fail(p, R50_ERR_MODEL, "invalid requantization multiplier %g (unit %d)", m,
                         (int)ch);
  r50_quantize_multiplier(m, mult, shift);
  if (*shift > 31)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "requantization multiplier %g (unit %d) is too large",
                         m, (int)ch);
  return R50_OK;
}

static r50_status fc_prepare(r50_prep *p) {
  r50_status s = r50_prep_check_io(p, 2, 3, 1);
  if (s != R50_OK) return s;
  const r50_tensor *in = r50_prep_in(p, 0), *w = r50_prep_in(p, 1), *bias = r50_prep_in(p, 2);
  const r50_tensor *out = r50_prep_out(p, 0);
  const r50_fc_options *o = &p->op->opt.fc;

  if ((s = fc_act_type(p, in, "input")) != R50_OK) return s;
  if ((s = fc_act_type(p, out, "output")) != R50_OK) return s;
  if ((s = r50_prep_check_type(p, out, "output", in->type)) != R50_OK) return s;
  if (in->type == R50_DTYPE_FLOAT32 && w->type == R50_DTYPE_INT8)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                         "hybrid models (float32 input '%s', int8 weights '%s') not supported",
                         in->name, w->name);
  if (w->type == R50_DTYPE_UINT8)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                         "uint8 models not supported yet (weights tensor '%s' is uint8)", w->name);
  if ((s = r50_prep_check_type(p, w, "weights", in->type)) != R50_OK) return s;
  if (o->weights_format != 0)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                         "weights_format %d (shuffled weights) not supported, only DEFAULT",
                         (int)o->weights_format);

  /* shapes */
  if (w->ndim != 2)
    return r50_prep_fail(p, R50_ERR_MODEL, "weights tensor '%s' has %d dims, expected 2 [out, in]",
                         w->name, (int)w->ndim);
  const int32_t units = w->dims[0], depth = w->dims[1];
  if (units < 1 || depth < 1)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "weights tensor '%s' is empty", w->name);
  if (in->ndim < 1 || in->n_elems == 0)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "input tensor '%s' is empty or a scalar", in->name);
  if (in->n_elems % (size_t)depth != 0)
    return r50_prep_fail(p, R50_ERR_MODEL,
                         "input tensor '%s' has %zu elements, not a multiple of the weights' "
                         "depth %d",
                         in->name, in->n_elems, (int)depth);
  const size_t batch = in->n_elems / (size_t)depth;
  if (batch > (size_t)INT32_MAX)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "batch %zu too large", batch);
  int32_t want[R50_MAX_DIMS];
  int32_t want_nd;
  if (o->keep_num_dims) {
    if (in->dims[in->ndim - 1] != depth)
      return r50_prep_fail(p, R50_ERR_MODEL,
                           "keep_num_dims needs the input's last dim (%d) to equal the weights' "
                           "depth %d",
                           (int)in->dims[in->ndim - 1], (int)depth);
    want_nd = in->ndim;
    for (int32_t d = 0; d < in->ndim; d++) want[d] = in->dims[d];
    want[want_nd - 1] = units;
  } else {
    want_nd = 2;
    want[0] = (int32_t)batch;
    want[1] = units;
  }
  if ((s = r50_prep_check_shape(p, out, "output", want_nd, want)) != R50_OK) return s;
  if (bias) {
    if ((s = r50_prep_check_type(p, bias, "bias",
                                 in->type == R50_DTYPE_INT8 ? R50_DTYPE_INT32 : R50_DTYPE_FLOAT32)) !=
        R50_OK)
      return s;
    if (bias->ndim != 1 || bias->dims[0] != units)
      return r50_prep_fail(p, R50_ERR_MODEL,
                           "bias tensor '%s' has %d dims / %zu elements, expected [%d]", bias->name,
                           (int)bias->ndim, bias->n_elems, (int)units);
  }

  fc_state *st = (fc_state *)r50_prep_alloc(p, sizeof *st);
  if (!st) return R50_ERR_ARENA;
  r50_fc_params *k = &st->k;
  k->batch = (int32_t)batch;
  k->in = depth;
  k->out = units;
  st->is_float = in->type == R50_DTYPE_FLOAT32;
  if (st->is_float) {
    if ((s = r50_prep_act_range_f(p, o->activation, &k->act_min_f, &k->act_max_f)) != R50_OK)
      return s;
  } else {
    if ((s = fc_act_quant(p, in, "input")) != R50_OK) return s;
    if ((s = fc_act_quant(p, out, "output")) != R50_OK) return s;
    if (w->q_count < 1)
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "weights tensor '%s' (int8) has no quantization",
                           w->name);
    if (w->q_count != 1 && w->q_count != units)
      return r50_prep_fail(p, R50_ERR_MODEL,
                           "weights tensor '%s' has %d scales, expected 1 or %d (units)", w->name,
                           (int)w->q_count, (int)units);
    if (w->q_count > 1 && w->q_dim != 0)
      return r50_prep_fail(p, R50_ERR_MODEL,
                           "weights tensor '%s' is quantized along dimension %d, expected 0",
                           w->name, (int)w->q_dim);
    for (int32_t i = 0; i < w->q_count; i++) {
      if (!(w->q_scale[i] > 0.0f) || !isfinite(w->q_scale[i]))
        return r50_prep_fail(p, R50_ERR_MODEL, "weights tensor '%s' has invalid scale %g", w->name,
                             (double)w->q_scale[i]);
      if (w->q_zero_point[i] != 0)
        return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                             "weights tensor '%s' has zero point %lld; int8 weights must be "
                             "symmetric (zero point 0)",
                             w->name, (long long)w->q_zero_point[i]);
    }
    int32_t *mult = (int32_t *)r50_prep_alloc(p, (size_t)units * sizeof(int32_t));
    int32_t *shift = mult ? (int32_t *)r50_prep_alloc(p, (size_t)units * sizeof(int32_t)) : NULL;
    if (!shift) return R50_ERR_ARENA;
    const float in_s = in->q_scale[0], out_s = out->q_scale[0];
    if (w->q_count > 1) {
      for (int32_t c = 0; c < units; c++) {
        const double m = (double)in_s * (double)w->q_scale[c] / (double)out_s;
        if ((s = fc_multiplier(p, m, c, &mult[c], &shift[c])) != R50_OK) return s;
      }
    } else {
      const float w_s = w->q_scale[0];
      if (bias && bias->q_count >= 1) {
        const double diff = fabs((double)in_s * (double)w_s - (double)bias->q_scale[0]);
        if (!(diff / (double)out_s <= 0.02))
          return r50_prep_fail(p, R50_ERR_MODEL,
                               "bias scale %g does not match input scale * weights scale %g "
                               "(TFLite requires |difference| / output scale <= 0.02)",
                               (double)bias->q_scale[0], (double)in_s * (double)w_s);
      }
      const float prod = in_s * w_s; /* rounded to float, as TFLite computes it */
      const double m = (double)prod / (double)out_s;
      int32_t m0, s0;
      if ((s = fc_multiplier(p, m, 0, &m0, &s0)) != R50_OK) return s;
      for (int32_t c = 0; c < units; c++) {
        mult[c] = m0;
        shift[c] = s0;
      }
    }
    k->q.input_offset = -(int32_t)in->q_zero_point[0];
    k->q.output_offset = (int32_t)out->q_zero_point[0];
    k->q.out_mult = mult;
    k->q.out_shift = shift;
    if ((s = r50_prep_act_range_q(p, o->activation, out, &k->q.act_min, &k->q.act_max)) != R50_OK)
      return s;
  }
  p->state = st;
  p->scratch_bytes = 0;
#if defined(__x86_64__)
  const r50_isa isa = r50_isa_active();
  if (!st->is_float && isa >= R50_ISA_AVX2 && w->data && (!bias || bias->data)) {
    r50_conv_params c;
    memset(&c, 0, sizeof c);
    c.batch = k->batch;
    c.in_h = c.in_w = c.out_h = c.out_w = 1;
    c.in_c = c.filter_in_c = depth;
    c.out_c = units;
    c.filter_h = c.filter_w = 1;
    c.groups = c.stride_h = c.stride_w = c.dilation_h = c.dilation_w = 1;
    c.q = k->q;
    const int vnni = isa >= R50_ISA_AVX512VNNI, avxvnni = isa == R50_ISA_AVXVNNI;
    void *mem = r50_prep_alloc(p, vnni      ? r50_conv_s8_x86_mem__avx512vnni(&c)
                                  : avxvnni ? r50_conv_s8_x86_mem__avxvnni(&c)
                                            : r50_conv_s8_x86_mem__avx2(&c));
    if (!mem) return R50_ERR_ARENA;
    const int8_t *wd = (const int8_t *)w->data;
    const int32_t *bd = bias ? (const int32_t *)bias->data : NULL;
    p->scratch_bytes = vnni      ? r50_conv_s8_x86_prepare__avx512vnni(&st->x, &c, wd, bd, mem)
                       : avxvnni ? r50_conv_s8_x86_prepare__avxvnni(&st->x, &c, wd, bd, mem)
                                 : r50_conv_s8_x86_prepare__avx2(&st->x, &c, wd, bd, mem);
    st->isa = vnni ? R50_ISA_AVX512VNNI : avxvnni ? R50_ISA_AVXVNNI : R50_ISA_AVX2;
  }
#endif
#if defined(R50_ARM_NEON_KERNELS)
  const r50_isa aisa = r50_isa_active();
  if (!st->is_float && (aisa == R50_ISA_NEON || aisa == R50_ISA_NEONDOT) && w->data &&
      (!bias || bias->data)) {
    r50_conv_params c;
    memset(&c, 0, sizeof c);
    c.batch = k->batch;
    c.in_h = c.in_w = c.out_h = c.out_w = 1;
    c.in_c = c.filter_in_c = depth;
    c.out_c = units;
    c.filter_h = c.filter_w = 1;
    c.groups = c.stride_h = c.stride_w = c.dilation_h = c.dilation_w = 1;
    c.q = k->q;
#if defined(__aarch64__)
    const int dot = aisa == R50_ISA_NEONDOT;
#else
    const int dot = 0;
#endif
    void *mem = r50_prep_alloc(p, dot ? r50_conv_s8_arm_mem__neondot(&c) : r50_conv_s8_arm_mem__neon(&c));
    if (!mem) return R50_ERR_ARENA;
    const int8_t *wd = (const int8_t *)w->data;
    const int32_t *bd = bias ? (const int32_t *)bias->data : NULL;
    p->scratch_bytes = dot ? r50_conv_s8_arm_prepare__neondot(&st->a, &c, wd, bd, mem)
                           : r50_conv_s8_arm_prepare__neon(&st->a, &c, wd, bd, mem);
    st->isa = dot ? R50_ISA_NEONDOT : R50_ISA_NEON;
  }
#endif
#if defined(R50_CORTEXM_DSP_KERNELS)
  st->dsp = !st->is_float;
  const int dsp_on = st->dsp;
#else
  const int dsp_on = 0;
#endif
  /* Cortex-M DSP scratch (conv_s8_dsp.h): declared for a Cortex-M plan even when the
   * reference kernel runs, so the host (r50 codegen) and both firmware builds plan alike. */
  if (!st->is_float && st->isa == R50_ISA_REF && ((p->flags & R50_OPT_CORTEXM) || dsp_on)) {
    r50_fc_s8_dsp_tiling(k, &st->dsp_t);
    p->scratch_bytes = st->dsp_t.bytes;
  }
#if defined(R50_F32_SIMD)
  if (st->is_float && w->data && (!bias || bias->data) && (st->f32 = r50_conv2d_f32_kernel(r50_isa_active()))) {
    r50_conv_params *c = &st->fc;
    memset(c, 0, sizeof *c);
    c->batch = k->batch;
    c->in_h = c->in_w = c->out_h = c->out_w = c->filter_h = c->filter_w = 1;
    c->in_c = c->filter_in_c = k->in;
    c->out_c = k->out;
    c->groups = c->stride_h = c->stride_w = c->dilation_h = c->dilation_w = 1;
    c->act_min_f = k->act_min_f;
    c->act_max_f = k->act_max_f;
    float *pk = r50_prep_alloc(p, r50_conv_f32_packed_floats(k->out, k->in) * sizeof(float));
    if (!pk) return R50_ERR_ARENA;
    r50_conv_f32_pack((const float *)w->data, k->out, k->in, pk);
    st->f32_packed = pk;
  }
#endif
  return R50_OK;
}

static void fc_eval(const r50_op *op, const void *state, void *const *tdata, void *scratch) {
  const fc_state *st = (const fc_state *)state;
  const void *in = tdata[op->inputs[0]], *w = tdata[op->inputs[1]];
  const void *b = op->n_inputs > 2 && op->inputs[2] >= 0 ? tdata[op->inputs[2]] : NULL;
  void *out = tdata[op->outputs[0]];
#if defined(__x86_64__)
  if (st->isa == R50_ISA_AVX512VNNI) {
    r50_conv2d_s8__avx512vnni(&st->x, (const int8_t *)in, (int8_t *)out, scratch,
                              r50_parallel_current());
    return;
  }
  if (st->isa == R50_ISA_AVXVNNI) {
    r50_conv2d_s8__avxvnni(&st->x, (const int8_t *)in, (int8_t *)out, scratch, r50_parallel_current());
    return;
  }
  if (st->isa == R50_ISA_AVX2) {
    r50_conv2d_s8__avx2(&st->x, (const int8_t *)in, (int8_t *)out, scratch, r50_parallel_current());
    return;
  }
#elif defined(R50_ARM_NEON_KERNELS)
#if defined(__aarch64__)
  if (st->isa == R50_ISA_NEONDOT) {
    r50_conv2d_s8__neondot(&st->a, (const int8_t *)in, (int8_t *)out, scratch, r50_parallel_current());
    return;
  }
#endif
  if (st->isa == R50_ISA_NEON) {
    r50_conv2d_s8__neon(&st->a, (const int8_t *)in, (int8_t *)out, scratch, r50_parallel_current());
    return;
  }
#else
  (void)scratch;
#endif
#if defined(R50_CORTEXM_DSP_KERNELS)
  if (st->dsp) {
    r50_fc_s8_dsp(&st->k, &st->dsp_t, (const int8_t *)in, (const int8_t *)w, (const int32_t *)b,
                  (int8_t *)out, scratch);
    return;
  }
#endif
#if defined(R50_F32_SIMD)
  if (st->f32) {
    st->f32(&st->fc, (const float *)in, st->f32_packed, (const float *)b, (float *)out, r50_parallel_current());
    return;
  }
#endif
  if (st->is_float)
    r50_fc_f32_ref(&st->k, (const float *)in, (const float *)w, (const float *)b, (float *)out);
  else
    r50_fc_s8_ref(&st->k, (const int8_t *)in, (const int8_t *)w, (const int32_t *)b, (int8_t *)out);
}

const r50_op_impl r50_op_fully_connected = {R50_OP_FULLY_CONNECTED, fc_prepare, fc_eval};

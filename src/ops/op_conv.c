/* CONV_2D and DEPTHWISE_CONV_2D: prepare (validation, TFLite Micro's
 * quantization parameters) and eval (calls the reference kernels).
 *
 * Quantization as TFLite Micro (micro/kernels/conv_common.cc,
 * depthwise_conv_common.cc -> kernel_util.cc PopulateConvolutionQuantizationParams):
 * for every output channel c (per-tensor weights broadcast scale[0])
 *   effective = (double)input_scale * (double)filter_scale[c] / (double)output_scale
 *   (mult[c], shift[c]) = QuantizeMultiplier(effective)
 * and the activation range from CalculateActivationRangeQuantized. Padding from
 * ComputePaddingHeightWidth (kernels/padding.h) with dilation.
 */
#include <math.h>
#include <stdint.h>

#include "../kernels/conv_f32.h"
#include "../kernels/dispatch.h"
#include "../kernels/quant.h"
#include "../kernels/ref/conv.h"
#include "../kernels/ref/dwconv.h"
#include "../kernels/x86/conv_s8_x86.h"
#include "../kernels/x86/dwconv_s8_x86.h"
#include "../kernels/arm/conv_s8_arm.h"
#include "../kernels/arm/dwconv_s8_arm.h"
#include "../kernels/cortexm/conv_s8_dsp.h"
#include "../kernels/cortexm/dwconv_s8_dsp.h"
#include "../runtime/parallel.h"
#include "ops.h"

/* Which int8 kernel conv_eval calls (chosen once in prepare from r50_isa_active). */
enum { CONV_REF = 0, CONV_AVX2 = 1, CONV_AVX512VNNI = 2, CONV_NEON = 3, CONV_NEONDOT = 4, CONV_DSP = 5,
       CONV_AVXVNNI = 6 };

typedef struct {
  int32_t is_float;
  int32_t kernel;       /* CONV_*; the x86 kernels need constant weights/bias and groups == 1 */
  r50_conv_params k;
  r50_conv_s8_x86 x;    /* packed weights + params for the x86 kernels */
#if defined(R50_F32_SIMD)
  r50_conv2d_f32_fn f32;      /* float32 SIMD kernel (bit-identical to the reference), or NULL */
  const float *f32_packed;    /* its weights, r50_conv_f32_pack layout */
#endif
  r50_rowmap rows;      /* streamed execution (batch 1) */
  r50_conv_dsp_tiling dsp, dsp_band; /* Cortex-M DSP kernel's tilings (whole layer, bands) */
  int32_t band_mc;      /* x86: rows gathered per chunk in band calls (smaller scratch) */
#if defined(R50_ARM_NEON_KERNELS)
  r50_conv_s8_arm a;    /* packed weights + params for the Arm NEON kernels */
#endif
} conv_state;

typedef struct {
  int32_t is_float;
  r50_dwconv_params k;
  r50_rowmap rows;
  int32_t neon;         /* int8, depth multiplier 1, level neon/neondot: the Arm NEON kernel */
#if defined(__x86_64__)
  int32_t x86;          /* CONV_AVX2 / CONV_AVX512VNNI: int8, depth multiplier 1, constant weights */
  r50_dwconv_s8_x86 xd; /* its packed weights and constants */
#endif
#if defined(R50_CORTEXM_DSP_DWCONV)
  int32_t dsp;          /* int8, depth multiplier 1: the Cortex-M DSP kernel */
#endif
} dwconv_state;

/* ---- shared validation helpers (also used in spirit by op_fc.c) ---- */

/* Activation tensor type gate with the messages users need to see. */
static r50_status act_type(r50_prep *p, const r50_tensor *t, const char *role) {
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

/* Weights type must match the activation type: float/float or int8/int8. */
static r50_status weights_type(r50_prep *p, const r50_tensor *in, const r50_tensor *w) {
  if (in->type == R50_DTYPE_FLOAT32 && w->type == R50_DTYPE_INT8)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                         "hybrid models (float32 input '%s', int8 weights '%s') not supported",
                         in->name, w->name);
  if (w->type == R50_DTYPE_UINT8)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                         "uint8 models not supported yet (weights tensor '%s' is uint8)", w->name);
  return r50_prep_check_type(p, w, "weights", in->type);
}

/* Per-tensor int8 activation quantization (one scale, zero point in range). */
static r50_status act_quant(r50_prep *p, const r50_tensor *t, const char *role) {
  r50_status s = r50_prep_check_quant(p, t, role);
  if (s != R50_OK) return s;
  if (t->q_count != 1)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                         "%s tensor '%s' is quantized per channel (%d scales); activations must "
                         "be per-tensor",
                         role, t->name, (int)t->q_count);
  return R50_OK;
}

/* int8 weights: 1 scale or one per output channel along dimension qdim, all
 * scales positive and finite, all zero points 0 (TFLite's int8 spec: weights
 * are symmetric; the per-channel reference kernels ignore the zero point). */
static r50_status weights_quant(r50_prep *p, const r50_tensor *w, int32_t n_ch, int32_t qdim) {
  if (w->q_count < 1)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "weights tensor '%s' (int8) has no quantization",
                         w->name);
  if (w->q_count != 1 && w->q_count != n_ch)
    return r50_prep_fail(p, R50_ERR_MODEL,
                         "weights tensor '%s' has %d scales, expected 1 or %d (output channels)",
                         w->name, (int)w->q_count, (int)n_ch);
  if (w->q_count > 1 && w->q_dim != qdim)
    return r50_prep_fail(p, R50_ERR_MODEL,
                         "weights tensor '%s' is quantized along dimension %d, expected %d",
                         w->name, (int)w->q_dim, (int)qdim);
  for (int32_t i = 0; i < w->q_count; i++) {
    const float sc = w->q_scale[i];
    if (!(sc > 0.0f) || !isfinite(sc))
      return r50_prep_fail(p, R50_ERR_MODEL, "weights tensor '%s' has invalid scale %g (channel %d)",
                           w->name, (double)sc, (int)i);
    if (w->q_zero_point[i] != 0)
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                           "weights tensor '%s' has zero point %lld (channel %d); int8 weights "
                           "must be symmetric (zero point 0)",
                           w->name, (long long)w->q_zero_point[i], (int)i);
  }
  return R50_OK;
}

/* Bias: optional, shape [n], int32 for int8 ops and float32 for float ops. */
static r50_status bias_check(r50_prep *p, const r50_tensor *b, const r50_tensor *in, int32_t n) {
  if (!b) return R50_OK;
  r50_status s =
      r50_prep_check_type(p, b, "bias", in->type == R50_DTYPE_INT8 ? R50_DTYPE_INT32 : R50_DTYPE_FLOAT32);
  if (s != R50_OK) return s;
  if (b->ndim != 1 || b->dims[0] != n)
    return r50_prep_fail(p, R50_ERR_MODEL, "bias tensor '%s' has %d dims / %lld elements, expected [%d]",
                         b->name, (int)b->ndim, (long long)b->n_elems, (int)n);
  return R50_OK;
}

/* TFLite QuantizeMultiplier of a real multiplier, refusing values the fixed
 * point pipeline cannot represent (non-finite, or a left shift >= 32). */
static r50_status multiplier(r50_prep *p, double m, int32_t ch, int32_t *mult, int32_t *shift) {
  if (!(m >= 0.0) || !isfinite(m))
    return r50_prep_fail(p, R50_ERR_MODEL, "invalid requantization multiplier %g (channel %d)", m,
                         (int)ch);
  r50_quantize_multiplier(m, mult, shift);
  if (*shift > 31)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                         "requantization multiplier %g (channel %d) is too large", m, (int)ch);
  return R50_OK;
}

/* Options and geometry shared by both convolutions: validates the options,
 * computes the output size like TFLite and the top/left padding. */
static r50_status geometry(r50_prep *p, const r50_conv_options *o, int32_t in_h, int32_t in_w,
                           int32_t fh, int32_t fw, int32_t *out_h, int32_t *out_w, int32_t *pad_t,
                           int32_t *pad_l) {
  if (o->padding != R50_PAD_SAME && o->padding != R50_PAD_VALID)
    return r50_prep_fail(p, R50_ERR_MODEL, "unknown padding type %d", (int)o->padding);
  if (o->stride_h < 1 || o->stride_w < 1)
    return r50_prep_fail(p, R50_ERR_MODEL, "strides (%d, %d) must be >= 1", (int)o->stride_h,
                         (int)o->stride_w);
  if (o->dilation_h < 1 || o->dilation_w < 1)
    return r50_prep_fail(p, R50_ERR_MODEL, "dilations (%d, %d) must be >= 1", (int)o->dilation_h,
                         (int)o->dilation_w);
  const int64_t oh = r50_tfl_out_size(o->padding, in_h, fh, o->stride_h, o->dilation_h);
  const int64_t ow = r50_tfl_out_size(o->padding, in_w, fw, o->stride_w, o->dilation_w);
  if (oh < 1 || ow < 1)
    return r50_prep_fail(p, R50_ERR_MODEL,
                         "the %dx%d filter (dilation %d, %d) does not fit the %dx%d input with "
                         "VALID padding",
                         (int)fh, (int)fw, (int)o->dilation_h, (int)o->dilation_w, (int)in_h,
                         (int)in_w);
  const int64_t pt = r50_tfl_padding(o->stride_h, o->dilation_h, in_h, fh, oh, NULL);
  const int64_t pl = r50_tfl_padding(o->stride_w, o->dilation_w, in_w, fw, ow, NULL);
  /* Keep every window coordinate the kernels form (int32) far from overflow. */
  const int64_t lim = INT32_MAX / 4;
  const int64_t span_h = (oh - 1) * o->stride_h + ((int64_t)fh - 1) * o->dilation_h + 1;
  const int64_t span_w = (ow - 1) * o->stride_w + ((int64_t)fw - 1) * o->dilation_w + 1;
  if (oh > lim || ow > lim || span_h > lim || span_w > lim || pt > lim || pl > lim)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "window geometry too large (stride/dilation/filter)");
  *out_h = (int32_t)oh;
  *out_w = (int32_t)ow;
  *pad_t = (int32_t)pt;
  *pad_l = (int32_t)pl;
  return R50_OK;
}

/* Everything common to CONV_2D and DEPTHWISE_CONV_2D after the shapes are
 * known: bias, quantization, activation; fills q / act_*_f. */
static r50_status quant_and_act(r50_prep *p, const r50_tensor *in, const r50_tensor *w,
                                const r50_tensor *bias, const r50_tensor *out, int32_t out_c,
                                int32_t qdim, int32_t act, r50_requant_s8 *q, float *act_lo,
                                float *act_hi) {
  r50_status s = bias_check(p, bias, in, out_c);
  if (s != R50_OK) return s;
  if (in->type == R50_DTYPE_FLOAT32) return r50_prep_act_range_f(p, act, act_lo, act_hi);
  if ((s = act_quant(p, in, "input")) != R50_OK) return s;
  if ((s = act_quant(p, out, "output")) != R50_OK) return s;
  if ((s = weights_quant(p, w, out_c, qdim)) != R50_OK) return s;
  int32_t *mult = (int32_t *)r50_prep_alloc(p, (size_t)out_c * sizeof(int32_t));
  int32_t *shift = mult ? (int32_t *)r50_prep_alloc(p, (size_t)out_c * sizeof(int32_t)) : NULL;
  if (!shift) return R50_ERR_ARENA;
  const double in_s = (double)in->q_scale[0], out_s = (double)out->q_scale[0];
  for (int32_t c = 0; c < out_c; c++) {
    const double f_s = (double)w->q_scale[w->q_count > 1 ? c : 0];
    if ((s = multiplier(p, in_s * f_s / out_s, c, &mult[c], &shift[c])) != R50_OK) return s;
  }
  q->input_offset = -(int32_t)in->q_zero_point[0];
  q->output_offset = (int32_t)out->q_zero_point[0];
  q->out_mult = mult;
  q->out_shift = shift;
  return r50_prep_act_range_q(p, act, out, &q->act_min, &q->act_max);
}

/* Input/filter/output presence, types and ranks. */
static r50_status io_common(r50_prep *p, const r50_tensor **in, const r50_tensor **w,
                            const r50_tensor **bias, const r50_tensor **out) {
  r50_status s = r50_prep_check_io(p, 2, 3, 1);
  if (s != R50_OK) return s;
  *in = r50_prep_in(p, 0);
  *w = r50_prep_in(p, 1);
  *bias = r50_prep_in(p, 2);
  *out = r50_prep_out(p, 0);
  if ((s = act_type(p, *in, "input")) != R50_OK) return s;
  if ((s = act_type(p, *out, "output")) != R50_OK) return s;
  if ((s = r50_prep_check_type(p, *out, "output", (*in)->type)) != R50_OK) return s;
  if ((s = weights_type(p, *in, *w)) != R50_OK) return s;
  if ((*in)->ndim != 4)
    return r50_prep_fail(p, R50_ERR_MODEL, "input tensor '%s' has %d dims, expected 4 (NHWC)",
                         (*in)->name, (int)(*in)->ndim);
  if ((*w)->ndim != 4)
    return r50_prep_fail(p, R50_ERR_MODEL, "weights tensor '%s' has %d dims, expected 4",
                         (*w)->name, (int)(*w)->ndim);
  /* one filter (all taps of one output channel) must be indexable in int32 */
  if ((int64_t)(*w)->dims[1] * (*w)->dims[2] * (*w)->dims[3] > INT32_MAX / 2)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "weights tensor '%s': filter too large",
                         (*w)->name);
  for (int32_t d = 0; d < 4; d++) {
    if ((*in)->dims[d] < 1)
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "input tensor '%s' is empty", (*in)->name);
    if ((*w)->dims[d] < 1)
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "weights tensor '%s' is empty", (*w)->name);
  }
  return R50_OK;
}

/* ---- CONV_2D ---- */

static void conv_eval_rows(const r50_op *op, const void *state, void *const *tdata, void *scratch,
                           int32_t y0, int32_t y1);
static void set_rows(r50_prep *p, r50_rowmap *rm, r50_op_eval_rows_fn fn, int32_t batch,
                     int32_t stride_h, int32_t pad_top, int32_t filter_h, int32_t dilation_h);

static r50_status conv_prepare(r50_prep *p) {
  const r50_tensor *in, *w, *bias, *out;
  r50_status s = io_common(p, &in, &w, &bias, &out);
  if (s != R50_OK) return s;
  const r50_conv_options *o = &p->op->opt.conv;
  conv_state *st = (conv_state *)r50_prep_alloc(p, sizeof *st);
  if (!st) return R50_ERR_ARENA;
  r50_conv_params *k = &st->k;
  k->batch = in->dims[0];
  k->in_h = in->dims[1];
  k->in_w = in->dims[2];
  k->in_c = in->dims[3];
  k->out_c = w->dims[0];
  k->filter_h = w->dims[1];
  k->filter_w = w->dims[2];
  k->filter_in_c = w->dims[3];
  if (k->in_c % k->filter_in_c != 0)
    return r50_prep_fail(p, R50_ERR_MODEL,
                         "input has %d channels, not a multiple of the filter's %d input channels",
                         (int)k->in_c, (int)k->filter_in_c);
  k->groups = k->in_c / k->filter_in_c;
  if (k->out_c % k->groups != 0)
    return r50_prep_fail(p, R50_ERR_MODEL, "%d output channels do not split into %d groups",
                         (int)k->out_c, (int)k->groups);
  k->stride_h = o->stride_h;
  k->stride_w = o->stride_w;
  k->dilation_h = o->dilation_h;
  k->dilation_w = o->dilation_w;
  if ((s = geometry(p, o, k->in_h, k->in_w, k->filter_h, k->filter_w, &k->out_h, &k->out_w,
                    &k->pad_top, &k->pad_left)) != R50_OK)
    return s;
  const int32_t want[4] = {k->batch, k->out_h, k->out_w, k->out_c};
  if ((s = r50_prep_check_shape(p, out, "output", 4, want)) != R50_OK) return s;
  st->is_float = in->type == R50_DTYPE_FLOAT32;
  if ((s = quant_and_act(p, in, w, bias, out, k->out_c, 0, o->activation, &k->q, &k->act_min_f,
                         &k->act_max_f)) != R50_OK)
    return s;
  p->state = st;
  p->scratch_bytes = 0;
#if defined(__x86_64__)
  const r50_isa isa = r50_isa_active();
  if (!st->is_float && isa >= R50_ISA_AVX2 && k->groups == 1 && w->data &&
      (!bias || bias->data)) {
    const int vnni = isa >= R50_ISA_AVX512VNNI, avxvnni = isa == R50_ISA_AVXVNNI;
    const size_t bytes = vnni      ? r50_conv_s8_x86_mem__avx512vnni(k)
                         : avxvnni ? r50_conv_s8_x86_mem__avxvnni(k)
                                   : r50_conv_s8_x86_mem__avx2(k);
    void *mem = r50_prep_alloc(p, bytes);
    if (!mem) return R50_ERR_ARENA;
    const int8_t *wd = (const int8_t *)w->data;
    const int32_t *bd = bias ? (const int32_t *)bias->data : NULL;
    p->scratch_bytes = vnni      ? r50_conv_s8_x86_prepare__avx512vnni(&st->x, k, wd, bd, mem)
                       : avxvnni ? r50_conv_s8_x86_prepare__avxvnni(&st->x, k, wd, bd, mem)
                                 : r50_conv_s8_x86_prepare__avx2(&st->x, k, wd, bd, mem);
    st->kernel = vnni ? CONV_AVX512VNNI : avxvnni ? CONV_AVXVNNI : CONV_AVX2;
  }
#endif
#if defined(R50_ARM_NEON_KERNELS)
  const r50_isa aisa = r50_isa_active();
  if (!st->is_float && (aisa == R50_ISA_NEON || aisa == R50_ISA_NEONDOT) && k->groups == 1 &&
      w->data && (!bias || bias->data)) {
#if defined(__aarch64__)
    const int dot = aisa == R50_ISA_NEONDOT;
#else
    const int dot = 0; /* 32-bit Arm: no SDOT level */
#endif
    const size_t bytes = dot ? r50_conv_s8_arm_mem__neondot(k) : r50_conv_s8_arm_mem__neon(k);
    void *mem = r50_prep_alloc(p, bytes);
    if (!mem) return R50_ERR_ARENA;
    const int8_t *wd = (const int8_t *)w->data;
    const int32_t *bd = bias ? (const int32_t *)bias->data : NULL;
    p->scratch_bytes = dot ? r50_conv_s8_arm_prepare__neondot(&st->a, k, wd, bd, mem)
                           : r50_conv_s8_arm_prepare__neon(&st->a, k, wd, bd, mem);
    st->kernel = dot ? CONV_NEONDOT : CONV_NEON;
  }
#endif
#if defined(R50_F32_SIMD)
  /* float32, constant weights: packed once for the SIMD kernel */
  if (st->is_float && k->groups == 1 && w->data && (!bias || bias->data) &&
      (st->f32 = r50_conv2d_f32_kernel(r50_isa_active())) != NULL) {
    const int32_t kd = k->filter_h * k->filter_w * k->filter_in_c;
    float *pk = r50_prep_alloc(p, r50_conv_f32_packed_floats(k->out_c, kd) * sizeof(float));
    if (!pk) return R50_ERR_ARENA;
    r50_conv_f32_pack((const float *)w->data, k->out_c, kd, pk);
    st->f32_packed = pk;
  }
#endif
#if defined(R50_CORTEXM_DSP_KERNELS)
  if (!st->is_float && k->groups == 1) st->kernel = CONV_DSP;
#endif
  /* Cortex-M DSP scratch (int16 operands, conv_s8_dsp.h): declared for a Cortex-M plan even
   * when the reference kernel runs, so the host (r50 codegen) and both firmware builds
   * plan alike; a band needs no more than the whole layer. */
  const int dsp_plan = !st->is_float && k->groups == 1 &&
                       (st->kernel == CONV_REF || st->kernel == CONV_DSP) &&
                       ((p->flags & R50_OPT_CORTEXM) || st->kernel == CONV_DSP);
  if (dsp_plan) {
    r50_conv2d_s8_dsp_tiling(k, &st->dsp);
    p->scratch_bytes = st->dsp.bytes;
  }
  set_rows(p, &st->rows, conv_eval_rows, k->batch, k->stride_h, k->pad_top, k->filter_h,
           k->dilation_h);
  if (dsp_plan) {
    r50_conv2d_s8_dsp_band_tiling(k, &st->dsp_band);
    if (st->dsp_band.bytes > st->dsp.bytes) st->dsp_band = st->dsp; /* a band needs no more */
    st->rows.scratch_bytes = st->dsp_band.bytes;
    p->rows.scratch_bytes = st->dsp_band.bytes;
  }
#if defined(R50_ARM_NEON_KERNELS)
  if (st->kernel != CONV_REF && p->scratch_bytes) {
    /* Bands gather at most one output row's pixels (rounded to the tile height) per chunk. */
    const int32_t mr = st->kernel == CONV_NEONDOT ? R50_ARM_MR_NEONDOT : R50_ARM_MR_NEON;
    const int32_t row = (k->out_w + mr - 1) / mr * mr;
    st->band_mc = st->a.mc < row ? st->a.mc : row;
    st->rows.scratch_bytes = (size_t)st->band_mc * (size_t)st->a.Kp;
    p->rows.scratch_bytes = st->rows.scratch_bytes;
  }
#endif
#if defined(__x86_64__)
  if (st->kernel != CONV_REF && p->scratch_bytes) {
    /* Bands gather at most one output row's pixels per chunk (MR = 6 rows). */
    const int32_t mc = st->x.mc < (k->out_w + 5) / 6 * 6 ? st->x.mc : (k->out_w + 5) / 6 * 6;
    st->band_mc = mc;
    st->rows.scratch_bytes = (size_t)mc * (size_t)st->x.Kp * (st->kernel == CONV_AVX2 ? 2u : 1u);
    p->rows.scratch_bytes = st->rows.scratch_bytes;
  }
#endif
  return R50_OK;
}

static const void *opt_input(const r50_op *op, void *const *tdata, int32_t i) {
  return i < op->n_inputs && op->inputs[i] >= 0 ? tdata[op->inputs[i]] : NULL;
}

/* Whole output, or (rows != NULL) output rows [y0, y1) of a batch-1 tensor
 * with the input view starting at r50_rowmap_lo(y0): the same kernels with
 * the band's geometry (r50_rowband). */
static void conv_run(const r50_op *op, const conv_state *st, void *const *tdata, void *scratch,
                     const r50_rowmap *rows, int32_t y0, int32_t y1) {
  const void *in = tdata[op->inputs[0]], *w = tdata[op->inputs[1]], *b = opt_input(op, tdata, 2);
  void *out = tdata[op->outputs[0]];
#if defined(__x86_64__)
  if (st->kernel == CONV_AVX512VNNI || st->kernel == CONV_AVXVNNI || st->kernel == CONV_AVX2) {
    r50_conv_s8_x86 x = st->x;
    if (rows) {
      r50_rowband(rows, y0, y1, &x.p.in_h, &x.p.out_h, &x.p.pad_top);
      x.M = x.p.batch * x.p.out_h * x.p.out_w;
      if (st->band_mc) x.mc = st->band_mc;
    }
    if (st->kernel == CONV_AVX512VNNI)
      r50_conv2d_s8__avx512vnni(&x, (const int8_t *)in, (int8_t *)out, scratch,
                                r50_parallel_current());
    else if (st->kernel == CONV_AVXVNNI)
      r50_conv2d_s8__avxvnni(&x, (const int8_t *)in, (int8_t *)out, scratch, r50_parallel_current());
    else
      r50_conv2d_s8__avx2(&x, (const int8_t *)in, (int8_t *)out, scratch, r50_parallel_current());
    return;
  }
#elif defined(R50_ARM_NEON_KERNELS)
  if (st->kernel == CONV_NEON || st->kernel == CONV_NEONDOT) {
    r50_conv_s8_arm a = st->a;
    if (rows) {
      r50_rowband(rows, y0, y1, &a.p.in_h, &a.p.out_h, &a.p.pad_top);
      a.M = a.p.batch * a.p.out_h * a.p.out_w;
      if (st->band_mc) a.mc = st->band_mc;
    }
#if defined(__aarch64__)
    if (st->kernel == CONV_NEONDOT) {
      r50_conv2d_s8__neondot(&a, (const int8_t *)in, (int8_t *)out, scratch, r50_parallel_current());
      return;
    }
#endif
    r50_conv2d_s8__neon(&a, (const int8_t *)in, (int8_t *)out, scratch, r50_parallel_current());
    return;
  }
#else
  (void)scratch;
#endif
  r50_conv_params k = st->k;
  if (rows) r50_rowband(rows, y0, y1, &k.in_h, &k.out_h, &k.pad_top);
#if defined(R50_CORTEXM_DSP_KERNELS)
  if (st->kernel == CONV_DSP) {
    r50_conv2d_s8_dsp(&k, rows ? &st->dsp_band : &st->dsp, (const int8_t *)in, (const int8_t *)w, (const int32_t *)b,
                      (int8_t *)out, scratch);
    return;
  }
#endif
#if defined(R50_F32_SIMD)
  if (st->f32) {
    st->f32(&k, (const float *)in, st->f32_packed, (const float *)b, (float *)out, r50_parallel_current());
    return;
  }
#endif
  if (st->is_float)
    r50_conv2d_f32_ref(&k, (const float *)in, (const float *)w, (const float *)b, (float *)out);
  else
    r50_conv2d_s8_ref(&k, (const int8_t *)in, (const int8_t *)w, (const int32_t *)b,
                      (int8_t *)out);
}

static void conv_eval(const r50_op *op, const void *state, void *const *tdata, void *scratch) {
  conv_run(op, (const conv_state *)state, tdata, scratch, NULL, 0, 0);
}

static void conv_eval_rows(const r50_op *op, const void *state, void *const *tdata, void *scratch,
                           int32_t y0, int32_t y1) {
  const conv_state *st = (const conv_state *)state;
  conv_run(op, st, tdata, scratch, &st->rows, y0, y1);
}

/* Row map of a batch-1 conv / depthwise conv (vertical geometry). */
static void set_rows(r50_prep *p, r50_rowmap *rm, r50_op_eval_rows_fn fn, int32_t batch,
                     int32_t stride_h, int32_t pad_top, int32_t filter_h, int32_t dilation_h) {
  if (batch != 1) return;
  rm->eval_rows = fn;
  rm->stride = stride_h;
  rm->pad = pad_top;
  rm->window = (filter_h - 1) * dilation_h + 1;
  rm->spatial = 1u; /* input 0; weights and bias are read whole */
  p->rows = *rm;
}

/* ---- DEPTHWISE_CONV_2D ---- */

static void dwconv_eval_rows(const r50_op *op, const void *state, void *const *tdata,
                             void *scratch, int32_t y0, int32_t y1);

static r50_status dwconv_prepare(r50_prep *p) {
  const r50_tensor *in, *w, *bias, *out;
  r50_status s = io_common(p, &in, &w, &bias, &out);
  if (s != R50_OK) return s;
  const r50_conv_options *o = &p->op->opt.conv;
  dwconv_state *st = (dwconv_state *)r50_prep_alloc(p, sizeof *st);
  if (!st) return R50_ERR_ARENA;
  r50_dwconv_params *k = &st->k;
  k->batch = in->dims[0];
  k->in_h = in->dims[1];
  k->in_w = in->dims[2];
  k->in_c = in->dims[3];
  if (w->dims[0] != 1)
    return r50_prep_fail(p, R50_ERR_MODEL, "depthwise weights '%s' have dim 0 = %d, expected 1",
                         w->name, (int)w->dims[0]);
  k->filter_h = w->dims[1];
  k->filter_w = w->dims[2];
  k->out_c = w->dims[3];
  if (k->out_c % k->in_c != 0)
    return r50_prep_fail(p, R50_ERR_MODEL,
                         "depthwise weights have %d channels, not a multiple of the %d input "
                         "channels",
                         (int)k->out_c, (int)k->in_c);
  k->depth_multiplier = k->out_c / k->in_c;
  if (o->depth_multiplier < 0 ||
      (o->depth_multiplier != 0 && o->depth_multiplier != k->depth_multiplier))
    return r50_prep_fail(p, R50_ERR_MODEL,
                         "depth_multiplier option %d is inconsistent with %d input and %d output "
                         "channels",
                         (int)o->depth_multiplier, (int)k->in_c, (int)k->out_c);
  k->stride_h = o->stride_h;
  k->stride_w = o->stride_w;
  k->dilation_h = o->dilation_h;
  k->dilation_w = o->dilation_w;
  if ((s = geometry(p, o, k->in_h, k->in_w, k->filter_h, k->filter_w, &k->out_h, &k->out_w,
                    &k->pad_top, &k->pad_left)) != R50_OK)
    return s;
  const int32_t want[4] = {k->batch, k->out_h, k->out_w, k->out_c};
  if ((s = r50_prep_check_shape(p, out, "output", 4, want)) != R50_OK) return s;
  st->is_float = in->type == R50_DTYPE_FLOAT32;
  /* depthwise weights are quantized along dimension 3 (the channel dim) */
  if ((s = quant_and_act(p, in, w, bias, out, k->out_c, 3, o->activation, &k->q, &k->act_min_f,
                         &k->act_max_f)) != R50_OK)
    return s;
  p->state = st;
  p->scratch_bytes = r50_dwconv_scratch_bytes(k);
#if defined(R50_ARM_NEON_KERNELS)
  {
    const r50_isa dw_isa = r50_isa_active();
    st->neon = !st->is_float && k->depth_multiplier == 1 &&
               (dw_isa == R50_ISA_NEON || dw_isa == R50_ISA_NEONDOT);
  }
#endif
#if defined(R50_CORTEXM_DSP_DWCONV)
  st->dsp = !st->is_float && k->depth_multiplier == 1;
#endif
#if defined(__x86_64__)
  {
    /* avx2 and avxvnni (nothing for VNNI to add) run the AVX2 kernel */
    const r50_isa xisa = r50_isa_active();
    st->x86 = 0;
    if (!st->is_float && xisa >= R50_ISA_AVX2 && r50_dwconv_s8_x86_ok(k) && w->data &&
        (!bias || bias->data)) {
      const int v5 = xisa >= R50_ISA_AVX512VNNI;
      void *mem = r50_prep_alloc(p, v5 ? r50_dwconv_s8_x86_mem__avx512vnni(k)
                                       : r50_dwconv_s8_x86_mem__avx2(k));
      if (!mem) return R50_ERR_ARENA;
      const int8_t *wd = (const int8_t *)w->data;
      const int32_t *bd = bias ? (const int32_t *)bias->data : NULL;
      if (v5)
        r50_dwconv_s8_x86_prepare__avx512vnni(&st->xd, k, wd, bd, mem);
      else
        r50_dwconv_s8_x86_prepare__avx2(&st->xd, k, wd, bd, mem);
      st->x86 = v5 ? CONV_AVX512VNNI : CONV_AVX2;
      p->scratch_bytes = 0;
    }
  }
#endif
  set_rows(p, &st->rows, dwconv_eval_rows, k->batch, k->stride_h, k->pad_top, k->filter_h,
           k->dilation_h);
  st->rows.scratch_bytes = p->scratch_bytes;
  p->rows.scratch_bytes = p->scratch_bytes;
  return R50_OK;
}

static void dwconv_run(const r50_op *op, const dwconv_state *st, void *const *tdata, void *scratch,
                       const r50_rowmap *rows, int32_t y0, int32_t y1) {
  const void *in = tdata[op->inputs[0]], *w = tdata[op->inputs[1]], *b = opt_input(op, tdata, 2);
  void *out = tdata[op->outputs[0]];
  r50_dwconv_params k = st->k;
  if (rows) r50_rowband(rows, y0, y1, &k.in_h, &k.out_h, &k.pad_top);
#if defined(__x86_64__)
  if (st->x86 == CONV_AVX512VNNI) {
    r50_dwconv2d_s8__avx512vnni(&st->xd, &k, (const int8_t *)in, (int8_t *)out,
                                r50_parallel_current());
    return;
  }
  if (st->x86 == CONV_AVX2) {
    r50_dwconv2d_s8__avx2(&st->xd, &k, (const int8_t *)in, (int8_t *)out, r50_parallel_current());
    return;
  }
#endif
#if defined(R50_ARM_NEON_KERNELS)
  if (st->neon) {
    r50_dwconv2d_s8__neon(&k, (const int8_t *)in, (const int8_t *)w, (const int32_t *)b,
                          (int8_t *)out, r50_parallel_current());
    return;
  }
#endif
#if defined(R50_CORTEXM_DSP_DWCONV)
  if (st->dsp) {
    r50_dwconv2d_s8_dsp(&k, (const int8_t *)in, (const int8_t *)w, (const int32_t *)b,
                        (int8_t *)out);
    return;
  }
#endif
  if (st->is_float)
    r50_dwconv2d_f32_ref(&k, (const float *)in, (const float *)w, (const float *)b, (float *)out,
                         scratch);
  else
    r50_dwconv2d_s8_ref(&k, (const int8_t *)in, (const int8_t *)w, (const int32_t *)b,
                        (int8_t *)out, scratch);
}

static void dwconv_eval(const r50_op *op, const void *state, void *const *tdata, void *scratch) {
  dwconv_run(op, (const dwconv_state *)state, tdata, scratch, NULL, 0, 0);
}

static void dwconv_eval_rows(const r50_op *op, const void *state, void *const *tdata,
                             void *scratch, int32_t y0, int32_t y1) {
  const dwconv_state *st = (const dwconv_state *)state;
  dwconv_run(op, st, tdata, scratch, &st->rows, y0, y1);
}

const r50_op_impl r50_op_conv_2d = {R50_OP_CONV_2D, conv_prepare, conv_eval};
const r50_op_impl r50_op_depthwise_conv_2d = {R50_OP_DEPTHWISE_CONV_2D, dwconv_prepare, dwconv_eval};

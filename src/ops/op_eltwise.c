/* ADD, SUB, MUL: int8 and float32, fused activation, NumPy broadcasting up to
 * 6 dims. Quantized parameters follow TFLite Micro exactly:
 *  - ADD (add_common.cc): left_shift 20; twice_max_input_scale =
 *    2 * (double)max(s1, s2); real_in_i = (double)s_i / twice_max;
 *    real_out = twice_max / ((1 << 20) * (double)s_out); all through
 *    QuantizeMultiplierSmallerThanOneExp (must be in (0, 1)).
 *  - SUB (sub_common.cc): the same formulas evaluated in *float*
 *    (twice_max = 2 * max(s1, s2) as float, each ratio a float division, then
 *    widened to double).
 *  - MUL (mul_common.cc): real = (double)s1 * (double)s2 / (double)s_out,
 *    QuantizeMultiplier (any shift).
 * uint8 / int16 arithmetic is refused. */
#include <stdio.h>
#include <math.h>
#include <string.h>

#include "../kernels/dispatch.h"
#include "../kernels/quant.h"
#include "../kernels/ref/eltwise.h"
#include "../kernels/x86/eltwise_s8_x86.h"
#include "../kernels/arm/eltwise_s8_arm.h"
#include "../kernels/arm/conv_s8_arm.h" /* R50_ARM_NEON_KERNELS */
#include "../kernels/cortexm/eltwise_s8_dsp.h" /* R50_CORTEXM_DSP_ELTWISE */
#include "../runtime/parallel.h"
#include "ops.h"

enum { K_ADD, K_SUB, K_MUL };

typedef struct {
  int32_t kind;  /* K_ADD, K_SUB, K_MUL */
  int32_t dtype; /* R50_DTYPE_INT8 or R50_DTYPE_FLOAT32 */
  int32_t isa;   /* int8: R50_ISA_AVX2 / AVX512VNNI select the x86 kernels (chosen in prepare) */
  union {
    r50_addsub_s8_params addsub;
    r50_mul_s8_params mul;
    r50_binary_f32_params f32;
  } k;
  /* streamed execution: input shapes, input k row-mapped when bit k set */
  int32_t nd[2], dims[2][R50_BCAST_MAX_DIMS];
  uint32_t spatial;
} eltwise_state;

static void fmt_shape(char *buf, size_t n, int32_t nd, const int32_t *d) {
  size_t a = 0;
  buf[0] = 0;
  for (int32_t i = 0; i < nd && a < n; i++) {
    int w = snprintf(buf + a, n - a, i ? ",%d" : "%d", (int)d[i]);
    if (w < 0) break;
    a += (size_t)w;
  }
}

/* QuantizeMultiplierSmallerThanOneExp: m must be in (0, 1), shift ends <= 0 */
static r50_status q_lt1(r50_prep *p, double m, const char *what, int32_t *mult, int32_t *shift) {
  if (!(m > 0.0) || !(m < 1.0))
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                         "%s rescale factor %g is outside (0, 1) (scales too far apart)", what, m);
  r50_quantize_multiplier(m, mult, shift);
  if (*shift > 0)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "%s rescale factor %g rounds to >= 1", what, m);
  return R50_OK;
}

static void eval_rows(const r50_op *op, const void *state, void *const *tdata, void *scratch,
                      int32_t y0, int32_t y1);

/* Streamable when the output is batch-1 NHWC and each input either has the
 * output's shape (row-mapped, not a constant) or broadcasts over N and H. */
static void set_rows(r50_prep *p, eltwise_state *st, const r50_tensor *a, const r50_tensor *b,
                     const r50_tensor *o) {
  if (o->ndim != 4 || o->dims[0] != 1) return;
  const r50_tensor *in[2] = {a, b};
  uint32_t spatial = 0;
  for (int k = 0; k < 2; k++) {
    const r50_tensor *t = in[k];
    st->nd[k] = t->ndim;
    for (int32_t d = 0; d < t->ndim; d++) st->dims[k][d] = t->dims[d];
    int same = t->ndim == 4;
    for (int32_t d = 0; same && d < 4; d++) same = t->dims[d] == o->dims[d];
    if (same && !t->data) {
      spatial |= 1u << k;
    } else {
      /* right-aligned: H is dim ndim-3, N is dim ndim-4 */
      if (t->ndim >= 3 && t->dims[t->ndim - 3] != 1) return;
      if (t->ndim >= 4 && t->dims[t->ndim - 4] != 1) return;
    }
  }
  if (!spatial) return;
  st->spatial = spatial;
  p->rows.eval_rows = eval_rows;
  p->rows.stride = 1;
  p->rows.pad = 0;
  p->rows.window = 1;
  p->rows.spatial = spatial;
}

static r50_status prepare_common(r50_prep *p, int32_t kind) {
  r50_status s = r50_prep_check_io(p, 2, 2, 1);
  if (s != R50_OK) return s;
  const r50_tensor *a = r50_prep_in(p, 0), *b = r50_prep_in(p, 1), *o = r50_prep_out(p, 0);
  if (a->type == R50_DTYPE_UINT8 || o->type == R50_DTYPE_UINT8)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "uint8 models not supported yet (tensor '%s')",
                         a->type == R50_DTYPE_UINT8 ? a->name : o->name);
  if (a->type != R50_DTYPE_INT8 && a->type != R50_DTYPE_FLOAT32)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "input tensor '%s' has type %s, supported: int8, float32",
                         a->name, r50_dtype_name(a->type));
  if ((s = r50_prep_check_type(p, b, "input 1", a->type)) != R50_OK) return s;
  if ((s = r50_prep_check_type(p, o, "output", a->type)) != R50_OK) return s;
  if (a->ndim > R50_BCAST_MAX_DIMS || b->ndim > R50_BCAST_MAX_DIMS)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "inputs have more than %d dims", R50_BCAST_MAX_DIMS);
  int32_t nd, dims[R50_BCAST_MAX_DIMS];
  if (!r50_bcast_shape(a->ndim, a->dims, b->ndim, b->dims, &nd, dims)) {
    char sa[96], sb[96];
    fmt_shape(sa, sizeof sa, a->ndim, a->dims);
    fmt_shape(sb, sizeof sb, b->ndim, b->dims);
    return r50_prep_fail(p, R50_ERR_MODEL, "input shapes [%s] and [%s] do not broadcast", sa, sb);
  }
  if ((s = r50_prep_check_shape(p, o, "output", nd, dims)) != R50_OK) return s;

  eltwise_state *st = r50_prep_alloc(p, sizeof *st);
  if (!st) return R50_ERR_ARENA;
  st->kind = kind;
  st->dtype = a->type;
  const int32_t act = p->op->opt.eltwise.activation;
  r50_bcast *bc;
  if (a->type == R50_DTYPE_FLOAT32) {
    bc = &st->k.f32.bc;
    if ((s = r50_prep_act_range_f(p, act, &st->k.f32.act_min, &st->k.f32.act_max)) != R50_OK) return s;
  } else {
    if ((s = r50_prep_check_quant(p, a, "input 0")) != R50_OK) return s;
    if ((s = r50_prep_check_quant(p, b, "input 1")) != R50_OK) return s;
    if ((s = r50_prep_check_quant(p, o, "output")) != R50_OK) return s;
    const float s1 = r50_tensor_scale(a), s2 = r50_tensor_scale(b), so = r50_tensor_scale(o);
    if (kind == K_MUL) {
      r50_mul_s8_params *k = &st->k.mul;
      bc = &k->bc;
      k->in1_offset = -r50_tensor_zp(a);
      k->in2_offset = -r50_tensor_zp(b);
      k->out_offset = r50_tensor_zp(o);
      const double real = (double)s1 * (double)s2 / (double)so;
      if (!isfinite(real))
        return r50_prep_fail(p, R50_ERR_MODEL, "invalid requantization multiplier %g", real);
      r50_quantize_multiplier(real, &k->out_mult, &k->out_shift);
      /* the kernel shifts left by out_shift in 32 bits (found by tests/fuzz:
       * tests/regress/model/mul-shift-87.tflite had a shift of 87) */
      if (k->out_shift > 31)
        return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                             "input scales %g * %g / output scale %g = %g is too large a multiplier",
                             (double)s1, (double)s2, (double)so, real);
      if ((s = r50_prep_act_range_q(p, act, o, &k->act_min, &k->act_max)) != R50_OK) return s;
    } else {
      r50_addsub_s8_params *k = &st->k.addsub;
      bc = &k->bc;
      k->in1_offset = -r50_tensor_zp(a);
      k->in2_offset = -r50_tensor_zp(b);
      k->out_offset = r50_tensor_zp(o);
      k->left_shift = 20;
      double r1, r2, ro;
      if (kind == K_ADD) {
        const double twice_max = 2 * (double)(s1 > s2 ? s1 : s2);
        r1 = (double)s1 / twice_max;
        r2 = (double)s2 / twice_max;
        ro = twice_max / ((double)(1 << 20) * (double)so);
      } else {
        const float twice_max = 2 * (s1 > s2 ? s1 : s2);
        r1 = (double)(s1 / twice_max);
        r2 = (double)(s2 / twice_max);
        ro = (double)(twice_max / ((float)(1 << 20) * so));
      }
      if ((s = q_lt1(p, r1, "input 0", &k->in1_mult, &k->in1_shift)) != R50_OK) return s;
      if ((s = q_lt1(p, r2, "input 1", &k->in2_mult, &k->in2_shift)) != R50_OK) return s;
      if ((s = q_lt1(p, ro, "output", &k->out_mult, &k->out_shift)) != R50_OK) return s;
      if ((s = r50_prep_act_range_q(p, act, o, &k->act_min, &k->act_max)) != R50_OK) return s;
    }
  }
  r50_bcast_init(bc, a->ndim, a->dims, b->ndim, b->dims);
  st->isa = r50_isa_active();
  if (st->isa == R50_ISA_AVXVNNI) st->isa = R50_ISA_AVX2; /* no dot products here: AVX2 kernels */
  set_rows(p, st, a, b, o);
  p->state = st;
  p->scratch_bytes = 0;
  return R50_OK;
}

static r50_status prepare_add(r50_prep *p) { return prepare_common(p, K_ADD); }
static r50_status prepare_sub(r50_prep *p) { return prepare_common(p, K_SUB); }
static r50_status prepare_mul(r50_prep *p) { return prepare_common(p, K_MUL); }

static void eval_with(const eltwise_state *st, const void *a, const void *b, void *o) {
#if defined(__x86_64__)
  if (st->dtype == R50_DTYPE_INT8 && st->isa == R50_ISA_AVX512VNNI) {
    switch (st->kind) {
      case K_ADD: r50_add_s8__avx512vnni(&st->k.addsub, a, b, o, r50_parallel_current()); break;
      case K_SUB: r50_sub_s8__avx512vnni(&st->k.addsub, a, b, o, r50_parallel_current()); break;
      default: r50_mul_s8__avx512vnni(&st->k.mul, a, b, o, r50_parallel_current()); break;
    }
    return;
  }
  if (st->dtype == R50_DTYPE_INT8 && st->isa == R50_ISA_AVX2) {
    switch (st->kind) {
      case K_ADD: r50_add_s8__avx2(&st->k.addsub, a, b, o, r50_parallel_current()); break;
      case K_SUB: r50_sub_s8__avx2(&st->k.addsub, a, b, o, r50_parallel_current()); break;
      default: r50_mul_s8__avx2(&st->k.mul, a, b, o, r50_parallel_current()); break;
    }
    return;
  }
#endif
#if defined(R50_ARM_NEON_KERNELS)
  if (st->dtype == R50_DTYPE_INT8 && (st->isa == R50_ISA_NEON || st->isa == R50_ISA_NEONDOT)) {
    switch (st->kind) {
      case K_ADD: r50_add_s8__neon(&st->k.addsub, a, b, o, r50_parallel_current()); break;
      case K_SUB: r50_sub_s8__neon(&st->k.addsub, a, b, o, r50_parallel_current()); break;
      default: r50_mul_s8__neon(&st->k.mul, a, b, o, r50_parallel_current()); break;
    }
    return;
  }
#endif
#if defined(R50_CORTEXM_DSP_ELTWISE)
  if (st->dtype == R50_DTYPE_INT8) { /* Cortex-M DSP firmware build: chosen at compile time */
    switch (st->kind) {
      case K_ADD: r50_add_s8_dsp(&st->k.addsub, a, b, o); break;
      case K_SUB: r50_sub_s8_dsp(&st->k.addsub, a, b, o); break;
      default: r50_mul_s8_dsp(&st->k.mul, a, b, o); break;
    }
    return;
  }
#endif
  if (st->dtype == R50_DTYPE_INT8) {
    switch (st->kind) {
      case K_ADD: r50_add_s8_ref(&st->k.addsub, a, b, o); break;
      case K_SUB: r50_sub_s8_ref(&st->k.addsub, a, b, o); break;
      default: r50_mul_s8_ref(&st->k.mul, a, b, o); break;
    }
  } else {
    switch (st->kind) {
      case K_ADD: r50_add_f32_ref(&st->k.f32, a, b, o); break;
      case K_SUB: r50_sub_f32_ref(&st->k.f32, a, b, o); break;
      default: r50_mul_f32_ref(&st->k.f32, a, b, o); break;
    }
  }
}

static void eval(const r50_op *op, const void *state, void *const *tdata, void *scratch) {
  (void)scratch;
  eval_with(state, tdata[op->inputs[0]], tdata[op->inputs[1]], tdata[op->outputs[0]]);
}

/* Rows [y0, y1): the same kernels with the broadcast rebuilt for the band
 * (row-mapped inputs get H = y1 - y0; broadcast inputs keep their shape). */
static void eval_rows(const r50_op *op, const void *state, void *const *tdata, void *scratch,
                      int32_t y0, int32_t y1) {
  (void)scratch;
  eltwise_state st = *(const eltwise_state *)state;
  int32_t dims[2][R50_BCAST_MAX_DIMS];
  memcpy(dims, st.dims, sizeof dims);
  for (int k = 0; k < 2; k++)
    if ((st.spatial >> k) & 1u) dims[k][1] = y1 - y0;
  r50_bcast *bc = st.dtype == R50_DTYPE_FLOAT32 ? &st.k.f32.bc
                  : st.kind == K_MUL            ? &st.k.mul.bc
                                                : &st.k.addsub.bc;
  r50_bcast_init(bc, st.nd[0], dims[0], st.nd[1], dims[1]);
  eval_with(&st, tdata[op->inputs[0]], tdata[op->inputs[1]], tdata[op->outputs[0]]);
}

const r50_op_impl r50_op_add = {R50_OP_ADD, prepare_add, eval};
const r50_op_impl r50_op_sub = {R50_OP_SUB, prepare_sub, eval};
const r50_op_impl r50_op_mul = {R50_OP_MUL, prepare_mul, eval};

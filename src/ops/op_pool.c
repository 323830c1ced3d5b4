/* MAX_POOL_2D and AVERAGE_POOL_2D: prepare + eval.
 * As TFLite Micro (micro/kernels/pooling_common.cc): padding from
 * ComputePaddingHeightWidth with dilation 1; int8 requires
 * |input_scale - output_scale| <= 1e-6 (in double) and equal zero points,
 * since the kernels copy / average raw values without requantizing.
 * int8 runs the SIMD kernel of the level active at prepare (AVX2, AVX-512,
 * NEON; bit-exact with the reference), whole or in row bands; a Cortex-M DSP
 * firmware build runs its MAX_POOL_2D kernel (selected at compile time). */
#include <math.h>
#include <stdint.h>

#include "../kernels/arm/pool_s8_arm.h"
#include "../kernels/cortexm/pool_s8_dsp.h" /* R50_CORTEXM_DSP_POOL */
#include "../kernels/pool_s8_isa.h"
#include "../kernels/ref/conv.h" /* r50_tfl_out_size, r50_tfl_padding */
#include "../kernels/ref/pool.h"
#include "../kernels/x86/pool_s8_x86.h"
#include "../runtime/parallel.h"
#include "ops.h"

typedef struct {
  int32_t is_float;
  int32_t isa; /* int8: R50_ISA_AVX2 / AVX512VNNI / NEON select a SIMD kernel, else reference */
  r50_pool_params k;
  r50_rowmap rows;
} pool_state;

static void pool_s8(const pool_state *st, const r50_pool_params *k, const int8_t *in, int8_t *out,
                    int max) {
#if defined(__x86_64__)
  if (st->isa == R50_ISA_AVX512VNNI) {
    (max ? r50_maxpool_s8__avx512vnni : r50_avgpool_s8__avx512vnni)(k, in, out, r50_parallel_current());
    return;
  }
  if (st->isa == R50_ISA_AVX2) {
    (max ? r50_maxpool_s8__avx2 : r50_avgpool_s8__avx2)(k, in, out, r50_parallel_current());
    return;
  }
#elif defined(R50_ARM_NEON_KERNELS)
  if (st->isa == R50_ISA_NEON) {
    (max ? r50_maxpool_s8__neon : r50_avgpool_s8__neon)(k, in, out, r50_parallel_current());
    return;
  }
#else
  (void)st; /* no SIMD pool kernels on this target (e.g. the Cortex-M firmware) */
#endif
#if defined(R50_CORTEXM_DSP_POOL)
  if (max) { /* Cortex-M DSP firmware build: chosen at compile time */
    r50_maxpool_s8_dsp(k, in, out);
    return;
  }
#endif
  (max ? r50_maxpool_s8_ref : r50_avgpool_s8_ref)(k, in, out);
}

/* Output rows [y0, y1): the same kernels on a band of the input (r50_rowband). */
static void pool_rows(const r50_op *op, const void *state, void *const *tdata, int32_t y0,
                      int32_t y1, int max) {
  const pool_state *st = (const pool_state *)state;
  r50_pool_params k = st->k;
  r50_rowband(&st->rows, y0, y1, &k.in_h, &k.out_h, &k.pad_top);
  const void *in = tdata[op->inputs[0]];
  void *out = tdata[op->outputs[0]];
  if (max) {
    if (st->is_float) r50_maxpool_f32_ref(&k, (const float *)in, (float *)out);
    else pool_s8(st, &k, (const int8_t *)in, (int8_t *)out, 1);
  } else {
    if (st->is_float) r50_avgpool_f32_ref(&k, (const float *)in, (float *)out);
    else pool_s8(st, &k, (const int8_t *)in, (int8_t *)out, 0);
  }
}

static void maxpool_eval_rows(const r50_op *op, const void *state, void *const *tdata,
                              void *scratch, int32_t y0, int32_t y1) {
  (void)scratch;
  pool_rows(op, state, tdata, y0, y1, 1);
}

static void avgpool_eval_rows(const r50_op *op, const void *state, void *const *tdata,
                              void *scratch, int32_t y0, int32_t y1) {
  (void)scratch;
  pool_rows(op, state, tdata, y0, y1, 0);
}

static r50_status pool_prepare(r50_prep *p) {
  r50_status s = r50_prep_check_io(p, 1, 1, 1);
  if (s != R50_OK) return s;
  const r50_tensor *in = r50_prep_in(p, 0), *out = r50_prep_out(p, 0);
  const r50_pool_options *o = &p->op->opt.pool;
  if (in->type == R50_DTYPE_UINT8)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                         "uint8 models not supported yet (input tensor '%s' is uint8)", in->name);
  if (in->type == R50_DTYPE_INT16)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "int16 activations not supported (input '%s')",
                         in->name);
  if (in->type != R50_DTYPE_FLOAT32 && in->type != R50_DTYPE_INT8)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "input tensor '%s' has unsupported type %s",
                         in->name, r50_dtype_name(in->type));
  if ((s = r50_prep_check_type(p, out, "output", in->type)) != R50_OK) return s;
  if (in->ndim != 4)
    return r50_prep_fail(p, R50_ERR_MODEL, "input tensor '%s' has %d dims, expected 4 (NHWC)",
                         in->name, (int)in->ndim);
  for (int32_t d = 0; d < 4; d++)
    if (in->dims[d] < 1)
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "input tensor '%s' is empty", in->name);
  if (o->padding != R50_PAD_SAME && o->padding != R50_PAD_VALID)
    return r50_prep_fail(p, R50_ERR_MODEL, "unknown padding type %d", (int)o->padding);
  if (o->stride_h < 1 || o->stride_w < 1)
    return r50_prep_fail(p, R50_ERR_MODEL, "strides (%d, %d) must be >= 1", (int)o->stride_h,
                         (int)o->stride_w);
  if (o->filter_h < 1 || o->filter_w < 1)
    return r50_prep_fail(p, R50_ERR_MODEL, "filter size %dx%d must be >= 1", (int)o->filter_h,
                         (int)o->filter_w);

  pool_state *st = (pool_state *)r50_prep_alloc(p, sizeof *st);
  if (!st) return R50_ERR_ARENA;
  r50_pool_params *k = &st->k;
  k->batch = in->dims[0];
  k->in_h = in->dims[1];
  k->in_w = in->dims[2];
  k->channels = in->dims[3];
  k->filter_h = o->filter_h;
  k->filter_w = o->filter_w;
  k->stride_h = o->stride_h;
  k->stride_w = o->stride_w;
  const int64_t oh = r50_tfl_out_size(o->padding, k->in_h, k->filter_h, k->stride_h, 1);
  const int64_t ow = r50_tfl_out_size(o->padding, k->in_w, k->filter_w, k->stride_w, 1);
  if (oh < 1 || ow < 1)
    return r50_prep_fail(p, R50_ERR_MODEL, "the %dx%d window does not fit the %dx%d input (VALID)",
                         (int)k->filter_h, (int)k->filter_w, (int)k->in_h, (int)k->in_w);
  const int64_t pt = r50_tfl_padding(k->stride_h, 1, k->in_h, k->filter_h, oh, NULL);
  const int64_t pl = r50_tfl_padding(k->stride_w, 1, k->in_w, k->filter_w, ow, NULL);
  const int64_t lim = INT32_MAX / 4;
  if ((oh - 1) * k->stride_h + k->filter_h > lim || (ow - 1) * k->stride_w + k->filter_w > lim ||
      pt > lim || pl > lim)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "window geometry too large (stride/filter)");
  k->out_h = (int32_t)oh;
  k->out_w = (int32_t)ow;
  k->pad_top = (int32_t)pt;
  k->pad_left = (int32_t)pl;
  const int32_t want[4] = {k->batch, k->out_h, k->out_w, k->channels};
  if ((s = r50_prep_check_shape(p, out, "output", 4, want)) != R50_OK) return s;

  st->is_float = in->type == R50_DTYPE_FLOAT32;
  st->isa = st->is_float ? R50_ISA_REF : r50_pool_s8_isa();
  if (st->is_float) {
    if ((s = r50_prep_act_range_f(p, o->activation, &k->act_min_f, &k->act_max_f)) != R50_OK)
      return s;
  } else {
    if ((s = r50_prep_check_quant(p, in, "input")) != R50_OK) return s;
    if ((s = r50_prep_check_quant(p, out, "output")) != R50_OK) return s;
    if (in->q_count != 1 || out->q_count != 1)
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "activations must be quantized per-tensor");
    const double diff = fabs((double)in->q_scale[0] - (double)out->q_scale[0]);
    if (!(diff <= 1.0e-6) || in->q_zero_point[0] != out->q_zero_point[0])
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                           "input (scale %g, zero point %lld) and output (scale %g, zero point "
                           "%lld) quantization differ; int8 pooling needs them equal",
                           (double)in->q_scale[0], (long long)in->q_zero_point[0],
                           (double)out->q_scale[0], (long long)out->q_zero_point[0]);
    if ((s = r50_prep_act_range_q(p, o->activation, out, &k->act_min, &k->act_max)) != R50_OK)
      return s;
  }
  if (k->batch == 1) {
    st->rows.eval_rows = p->op->type == R50_OP_MAX_POOL_2D ? maxpool_eval_rows : avgpool_eval_rows;
    st->rows.stride = k->stride_h;
    st->rows.pad = k->pad_top;
    st->rows.window = k->filter_h;
    st->rows.spatial = 1u;
    p->rows = st->rows;
  }
  p->state = st;
  p->scratch_bytes = 0;
  return R50_OK;
}

static void maxpool_eval(const r50_op *op, const void *state, void *const *tdata, void *scratch) {
  (void)scratch;
  const pool_state *st = (const pool_state *)state;
  const void *in = tdata[op->inputs[0]];
  void *out = tdata[op->outputs[0]];
  if (st->is_float)
    r50_maxpool_f32_ref(&st->k, (const float *)in, (float *)out);
  else
    pool_s8(st, &st->k, (const int8_t *)in, (int8_t *)out, 1);
}

static void avgpool_eval(const r50_op *op, const void *state, void *const *tdata, void *scratch) {
  (void)scratch;
  const pool_state *st = (const pool_state *)state;
  const void *in = tdata[op->inputs[0]];
  void *out = tdata[op->outputs[0]];
  if (st->is_float)
    r50_avgpool_f32_ref(&st->k, (const float *)in, (float *)out);
  else
    pool_s8(st, &st->k, (const int8_t *)in, (int8_t *)out, 0);
}

const r50_op_impl r50_op_max_pool_2d = {R50_OP_MAX_POOL_2D, pool_prepare, maxpool_eval};
const r50_op_impl r50_op_average_pool_2d = {R50_OP_AVERAGE_POOL_2D, pool_prepare, avgpool_eval};

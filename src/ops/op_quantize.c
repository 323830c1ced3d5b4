/* QUANTIZE and DEQUANTIZE, per-tensor, as TFLite Micro (quantize_common.cc,
 * dequantize_common.cc):
 *  - float32 -> int8 / uint8: AffineQuantize, (int32)roundf(x / scale) + zp;
 *  - uint8 -> int8, int8 -> int8, int8 -> uint8: Requantize with
 *    QuantizeMultiplier((double)in_scale / (double)out_scale);
 *  - int8 / uint8 -> float32: (float)((double)scale * (q - zp)).
 * Per-channel quantization and 16/32-bit integer types are refused. */
#include "../kernels/quant.h"
#include "../kernels/ref/quantize.h"
#include "ops.h"

enum { Q_F32_S8, Q_F32_U8, Q_S8_S8, Q_U8_S8, Q_S8_U8, DQ_S8, DQ_U8 };

typedef struct {
  int32_t kind;
  union {
    r50_quantize_f32_params q;
    r50_requantize_params rq;
    r50_dequantize_params dq;
  } k;
  size_t row_elems; /* elements per NHWC row (streamed execution) */
} quantize_state;

static void eval_rows(const r50_op *op, const void *state, void *const *tdata, void *scratch,
                      int32_t y0, int32_t y1);

static r50_status per_tensor(r50_prep *p, const r50_tensor *t, const char *role) {
  r50_status s = r50_prep_check_quant(p, t, role);
  if (s != R50_OK) return s;
  if (t->q_count != 1)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "%s tensor '%s' has per-channel quantization (%d scales)",
                         role, t->name, (int)t->q_count);
  return R50_OK;
}

static r50_status prepare_common(r50_prep *p, int dequant) {
  r50_status s = r50_prep_check_io(p, 1, 1, 1);
  if (s != R50_OK) return s;
  const r50_tensor *in = r50_prep_in(p, 0), *out = r50_prep_out(p, 0);
  if ((s = r50_prep_check_shape(p, out, "output", in->ndim, in->dims)) != R50_OK) return s;
  quantize_state *st = r50_prep_alloc(p, sizeof *st);
  if (!st) return R50_ERR_ARENA;
  const r50_dtype ti = in->type, to = out->type;
  if (dequant) {
    if ((ti != R50_DTYPE_INT8 && ti != R50_DTYPE_UINT8) || to != R50_DTYPE_FLOAT32)
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "%s -> %s is not supported (int8/uint8 -> float32 only)",
                           r50_dtype_name(ti), r50_dtype_name(to));
    if ((s = per_tensor(p, in, "input")) != R50_OK) return s;
    st->kind = ti == R50_DTYPE_INT8 ? DQ_S8 : DQ_U8;
    st->k.dq.n = in->n_elems;
    st->k.dq.scale = (double)r50_tensor_scale(in);
    st->k.dq.zero_point = r50_tensor_zp(in);
  } else if (ti == R50_DTYPE_FLOAT32 && (to == R50_DTYPE_INT8 || to == R50_DTYPE_UINT8)) {
    if ((s = per_tensor(p, out, "output")) != R50_OK) return s;
    st->kind = to == R50_DTYPE_INT8 ? Q_F32_S8 : Q_F32_U8;
    st->k.q.n = in->n_elems;
    /* TFLM stores the scale as double and divides by (float)scale: the float itself */
    st->k.q.scale = r50_tensor_scale(out);
    st->k.q.zero_point = r50_tensor_zp(out);
  } else if ((ti == R50_DTYPE_INT8 && to == R50_DTYPE_INT8) || (ti == R50_DTYPE_UINT8 && to == R50_DTYPE_INT8) ||
             (ti == R50_DTYPE_INT8 && to == R50_DTYPE_UINT8)) {
    if ((s = per_tensor(p, in, "input")) != R50_OK) return s;
    if ((s = per_tensor(p, out, "output")) != R50_OK) return s;
    st->kind = ti == R50_DTYPE_UINT8 ? Q_U8_S8 : to == R50_DTYPE_UINT8 ? Q_S8_U8 : Q_S8_S8;
    r50_requantize_params *k = &st->k.rq;
    k->n = in->n_elems;
    k->in_zp = r50_tensor_zp(in);
    k->out_zp = r50_tensor_zp(out);
    const double eff = (double)r50_tensor_scale(in) / (double)r50_tensor_scale(out);
    r50_quantize_multiplier(eff, &k->mult, &k->shift);
    if (k->shift > 31)
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "input/output scale ratio %g is too large", eff);
  } else {
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                         "%s -> %s is not supported (float32 -> int8/uint8, uint8 -> int8, int8 -> int8/uint8)",
                         r50_dtype_name(ti), r50_dtype_name(to));
  }
  /* Elementwise: any batch-1 NHWC tensor streams row by row. */
  if (in->ndim == 4 && in->dims[0] == 1) {
    st->row_elems = (size_t)in->dims[2] * (size_t)in->dims[3];
    p->rows.eval_rows = eval_rows;
    p->rows.stride = 1;
    p->rows.pad = 0;
    p->rows.window = 1;
    p->rows.spatial = 1u;
  }
  p->state = st;
  p->scratch_bytes = 0;
  return R50_OK;
}

static r50_status prepare_quantize(r50_prep *p) { return prepare_common(p, 0); }
static r50_status prepare_dequantize(r50_prep *p) { return prepare_common(p, 1); }

static void eval_with(const quantize_state *st, const void *in, void *out) {
  switch (st->kind) {
    case Q_F32_S8: r50_quantize_f32_s8_ref(&st->k.q, in, out); break;
    case Q_F32_U8: r50_quantize_f32_u8_ref(&st->k.q, in, out); break;
    case Q_S8_S8: r50_requantize_s8_s8_ref(&st->k.rq, in, out); break;
    case Q_U8_S8: r50_requantize_u8_s8_ref(&st->k.rq, in, out); break;
    case Q_S8_U8: r50_requantize_s8_u8_ref(&st->k.rq, in, out); break;
    case DQ_S8: r50_dequantize_s8_f32_ref(&st->k.dq, in, out); break;
    default: r50_dequantize_u8_f32_ref(&st->k.dq, in, out); break;
  }
}

static void eval(const r50_op *op, const void *state, void *const *tdata, void *scratch) {
  (void)scratch;
  eval_with(state, tdata[op->inputs[0]], tdata[op->outputs[0]]);
}

/* Rows [y0, y1): the same kernel over (y1 - y0) rows' elements. */
static void eval_rows(const r50_op *op, const void *state, void *const *tdata, void *scratch,
                      int32_t y0, int32_t y1) {
  (void)scratch;
  quantize_state st = *(const quantize_state *)state;
  const size_t n = (size_t)(y1 - y0) * st.row_elems;
  switch (st.kind) {
    case Q_F32_S8:
    case Q_F32_U8: st.k.q.n = n; break;
    case DQ_S8:
    case DQ_U8: st.k.dq.n = n; break;
    default: st.k.rq.n = n; break;
  }
  eval_with(&st, tdata[op->inputs[0]], tdata[op->outputs[0]]);
}

const r50_op_impl r50_op_quantize = {R50_OP_QUANTIZE, prepare_quantize, eval};
const r50_op_impl r50_op_dequantize = {R50_OP_DEQUANTIZE, prepare_dequantize, eval};

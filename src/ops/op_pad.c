/* PAD and PADV2: prepare + eval, as TFLite Micro (micro/kernels/pad.cc):
 *  - paddings: constant int32 (int64 also accepted) tensor [rank, 2] of
 *    non-negative (before, after) pairs; output dims must equal
 *    input + before + after exactly; rank <= 5 (PadKernelMaxDimensionCount).
 *  - pad value: PAD (or PADV2 without constant_values) uses the output zero
 *    point for int8 and 0 for float; PADV2's constant_values is a 1-element
 *    tensor of the input type, for int8 with the output's zero point and scale.
 *  - int8 copies raw values: TFLite does not requantize (nor check) the input.
 */
#include <stdint.h>
#include <string.h>

#include "../kernels/ref/pad.h"
#include "ops.h"

typedef struct {
  r50_pad_params k;
  int32_t value_input;    /* 1 when the pad value is read from input 2 at eval */
  uint8_t value[4];       /* otherwise the pad value (one element) */
  r50_pad_params row;     /* one NHWC row (streamed execution): [1,1,W,C] -> [1,1,W',C'] */
  int32_t pad_top, in_h;
} pad_state;

/* Rows [y0, y1) of the output: input rows copied with their W/C padding, rows
 * above or below the input filled with the pad value. */
static void pad_eval_rows(const r50_op *op, const void *state, void *const *tdata, void *scratch,
                          int32_t y0, int32_t y1) {
  (void)scratch;
  const pad_state *st = (const pad_state *)state;
  const void *value = st->value_input ? (const void *)tdata[op->inputs[2]] : (const void *)st->value;
  const size_t es = (size_t)st->k.elem_size;
  const size_t in_row = (size_t)st->k.in_dims[2] * (size_t)st->k.in_dims[3] * es;
  const size_t out_row = (size_t)st->k.out_dims[2] * (size_t)st->k.out_dims[3] * es;
  const int32_t lo = y0 - st->pad_top > 0 ? y0 - st->pad_top : 0; /* row tdata[in] points at */
  const uint8_t *in = tdata[op->inputs[0]];
  uint8_t *out = tdata[op->outputs[0]];
  for (int32_t y = y0; y < y1; y++, out += out_row) {
    const int32_t iy = y - st->pad_top;
    if (iy >= 0 && iy < st->in_h) {
      r50_pad_ref(&st->row, in + (size_t)(iy - lo) * in_row, value, out);
    } else {
      for (size_t i = 0; i < out_row; i += es) memcpy(out + i, value, es);
    }
  }
}

static r50_status pad_prepare_common(r50_prep *p, int32_t max_inputs) {
  r50_status s = r50_prep_check_io(p, 2, max_inputs, 1);
  if (s != R50_OK) return s;
  const r50_tensor *in = r50_prep_in(p, 0), *pads = r50_prep_in(p, 1), *cv = r50_prep_in(p, 2);
  const r50_tensor *out = r50_prep_out(p, 0);
  if (in->type == R50_DTYPE_UINT8)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                         "uint8 models not supported yet (input tensor '%s' is uint8)", in->name);
  if (in->type != R50_DTYPE_FLOAT32 && in->type != R50_DTYPE_INT8 && in->type != R50_DTYPE_INT32)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "input tensor '%s' has unsupported type %s",
                         in->name, r50_dtype_name(in->type));
  if ((s = r50_prep_check_type(p, out, "output", in->type)) != R50_OK) return s;
  if (in->ndim < 1 || in->ndim > R50_PAD_MAX_DIMS)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "input tensor '%s' has %d dims, supported 1..%d",
                         in->name, (int)in->ndim, R50_PAD_MAX_DIMS);
  if (pads->type != R50_DTYPE_INT32 && pads->type != R50_DTYPE_INT64)
    return r50_prep_fail(p, R50_ERR_MODEL, "paddings tensor '%s' has type %s, expected int32",
                         pads->name, r50_dtype_name(pads->type));
  if (!pads->data)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "paddings tensor '%s' is not a constant",
                         pads->name);
  if (pads->ndim != 2 || pads->dims[0] != in->ndim || pads->dims[1] != 2)
    return r50_prep_fail(p, R50_ERR_MODEL, "paddings tensor '%s' must have shape [%d, 2]",
                         pads->name, (int)in->ndim);

  pad_state *st = (pad_state *)r50_prep_alloc(p, sizeof *st);
  if (!st) return R50_ERR_ARENA;
  r50_pad_params *k = &st->k;
  k->ndim = in->ndim;
  k->elem_size = (int32_t)r50_dtype_size(in->type);
  int32_t want[R50_PAD_MAX_DIMS];
  for (int32_t d = 0; d < in->ndim; d++) {
    int64_t before, after;
    if (pads->type == R50_DTYPE_INT32) {
      before = ((const int32_t *)pads->data)[2 * d];
      after = ((const int32_t *)pads->data)[2 * d + 1];
    } else {
      before = ((const int64_t *)pads->data)[2 * d];
      after = ((const int64_t *)pads->data)[2 * d + 1];
    }
    if (before < 0 || after < 0)
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "negative padding (%lld, %lld) on dim %d",
                           (long long)before, (long long)after, (int)d);
    const int64_t od = (int64_t)in->dims[d] + before + after;
    if (od > INT32_MAX)
      return r50_prep_fail(p, R50_ERR_MODEL, "padded dim %d is too large", (int)d);
    k->in_dims[d] = in->dims[d];
    k->out_dims[d] = (int32_t)od;
    k->left[d] = (int32_t)before;
    want[d] = (int32_t)od;
  }
  if ((s = r50_prep_check_shape(p, out, "output", in->ndim, want)) != R50_OK) return s;

  memset(st->value, 0, sizeof st->value); /* float 0.0f, int32 0 */
  if (cv) {
    if ((s = r50_prep_check_type(p, cv, "constant_values", in->type)) != R50_OK) return s;
    if (cv->n_elems != 1)
      return r50_prep_fail(p, R50_ERR_MODEL, "constant_values tensor '%s' has %zu elements, expected 1",
                           cv->name, cv->n_elems);
  }
  if (in->type == R50_DTYPE_INT8) {
    if ((s = r50_prep_check_quant(p, out, "output")) != R50_OK) return s;
    if (cv) {
      if (cv->q_count < 1 || cv->q_zero_point[0] != out->q_zero_point[0] ||
          (double)cv->q_scale[0] != (double)out->q_scale[0])
        return r50_prep_fail(p, R50_ERR_MODEL,
                             "constant_values tensor '%s' must have the output's scale and zero "
                             "point",
                             cv->name);
    } else {
      const int8_t zp = (int8_t)out->q_zero_point[0];
      memcpy(st->value, &zp, 1);
    }
  }
  st->value_input = cv != NULL;
  /* Streamable when it pads a batch-1 NHWC tensor in H, W, C only. */
  if (in->ndim == 4 && in->dims[0] == 1 && out->dims[0] == 1) {
    st->row = st->k;
    st->row.in_dims[1] = st->row.out_dims[1] = 1;
    st->row.left[1] = 0;
    st->pad_top = st->k.left[1];
    st->in_h = in->dims[1];
    p->rows.eval_rows = pad_eval_rows;
    p->rows.stride = 1;
    p->rows.pad = st->pad_top;
    p->rows.window = 1;
    p->rows.spatial = 1u; /* input 0 */
  }
  p->state = st;
  p->scratch_bytes = 0;
  return R50_OK;
}

static r50_status pad_prepare(r50_prep *p) { return pad_prepare_common(p, 2); }
static r50_status padv2_prepare(r50_prep *p) { return pad_prepare_common(p, 3); }

static void pad_eval(const r50_op *op, const void *state, void *const *tdata, void *scratch) {
  (void)scratch;
  const pad_state *st = (const pad_state *)state;
  const void *value = st->value_input ? (const void *)tdata[op->inputs[2]] : (const void *)st->value;
  r50_pad_ref(&st->k, tdata[op->inputs[0]], value, tdata[op->outputs[0]]);
}

const r50_op_impl r50_op_pad = {R50_OP_PAD, pad_prepare, pad_eval};
const r50_op_impl r50_op_padv2 = {R50_OP_PADV2, padv2_prepare, pad_eval};

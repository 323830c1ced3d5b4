/* CONCATENATION along any axis (negative axis counts from the end), as
 * TFLite Micro's concatenation.cc: no fused activation; all inputs and the
 * output share one type; int8 data is copied raw. TFLM copies int8 raw even
 * when an input's quantization differs from the output's (semantically wrong
 * there; the TFLite converter never emits that), so r50 refuses that case
 * rather than produce it. uint8 is refused like the other ops. */
#include "../kernels/ref/concat.h"
#include "ops.h"

#define R50_CONCAT_MAX_INPUTS 64

static r50_status prepare(r50_prep *p) {
  r50_status s = r50_prep_check_io(p, 1, R50_CONCAT_MAX_INPUTS, 1);
  if (s != R50_OK) {
    if (p->op->n_inputs > R50_CONCAT_MAX_INPUTS)
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "has %d inputs, at most %d supported",
                           (int)p->op->n_inputs, R50_CONCAT_MAX_INPUTS);
    return s;
  }
  const int32_t n = p->op->n_inputs;
  for (int32_t i = 0; i < n; i++)
    if (p->op->inputs[i] < 0) return r50_prep_fail(p, R50_ERR_MODEL, "input %d is missing", (int)i);
  const r50_tensor *out = r50_prep_out(p, 0), *in0 = r50_prep_in(p, 0);
  if (p->op->opt.concat.activation != R50_ACT_NONE)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "fused activation %d is not supported",
                         (int)p->op->opt.concat.activation);
  const r50_dtype t = in0->type;
  if (t == R50_DTYPE_UINT8)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "uint8 models not supported yet (tensor '%s')", in0->name);
  if (t != R50_DTYPE_FLOAT32 && t != R50_DTYPE_INT8 && t != R50_DTYPE_INT16 && t != R50_DTYPE_INT32 &&
      t != R50_DTYPE_INT64 && t != R50_DTYPE_BOOL)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "type %s is not supported", r50_dtype_name(t));
  if ((s = r50_prep_check_type(p, out, "output", t)) != R50_OK) return s;
  const int32_t nd = in0->ndim;
  int32_t axis = p->op->opt.concat.axis;
  if (axis < 0) axis += nd;
  if (nd < 1 || axis < 0 || axis >= nd)
    return r50_prep_fail(p, R50_ERR_MODEL, "axis %d is out of range for %d-dim inputs",
                         (int)p->op->opt.concat.axis, (int)nd);
  int32_t dims[R50_MAX_DIMS];
  for (int32_t d = 0; d < nd; d++) dims[d] = in0->dims[d];
  int64_t axis_sum = 0;
  for (int32_t i = 0; i < n; i++) {
    const r50_tensor *ti = r50_prep_in(p, i);
    if (ti->type != t)
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "input %d tensor '%s' has type %s, input 0 has %s", (int)i,
                           ti->name, r50_dtype_name(ti->type), r50_dtype_name(t));
    if (ti->ndim != nd)
      return r50_prep_fail(p, R50_ERR_MODEL, "input %d tensor '%s' has %d dims, input 0 has %d", (int)i,
                           ti->name, (int)ti->ndim, (int)nd);
    for (int32_t d = 0; d < nd; d++)
      if (d != axis && ti->dims[d] != dims[d])
        return r50_prep_fail(p, R50_ERR_MODEL, "input %d tensor '%s' dim %d is %d, input 0 has %d", (int)i,
                             ti->name, (int)d, (int)ti->dims[d], (int)dims[d]);
    axis_sum += ti->dims[axis];
  }
  if (axis_sum > INT32_MAX) return r50_prep_fail(p, R50_ERR_LIMIT, "concatenated axis too large");
  dims[axis] = (int32_t)axis_sum;
  if ((s = r50_prep_check_shape(p, out, "output", nd, dims)) != R50_OK) return s;
  if (t == R50_DTYPE_INT8) {
    if ((s = r50_prep_check_quant(p, out, "output")) != R50_OK) return s;
    for (int32_t i = 0; i < n; i++) {
      const r50_tensor *ti = r50_prep_in(p, i);
      if ((s = r50_prep_check_quant(p, ti, "input")) != R50_OK) return s;
      if (r50_tensor_scale(ti) != r50_tensor_scale(out) || r50_tensor_zp(ti) != r50_tensor_zp(out))
        return r50_prep_fail(p, R50_ERR_UNSUPPORTED,
                             "input %d tensor '%s' quantization (%g, %d) differs from the output's (%g, %d); "
                             "TFLM would copy it without requantizing",
                             (int)i, ti->name, (double)r50_tensor_scale(ti), (int)r50_tensor_zp(ti),
                             (double)r50_tensor_scale(out), (int)r50_tensor_zp(out));
    }
  }
  /* state: params + row sizes */
  const size_t esz = r50_dtype_size(t);
  size_t outer = 1;
  for (int32_t d = 0; d < axis; d++) outer *= (size_t)dims[d];
  size_t inner = esz; /* bytes per unit of the axis dim */
  for (int32_t d = axis + 1; d < nd; d++) inner *= (size_t)dims[d];
  r50_concat_params *k = r50_prep_alloc(p, sizeof *k + (size_t)n * sizeof(size_t));
  if (!k) return R50_ERR_ARENA;
  size_t *rows = (size_t *)(void *)(k + 1);
  size_t total = 0;
  for (int32_t i = 0; i < n; i++) {
    rows[i] = (size_t)r50_prep_in(p, i)->dims[axis] * inner; /* <= the tensor's bytes (verified) */
    total += rows[i];
  }
  k->outer = outer;
  k->n_inputs = n;
  k->out_row_bytes = total;
  k->in_row_bytes = rows;
  p->state = k;
  p->scratch_bytes = 0;
  return R50_OK;
}

static void eval(const r50_op *op, const void *state, void *const *tdata, void *scratch) {
  (void)scratch;
  const r50_concat_params *k = state;
  const void *ins[R50_CONCAT_MAX_INPUTS];
  for (int32_t i = 0; i < k->n_inputs; i++) ins[i] = tdata[op->inputs[i]];
  r50_concat_ref(k, ins, tdata[op->outputs[0]]);
}

const r50_op_impl r50_op_concatenation = {R50_OP_CONCATENATION, prepare, eval};

/* RESHAPE and SQUEEZE: the output shape is the output tensor's; prepare
 * verifies it (element counts for RESHAPE, and a constant int32 shape input
 * when present; the exact squeezed shape for SQUEEZE). Eval copies the bytes
 * unless input and output are the same buffer (the planner may alias them). */
#include <string.h>

#include "ops.h"

typedef struct {
  size_t bytes;
} reshape_state;

static r50_status finish(r50_prep *p, const r50_tensor *in) {
  reshape_state *st = r50_prep_alloc(p, sizeof *st);
  if (!st) return R50_ERR_ARENA;
  st->bytes = in->bytes;
  p->state = st;
  p->scratch_bytes = 0;
  return R50_OK;
}

static r50_status prepare_reshape(r50_prep *p) {
  r50_status s = r50_prep_check_io(p, 1, 2, 1);
  if (s != R50_OK) return s;
  const r50_tensor *in = r50_prep_in(p, 0), *out = r50_prep_out(p, 0), *shp = r50_prep_in(p, 1);
  if ((s = r50_prep_check_type(p, out, "output", in->type)) != R50_OK) return s;
  if (in->n_elems != out->n_elems || in->bytes != out->bytes)
    return r50_prep_fail(p, R50_ERR_MODEL, "input '%s' has %zu elements, output '%s' has %zu", in->name,
                         in->n_elems, out->name, out->n_elems);
  if (shp && shp->data && shp->type == R50_DTYPE_INT32 && shp->ndim == 1) {
    /* a constant new_shape must describe the output: same rank, each entry the
     * output's dim or -1 (at most one) */
    const int32_t *v = shp->data;
    int ok = shp->dims[0] == out->ndim, stretch = 0;
    for (int32_t i = 0; ok && i < out->ndim; i++) {
      if (v[i] == -1) ok = ++stretch <= 1;
      else ok = v[i] == out->dims[i];
    }
    if (!ok)
      return r50_prep_fail(p, R50_ERR_MODEL, "shape input '%s' does not match the output tensor '%s'",
                           shp->name, out->name);
  } else if (shp && shp->type != R50_DTYPE_INT32 && shp->type != R50_DTYPE_INT64) {
    return r50_prep_fail(p, R50_ERR_MODEL, "shape input '%s' has type %s", shp->name,
                         r50_dtype_name(shp->type));
  }
  return finish(p, in);
}

static r50_status prepare_squeeze(r50_prep *p) {
  r50_status s = r50_prep_check_io(p, 1, 1, 1);
  if (s != R50_OK) return s;
  const r50_tensor *in = r50_prep_in(p, 0), *out = r50_prep_out(p, 0);
  if ((s = r50_prep_check_type(p, out, "output", in->type)) != R50_OK) return s;
  const r50_squeeze_options *o = &p->op->opt.squeeze;
  int drop[R50_MAX_DIMS] = {0};
  if (o->n_squeeze_dims < 0 || o->n_squeeze_dims > R50_MAX_DIMS)
    return r50_prep_fail(p, R50_ERR_MODEL, "%d squeeze dims", (int)o->n_squeeze_dims);
  if (o->n_squeeze_dims == 0) {
    for (int32_t d = 0; d < in->ndim; d++) drop[d] = in->dims[d] == 1;
  } else {
    for (int32_t i = 0; i < o->n_squeeze_dims; i++) {
      int32_t d = o->squeeze_dims[i];
      if (d < 0) d += in->ndim;
      if (d < 0 || d >= in->ndim)
        return r50_prep_fail(p, R50_ERR_MODEL, "squeeze dim %d out of range for %d dims",
                             (int)o->squeeze_dims[i], (int)in->ndim);
      if (in->dims[d] != 1)
        return r50_prep_fail(p, R50_ERR_MODEL, "squeeze dim %d has size %d, not 1", (int)d, (int)in->dims[d]);
      drop[d] = 1;
    }
  }
  int32_t nd = 0, dims[R50_MAX_DIMS];
  for (int32_t d = 0; d < in->ndim; d++)
    if (!drop[d]) dims[nd++] = in->dims[d];
  if ((s = r50_prep_check_shape(p, out, "output", nd, dims)) != R50_OK) return s;
  return finish(p, in);
}

static void eval(const r50_op *op, const void *state, void *const *tdata, void *scratch) {
  (void)scratch;
  const reshape_state *st = state;
  const void *in = tdata[op->inputs[0]];
  void *out = tdata[op->outputs[0]];
  if (in != out && st->bytes) memmove(out, in, st->bytes);
}

const r50_op_impl r50_op_reshape = {R50_OP_RESHAPE, prepare_reshape, eval};
const r50_op_impl r50_op_squeeze = {R50_OP_SQUEEZE, prepare_squeeze, eval};

/* Shared prepare helpers and the op registry. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ops.h"

r50_status r50_prep_fail(r50_prep *p, r50_status s, const char *fmt, ...) {
  if (p->err) {
    int n = snprintf(p->err->msg, sizeof p->err->msg, "op %d %s: ", (int)p->op_index,
                     r50_op_type_name(p->op->type));
    if (n < 0) n = 0;
    if ((size_t)n < sizeof p->err->msg) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(p->err->msg + n, sizeof p->err->msg - (size_t)n, fmt, ap);
      va_end(ap);
    }
    p->err->status = s;
  }
  return s;
}

void *r50_prep_alloc(r50_prep *p, size_t bytes) {
  void *q = r50_bump_alloc(p->mem, bytes, 16);
  if (!q) {
    r50_prep_fail(p, R50_ERR_ARENA, "arena too small for the op's parameters (%zu bytes more)",
                  bytes);
    if (p->err) p->err->arena_needed = 0;
  }
  return q;
}

const r50_tensor *r50_prep_in(const r50_prep *p, int32_t i) {
  if (i < 0 || i >= p->op->n_inputs) return NULL;
  int32_t t = p->op->inputs[i];
  return t < 0 ? NULL : &p->g->tensors[t];
}

const r50_tensor *r50_prep_out(const r50_prep *p, int32_t i) {
  if (i < 0 || i >= p->op->n_outputs) return NULL;
  int32_t t = p->op->outputs[i];
  return t < 0 ? NULL : &p->g->tensors[t];
}

r50_status r50_prep_check_io(r50_prep *p, int32_t min_in, int32_t max_in, int32_t n_out) {
  if (p->op->n_inputs < min_in || p->op->n_inputs > max_in)
    return r50_prep_fail(p, R50_ERR_MODEL, "has %d inputs, expected %d..%d", (int)p->op->n_inputs,
                         (int)min_in, (int)max_in);
  if (p->op->n_outputs != n_out)
    return r50_prep_fail(p, R50_ERR_MODEL, "has %d outputs, expected %d", (int)p->op->n_outputs,
                         (int)n_out);
  for (int32_t i = 0; i < min_in; i++)
    if (p->op->inputs[i] < 0)
      return r50_prep_fail(p, R50_ERR_MODEL, "required input %d is missing", (int)i);
  for (int32_t i = 0; i < n_out; i++) {
    if (p->op->outputs[i] < 0)
      return r50_prep_fail(p, R50_ERR_MODEL, "output %d is missing", (int)i);
    const r50_tensor *t = &p->g->tensors[p->op->outputs[i]];
    if (t->data)
      return r50_prep_fail(p, R50_ERR_MODEL, "output tensor '%s' is a constant", t->name);
  }
  return R50_OK;
}

r50_status r50_prep_check_type(r50_prep *p, const r50_tensor *t, const char *role, r50_dtype want) {
  if (t->type != want)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "%s tensor '%s' has type %s, expected %s", role,
                         t->name, r50_dtype_name(t->type), r50_dtype_name(want));
  return R50_OK;
}

r50_status r50_prep_check_shape(r50_prep *p, const r50_tensor *t, const char *role, int32_t ndim,
                                const int32_t *dims) {
  int ok = t->ndim == ndim;
  for (int32_t i = 0; ok && i < ndim; i++) ok = t->dims[i] == dims[i];
  if (!ok) {
    char want[96], have[96];
    size_t a = 0, b = 0;
    want[0] = have[0] = 0;
    for (int32_t i = 0; i < ndim && a < sizeof want; i++)
      a += (size_t)snprintf(want + a, sizeof want - a, i ? ",%d" : "%d", (int)dims[i]);
    for (int32_t i = 0; i < t->ndim && b < sizeof have; i++)
      b += (size_t)snprintf(have + b, sizeof have - b, i ? ",%d" : "%d", (int)t->dims[i]);
    return r50_prep_fail(p, R50_ERR_MODEL, "%s tensor '%s' has shape [%s], the op computes [%s]",
                         role, t->name, have, want);
  }
  return R50_OK;
}

static void type_range(r50_dtype t, int32_t *lo, int32_t *hi) {
  switch (t) {
    case R50_DTYPE_INT8: *lo = -128; *hi = 127; break;
    case R50_DTYPE_UINT8: *lo = 0; *hi = 255; break;
    case R50_DTYPE_INT16: *lo = -32768; *hi = 32767; break;
    default: *lo = INT32_MIN; *hi = INT32_MAX; break;
  }
}

r50_status r50_prep_check_quant(r50_prep *p, const r50_tensor *t, const char *role) {
  if (t->q_count < 1)
    return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "%s tensor '%s' (%s) has no quantization", role,
                         t->name, r50_dtype_name(t->type));
  float s = t->q_scale[0];
  if (!(s > 0.0f) || !isfinite(s))
    return r50_prep_fail(p, R50_ERR_MODEL, "%s tensor '%s' has invalid scale %g", role, t->name,
                         (double)s);
  int32_t lo, hi;
  type_range(t->type, &lo, &hi);
  int64_t zp = t->q_zero_point[0];
  if (zp < lo || zp > hi)
    return r50_prep_fail(p, R50_ERR_MODEL, "%s tensor '%s' zero point %lld out of range for %s",
                         role, t->name, (long long)zp, r50_dtype_name(t->type));
  return R50_OK;
}

static int32_t quantize_bound(float x, float scale, int32_t zp) {
  /* zp + (int32)round(x / scale) in float, as TFLite; saturate instead of UB on overflow */
  float v = roundf(x / scale);
  if (v > 2147483520.0f) v = 2147483520.0f;
  if (v < -2147483520.0f) v = -2147483520.0f;
  int64_t r = (int64_t)zp + (int64_t)v;
  return r > INT32_MAX ? INT32_MAX : (r < INT32_MIN ? INT32_MIN : (int32_t)r);
}

r50_status r50_prep_act_range_q(r50_prep *p, int32_t act, const r50_tensor *out, int32_t *lo,
                                int32_t *hi) {
  int32_t qmin, qmax;
  type_range(out->type, &qmin, &qmax);
  const float s = r50_tensor_scale(out);
  const int32_t zp = r50_tensor_zp(out);
  *lo = qmin;
  *hi = qmax;
  switch (act) {
    case R50_ACT_NONE: break;
    case R50_ACT_RELU: {
      int32_t z = quantize_bound(0.0f, s, zp);
      *lo = z > qmin ? z : qmin;
    } break;
    case R50_ACT_RELU6: {
      int32_t z = quantize_bound(0.0f, s, zp), six = quantize_bound(6.0f, s, zp);
      *lo = z > qmin ? z : qmin;
      *hi = six < qmax ? six : qmax;
    } break;
    case R50_ACT_RELU_N1_TO_1: {
      int32_t a = quantize_bound(-1.0f, s, zp), b = quantize_bound(1.0f, s, zp);
      *lo = a > qmin ? a : qmin;
      *hi = b < qmax ? b : qmax;
    } break;
    default:
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "fused activation %d is not supported",
                           (int)act);
  }
  return R50_OK;
}

r50_status r50_prep_act_range_f(r50_prep *p, int32_t act, float *lo, float *hi) {
  switch (act) {
    case R50_ACT_NONE: *lo = -INFINITY; *hi = INFINITY; return R50_OK;
    case R50_ACT_RELU: *lo = 0.0f; *hi = INFINITY; return R50_OK;
    case R50_ACT_RELU6: *lo = 0.0f; *hi = 6.0f; return R50_OK;
    case R50_ACT_RELU_N1_TO_1: *lo = -1.0f; *hi = 1.0f; return R50_OK;
    default:
      return r50_prep_fail(p, R50_ERR_UNSUPPORTED, "fused activation %d is not supported",
                           (int)act);
  }
}

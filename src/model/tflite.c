/* TFLite flatbuffer reader: hand-written, zero-copy, fully verifying.
 *
 * Schema (tensorflow/lite/schema/schema.fbs, version 3) field ids used here:
 *   Model:        0 version:uint, 1 operator_codes, 2 subgraphs, 3 description, 4 buffers
 *   OperatorCode: 0 deprecated_builtin_code:byte, 1 custom_code, 2 version:int=1,
 *                 3 builtin_code:int
 *   SubGraph:     0 tensors, 1 inputs, 2 outputs, 3 operators, 4 name
 *   Buffer:       0 data:[ubyte], 1 offset:ulong, 2 size:ulong
 *   Tensor:       0 shape, 1 type:byte, 2 buffer:uint, 3 name, 4 quantization,
 *                 5 is_variable, 6 sparsity
 *   Quantization: 0 min, 1 max, 2 scale:[float], 3 zero_point:[long],
 *                 4/5 details (union), 6 quantized_dimension:int
 *   Operator:     0 opcode_index:uint, 1 inputs, 2 outputs, 3 builtin_options_type:ubyte,
 *                 4 builtin_options
 * Only what is read is verified; unread fields (metadata, signature_defs,
 * other subgraphs, min/max, custom options) are never dereferenced. */
#include "tflite.h"

#include <stdio.h>
#include <string.h>

#include "../runtime/error.h"
#include "fb.h"

/* BuiltinOptions union type numbers (schema.fbs order, NONE = 0). */
enum {
  OPT_CONV2D = 1,
  OPT_DEPTHWISE = 2,
  OPT_POOL2D = 5,
  OPT_FC = 8,
  OPT_SOFTMAX = 9,
  OPT_CONCAT = 10,
  OPT_ADD = 11,
  OPT_MUL = 21,
  OPT_REDUCER = 27,
  OPT_SUB = 28,
  OPT_SQUEEZE = 30,
  OPT_LAST = 126 /* RightShiftOptions */
};

#define TFL_SCHEMA_VERSION 3u
#define TFL_TYPE_LAST 17 /* INT4 */

static const char *opt_name(int t) {
  switch (t) {
    case 0: return "NONE";
    case OPT_CONV2D: return "Conv2DOptions";
    case OPT_DEPTHWISE: return "DepthwiseConv2DOptions";
    case OPT_POOL2D: return "Pool2DOptions";
    case OPT_FC: return "FullyConnectedOptions";
    case OPT_SOFTMAX: return "SoftmaxOptions";
    case OPT_CONCAT: return "ConcatenationOptions";
    case OPT_ADD: return "AddOptions";
    case OPT_MUL: return "MulOptions";
    case OPT_REDUCER: return "ReducerOptions";
    case OPT_SUB: return "SubOptions";
    case OPT_SQUEEZE: return "SqueezeOptions";
    default: return "other";
  }
}

static const char *tfl_type_name(int t) {
  static const char *const n[] = {"FLOAT32", "FLOAT16", "INT32",  "UINT8",     "INT64",    "STRING",
                                  "BOOL",    "INT16",   "COMPLEX64", "INT8",   "FLOAT64",  "COMPLEX128",
                                  "UINT64",  "RESOURCE", "VARIANT", "UINT32",  "UINT16",   "INT4"};
  return (t >= 0 && t <= TFL_TYPE_LAST) ? n[t] : "?";
}

/* "[64,3,3,3]" */
static void fmt_shape(char *out, size_t n, const r50_tensor *t) {
  size_t k = 0;
  k += (size_t)snprintf(out + k, n - k, "[");
  for (int d = 0; d < t->ndim && k < n; d++)
    k += (size_t)snprintf(out + k, n - k, "%s%d", d ? "," : "", (int)t->dims[d]);
  if (k < n) snprintf(out + k, n - k, "]");
}

static size_t align_up(size_t v, size_t a) { return (v + (a - 1)) & ~(a - 1); }

typedef struct {
  fb_reader r;
  const r50_limits *lim;
  fb_table model;
  fb_vec opcodes, buffers;
  int has_buffers;
  r50_graph *g;
} tfl_ctx;

/* ---- buffers ---- */

/* Data of buffer `idx` (already range-checked). *data = NULL, *n = 0 if empty. */
static r50_status read_buffer(tfl_ctx *c, uint32_t idx, const uint8_t **data, uint64_t *n) {
  fb_reader r = c->r;
  r.obj = "buffer";
  r.idx = idx;
  fb_table bt;
  fb_vec dv;
  uint64_t off, size;
  int present;
  r50_status s;
  *data = NULL;
  *n = 0;
  if ((s = fb_vec_table(&r, &c->buffers, idx, "buffers[]", &bt))) return s;
  if ((s = fb_vector(&r, &bt, 0, 1, "data", &dv, &present))) return s;
  if ((s = fb_u64(&r, &bt, 1, 0, "offset", &off))) return s;
  if ((s = fb_u64(&r, &bt, 2, 0, "size", &size))) return s;
  if (off > 1) {
    if (dv.n)
      return r50_fail(c->r.err, R50_ERR_MODEL, "buffer %u has both inline data (%u bytes) and an external offset",
                      (unsigned)idx, (unsigned)dv.n);
    if (size > c->r.len || off > c->r.len - size)
      return r50_fail(c->r.err, R50_ERR_MODEL,
                      "truncated: buffer %u at file offset %llu (size %llu) runs past the end of the %zu-byte buffer",
                      (unsigned)idx, (unsigned long long)off, (unsigned long long)size, c->r.len);
    *data = c->r.buf + off;
    *n = size;
    return R50_OK;
  }
  if (dv.n) {
    *data = c->r.buf + dv.pos;
    *n = dv.n;
  }
  return R50_OK;
}

/* ---- tensors ---- */

static r50_status read_tensor(tfl_ctx *c, const fb_vec *tv, int32_t i, r50_tensor *t) {
  fb_reader r = c->r;
  r.obj = "tensor";
  r.idx = i;
  r50_error *err = c->r.err;
  fb_table tt, qt;
  fb_vec shape, scale, zp;
  int8_t type;
  uint32_t buf_idx;
  uint8_t is_var;
  int present, has_zp;
  size_t sparsity_at;
  r50_status s;

  if ((s = fb_vec_table(&r, tv, (uint32_t)i, "tensors[]", &tt))) return s;
  if ((s = fb_string(&r, &tt, 3, "", "name", &t->name))) return s;
  if ((s = fb_i8(&r, &tt, 1, 0, "type", &type))) return s;
  if ((s = fb_vector(&r, &tt, 0, 4, "shape", &shape, NULL))) return s;
  if ((s = fb_u32(&r, &tt, 2, 0, "buffer", &buf_idx))) return s;
  if ((s = fb_u8(&r, &tt, 5, 0, "is_variable", &is_var))) return s;
  if ((s = fb_field(&r, &tt, 6, 4, "sparsity", &sparsity_at))) return s;
  t->is_variable = is_var != 0;

  if (type < 0 || type > TFL_TYPE_LAST)
    return r50_fail(err, R50_ERR_MODEL, "tensor %d '%s': invalid tensor type %d", (int)i, t->name, type);
  if (type == R50_DTYPE_STRING || type > R50_DTYPE_FLOAT64)
    return r50_fail(err, R50_ERR_UNSUPPORTED, "tensor %d '%s': tensor type %s is not supported", (int)i,
                    t->name, tfl_type_name(type));
  t->type = (r50_dtype)type;
  if (sparsity_at)
    return r50_fail(err, R50_ERR_UNSUPPORTED, "tensor %d '%s': sparse tensors are not supported", (int)i,
                    t->name);

  if (shape.n > R50_MAX_DIMS)
    return r50_fail(err, R50_ERR_UNSUPPORTED, "tensor %d '%s': rank %u exceeds the maximum of %d", (int)i,
                    t->name, (unsigned)shape.n, R50_MAX_DIMS);
  t->ndim = (int32_t)shape.n;
  uint64_t n_elems = 1;
  for (int d = 0; d < t->ndim; d++) {
    int32_t v;
    memcpy(&v, c->r.buf + shape.pos + 4 * (size_t)d, 4);
    t->dims[d] = v;
  }
  for (int d = 0; d < t->ndim; d++) {
    int32_t v = t->dims[d];
    char sh[96];
    if (v < 0) {
      fmt_shape(sh, sizeof sh, t);
      return r50_fail(err, R50_ERR_MODEL, "tensor %d '%s': negative dimension %d in shape %s", (int)i, t->name,
                      (int)v, sh);
    }
    if (v == 0) {
      fmt_shape(sh, sizeof sh, t);
      return r50_fail(err, R50_ERR_UNSUPPORTED, "tensor %d '%s': zero-sized tensor (shape %s)", (int)i, t->name,
                      sh);
    }
    if (n_elems > c->lim->max_tensor_elems / (uint64_t)v) {
      fmt_shape(sh, sizeof sh, t);
      return r50_fail(err, R50_ERR_LIMIT, "tensor %d '%s': shape %s has more than max_tensor_elems=%llu elements",
                      (int)i, t->name, sh, (unsigned long long)c->lim->max_tensor_elems);
    }
    n_elems *= (uint64_t)v;
  }
  size_t esize = r50_dtype_size(t->type);
  if (n_elems > SIZE_MAX / esize)
    return r50_fail(err, R50_ERR_LIMIT, "tensor %d '%s': byte size overflows size_t", (int)i, t->name);
  t->n_elems = (size_t)n_elems;
  t->bytes = (size_t)n_elems * esize;

  /* buffer / constant data */
  uint32_t n_buffers = c->has_buffers ? c->buffers.n : 0;
  if (buf_idx >= n_buffers && !(buf_idx == 0 && n_buffers == 0))
    return r50_fail(err, R50_ERR_MODEL, "tensor %d '%s': buffer index %u out of range (model has %u buffers)",
                    (int)i, t->name, (unsigned)buf_idx, (unsigned)n_buffers);
  t->data = NULL;
  if (buf_idx > 0) {
    const uint8_t *data;
    uint64_t n;
    if ((s = read_buffer(c, buf_idx, &data, &n))) return s;
    if (n) {
      if (n != t->bytes) {
        char sh[96];
        fmt_shape(sh, sizeof sh, t);
        return r50_fail(err, R50_ERR_MODEL, "tensor %d '%s': buffer %u holds %llu bytes, shape %s %s needs %zu",
                        (int)i, t->name, (unsigned)buf_idx, (unsigned long long)n, sh, r50_dtype_name(t->type), t->bytes);
      }
      if ((size_t)(data - c->r.buf) % esize)
        return r50_fail(err, R50_ERR_MODEL,
                        "tensor %d '%s': constant data of buffer %u at offset %zu is not aligned to its %zu-byte elements",
                        (int)i, t->name, (unsigned)buf_idx, (size_t)(data - c->r.buf), esize);
      t->data = data;
    }
  }

  /* quantization */
  t->q_count = 0;
  t->q_dim = 0;
  t->q_scale = NULL;
  t->q_zero_point = NULL;
  r.obj = "quantization of tensor";
  if ((s = fb_subtable(&r, &tt, 4, "quantization", &qt, &present))) return s;
  if (present) {
    int32_t qdim;
    if ((s = fb_vector(&r, &qt, 2, 4, "scale", &scale, NULL))) return s;
    if ((s = fb_vector(&r, &qt, 3, 8, "zero_point", &zp, &has_zp))) return s;
    if ((s = fb_i32(&r, &qt, 6, 0, "quantized_dimension", &qdim))) return s;
    if (scale.n > 0) {
      if (!has_zp)
        return r50_fail(err, R50_ERR_MODEL, "tensor %d '%s': quantization has %u scales but no zero_point", (int)i,
                        t->name, (unsigned)scale.n);
      if (zp.n != scale.n)
        return r50_fail(err, R50_ERR_MODEL, "tensor %d '%s': quantization has %u scales but %u zero points", (int)i,
                        t->name, (unsigned)scale.n, (unsigned)zp.n);
      if (scale.n > 1) {
        if (qdim < 0 || qdim >= t->ndim)
          return r50_fail(err, R50_ERR_MODEL,
                          "tensor %d '%s': quantized_dimension %d out of range for rank %d", (int)i, t->name, (int)qdim,
                          (int)t->ndim);
        if ((uint32_t)t->dims[qdim] != scale.n)
          return r50_fail(err, R50_ERR_MODEL,
                          "tensor %d '%s': %u per-channel scales but dimension %d has size %d", (int)i, t->name,
                          (unsigned)scale.n, (int)qdim, (int)t->dims[qdim]);
      }
      t->q_count = (int32_t)scale.n;
      t->q_dim = qdim;
      t->q_scale = (const float *)(const void *)(c->r.buf + scale.pos);
      t->q_zero_point = (const int64_t *)(const void *)(c->r.buf + zp.pos);
    }
  }
  return R50_OK;
}

/* ---- operators ---- */

static r50_status check_enum(r50_error *err, int32_t i, int32_t code, const char *what, int v, int hi) {
  if (v < 0 || v > hi)
    return r50_fail(err, R50_ERR_MODEL, "operator %d (%s): %s %d out of range 0..%d", (int)i,
                    r50_op_type_name(code), what, v, hi);
  return R50_OK;
}

static r50_status check_pos(r50_error *err, int32_t i, int32_t code, const char *what, int32_t v) {
  if (v < 1)
    return r50_fail(err, R50_ERR_MODEL, "operator %d (%s): %s %d must be >= 1", (int)i, r50_op_type_name(code),
                    what, (int)v);
  return R50_OK;
}

/* Parse builtin options of op i (code `code`) from table ot (present if has). */
static r50_status read_options(tfl_ctx *c, const fb_reader *r, int32_t i, int32_t code, int has,
                               const fb_table *ot, r50_op *op) {
  r50_error *err = c->r.err;
  r50_op_options *o = &op->opt;
  r50_status s;
  int8_t e8;
  uint8_t b;
  memset(o, 0, sizeof *o);
  fb_table none;
  memset(&none, 0, sizeof none); /* vsize 0: every field absent -> defaults */
  const fb_table *t = has ? ot : &none;
  switch (code) {
    case R50_OP_CONV_2D:
    case R50_OP_DEPTHWISE_CONV_2D: {
      r50_conv_options *cv = &o->conv;
      int dw = code == R50_OP_DEPTHWISE_CONV_2D;
      int32_t def_stride = has ? 0 : 1;
      if ((s = fb_i8(r, t, 0, 0, "padding", &e8))) return s;
      cv->padding = e8;
      if ((s = fb_i32(r, t, 1, def_stride, "stride_w", &cv->stride_w))) return s;
      if ((s = fb_i32(r, t, 2, def_stride, "stride_h", &cv->stride_h))) return s;
      if (dw) {
        if ((s = fb_i32(r, t, 3, has ? 0 : 1, "depth_multiplier", &cv->depth_multiplier))) return s;
      }
      if ((s = fb_i8(r, t, dw ? 4 : 3, 0, "fused_activation_function", &e8))) return s;
      cv->activation = e8;
      if ((s = fb_i32(r, t, dw ? 5 : 4, 1, "dilation_w_factor", &cv->dilation_w))) return s;
      if ((s = fb_i32(r, t, dw ? 6 : 5, 1, "dilation_h_factor", &cv->dilation_h))) return s;
      if ((s = check_enum(err, i, code, "padding", cv->padding, 1))) return s;
      if ((s = check_enum(err, i, code, "fused_activation_function", cv->activation, 5))) return s;
      if ((s = check_pos(err, i, code, "stride_w", cv->stride_w))) return s;
      if ((s = check_pos(err, i, code, "stride_h", cv->stride_h))) return s;
      if ((s = check_pos(err, i, code, "dilation_w_factor", cv->dilation_w))) return s;
      if ((s = check_pos(err, i, code, "dilation_h_factor", cv->dilation_h))) return s;
      if (dw && cv->depth_multiplier < 0)
        return r50_fail(err, R50_ERR_MODEL, "operator %d (%s): depth_multiplier %d is negative", (int)i,
                        r50_op_type_name(code), (int)cv->depth_multiplier);
      return R50_OK;
    }
    case R50_OP_AVERAGE_POOL_2D:
    case R50_OP_MAX_POOL_2D: {
      r50_pool_options *p = &o->pool;
      int32_t def = has ? 0 : 1;
      if ((s = fb_i8(r, t, 0, 0, "padding", &e8))) return s;
      p->padding = e8;
      if ((s = fb_i32(r, t, 1, def, "stride_w", &p->stride_w))) return s;
      if ((s = fb_i32(r, t, 2, def, "stride_h", &p->stride_h))) return s;
      if ((s = fb_i32(r, t, 3, def, "filter_width", &p->filter_w))) return s;
      if ((s = fb_i32(r, t, 4, def, "filter_height", &p->filter_h))) return s;
      if ((s = fb_i8(r, t, 5, 0, "fused_activation_function", &e8))) return s;
      p->activation = e8;
      if ((s = check_enum(err, i, code, "padding", p->padding, 1))) return s;
      if ((s = check_enum(err, i, code, "fused_activation_function", p->activation, 5))) return s;
      if ((s = check_pos(err, i, code, "stride_w", p->stride_w))) return s;
      if ((s = check_pos(err, i, code, "stride_h", p->stride_h))) return s;
      if ((s = check_pos(err, i, code, "filter_width", p->filter_w))) return s;
      if ((s = check_pos(err, i, code, "filter_height", p->filter_h))) return s;
      return R50_OK;
    }
    case R50_OP_FULLY_CONNECTED: {
      r50_fc_options *f = &o->fc;
      if ((s = fb_i8(r, t, 0, 0, "fused_activation_function", &e8))) return s;
      f->activation = e8;
      if ((s = fb_i8(r, t, 1, 0, "weights_format", &e8))) return s;
      f->weights_format = e8;
      if ((s = fb_u8(r, t, 2, 0, "keep_num_dims", &b))) return s;
      f->keep_num_dims = b != 0;
      if ((s = fb_u8(r, t, 3, 0, "asymmetric_quantize_inputs", &b))) return s;
      f->asymmetric_quantize_inputs = b != 0;
      if ((s = check_enum(err, i, code, "fused_activation_function", f->activation, 5))) return s;
      return check_enum(err, i, code, "weights_format", f->weights_format, 1);
    }
    case R50_OP_SOFTMAX:
      return fb_f32(r, t, 0, has ? 0.0f : 1.0f, "beta", &o->softmax.beta);
    case R50_OP_CONCATENATION:
      if ((s = fb_i32(r, t, 0, 0, "axis", &o->concat.axis))) return s;
      if ((s = fb_i8(r, t, 1, 0, "fused_activation_function", &e8))) return s;
      o->concat.activation = e8;
      return check_enum(err, i, code, "fused_activation_function", e8, 5);
    case R50_OP_ADD:
    case R50_OP_SUB:
    case R50_OP_MUL:
      if ((s = fb_i8(r, t, 0, 0, "fused_activation_function", &e8))) return s;
      o->eltwise.activation = e8;
      if (code != R50_OP_MUL) {
        if ((s = fb_u8(r, t, 1, 1, "pot_scale_int16", &b))) return s;
        o->eltwise.pot_scale_int16 = b != 0;
      }
      return check_enum(err, i, code, "fused_activation_function", e8, 5);
    case R50_OP_MEAN:
      if ((s = fb_u8(r, t, 0, 0, "keep_dims", &b))) return s;
      o->reducer.keep_dims = b != 0;
      return R50_OK;
    case R50_OP_SQUEEZE: {
      fb_vec v = {0, 0};
      if (has && (s = fb_vector(r, t, 0, 4, "squeeze_dims", &v, NULL))) return s;
      if (v.n > R50_MAX_DIMS)
        return r50_fail(err, R50_ERR_MODEL, "operator %d (SQUEEZE): %u squeeze_dims, at most %d allowed", (int)i,
                        (unsigned)v.n, R50_MAX_DIMS);
      o->squeeze.n_squeeze_dims = (int32_t)v.n;
      for (uint32_t k = 0; k < v.n; k++) memcpy(&o->squeeze.squeeze_dims[k], c->r.buf + v.pos + 4 * k, 4);
      return R50_OK;
    }
    default:
      return R50_OK;
  }
}

static int expected_opt(int32_t code) {
  switch (code) {
    case R50_OP_CONV_2D: return OPT_CONV2D;
    case R50_OP_DEPTHWISE_CONV_2D: return OPT_DEPTHWISE;
    case R50_OP_AVERAGE_POOL_2D:
    case R50_OP_MAX_POOL_2D: return OPT_POOL2D;
    case R50_OP_FULLY_CONNECTED: return OPT_FC;
    case R50_OP_SOFTMAX: return OPT_SOFTMAX;
    case R50_OP_CONCATENATION: return OPT_CONCAT;
    case R50_OP_ADD: return OPT_ADD;
    case R50_OP_SUB: return OPT_SUB;
    case R50_OP_MUL: return OPT_MUL;
    case R50_OP_MEAN: return OPT_REDUCER;
    case R50_OP_SQUEEZE: return OPT_SQUEEZE;
    default: return -1;
  }
}

static r50_status read_opcode(tfl_ctx *c, uint32_t idx, int32_t *code, int32_t *version,
                              const char **custom) {
  fb_reader r = c->r;
  r.obj = "operator_code";
  r.idx = idx;
  fb_table ot;
  int8_t dep;
  int32_t bc;
  r50_status s;
  if ((s = fb_vec_table(&r, &c->opcodes, idx, "operator_codes[]", &ot))) return s;
  if ((s = fb_i8(&r, &ot, 0, 0, "deprecated_builtin_code", &dep))) return s;
  if ((s = fb_string(&r, &ot, 1, NULL, "custom_code", custom))) return s;
  if ((s = fb_i32(&r, &ot, 2, 1, "version", version))) return s;
  if ((s = fb_i32(&r, &ot, 3, 0, "builtin_code", &bc))) return s;
  /* TFLite's GetBuiltinCode: the larger of the two fields. */
  *code = bc > dep ? bc : dep;
  if (*code < 0)
    return r50_fail(c->r.err, R50_ERR_MODEL, "operator_code %u: negative builtin code %d", (unsigned)idx, (int)*code);
  return R50_OK;
}

static r50_status read_index_vec(tfl_ctx *c, const fb_reader *r, const fb_table *t, int id,
                                 const char *field, int32_t op_i, int32_t code, int allow_optional,
                                 int32_t *n, const int32_t **out) {
  fb_vec v;
  r50_status s = fb_vector(r, t, id, 4, field, &v, NULL);
  if (s) return s;
  if (v.n > (uint32_t)INT32_MAX / 2)
    return r50_fail(c->r.err, R50_ERR_MODEL, "operator %d: %s has %u entries", (int)op_i, field, (unsigned)v.n);
  *n = (int32_t)v.n;
  *out = v.n ? (const int32_t *)(const void *)(c->r.buf + v.pos) : NULL;
  for (uint32_t k = 0; k < v.n; k++) {
    int32_t x = (*out)[k];
    if (x == -1 && allow_optional) continue;
    if (x < 0 || x >= c->g->n_tensors)
      return r50_fail(c->r.err, R50_ERR_MODEL, "operator %d (%s): %s index %d out of range (model has %d tensors)",
                      (int)op_i, r50_op_type_name(code), field, (int)x, (int)c->g->n_tensors);
  }
  return R50_OK;
}

static r50_status read_op(tfl_ctx *c, const fb_vec *ov, int32_t i, r50_op *op) {
  fb_reader r = c->r;
  r.obj = "operator";
  r.idx = i;
  fb_table t, opt;
  uint32_t opcode_index;
  uint8_t opt_type;
  int has_opt;
  r50_status s;
  if ((s = fb_vec_table(&r, ov, (uint32_t)i, "operators[]", &t))) return s;
  if ((s = fb_u32(&r, &t, 0, 0, "opcode_index", &opcode_index))) return s;
  uint32_t n_opcodes = c->opcodes.n;
  if (opcode_index >= n_opcodes)
    return r50_fail(c->r.err, R50_ERR_MODEL, "operator %d: opcode_index %u out of range (model has %u operator codes)",
                    (int)i, (unsigned)opcode_index, (unsigned)n_opcodes);
  if ((s = read_opcode(c, opcode_index, &op->type, &op->version, &op->custom_code))) return s;
  int32_t code = op->type;
  if ((s = read_index_vec(c, &r, &t, 1, "input", i, code, 1, &op->n_inputs, &op->inputs))) return s;
  if ((s = read_index_vec(c, &r, &t, 2, "output", i, code, 0, &op->n_outputs, &op->outputs))) return s;
  if ((s = fb_u8(&r, &t, 3, 0, "builtin_options_type", &opt_type))) return s;
  if (opt_type > OPT_LAST)
    return r50_fail(c->r.err, R50_ERR_MODEL, "operator %d (%s): builtin_options type %u out of range 0..%d", (int)i,
                    r50_op_type_name(code), opt_type, OPT_LAST);
  int want = expected_opt(code);
  has_opt = 0;
  if (want >= 0 && opt_type != 0) {
    if (opt_type != want)
      return r50_fail(c->r.err, R50_ERR_MODEL, "operator %d (%s): builtin_options type %u (%s), expected %d (%s)",
                      (int)i, r50_op_type_name(code), opt_type, opt_name(opt_type), want, opt_name(want));
    if ((s = fb_subtable(&r, &t, 4, "builtin_options", &opt, &has_opt))) return s;
  }
  if (want >= 0) {
    r.obj = "options of operator";
    if ((s = read_options(c, &r, i, code, has_opt, &opt, op))) return s;
  }
  return R50_OK;
}

/* ---- data flow ---- */

/* state[t]: 0 = nothing yet, -1 = graph input, k+1 = output of op k. */
static r50_status check_dataflow(tfl_ctx *c, int32_t *state) {
  r50_graph *g = c->g;
  r50_error *err = c->r.err;
  for (int32_t k = 0; k < g->n_inputs; k++) state[g->inputs[k]] = -1;
  for (int32_t i = 0; i < g->n_ops; i++) {
    const r50_op *op = &g->ops[i];
    const char *tn = r50_op_type_name(op->type);
    for (int32_t k = 0; k < op->n_inputs; k++) {
      int32_t x = op->inputs[k];
      if (x < 0) continue;
      const r50_tensor *t = &g->tensors[x];
      if (t->data || state[x] != 0) continue;
      /* A variable tensor (TFLite state kept across invokes, e.g. RNN cells)
       * read before any op writes it would need zero-initialised persistent
       * memory, which r50 does not plan: without this check it was planned
       * like an activation and read uninitialised. */
      if (t->is_variable)
        return r50_fail(err, R50_ERR_UNSUPPORTED,
                        "operator %d (%s): input %d is variable tensor %d '%s' (state kept across invokes "
                        "is not supported)",
                        (int)i, tn, (int)k, (int)x, t->name);
      return r50_fail(err, R50_ERR_MODEL,
                      "operator %d (%s): input %d is tensor %d '%s', which is neither constant, a graph input "
                      "nor produced by an earlier operator (cycle or dangling reference)",
                      (int)i, tn, (int)k, (int)x, t->name);
    }
    for (int32_t k = 0; k < op->n_outputs; k++) {
      int32_t x = op->outputs[k];
      const r50_tensor *t = &g->tensors[x];
      if (state[x] == -1)
        return r50_fail(err, R50_ERR_MODEL, "operator %d (%s): output %d writes graph input tensor %d '%s'", (int)i,
                        tn, (int)k, (int)x, t->name);
      if (t->data)
        return r50_fail(err, R50_ERR_MODEL, "operator %d (%s): output %d writes constant tensor %d '%s'", (int)i, tn,
                        (int)k, (int)x, t->name);
      if (state[x] > 0)
        return r50_fail(err, R50_ERR_MODEL,
                        "operator %d (%s): output %d tensor %d '%s' is already produced by operator %d", (int)i, tn, (int)k,
                        (int)x, t->name, (int)(state[x] - 1));
      state[x] = i + 1;
    }
  }
  for (int32_t k = 0; k < g->n_outputs; k++) {
    int32_t x = g->outputs[k];
    const r50_tensor *t = &g->tensors[x];
    if (state[x] == 0 && !t->data)
      return r50_fail(err, R50_ERR_MODEL, "graph output %d is tensor %d '%s', which no operator produces", (int)k, (int)x,
                      t->name);
  }
  return R50_OK;
}

static r50_status read_graph_io(tfl_ctx *c, const fb_reader *r, const fb_table *sg, int id, const char *what,
                                int32_t *n, const int32_t **out) {
  fb_vec v;
  r50_status s = fb_vector(r, sg, id, 4, what, &v, NULL);
  if (s) return s;
  if (v.n == 0) return r50_fail(c->r.err, R50_ERR_MODEL, "subgraph 0 has no %s", what);
  if (v.n > (uint32_t)c->g->n_tensors)
    return r50_fail(c->r.err, R50_ERR_MODEL, "subgraph 0 has %u %s but only %d tensors", (unsigned)v.n, what,
                    (int)c->g->n_tensors);
  *n = (int32_t)v.n;
  *out = (const int32_t *)(const void *)(c->r.buf + v.pos);
  for (uint32_t k = 0; k < v.n; k++) {
    int32_t x = (*out)[k];
    if (x < 0 || x >= c->g->n_tensors)
      return r50_fail(c->r.err, R50_ERR_MODEL, "subgraph 0 %s %u: tensor index %d out of range (model has %d tensors)",
                      what, (unsigned)k, (int)x, (int)c->g->n_tensors);
  }
  return R50_OK;
}

r50_status r50_tflite_read(const void *buf, size_t len, const r50_limits *limits, r50_bump *mem, r50_graph *g,
                           r50_error *err) {
  if (err) err->arena_needed = 0;
  if (!buf || !limits || !mem || !g)
    return r50_fail(err, R50_ERR_ARG, "r50_tflite_read: NULL argument");
  if ((uintptr_t)buf % R50_MODEL_ALIGN)
    return r50_fail(err, R50_ERR_ARG, "model buffer at %p is not %d-byte aligned", buf, R50_MODEL_ALIGN);
  memset(g, 0, sizeof *g);
  if (len < 8)
    return r50_fail(err, R50_ERR_MODEL, "truncated: %zu-byte buffer is shorter than the 8-byte flatbuffer header",
                    len);
  const uint8_t *b = (const uint8_t *)buf;
  if (memcmp(b + 4, "TFL3", 4) != 0) {
    char id[5];
    for (int k = 0; k < 4; k++) id[k] = (b[4 + k] >= 0x20 && b[4 + k] < 0x7f) ? (char)b[4 + k] : '?';
    id[4] = 0;
    return r50_fail(err, R50_ERR_MODEL, "file identifier is '%s', expected 'TFL3' (not a TFLite model)", id);
  }

  tfl_ctx c;
  memset(&c, 0, sizeof c);
  c.r.buf = b;
  c.r.len = len;
  c.r.err = err;
  c.r.obj = "model";
  c.r.idx = -1;
  c.lim = limits;
  c.g = g;
  fb_reader *r = &c.r;
  r50_status s;
  uint64_t root = 0;
  uint32_t version;
  fb_vec subgraphs, tensors, ops;
  fb_table sg;
  int present;

  if ((s = fb_deref(r, 0, "root", &root))) return s;
  if ((s = fb_table_at(r, root, "root", &c.model))) return s;
  if ((s = fb_u32(r, &c.model, 0, 0, "version", &version))) return s;
  if (version != TFL_SCHEMA_VERSION)
    return r50_fail(err, R50_ERR_UNSUPPORTED, "model schema version %u, only version 3 is supported", (unsigned)version);
  g->schema_version = version;
  if ((s = fb_vector(r, &c.model, 1, 4, "operator_codes", &c.opcodes, NULL))) return s;
  if ((s = fb_vector(r, &c.model, 2, 4, "subgraphs", &subgraphs, NULL))) return s;
  if ((s = fb_string(r, &c.model, 3, "", "description", &g->description))) return s;
  if ((s = fb_vector(r, &c.model, 4, 4, "buffers", &c.buffers, &c.has_buffers))) return s;
  if (subgraphs.n < 1) return r50_fail(err, R50_ERR_MODEL, "model has no subgraphs");
  if (c.buffers.n > 0) {
    const uint8_t *d0;
    uint64_t n0;
    if ((s = read_buffer(&c, 0, &d0, &n0))) return s;
    if (n0) return r50_fail(err, R50_ERR_MODEL, "buffer 0 must be the empty sentinel but holds %llu bytes",
                            (unsigned long long)n0);
  }

  r->obj = "subgraph";
  r->idx = 0;
  if ((s = fb_vec_table(r, &subgraphs, 0, "subgraphs[]", &sg))) return s;
  if ((s = fb_vector(r, &sg, 0, 4, "tensors", &tensors, NULL))) return s;
  if ((s = fb_vector(r, &sg, 3, 4, "operators", &ops, &present))) return s;
  if (tensors.n > (uint32_t)(limits->max_tensors < 0 ? 0 : limits->max_tensors))
    return r50_fail(err, R50_ERR_LIMIT, "model has %u tensors, more than max_tensors=%d", (unsigned)tensors.n,
                    (int)limits->max_tensors);
  if (ops.n > (uint32_t)(limits->max_ops < 0 ? 0 : limits->max_ops))
    return r50_fail(err, R50_ERR_LIMIT, "model has %u operators, more than max_ops=%d", (unsigned)ops.n,
                    (int)limits->max_ops);
  if (tensors.n == 0) return r50_fail(err, R50_ERR_MODEL, "subgraph 0 has no tensors");

  /* Arena: tensors, ops, then a scratch array for the data-flow check that is
   * released again. Compute the total first so a failure allocates nothing. */
  size_t t_bytes = (size_t)tensors.n * sizeof(r50_tensor);
  size_t o_bytes = (size_t)ops.n * sizeof(r50_op);
  size_t st_bytes = (size_t)tensors.n * sizeof(int32_t);
  size_t need = align_up(mem->used, 16) + t_bytes;
  need = align_up(need, 16) + o_bytes;
  size_t keep = need;
  need = align_up(need, 16) + st_bytes;
  if (need > mem->size || mem->used > mem->size) {
    if (err) err->arena_needed = need;
    return r50_fail(err, R50_ERR_ARENA,
                    "arena too small for the model's descriptors: %u tensors and %u operators need %zu bytes "
                    "(arena_needed), the arena has %zu",
                    (unsigned)tensors.n, (unsigned)ops.n, need, mem->size);
  }
  g->tensors = (r50_tensor *)r50_bump_alloc(mem, t_bytes, 16);
  g->ops = o_bytes ? (r50_op *)r50_bump_alloc(mem, o_bytes, 16) : NULL;
  size_t mark = mem->used;
  int32_t *state = (int32_t *)r50_bump_alloc(mem, st_bytes, 16);
  if (!g->tensors || (o_bytes && !g->ops) || !state || mark > keep) {
    mem->used = mark;
    return r50_fail(err, R50_ERR_ARENA, "arena allocation of model descriptors failed");
  }
  g->n_tensors = (int32_t)tensors.n;
  g->n_ops = (int32_t)ops.n;

  for (int32_t i = 0; i < g->n_tensors; i++)
    if ((s = read_tensor(&c, &tensors, i, &g->tensors[i]))) goto out;
  r->obj = "subgraph";
  r->idx = 0;
  if ((s = read_graph_io(&c, r, &sg, 1, "inputs", &g->n_inputs, &g->inputs))) goto out;
  if ((s = read_graph_io(&c, r, &sg, 2, "outputs", &g->n_outputs, &g->outputs))) goto out;
  for (int32_t i = 0; i < g->n_ops; i++)
    if ((s = read_op(&c, &ops, i, &g->ops[i]))) goto out;
  s = check_dataflow(&c, state);
out:
  mem->used = mark; /* release the scratch array */
  return s;
}

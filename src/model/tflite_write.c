/* TFLite flatbuffer writer (see tflite_write.h).
 *
 * Layout: flatbuffer uoffsets must point forward, so the file is written top
 * down: a table is emitted with placeholder offsets for its children, then the
 * children are emitted after it and the placeholders patched. Each table's
 * vtable is written immediately before the table (positive soffset). Tables
 * start 8-byte aligned, so fields aligned relative to the table are aligned
 * absolutely; scalar vectors are aligned to max(4, element size), buffer data
 * to 16. Writing past `cap` is suppressed but counted, which gives the size
 * query for free. */
#include "tflite_write.h"

#include <string.h>

#include "../runtime/error.h"

typedef struct {
  uint8_t *out;
  size_t cap;
  size_t pos;
} wr;

static void w_bytes(wr *w, const void *p, size_t n) {
  if (w->out && w->pos <= w->cap && n <= w->cap - w->pos) {
    if (p)
      memcpy(w->out + w->pos, p, n);
    else
      memset(w->out + w->pos, 0, n);
  }
  w->pos += n;
}

static void w_align(wr *w, size_t a) {
  static const uint8_t zeros[16] = {0};
  size_t pad = (a - w->pos % a) % a;
  w_bytes(w, zeros, pad);
}

static void w_put(wr *w, size_t at, const void *p, size_t n) {
  if (w->out && at <= w->cap && n <= w->cap - at) memcpy(w->out + at, p, n);
}

/* Store at `slot` the uoffset pointing to `target` (> slot). */
static void w_link(wr *w, size_t slot, size_t target) {
  uint32_t u = (uint32_t)(target - slot);
  w_put(w, slot, &u, 4);
}

/* ---- tables ---- */

#define TB_MAX_FIELDS 16
typedef struct {
  uint16_t voff[TB_MAX_FIELDS];
  int nf;
  uint8_t data[96];
  size_t size;
} tb;

static void tb_init(tb *t) {
  memset(t, 0, sizeof *t);
  t->size = 4; /* soffset */
}

static size_t tb_slot(tb *t, int id, size_t sz) {
  t->size = (t->size + sz - 1) / sz * sz;
  size_t at = t->size;
  t->voff[id] = (uint16_t)at;
  t->size += sz;
  if (id + 1 > t->nf) t->nf = id + 1;
  return at;
}

static void tb_scalar(tb *t, int id, const void *v, size_t sz) { memcpy(t->data + tb_slot(t, id, sz), v, sz); }
static void tb_i8(tb *t, int id, int8_t v) { tb_scalar(t, id, &v, 1); }
static void tb_u8(tb *t, int id, uint8_t v) { tb_scalar(t, id, &v, 1); }
static void tb_i32(tb *t, int id, int32_t v) { tb_scalar(t, id, &v, 4); }
static void tb_u32(tb *t, int id, uint32_t v) { tb_scalar(t, id, &v, 4); }
static void tb_u64(tb *t, int id, uint64_t v) { tb_scalar(t, id, &v, 8); }
static void tb_f32(tb *t, int id, float v) { tb_scalar(t, id, &v, 4); }
/* Placeholder uoffset; returns its offset inside the table. */
static size_t tb_ref(tb *t, int id) { return tb_slot(t, id, 4); }

/* Emit vtable + table; returns the table's position. */
static size_t tb_end(wr *w, tb *t) {
  uint16_t vt[2 + TB_MAX_FIELDS];
  size_t tsize = (t->size + 3) / 4 * 4;
  vt[0] = (uint16_t)(4 + 2 * t->nf);
  vt[1] = (uint16_t)tsize;
  for (int i = 0; i < t->nf; i++) vt[2 + i] = t->voff[i];
  w_align(w, 4);
  size_t vpos = w->pos;
  w_bytes(w, vt, vt[0]);
  w_align(w, 8);
  size_t tpos = w->pos;
  int32_t so = (int32_t)(tpos - vpos);
  memcpy(t->data, &so, 4);
  w_bytes(w, t->data, tsize);
  return tpos;
}

/* ---- vectors ---- */

/* Scalar vector; returns the position of its length word. */
static size_t w_vec(wr *w, const void *data, uint32_t n, size_t elem, size_t align) {
  if (align < 4) align = 4;
  w_align(w, 4);
  while ((w->pos + 4) % align) w_bytes(w, NULL, 4);
  size_t at = w->pos;
  w_bytes(w, &n, 4);
  w_bytes(w, data, (size_t)n * elem);
  return at;
}

static size_t w_str(wr *w, const char *s) {
  size_t n = strlen(s);
  size_t at = w_vec(w, s, (uint32_t)n, 1, 4);
  w_bytes(w, NULL, 1);
  return at;
}

/* ---- graph ---- */

static int same_code(const r50_op *a, const r50_op *b) {
  if (a->type != b->type || a->version != b->version) return 0;
  if (!a->custom_code || !b->custom_code) return a->custom_code == b->custom_code;
  return strcmp(a->custom_code, b->custom_code) == 0;
}

/* Opcode index of op i: number of distinct codes first seen before its first occurrence. */
static uint32_t opcode_index(const r50_graph *g, int32_t i, int *is_first) {
  int32_t first = i;
  for (int32_t j = 0; j < i; j++)
    if (same_code(&g->ops[j], &g->ops[i])) {
      first = j;
      break;
    }
  *is_first = first == i;
  uint32_t k = 0;
  for (int32_t j = 0; j < first; j++) {
    int f = 1;
    for (int32_t m = 0; m < j && f; m++)
      if (same_code(&g->ops[m], &g->ops[j])) f = 0;
    k += (uint32_t)f;
  }
  return k;
}

static int opt_type_of(int32_t code) {
  switch (code) {
    case R50_OP_CONV_2D: return 1;
    case R50_OP_DEPTHWISE_CONV_2D: return 2;
    case R50_OP_AVERAGE_POOL_2D:
    case R50_OP_MAX_POOL_2D: return 5;
    case R50_OP_FULLY_CONNECTED: return 8;
    case R50_OP_SOFTMAX: return 9;
    case R50_OP_CONCATENATION: return 10;
    case R50_OP_ADD: return 11;
    case R50_OP_MUL: return 21;
    case R50_OP_MEAN: return 27;
    case R50_OP_SUB: return 28;
    case R50_OP_SQUEEZE: return 30;
    default: return 0;
  }
}

/* Options table of op (opt_type_of(type) != 0); returns its position. */
static size_t write_options(wr *w, const r50_op *op) {
  tb t;
  tb_init(&t);
  const r50_op_options *o = &op->opt;
  size_t sq_ref = 0;
  switch (op->type) {
    case R50_OP_CONV_2D:
      tb_i8(&t, 0, (int8_t)o->conv.padding);
      tb_i32(&t, 1, o->conv.stride_w);
      tb_i32(&t, 2, o->conv.stride_h);
      tb_i8(&t, 3, (int8_t)o->conv.activation);
      tb_i32(&t, 4, o->conv.dilation_w);
      tb_i32(&t, 5, o->conv.dilation_h);
      break;
    case R50_OP_DEPTHWISE_CONV_2D:
      tb_i8(&t, 0, (int8_t)o->conv.padding);
      tb_i32(&t, 1, o->conv.stride_w);
      tb_i32(&t, 2, o->conv.stride_h);
      tb_i32(&t, 3, o->conv.depth_multiplier);
      tb_i8(&t, 4, (int8_t)o->conv.activation);
      tb_i32(&t, 5, o->conv.dilation_w);
      tb_i32(&t, 6, o->conv.dilation_h);
      break;
    case R50_OP_AVERAGE_POOL_2D:
    case R50_OP_MAX_POOL_2D:
      tb_i8(&t, 0, (int8_t)o->pool.padding);
      tb_i32(&t, 1, o->pool.stride_w);
      tb_i32(&t, 2, o->pool.stride_h);
      tb_i32(&t, 3, o->pool.filter_w);
      tb_i32(&t, 4, o->pool.filter_h);
      tb_i8(&t, 5, (int8_t)o->pool.activation);
      break;
    case R50_OP_FULLY_CONNECTED:
      tb_i8(&t, 0, (int8_t)o->fc.activation);
      tb_i8(&t, 1, (int8_t)o->fc.weights_format);
      tb_u8(&t, 2, (uint8_t)(o->fc.keep_num_dims != 0));
      tb_u8(&t, 3, (uint8_t)(o->fc.asymmetric_quantize_inputs != 0));
      break;
    case R50_OP_SOFTMAX:
      tb_f32(&t, 0, o->softmax.beta);
      break;
    case R50_OP_CONCATENATION:
      tb_i32(&t, 0, o->concat.axis);
      tb_i8(&t, 1, (int8_t)o->concat.activation);
      break;
    case R50_OP_ADD:
    case R50_OP_SUB:
      tb_i8(&t, 0, (int8_t)o->eltwise.activation);
      tb_u8(&t, 1, (uint8_t)(o->eltwise.pot_scale_int16 != 0));
      break;
    case R50_OP_MUL:
      tb_i8(&t, 0, (int8_t)o->eltwise.activation);
      break;
    case R50_OP_MEAN:
      tb_u8(&t, 0, (uint8_t)(o->reducer.keep_dims != 0));
      break;
    case R50_OP_SQUEEZE:
      sq_ref = tb_ref(&t, 0);
      break;
    default:
      break;
  }
  size_t pos = tb_end(w, &t);
  if (op->type == R50_OP_SQUEEZE) {
    int32_t n = o->squeeze.n_squeeze_dims;
    if (n < 0) n = 0;
    if (n > R50_MAX_DIMS) n = R50_MAX_DIMS;
    w_link(w, pos + sq_ref, w_vec(w, o->squeeze.squeeze_dims, (uint32_t)n, 4, 4));
  }
  return pos;
}

/* Tensor table, linked from `slot`, then its children. */
static void write_tensor(wr *w, const r50_tensor *t, uint32_t buffer, size_t slot) {
  tb tt;
  tb_init(&tt);
  size_t r_shape = tb_ref(&tt, 0);
  tb_i8(&tt, 1, (int8_t)t->type);
  tb_u32(&tt, 2, buffer);
  size_t r_name = tb_ref(&tt, 3);
  size_t r_q = t->q_count > 0 ? tb_ref(&tt, 4) : 0;
  if (t->is_variable) tb_u8(&tt, 5, 1);
  size_t pos = tb_end(w, &tt);
  w_link(w, slot, pos);
  int32_t nd = t->ndim < 0 ? 0 : (t->ndim > R50_MAX_DIMS ? R50_MAX_DIMS : t->ndim);
  w_link(w, pos + r_shape, w_vec(w, t->dims, (uint32_t)nd, 4, 4));
  w_link(w, pos + r_name, w_str(w, t->name ? t->name : ""));
  if (r_q) {
    tb qt;
    tb_init(&qt);
    size_t r_s = tb_ref(&qt, 2), r_z = tb_ref(&qt, 3);
    tb_i32(&qt, 6, t->q_dim);
    size_t qpos = tb_end(w, &qt);
    w_link(w, pos + r_q, qpos);
    w_link(w, qpos + r_s, w_vec(w, t->q_scale, (uint32_t)t->q_count, 4, 4));
    w_link(w, qpos + r_z, w_vec(w, t->q_zero_point, (uint32_t)t->q_count, 8, 8));
  }
}

r50_status r50_tflite_write(const r50_graph *g, unsigned flags, void *out, size_t cap, size_t *len,
                            r50_error *err) {
  if (!g || !len || g->n_tensors < 0 || g->n_ops < 0 || (g->n_tensors && !g->tensors) || (g->n_ops && !g->ops))
    return r50_fail(err, R50_ERR_ARG, "r50_tflite_write: bad argument");
  int external = (flags & R50_TFLITE_WRITE_EXTERNAL_DATA) != 0;
  wr w = {(uint8_t *)out, out ? cap : 0, 0};
  wr *W = &w;

  /* header */
  w_bytes(W, NULL, 4);
  w_bytes(W, "TFL3", 4);

  tb mt;
  tb_init(&mt);
  tb_u32(&mt, 0, 3);
  size_t r_codes = tb_ref(&mt, 1), r_sgs = tb_ref(&mt, 2), r_desc = tb_ref(&mt, 3), r_bufs = tb_ref(&mt, 4);
  size_t model = tb_end(W, &mt);
  w_link(W, 0, model);

  /* operator codes */
  uint32_t n_codes = 0;
  for (int32_t i = 0; i < g->n_ops; i++) {
    int first;
    (void)opcode_index(g, i, &first);
    n_codes += (uint32_t)first;
  }
  size_t codes = w_vec(W, NULL, n_codes, 4, 4);
  w_link(W, model + r_codes, codes);
  uint32_t k = 0;
  for (int32_t i = 0; i < g->n_ops; i++) {
    int first;
    (void)opcode_index(g, i, &first);
    if (!first) continue;
    const r50_op *op = &g->ops[i];
    tb ct;
    tb_init(&ct);
    tb_i8(&ct, 0, (int8_t)(op->type < 127 ? op->type : 127));
    size_t r_custom = op->custom_code ? tb_ref(&ct, 1) : 0;
    tb_i32(&ct, 2, op->version);
    tb_i32(&ct, 3, op->type);
    size_t cpos = tb_end(W, &ct);
    w_link(W, codes + 4 + 4 * (size_t)k, cpos);
    if (op->custom_code) w_link(W, cpos + r_custom, w_str(W, op->custom_code));
    k++;
  }

  /* subgraph 0 */
  size_t sgs = w_vec(W, NULL, 1, 4, 4);
  w_link(W, model + r_sgs, sgs);
  tb st;
  tb_init(&st);
  size_t r_tensors = tb_ref(&st, 0), r_in = tb_ref(&st, 1), r_out = tb_ref(&st, 2), r_ops = tb_ref(&st, 3),
         r_name = tb_ref(&st, 4);
  size_t sg = tb_end(W, &st);
  w_link(W, sgs + 4, sg);

  size_t tensors = w_vec(W, NULL, (uint32_t)g->n_tensors, 4, 4);
  w_link(W, sg + r_tensors, tensors);
  uint32_t n_const = 0;
  for (int32_t i = 0; i < g->n_tensors; i++) {
    const r50_tensor *t = &g->tensors[i];
    uint32_t buffer = t->data ? ++n_const : 0;
    write_tensor(W, t, buffer, tensors + 4 + 4 * (size_t)i);
  }
  w_link(W, sg + r_in, w_vec(W, g->inputs, (uint32_t)(g->n_inputs > 0 ? g->n_inputs : 0), 4, 4));
  w_link(W, sg + r_out, w_vec(W, g->outputs, (uint32_t)(g->n_outputs > 0 ? g->n_outputs : 0), 4, 4));

  size_t ops = w_vec(W, NULL, (uint32_t)g->n_ops, 4, 4);
  w_link(W, sg + r_ops, ops);
  for (int32_t i = 0; i < g->n_ops; i++) {
    const r50_op *op = &g->ops[i];
    int first;
    tb ot;
    tb_init(&ot);
    tb_u32(&ot, 0, opcode_index(g, i, &first));
    size_t r_oi = tb_ref(&ot, 1), r_oo = tb_ref(&ot, 2);
    int opt = opt_type_of(op->type);
    size_t r_opt = 0;
    if (opt) {
      tb_u8(&ot, 3, (uint8_t)opt);
      r_opt = tb_ref(&ot, 4);
    }
    size_t opos = tb_end(W, &ot);
    w_link(W, ops + 4 + 4 * (size_t)i, opos);
    w_link(W, opos + r_oi, w_vec(W, op->inputs, (uint32_t)(op->n_inputs > 0 ? op->n_inputs : 0), 4, 4));
    w_link(W, opos + r_oo, w_vec(W, op->outputs, (uint32_t)(op->n_outputs > 0 ? op->n_outputs : 0), 4, 4));
    if (opt) w_link(W, opos + r_opt, write_options(W, op));
  }
  w_link(W, sg + r_name, w_str(W, "main"));
  w_link(W, model + r_desc, w_str(W, g->description ? g->description : ""));

  /* buffers: 0 = empty sentinel, then one per constant tensor in tensor order */
  size_t bufs = w_vec(W, NULL, 1 + n_const, 4, 4);
  w_link(W, model + r_bufs, bufs);
  {
    tb bt;
    tb_init(&bt);
    w_link(W, bufs + 4, tb_end(W, &bt));
  }
  uint32_t b = 0;
  for (int32_t i = 0; i < g->n_tensors; i++) {
    const r50_tensor *t = &g->tensors[i];
    if (!t->data) continue;
    b++;
    tb bt;
    tb_init(&bt);
    if (external) {
      /* offset (patched below) is the first field: at table + 8 */
      tb_u64(&bt, 1, 0);
      tb_u64(&bt, 2, (uint64_t)t->bytes);
      w_link(W, bufs + 4 + 4 * (size_t)b, tb_end(W, &bt));
    } else {
      size_t r_data = tb_ref(&bt, 0);
      size_t bpos = tb_end(W, &bt);
      w_link(W, bufs + 4 + 4 * (size_t)b, bpos);
      w_link(W, bpos + r_data, w_vec(W, t->data, (uint32_t)t->bytes, 1, 16));
    }
  }
  if (external) {
    /* Data after the flatbuffer; patch each buffer's offset field (found by
     * following the buffers vector in the output, when it was written). */
    b = 0;
    for (int32_t i = 0; i < g->n_tensors; i++) {
      const r50_tensor *t = &g->tensors[i];
      if (!t->data) continue;
      b++;
      w_align(W, 16);
      uint64_t off = W->pos;
      w_bytes(W, t->data, t->bytes);
      size_t slot = bufs + 4 + 4 * (size_t)b;
      if (W->out && slot + 4 <= W->cap) {
        uint32_t u;
        memcpy(&u, W->out + slot, 4);
        w_put(W, slot + u + 8, &off, 8);
      }
    }
  }
  w_align(W, 16);
  *len = W->pos;
  if (out && W->pos > cap)
    return r50_fail(err, R50_ERR_ARG, "r50_tflite_write: output buffer has %zu bytes, the model needs %zu", cap,
                    W->pos);
  return R50_OK;
}

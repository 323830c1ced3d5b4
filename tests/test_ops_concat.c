/* CONCATENATION (every axis incl. negative, 1..4 inputs, int8 / float32 /
 * int32, zero-size inputs), RESHAPE (with and without a shape input, in
 * place), SQUEEZE (explicit and implicit dims), and their refusals. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "tgraph.h"

static tgraph g_tg;
static int contains(const char *s, const char *sub) { return strstr(s, sub) != NULL; }

/* element (flat index into output) oracle for concat along axis */
static void concat_case(r50_dtype t, int nd, const int32_t *base, int axis_arg, int n_in, const int32_t *axis_dims) {
  const int axis = axis_arg < 0 ? axis_arg + nd : axis_arg;
  const size_t esz = r50_dtype_size(t);
  tgraph *tg = &g_tg;
  tg_init(tg, R50_OP_CONCATENATION);
  static uint8_t data[5][4096], out[16384], want[16384];
  void *bufs[6];
  int32_t ins[5], outs[1] = {n_in};
  int32_t od[6];
  memcpy(od, base, sizeof(int32_t) * (size_t)nd);
  od[axis] = 0;
  for (int i = 0; i < n_in; i++) {
    int32_t d[6];
    memcpy(d, base, sizeof(int32_t) * (size_t)nd);
    d[axis] = axis_dims[i];
    od[axis] += axis_dims[i];
    tg_tensor(tg, i, t, nd, d, NULL);
    if (t == R50_DTYPE_INT8) tg_quant(tg, i, 0.25f, -3);
    for (size_t b = 0; b < tg->t[i].bytes; b++) data[i][b] = (uint8_t)(b * 7 + (size_t)i * 31 + 1);
    bufs[i] = data[i];
    ins[i] = i;
  }
  tg_tensor(tg, n_in, t, nd, od, NULL);
  if (t == R50_DTYPE_INT8) tg_quant(tg, n_in, 0.25f, -3);
  bufs[n_in] = out;
  tg->op.opt.concat.axis = axis_arg;
  tg_io(tg, n_in, ins, 1, outs);
  memset(out, 0xAA, sizeof out);
  r50_status st = tg_run(tg, &r50_op_concatenation, bufs);
  CHECK_MSG(st == R50_OK, "concat prepare: %s", tg->err.msg);
  /* oracle: walk output elements by subscript */
  size_t outer = 1, inner = 1;
  for (int d = 0; d < axis; d++) outer *= (size_t)base[d];
  for (int d = axis + 1; d < nd; d++) inner *= (size_t)base[d];
  size_t o = 0;
  for (size_t r = 0; r < outer; r++)
    for (int i = 0; i < n_in; i++)
      for (size_t k = 0; k < (size_t)axis_dims[i] * inner; k++, o++)
        memcpy(want + o * esz, data[i] + (r * (size_t)axis_dims[i] * inner + k) * esz, esz);
  CHECK(o * esz == tg->t[n_in].bytes);
  CHECK_MSG(memcmp(out, want, o * esz) == 0, "concat axis %d: output differs", axis_arg);
  CHECK(out[o * esz] == 0xAA); /* nothing written past the end */
}

static void test_concat(void) {
  const int32_t base[4] = {2, 3, 4, 5};
  const int32_t ad[4] = {1, 3, 2, 0};
  const r50_dtype types[3] = {R50_DTYPE_INT8, R50_DTYPE_FLOAT32, R50_DTYPE_INT32};
  for (int ti = 0; ti < 3; ti++)
    for (int nd = 1; nd <= 4; nd++)
      for (int axis = -nd; axis < nd; axis++)
        for (int n = 1; n <= 4; n++) concat_case(types[ti], nd, base + 4 - nd, axis, n, ad);
  const int32_t b6[6] = {1, 2, 1, 3, 2, 2};
  concat_case(R50_DTYPE_INT8, 6, b6, 3, 3, ad);
}

static r50_status concat_prep(r50_dtype t0, r50_dtype t1, float s1, int32_t z1, int axis, int act, int badshape) {
  tgraph *tg = &g_tg;
  tg_init(tg, R50_OP_CONCATENATION);
  int32_t d0[2] = {2, 3}, d1[2] = {badshape ? 3 : 2, 4}, od[2] = {2, 7};
  tg_tensor(tg, 0, t0, 2, d0, NULL);
  tg_tensor(tg, 1, t1, 2, d1, NULL);
  tg_tensor(tg, 2, t0, 2, od, NULL);
  tg_quant(tg, 0, 0.5f, 1);
  tg_quant(tg, 1, s1, z1);
  tg_quant(tg, 2, 0.5f, 1);
  tg->op.opt.concat.axis = axis;
  tg->op.opt.concat.activation = act;
  int32_t ins[2] = {0, 1}, outs[1] = {2};
  tg_io(tg, 2, ins, 1, outs);
  static uint8_t b[256];
  void *bufs[3] = {b, b + 64, b + 128};
  return tg_run(tg, &r50_op_concatenation, bufs);
}

static void test_concat_refusals(void) {
  CHECK(concat_prep(R50_DTYPE_INT8, R50_DTYPE_INT8, 0.5f, 1, 1, 0, 0) == R50_OK);
  CHECK(concat_prep(R50_DTYPE_INT8, R50_DTYPE_INT8, 0.25f, 1, 1, 0, 0) == R50_ERR_UNSUPPORTED &&
        contains(g_tg.err.msg, "differs from the output"));
  CHECK(concat_prep(R50_DTYPE_INT8, R50_DTYPE_INT8, 0.5f, 2, 1, 0, 0) == R50_ERR_UNSUPPORTED);
  CHECK(concat_prep(R50_DTYPE_INT8, R50_DTYPE_INT8, 0.5f, 1, 1, R50_ACT_RELU, 0) == R50_ERR_UNSUPPORTED &&
        contains(g_tg.err.msg, "fused activation"));
  CHECK(concat_prep(R50_DTYPE_INT8, R50_DTYPE_INT8, 0.5f, 1, 2, 0, 0) == R50_ERR_MODEL &&
        contains(g_tg.err.msg, "axis 2"));
  CHECK(concat_prep(R50_DTYPE_INT8, R50_DTYPE_INT8, 0.5f, 1, 0, 0, 0) == R50_ERR_MODEL);
  CHECK(concat_prep(R50_DTYPE_INT8, R50_DTYPE_INT8, 0.5f, 1, 1, 0, 1) == R50_ERR_MODEL &&
        contains(g_tg.err.msg, "dim 0"));
  CHECK(concat_prep(R50_DTYPE_FLOAT32, R50_DTYPE_INT8, 0.5f, 1, 1, 0, 0) == R50_ERR_UNSUPPORTED);
  CHECK(concat_prep(R50_DTYPE_UINT8, R50_DTYPE_UINT8, 0.5f, 1, 1, 0, 0) == R50_ERR_UNSUPPORTED &&
        contains(g_tg.err.msg, "uint8 models not supported yet"));
}

static r50_status reshape_run(int op, int nd_in, const int32_t *din, int nd_out, const int32_t *dout,
                              const int32_t *shape_vals, int n_shape, void *in, void *out) {
  tgraph *tg = &g_tg;
  tg_init(tg, op);
  tg_tensor(tg, 0, R50_DTYPE_INT8, nd_in, din, NULL);
  tg_tensor(tg, 1, R50_DTYPE_INT8, nd_out, dout, NULL);
  tg_quant(tg, 0, 0.1f, 0);
  tg_quant(tg, 1, 0.1f, 0);
  int32_t ins[2] = {0, 2}, outs[1] = {1};
  if (shape_vals) {
    int32_t sd[1] = {n_shape};
    tg_tensor(tg, 2, R50_DTYPE_INT32, 1, sd, shape_vals);
  }
  tg_io(tg, shape_vals ? 2 : 1, ins, 1, outs);
  void *bufs[3] = {in, out, NULL};
  return tg_run(tg, op == R50_OP_RESHAPE ? &r50_op_reshape : &r50_op_squeeze, bufs);
}

static void test_reshape_squeeze(void) {
  static int8_t in[1001], out[1001];
  for (int i = 0; i < 1001; i++) in[i] = (int8_t)(i * 13);
  const int32_t a[4] = {1, 1, 1, 1001}, b[2] = {1, 1001}, c[3] = {7, 11, 13};
  CHECK(reshape_run(R50_OP_RESHAPE, 4, a, 2, b, NULL, 0, in, out) == R50_OK && memcmp(in, out, 1001) == 0);
  const int32_t sv[2] = {1, -1}, sv_bad[2] = {1, 1000}, sv3[3] = {1, 1001, 1};
  memset(out, 0, sizeof out);
  CHECK(reshape_run(R50_OP_RESHAPE, 4, a, 2, b, sv, 2, in, out) == R50_OK && memcmp(in, out, 1001) == 0);
  CHECK(reshape_run(R50_OP_RESHAPE, 4, a, 3, c, NULL, 0, in, out) == R50_OK);
  CHECK(reshape_run(R50_OP_RESHAPE, 4, a, 2, b, sv_bad, 2, in, out) == R50_ERR_MODEL &&
        contains(g_tg.err.msg, "does not match"));
  CHECK(reshape_run(R50_OP_RESHAPE, 4, a, 2, b, sv3, 3, in, out) == R50_ERR_MODEL);
  const int32_t wrong[2] = {1, 1000};
  CHECK(reshape_run(R50_OP_RESHAPE, 4, a, 2, wrong, NULL, 0, in, out) == R50_ERR_MODEL &&
        contains(g_tg.err.msg, "1001 elements"));
  /* in place (aliased by the planner) */
  CHECK(reshape_run(R50_OP_RESHAPE, 4, a, 2, b, NULL, 0, in, in) == R50_OK && in[5] == (int8_t)(5 * 13));
  /* SQUEEZE */
  tgraph *tg = &g_tg;
  CHECK(reshape_run(R50_OP_SQUEEZE, 4, a, 1, a + 3, NULL, 0, in, out) == R50_OK); /* all 1s */
  tg->op.opt.squeeze.n_squeeze_dims = 2;
  tg->op.opt.squeeze.squeeze_dims[0] = 1;
  tg->op.opt.squeeze.squeeze_dims[1] = -2;
  {
    void *bufs[3] = {in, out, NULL};
    tg_tensor(tg, 1, R50_DTYPE_INT8, 2, b, NULL);
    CHECK(tg_run(tg, &r50_op_squeeze, bufs) == R50_OK && memcmp(in, out, 1001) == 0);
    tg->op.opt.squeeze.squeeze_dims[1] = 3; /* size 1001, not 1 */
    CHECK(tg_run(tg, &r50_op_squeeze, bufs) == R50_ERR_MODEL && contains(tg->err.msg, "not 1"));
    tg->op.opt.squeeze.squeeze_dims[1] = 4;
    CHECK(tg_run(tg, &r50_op_squeeze, bufs) == R50_ERR_MODEL && contains(tg->err.msg, "out of range"));
    tg->op.opt.squeeze.n_squeeze_dims = 1;
    tg->op.opt.squeeze.squeeze_dims[0] = 0;
    CHECK(tg_run(tg, &r50_op_squeeze, bufs) == R50_ERR_MODEL && contains(tg->err.msg, "the op computes [1,1,1001]"));
  }
}

int main(void) {
  test_concat();
  test_concat_refusals();
  test_reshape_squeeze();
  return test_finish("test_ops_concat");
}

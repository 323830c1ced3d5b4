/* ADD / SUB / MUL (int8, float32): shape and broadcast sweeps, quantization
 * sweeps, fused activations, in-place, refusals. The oracle indexes the
 * broadcast with plain 6-D subscripts and follows TFLite's documented int8
 * formulas in int64 math (MultiplyByQuantizedMultiplier via r50_mbqm, as
 * TFLite does); a float-math bound checks the oracle itself. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#define TRAND_SEED 12345u
#include "trand.h"
#include "kernels/quant.h"
#include "tgraph.h"

static float rnd_f(float lo, float hi) { return lo + (hi - lo) * (float)(rnd() & 0xffffff) / (float)0xffffff; }

static tgraph g_tg;

typedef struct {
  int nd;
  int32_t d[6];
} shape;

/* broadcast output shape; 0 if incompatible */
static int bshape(const shape *a, const shape *b, shape *o) {
  int nd = a->nd > b->nd ? a->nd : b->nd;
  o->nd = nd;
  for (int i = 0; i < nd; i++) {
    int ia = i - (nd - a->nd), ib = i - (nd - b->nd);
    int32_t x = ia >= 0 ? a->d[ia] : 1, y = ib >= 0 ? b->d[ib] : 1;
    if (x != y && x != 1 && y != 1) return 0;
    o->d[i] = x == 1 ? y : x;
  }
  return 1;
}

static size_t nelem(const shape *s) {
  size_t n = 1;
  for (int i = 0; i < s->nd; i++) n *= (size_t)s->d[i];
  return n;
}

/* flat index into input s for output linear index li (output shape o) */
static size_t bindex(const shape *s, const shape *o, size_t li) {
  int32_t sub[6];
  for (int i = o->nd - 1; i >= 0; i--) {
    sub[i] = (int32_t)(li % (size_t)o->d[i]);
    li /= (size_t)o->d[i];
  }
  size_t idx = 0;
  for (int i = 0; i < s->nd; i++) {
    int oi = i + (o->nd - s->nd);
    int32_t v = s->d[i] == 1 ? 0 : sub[oi];
    idx = idx * (size_t)s->d[i] + (size_t)v;
  }
  return idx;
}

static void act_q(int act, float so, int32_t zo, int32_t *lo, int32_t *hi) {
  *lo = -128;
  *hi = 127;
  float a = -INFINITY, b = INFINITY;
  if (act == 1) a = 0;
  if (act == 3) { a = 0; b = 6; }
  if (act == 2) { a = -1; b = 1; }
  if (a != -INFINITY) { int32_t v = zo + (int32_t)roundf(a / so); if (v > *lo) *lo = v; }
  if (b != INFINITY) { int32_t v = zo + (int32_t)roundf(b / so); if (v < *hi) *hi = v; }
}

static int32_t oracle_mbqm_lt1(int32_t x, double real) {
  int32_t m, s;
  r50_quantize_multiplier(real, &m, &s);
  return r50_mbqm(x, m, s);
}

/* op: R50_OP_ADD / SUB / MUL */
static int8_t oracle_s8(int op, int8_t x, int8_t y, float s1, int32_t z1, float s2, int32_t z2,
                        float so, int32_t zo, int32_t lo, int32_t hi) {
  int32_t r;
  if (op == R50_OP_MUL) {
    double real = (double)s1 * (double)s2 / (double)so;
    int32_t m, sh;
    r50_quantize_multiplier(real, &m, &sh);
    r = zo + r50_mbqm((x - z1) * (y - z2), m, sh);
  } else {
    double r1, r2, ro;
    if (op == R50_OP_ADD) {
      double tm = 2.0 * (double)fmaxf(s1, s2);
      r1 = s1 / tm; r2 = s2 / tm; ro = tm / (1048576.0 * so);
    } else {
      float tm = 2.0f * fmaxf(s1, s2);
      r1 = (double)(s1 / tm); r2 = (double)(s2 / tm); ro = (double)(tm / (1048576.0f * so));
    }
    int32_t a = oracle_mbqm_lt1((x - z1) * (1 << 20), r1);
    int32_t b = oracle_mbqm_lt1((y - z2) * (1 << 20), r2);
    r = oracle_mbqm_lt1(op == R50_OP_ADD ? a + b : a - b, ro) + zo;
  }
  if (r < lo) r = lo;
  if (r > hi) r = hi;
  return (int8_t)r;
}

static float oracle_f32(int op, float x, float y, int act) {
  float v = op == R50_OP_ADD ? x + y : op == R50_OP_SUB ? x - y : x * y;
  float lo = -INFINITY, hi = INFINITY;
  if (act == 1) lo = 0;
  if (act == 3) { lo = 0; hi = 6; }
  if (act == 2) { lo = -1; hi = 1; }
  if (v < lo) v = lo;
  if (v > hi) v = hi;
  return v;
}

static const r50_op_impl *impl_of(int op) {
  return op == R50_OP_ADD ? &r50_op_add : op == R50_OP_SUB ? &r50_op_sub : &r50_op_mul;
}

static const char *opname(int op) { return op == R50_OP_ADD ? "ADD" : op == R50_OP_SUB ? "SUB" : "MUL"; }

/* One int8 case. Returns number of mismatches. const2: input 1 is a constant tensor. */
static int run_s8(int op, const shape *a, const shape *b, float s1, int32_t z1, float s2, int32_t z2,
                  float so, int32_t zo, int act, int inplace, int const2) {
  shape o = {0};
  if (!bshape(a, b, &o)) return 0;
  size_t na = nelem(a), nb = nelem(b), no = nelem(&o);
  int8_t *A = malloc(na + 1), *B = malloc(nb + 1), *O = malloc(no + 1), *A0 = malloc(na + 1);
  for (size_t i = 0; i < na; i++) A0[i] = A[i] = (int8_t)rnd_range(-128, 127);
  for (size_t i = 0; i < nb; i++) B[i] = (int8_t)rnd_range(-128, 127);
  if (na) { A[0] = -128; A0[0] = -128; }
  if (na > 1) { A[1] = 127; A0[1] = 127; }
  tgraph *tg = &g_tg;
  tg_init(tg, op);
  tg_tensor(tg, 0, R50_DTYPE_INT8, a->nd, a->d, NULL);
  tg_tensor(tg, 1, R50_DTYPE_INT8, b->nd, b->d, const2 ? B : NULL);
  tg_tensor(tg, 2, R50_DTYPE_INT8, o.nd, o.d, NULL);
  tg_quant(tg, 0, s1, z1);
  tg_quant(tg, 1, s2, z2);
  tg_quant(tg, 2, so, zo);
  tg->op.opt.eltwise.activation = act;
  int32_t ins[2] = {0, 1}, outs[1] = {2};
  tg_io(tg, 2, ins, 1, outs);
  int8_t *outbuf = inplace ? A : O;
  void *bufs[3] = {A, B, outbuf};
  r50_status st = tg_run(tg, impl_of(op), bufs);
  CHECK_MSG(st == R50_OK, "%s prepare failed: %s", opname(op), tg->err.msg);
  if (st != R50_OK) { free(A); free(B); free(O); free(A0); return 1; }
  int32_t lo, hi;
  act_q(act, so, zo, &lo, &hi);
  int bad = 0, far = 0;
  for (size_t i = 0; i < no; i++) {
    int8_t x = A0[bindex(a, &o, i)], y = B[bindex(b, &o, i)];
    int8_t want = oracle_s8(op, x, y, s1, z1, s2, z2, so, zo, lo, hi);
    if (outbuf[i] != want) {
      if (bad < 3)
        fprintf(stderr, "%s s8 mismatch at %zu: x=%d y=%d got %d want %d (s1=%g z1=%d s2=%g z2=%d so=%g zo=%d act=%d)\n",
                opname(op), i, x, y, outbuf[i], want, s1, z1, s2, z2, so, zo, act);
      bad++;
    }
    /* float sanity on the oracle: within 1 LSB of real math (+ tiny rounding) */
    double rx = s1 * (double)(x - z1), ry = s2 * (double)(y - z2);
    double rv = op == R50_OP_ADD ? rx + ry : op == R50_OP_SUB ? rx - ry : rx * ry;
    double q = rv / so + zo;
    if (q < lo) q = lo;
    if (q > hi) q = hi;
    /* TFLite's MUL left-shifts the int32 product before the high multiply and
     * wraps when the real multiplier is huge (>~2^15); r50 wraps identically,
     * so real math is no guide there */
    int wraps = 0;
    if (op == R50_OP_MUL) {
      int32_t m_, sh_;
      r50_quantize_multiplier((double)s1 * (double)s2 / (double)so, &m_, &sh_);
      long long pr = (long long)(x - z1) * (y - z2);
      wraps = sh_ > 0 && (pr < 0 ? -pr : pr) * (1LL << sh_) >= (1LL << 31);
    }
    if (!wraps && fabs(q - want) > 1.0 + 1e-6) {
      if (far < 3) fprintf(stderr, "far: op %s x=%d y=%d want=%d q=%.6f s1=%g z1=%d s2=%g z2=%d so=%g zo=%d\n", opname(op), x, y, want, q, s1, z1, s2, z2, so, zo);
      far++;
    }
  }
  CHECK_MSG(bad == 0, "%s int8: %d mismatches of %zu", opname(op), bad, no);
  CHECK_MSG(far == 0, "%s int8 oracle off real math by > 1 LSB at %d points", opname(op), far);
  free(A); free(B); free(O); free(A0);
  return bad;
}

static int run_f32(int op, const shape *a, const shape *b, int act, int inplace) {
  shape o = {0};
  if (!bshape(a, b, &o)) return 0;
  size_t na = nelem(a), nb = nelem(b), no = nelem(&o);
  float *A = malloc(4 * na + 4), *B = malloc(4 * nb + 4), *O = malloc(4 * no + 4), *A0 = malloc(4 * na + 4);
  for (size_t i = 0; i < na; i++) A0[i] = A[i] = rnd_f(-10, 10);
  for (size_t i = 0; i < nb; i++) B[i] = rnd_f(-10, 10);
  if (na) A[0] = A0[0] = NAN;
  tgraph *tg = &g_tg;
  tg_init(tg, op);
  tg_tensor(tg, 0, R50_DTYPE_FLOAT32, a->nd, a->d, NULL);
  tg_tensor(tg, 1, R50_DTYPE_FLOAT32, b->nd, b->d, NULL);
  tg_tensor(tg, 2, R50_DTYPE_FLOAT32, o.nd, o.d, NULL);
  tg->op.opt.eltwise.activation = act;
  int32_t ins[2] = {0, 1}, outs[1] = {2};
  tg_io(tg, 2, ins, 1, outs);
  float *outbuf = inplace ? A : O;
  void *bufs[3] = {A, B, outbuf};
  r50_status st = tg_run(tg, impl_of(op), bufs);
  CHECK_MSG(st == R50_OK, "%s f32 prepare failed: %s", opname(op), tg->err.msg);
  int bad = 0;
  for (size_t i = 0; st == R50_OK && i < no; i++) {
    float want = oracle_f32(op, A0[bindex(a, &o, i)], B[bindex(b, &o, i)], act);
    float got = outbuf[i];
    if (memcmp(&want, &got, 4) != 0 && !(isnan(want) && isnan(got))) bad++;
  }
  CHECK_MSG(bad == 0, "%s f32: %d mismatches", opname(op), bad);
  free(A); free(B); free(O); free(A0);
  return bad;
}

#define S(n, ...) {n, {__VA_ARGS__}}

static const shape k_pairs[][2] = {
    {S(4, 1, 5, 7, 3), S(4, 1, 5, 7, 3)},   /* same shape, odd sizes */
    {S(4, 1, 6, 5, 16), S(1, 16)},          /* per-channel vector [C] */
    {S(4, 1, 6, 5, 16), S(4, 1, 1, 1, 16)}, /* [1,1,1,C] */
    {S(1, 16), S(4, 2, 3, 5, 16)},          /* small first */
    {S(4, 2, 3, 5, 7), S(0, 0)},            /* scalar (rank 0) */
    {S(4, 2, 3, 5, 7), S(1, 1)},            /* [1] */
    {S(1, 1), S(3, 4, 3, 2)},               /* scalar first */
    {S(4, 2, 1, 3, 1), S(4, 1, 4, 1, 5)},   /* both sides broadcast */
    {S(3, 3, 1, 5), S(2, 4, 1)},            /* both sides, different rank */
    {S(4, 1, 4, 4, 1), S(4, 1, 4, 4, 9)},   /* channel broadcast of input 0 */
    {S(4, 2, 3, 4, 5), S(4, 2, 1, 4, 1)},
    {S(5, 2, 1, 3, 2, 3), S(5, 1, 2, 3, 1, 3)},
    {S(6, 2, 1, 2, 1, 3, 2), S(6, 1, 3, 1, 2, 1, 2)},
    {S(6, 1, 1, 1, 1, 1, 1), S(6, 1, 1, 1, 1, 1, 1)},
    {S(2, 37, 1), S(1, 29)},
    {S(4, 1, 0, 3, 2), S(1, 2)},            /* empty */
};

static void sweep_shapes(void) {
  const int ops[3] = {R50_OP_ADD, R50_OP_SUB, R50_OP_MUL};
  for (size_t k = 0; k < sizeof k_pairs / sizeof k_pairs[0]; k++) {
    for (int oi = 0; oi < 3; oi++) {
      for (int act = 0; act <= 3; act++) {
        const int inplace = nelem(&k_pairs[k][0]) > 0 && (act & 1);
        shape o = {0};
        bshape(&k_pairs[k][0], &k_pairs[k][1], &o);
        const int can_inplace = nelem(&o) == nelem(&k_pairs[k][0]);
        run_s8(ops[oi], &k_pairs[k][0], &k_pairs[k][1], 0.05f, -3, 0.02f, 7, 0.08f, 5, act,
               inplace && can_inplace, act == 2);
        run_f32(ops[oi], &k_pairs[k][0], &k_pairs[k][1], act, inplace && can_inplace);
      }
    }
  }
}

static void sweep_quant(void) {
  const shape a = S(4, 1, 3, 5, 8), b = S(1, 8), c = S(4, 1, 3, 5, 8);
  const int32_t zps[] = {-128, 127, 0, -1, 33};
  const float scales[] = {1.0f / 256, 0.0039f, 0.02f, 0.0234f, 0.1f, 0.7f, 3.0f};
  const int ops[3] = {R50_OP_ADD, R50_OP_SUB, R50_OP_MUL};
  for (int oi = 0; oi < 3; oi++)
    for (int i = 0; i < 5; i++)
      for (int j = 0; j < 7; j++)
        for (int k = 0; k < 7; k += 2) {
          float s1 = scales[j], s2 = scales[(j + k) % 7], so = scales[(j + 2 * k + 1) % 7];
          if (ops[oi] != R50_OP_MUL && (2.0 * fmax(s1, s2)) / (1048576.0 * so) >= 1.0) continue;
          run_s8(ops[oi], &a, (i & 1) ? &b : &c, s1, zps[i], s2, zps[(i + 2) % 5], so,
                 zps[(i + 1) % 5], (i + j) % 4, 0, 0);
        }
  /* random scales, including near-equal and extreme ratios */
  for (int t = 0; t < 300; t++) {
    float s1 = powf(2.0f, rnd_f(-12, 4)), s2 = (t % 3 == 0) ? s1 * rnd_f(0.999f, 1.001f) : powf(2.0f, rnd_f(-12, 4));
    float so = powf(2.0f, rnd_f(-10, 5));
    int op = ops[t % 3];
    if (op != R50_OP_MUL && (2.0 * fmax(s1, s2)) / (1048576.0 * so) >= 1.0) continue;
    run_s8(op, &a, (t & 1) ? &b : &c, s1, rnd_range(-128, 127), s2, rnd_range(-128, 127), so,
           rnd_range(-128, 127), rnd_range(0, 3), t & 2, 0);
  }
}

static int contains(const char *s, const char *sub) { return strstr(s, sub) != NULL; }

static r50_status try_prep(int op, r50_dtype t0, r50_dtype t1, r50_dtype to, const shape *a,
                           const shape *b, const shape *o, int quant, int act) {
  tgraph *tg = &g_tg;
  tg_init(tg, op);
  tg_tensor(tg, 0, t0, a->nd, a->d, NULL);
  tg_tensor(tg, 1, t1, b->nd, b->d, NULL);
  tg_tensor(tg, 2, to, o->nd, o->d, NULL);
  if (quant) {
    tg_quant(tg, 0, 0.1f, 0);
    tg_quant(tg, 1, 0.1f, 0);
    tg_quant(tg, 2, quant == 2 ? 1e-9f : 0.1f, 0);
  }
  tg->op.opt.eltwise.activation = act;
  int32_t ins[2] = {0, 1}, outs[1] = {2};
  tg_io(tg, 2, ins, 1, outs);
  static int8_t buf[4096];
  void *bufs[3] = {buf, buf, buf};
  return tg_run(tg, impl_of(op), bufs);
}

static void refusals(void) {
  const shape a = S(4, 1, 2, 2, 3), b = S(1, 3), bad = S(1, 4), o = a, o2 = S(4, 1, 2, 2, 4);
  r50_status s;
  s = try_prep(R50_OP_ADD, R50_DTYPE_UINT8, R50_DTYPE_UINT8, R50_DTYPE_UINT8, &a, &b, &o, 1, 0);
  CHECK(s == R50_ERR_UNSUPPORTED && contains(g_tg.err.msg, "uint8 models not supported yet"));
  CHECK(contains(g_tg.err.msg, "op 0 ADD: "));
  s = try_prep(R50_OP_MUL, R50_DTYPE_INT16, R50_DTYPE_INT16, R50_DTYPE_INT16, &a, &b, &o, 1, 0);
  CHECK(s == R50_ERR_UNSUPPORTED && contains(g_tg.err.msg, "int16"));
  s = try_prep(R50_OP_ADD, R50_DTYPE_INT8, R50_DTYPE_FLOAT32, R50_DTYPE_INT8, &a, &b, &o, 1, 0);
  CHECK(s == R50_ERR_UNSUPPORTED && contains(g_tg.err.msg, "input 1"));
  s = try_prep(R50_OP_ADD, R50_DTYPE_INT8, R50_DTYPE_INT8, R50_DTYPE_INT8, &a, &bad, &o, 1, 0);
  CHECK(s == R50_ERR_MODEL && contains(g_tg.err.msg, "do not broadcast"));
  s = try_prep(R50_OP_SUB, R50_DTYPE_FLOAT32, R50_DTYPE_FLOAT32, R50_DTYPE_FLOAT32, &a, &b, &o2, 0, 0);
  CHECK(s == R50_ERR_MODEL && contains(g_tg.err.msg, "the op computes [1,2,2,3]"));
  s = try_prep(R50_OP_ADD, R50_DTYPE_INT8, R50_DTYPE_INT8, R50_DTYPE_INT8, &a, &b, &o, 0, 0);
  CHECK(s == R50_ERR_UNSUPPORTED && contains(g_tg.err.msg, "no quantization"));
  s = try_prep(R50_OP_ADD, R50_DTYPE_INT8, R50_DTYPE_INT8, R50_DTYPE_INT8, &a, &b, &o, 2, 0);
  CHECK(s == R50_ERR_UNSUPPORTED && contains(g_tg.err.msg, "rescale factor"));
  s = try_prep(R50_OP_MUL, R50_DTYPE_FLOAT32, R50_DTYPE_FLOAT32, R50_DTYPE_FLOAT32, &a, &b, &o, 0, R50_ACT_TANH);
  CHECK(s == R50_ERR_UNSUPPORTED && contains(g_tg.err.msg, "fused activation"));
  /* wrong input count */
  tg_init(&g_tg, R50_OP_ADD);
  tg_tensor(&g_tg, 0, R50_DTYPE_FLOAT32, a.nd, a.d, NULL);
  tg_tensor(&g_tg, 1, R50_DTYPE_FLOAT32, a.nd, a.d, NULL);
  int32_t ins[1] = {0}, outs[1] = {1};
  tg_io(&g_tg, 1, ins, 1, outs);
  s = tg_run(&g_tg, &r50_op_add, NULL);
  CHECK(s == R50_ERR_MODEL && contains(g_tg.err.msg, "inputs"));
}

int main(void) {
  sweep_shapes();
  sweep_quant();
  refusals();
  return test_finish("test_ops_eltwise");
}

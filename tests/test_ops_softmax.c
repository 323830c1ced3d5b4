/* SOFTMAX int8 -> int8 and float32. The int8 oracle is a separate,
 * straightforward re-implementation of TFLite Micro's fixed-point algorithm
 * (gemmlowp exp_on_negative_values, one_over_one_plus_x_for_x_in_0_1,
 * GetReciprocal) written with int64 arithmetic; a float softmax bounds it
 * (within 1/256 + small). Float is compared to plain float math. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#define TRAND_SEED 777u
#include "trand.h"
#include "kernels/quant.h"
#include "tgraph.h"


static tgraph g_tg;

/* ---- independent fixed-point oracle ---- */
static int32_t o_mulhi(int32_t a, int32_t b) { /* round(a*b / 2^31), saturating */
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  int64_t ab = (int64_t)a * b;
  int64_t q = ab >= 0 ? (ab + (1LL << 30)) / (1LL << 31) : (ab + 1 - (1LL << 30)) / (1LL << 31);
  return (int32_t)q;
}
static int32_t o_rshift_round(int64_t x, int e) { /* round half away from zero of x / 2^e */
  if (e == 0) return (int32_t)x;
  int64_t h = 1LL << (e - 1);
  return (int32_t)(x >= 0 ? (x + h) >> e : -((-x + h) >> e));
}
static int32_t o_lshift_sat(int64_t x, int e) {
  int64_t v = x * (1LL << e);
  return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}
static int32_t o_exp_quarter(int32_t a) {
  int32_t x = a + (1 << 28);
  int32_t x2 = o_mulhi(x, x), x3 = o_mulhi(x2, x), x4 = o_mulhi(x2, x2);
  int32_t t = o_rshift_round(o_mulhi(o_rshift_round(x4, 2) + x3, 715827883) + x2, 1);
  return 1895147668 + o_mulhi(1895147668, x + t);
}
static int32_t o_exp_neg(int32_t a, int ib) { /* a in Q(ib), a <= 0 */
  int fb = 31 - ib;
  int32_t quarter = 1 << (fb - 2);
  int32_t amq = (a & (quarter - 1)) - quarter;
  int32_t r = o_exp_quarter(o_lshift_sat(amq, ib));
  int32_t rem = amq - a;
  static const double k_e[7] = {-2, -1, 0, 1, 2, 3, 4};
  for (int i = 0; i < 7; i++) {
    int e = (int)k_e[i];
    if (ib > e && (rem >> (fb + e)) & 1) {
      /* multiplier = round(exp(-2^e) * 2^31), as the gemmlowp constants */
      int32_t m = (int32_t)llround(exp(-ldexp(1.0, e)) * 2147483648.0);
      r = o_mulhi(r, m);
    }
  }
  if (ib > 5 && a < -(1 << (36 - ib))) r = 0;
  if (a == 0) r = INT32_MAX;
  return r;
}
static int32_t o_recip1p(int32_t a) { /* 1/(1+a), a in Q0 [0,1) */
  int64_t s = (int64_t)a + INT32_MAX;
  int32_t hd = (int32_t)((s + (s >= 0 ? 1 : -1)) / 2);
  int32_t x = 1515870810 + o_mulhi(hd, -1010580540);
  for (int i = 0; i < 3; i++) {
    int32_t one_minus = (1 << 29) - o_mulhi(hd, x);
    x = x + o_lshift_sat(o_mulhi(x, one_minus), 2);
  }
  return o_lshift_sat(x, 1);
}

static void oracle_softmax_s8(const int8_t *in, int8_t *out, int rows, int depth, float in_scale, float beta) {
  double real = (double)beta * (double)in_scale * 67108864.0;
  if (real > 2147483647.0) real = 2147483647.0;
  int32_t mult, shift;
  r50_quantize_multiplier(real, &mult, &shift);
  int32_t diff_min = -(int32_t)floor(31.0 * 67108864.0 / ldexp(1.0, shift));
  for (int r = 0; r < rows; r++) {
    const int8_t *x = in + r * depth;
    int mx = -128;
    for (int c = 0; c < depth; c++) mx = x[c] > mx ? x[c] : mx;
    int64_t sum = 0;
    for (int c = 0; c < depth; c++) {
      int32_t d = x[c] - mx;
      if (d >= diff_min) sum += o_rshift_round(o_exp_neg(o_mulhi((int32_t)(d * (1LL << shift)), mult), 5), 12);
    }
    int hp1 = 0;
    while (!((uint32_t)sum << hp1 & 0x80000000u)) hp1++;
    int nbou = 12 - hp1;
    int32_t scale = o_recip1p((int32_t)(((uint32_t)sum << hp1) - 0x80000000u));
    int e = nbou + 23;
    for (int c = 0; c < depth; c++) {
      int32_t d = x[c] - mx;
      int32_t v = -128;
      if (d >= diff_min) {
        int32_t ex = o_exp_neg(o_mulhi((int32_t)(d * (1LL << shift)), mult), 5);
        int32_t u = e > 31 ? 0 : o_rshift_round(o_mulhi(scale, ex), e);
        v = u - 128;
        if (v > 127) v = 127;
        if (v < -128) v = -128;
      }
      out[r * depth + c] = (int8_t)v;
    }
  }
}

static int run_s8(int rows, int depth, float in_scale, int32_t zp, float beta, int pattern, int inplace) {
  int n = rows * depth;
  int8_t *in = malloc((size_t)n + 1), *out = malloc((size_t)n + 1), *want = malloc((size_t)n + 1);
  for (int i = 0; i < n; i++) {
    if (pattern == 0) in[i] = (int8_t)rnd_range(-128, 127);
    else if (pattern == 1) in[i] = 42;                               /* all tied */
    else if (pattern == 2) in[i] = (int8_t)rnd_range(100, 127);      /* near the top */
    else in[i] = (int8_t)(i % depth == 0 ? 127 : rnd_range(-128, -100)); /* one dominant */
  }
  oracle_softmax_s8(in, want, rows, depth, in_scale, beta);
  tgraph *tg = &g_tg;
  tg_init(tg, R50_OP_SOFTMAX);
  int32_t dims[2] = {rows, depth};
  tg_tensor(tg, 0, R50_DTYPE_INT8, 2, dims, NULL);
  tg_tensor(tg, 1, R50_DTYPE_INT8, 2, dims, NULL);
  tg_quant(tg, 0, in_scale, zp);
  tg_quant(tg, 1, 1.0f / 256, -128);
  tg->op.opt.softmax.beta = beta;
  int32_t ins[1] = {0}, outs[1] = {1};
  tg_io(tg, 1, ins, 1, outs);
  int8_t *ref = malloc((size_t)n + 1);
  memcpy(ref, in, (size_t)n);
  void *bufs[2] = {in, inplace ? in : out};
  r50_status st = tg_run(tg, &r50_op_softmax, bufs);
  CHECK_MSG(st == R50_OK, "softmax prepare: %s", tg->err.msg);
  int8_t *got = inplace ? in : out;
  int bad = 0, far = 0;
  for (int r = 0; st == R50_OK && r < rows; r++) {
    double mx = -1e30, sum = 0;
    for (int c = 0; c < depth; c++) mx = fmax(mx, (double)in_scale * ref[r * depth + c]);
    for (int c = 0; c < depth; c++) sum += exp(beta * ((double)in_scale * ref[r * depth + c] - mx));
    for (int c = 0; c < depth; c++) {
      int i = r * depth + c;
      if (got[i] != want[i]) {
        if (bad < 3) fprintf(stderr, "softmax s8 [%d,%d] got %d want %d (scale %g beta %g)\n", r, c, got[i], want[i], in_scale, beta);
        bad++;
      }
      double pr = exp(beta * ((double)in_scale * ref[i] - mx)) / sum;
      if (fabs((want[i] + 128) / 256.0 - pr) > 1.0 / 256 + 0.002 && !(pr > 0.99 && want[i] == 127)) {
        if (far < 3) fprintf(stderr, "softmax oracle far: %d vs %g\n", want[i], pr);
        far++;
      }
    }
  }
  CHECK_MSG(bad == 0, "softmax s8 %dx%d: %d mismatches", rows, depth, bad);
  CHECK_MSG(far == 0, "softmax s8 oracle vs float: %d far", far);
  free(in); free(out); free(want); free(ref);
  return bad;
}

static void run_f32(int rows, int depth, float beta) {
  int n = rows * depth;
  float *in = malloc(4 * (size_t)n + 4), *out = malloc(4 * (size_t)n + 4);
  for (int i = 0; i < n; i++) in[i] = (float)rnd_range(-2000, 2000) / 100.0f;
  tgraph *tg = &g_tg;
  tg_init(tg, R50_OP_SOFTMAX);
  int32_t dims[3] = {1, rows, depth};
  tg_tensor(tg, 0, R50_DTYPE_FLOAT32, 3, dims, NULL);
  tg_tensor(tg, 1, R50_DTYPE_FLOAT32, 3, dims, NULL);
  tg->op.opt.softmax.beta = beta;
  int32_t ins[1] = {0}, outs[1] = {1};
  tg_io(tg, 1, ins, 1, outs);
  void *bufs[2] = {in, out};
  CHECK(tg_run(tg, &r50_op_softmax, bufs) == R50_OK);
  int bad = 0;
  for (int r = 0; r < rows; r++) {
    const float *x = in + r * depth;
    float mx = -3.40282347e+38f, sum = 0.f, e[2048];
    for (int c = 0; c < depth; c++) if (mx < x[c]) mx = x[c];
    for (int c = 0; c < depth; c++) { e[c] = expf((x[c] - mx) * beta); sum += e[c]; }
    for (int c = 0; c < depth; c++) {
      float w = e[c] / sum;
      if (memcmp(&w, &out[r * depth + c], 4)) bad++;
    }
  }
  CHECK_MSG(bad == 0, "softmax f32: %d mismatches", bad);
  free(in); free(out);
}

static int contains(const char *s, const char *sub) { return strstr(s, sub) != NULL; }

static r50_status try_prep(r50_dtype ti, r50_dtype to, float out_scale, int32_t out_zp, float beta, int ndim) {
  tgraph *tg = &g_tg;
  tg_init(tg, R50_OP_SOFTMAX);
  int32_t dims[2] = {1, 10};
  tg_tensor(tg, 0, ti, ndim, dims, NULL);
  tg_tensor(tg, 1, to, ndim, dims, NULL);
  tg_quant(tg, 0, 0.1f, 0);
  tg_quant(tg, 1, out_scale, out_zp);
  tg->op.opt.softmax.beta = beta;
  int32_t ins[1] = {0}, outs[1] = {1};
  tg_io(tg, 1, ins, 1, outs);
  static int8_t buf[64];
  void *bufs[2] = {buf, buf + 32};
  return tg_run(tg, &r50_op_softmax, bufs);
}

int main(void) {
  const int depths[] = {1, 2, 3, 10, 37, 100, 1000, 1001};
  const float scales[] = {0.0039f, 0.05f, 0.1f, 0.25f, 1.0f, 8.0f};
  const float betas[] = {1.0f, 0.5f, 2.0f};
  for (int d = 0; d < 8; d++)
    for (int s = 0; s < 6; s++)
      for (int pat = 0; pat < 4; pat++)
        run_s8(depths[d] > 100 ? 2 : 5, depths[d], scales[s], rnd_range(-128, 127), betas[(d + s) % 3], pat,
               (d + pat) & 1);
  for (int t = 0; t < 200; t++)
    run_s8(rnd_range(1, 4), rnd_range(1, 300), ldexpf(1.0f, rnd_range(-9, 3)) * (float)rnd_range(50, 100) / 64.0f,
           rnd_range(-128, 127), (float)rnd_range(1, 40) / 10.0f, rnd_range(0, 3), t & 1);
  run_s8(1, 300, 0.1f, 0, 1.0f, 1, 0); /* > 256 ties at the max: TFLM's exponent > 31 corner */
  for (int d = 0; d < 8; d++) run_f32(3, depths[d], betas[d % 3]);

  CHECK(try_prep(R50_DTYPE_INT8, R50_DTYPE_INT8, 1.0f / 256, -128, 1.0f, 2) == R50_OK);
  CHECK(try_prep(R50_DTYPE_INT8, R50_DTYPE_INT8, 1.0f / 255, -128, 1.0f, 2) == R50_ERR_UNSUPPORTED &&
        contains(g_tg.err.msg, "scale 1/256 and zero point -128"));
  CHECK(try_prep(R50_DTYPE_INT8, R50_DTYPE_INT8, 1.0f / 256, 0, 1.0f, 2) == R50_ERR_UNSUPPORTED);
  CHECK(try_prep(R50_DTYPE_INT8, R50_DTYPE_INT16, 1.0f / 65536, -32768, 1.0f, 2) == R50_ERR_UNSUPPORTED &&
        contains(g_tg.err.msg, "int16"));
  CHECK(try_prep(R50_DTYPE_UINT8, R50_DTYPE_UINT8, 1.0f / 256, 0, 1.0f, 2) == R50_ERR_UNSUPPORTED &&
        contains(g_tg.err.msg, "uint8 models not supported yet"));
  CHECK(try_prep(R50_DTYPE_INT8, R50_DTYPE_INT8, 1.0f / 256, -128, 1e-9f, 2) == R50_ERR_UNSUPPORTED &&
        contains(g_tg.err.msg, "too small"));
  CHECK(try_prep(R50_DTYPE_INT8, R50_DTYPE_INT8, 1.0f / 256, -128, 1.0f, 0) == R50_ERR_MODEL);
  CHECK(try_prep(R50_DTYPE_FLOAT32, R50_DTYPE_INT8, 1.0f / 256, -128, 1.0f, 2) == R50_ERR_UNSUPPORTED);
  return test_finish("test_ops_softmax");
}

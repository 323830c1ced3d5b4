/* RELU, RELU6, LOGISTIC, HARD_SWISH (int8 over all 256 inputs for many
 * quantizations; float incl. NaN / -0 / cutoffs). int8 oracles: RELU from
 * TFLite's formula (r50_mbqm); LOGISTIC from a separate re-implementation of
 * gemmlowp's logistic plus a float bound; HARD_SWISH from a separate int32
 * re-implementation of TFLite's int16 algorithm plus a float bound. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#define TRAND_SEED 99u
#include "trand.h"
#include "kernels/quant.h"
#include "tgraph.h"


static tgraph g_tg;

static r50_status run1(int op, r50_dtype t, float si, int32_t zi, float so, int32_t zo, void *in, void *out, int n) {
  tgraph *tg = &g_tg;
  tg_init(tg, op);
  int32_t dims[2] = {1, n};
  tg_tensor(tg, 0, t, 2, dims, NULL);
  tg_tensor(tg, 1, t, 2, dims, NULL);
  if (si > 0) tg_quant(tg, 0, si, zi);
  if (so > 0) tg_quant(tg, 1, so, zo);
  int32_t ins[1] = {0}, outs[1] = {1};
  tg_io(tg, 1, ins, 1, outs);
  void *bufs[2] = {in, out};
  const r50_op_impl *impl = op == R50_OP_RELU ? &r50_op_relu : op == R50_OP_RELU6 ? &r50_op_relu6
                          : op == R50_OP_LOGISTIC ? &r50_op_logistic : &r50_op_hard_swish;
  return tg_run(tg, impl, bufs);
}

/* ---- logistic oracle (gemmlowp, int64 style) ---- */
static int32_t o_mulhi(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  int64_t ab = (int64_t)a * b;
  return (int32_t)(ab >= 0 ? (ab + (1LL << 30)) / (1LL << 31) : (ab + 1 - (1LL << 30)) / (1LL << 31));
}
static int32_t o_rr(int64_t x, int e) {
  if (e == 0) return (int32_t)x;
  int64_t h = 1LL << (e - 1);
  return (int32_t)(x >= 0 ? (x + h) >> e : -((-x + h) >> e));
}
static int32_t o_ls(int64_t x, int e) {
  int64_t v = x * (1LL << e);
  return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}
static int32_t o_exp_neg(int32_t a, int ib) {
  int fb = 31 - ib;
  int32_t quarter = 1 << (fb - 2), amq = (a & (quarter - 1)) - quarter;
  int32_t x = o_ls(amq, ib) + (1 << 28);
  int32_t x2 = o_mulhi(x, x), x3 = o_mulhi(x2, x), x4 = o_mulhi(x2, x2);
  int32_t r = 1895147668 + o_mulhi(1895147668, x + o_rr(o_mulhi(o_rr(x4, 2) + x3, 715827883) + x2, 1));
  int32_t rem = amq - a;
  for (int e = -2; e <= 4; e++)
    if (ib > e && (rem >> (fb + e)) & 1) r = o_mulhi(r, (int32_t)llround(exp(-ldexp(1.0, e)) * 2147483648.0));
  if (a == 0) r = INT32_MAX;
  return r;
}
static int32_t o_recip1p(int32_t a) {
  int64_t s = (int64_t)a + INT32_MAX;
  int32_t hd = (int32_t)((s + (s >= 0 ? 1 : -1)) / 2);
  int32_t x = 1515870810 + o_mulhi(hd, -1010580540);
  for (int i = 0; i < 3; i++) x = x + o_ls(o_mulhi(x, (1 << 29) - o_mulhi(hd, x)), 2);
  return o_ls(x, 1);
}
static int8_t o_logistic(int8_t q, float si, int32_t zi) {
  double m = (double)si * 134217728.0;
  int e;
  double fr = frexp(m, &e);
  int32_t mult = (int32_t)round(fr * 2147483648.0);
  int32_t radius = (int32_t)floor(15.0 * 134217728.0 / ldexp(1.0, e));
  int32_t d = q - zi;
  if (d <= -radius) return -128;
  if (d >= radius) return 127;
  int32_t a = r50_mbqm(d, mult, e), r;
  if (a == 0) r = 1 << 30;
  else {
    int32_t pos = o_recip1p(o_exp_neg(a > 0 ? -a : a, 4));
    r = a > 0 ? pos : INT32_MAX - pos;
  }
  int32_t v = o_rr(r, 23) - 128;
  return (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
}

/* ---- hard swish oracle (int32 math with explicit int16 saturation / wrap) ---- */
static int32_t w16(int32_t v) { return (int16_t)(uint16_t)(uint32_t)v; }
static int32_t h_srdhm(int32_t a, int32_t b) {
  if (a == -32768 && b == -32768) return 32767;
  int32_t ab = a * b;
  return w16((ab + (ab >= 0 ? 16384 : -16383)) / 32768);
}
static int32_t h_rr(int32_t x, int e) { /* gemmlowp RDBPOT on int16 with e <= 15 */
  if (e == 0) return x;
  int32_t h = 1 << (e - 1);
  return x >= 0 ? (x + h) >> e : -((-x + h) >> e);
}
static void h_q(double m, int16_t *m16, int *e) {
  int32_t m32;
  r50_quantize_multiplier(m, &m32, e);
  *m16 = m32 >= INT32_MAX - 32768 ? 32767 : (int16_t)((m32 + 32768) >> 16);
}
static int8_t o_hswish(int8_t q, float si, int32_t zi, float so, int32_t zo) {
  float hires = si / 128.0f;
  int16_t om, rm;
  int oe, re;
  h_q((double)(hires / so), &om, &oe);
  h_q((double)(hires / (3.0f / 32768.0f)), &rm, &re);
  int32_t hv = (q - zi) * 128;
  int32_t pre = h_srdhm(hv, om);
  int32_t rv;
  if (re > 0) {
    int64_t t = (int64_t)hv * (1LL << (re - 1));
    t = t > 32767 ? 32767 : t < -32768 ? -32768 : t;
    t = h_srdhm((int32_t)t, rm);
    t *= 2;
    rv = (int32_t)(t > 32767 ? 32767 : t < -32768 ? -32768 : t);
  } else {
    rv = h_rr(h_srdhm(hv, rm), -re);
  }
  rv = (rv + 32768) >> 1;
  int32_t po = rv * pre / 32768; /* truncating high mul */
  int32_t v = w16(h_rr(po, -oe) + zo);
  return (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
}

static void test_s8(void) {
  static int8_t in[256], out[256], inp[256];
  for (int i = 0; i < 256; i++) in[i] = (int8_t)(i - 128);
  for (int t = 0; t < 300; t++) {
    float si = ldexpf((float)rnd_range(64, 127) / 64.0f, rnd_range(-9, 0));
    float so = t % 3 == 0 ? si : ldexpf((float)rnd_range(64, 127) / 64.0f, rnd_range(-9, 0));
    int32_t zi = t % 7 == 0 ? -128 : t % 7 == 1 ? 127 : rnd_range(-128, 127);
    int32_t zo = t % 5 == 0 ? -128 : rnd_range(-128, 127);
    int inplace = t & 1;
    /* RELU */
    memcpy(inp, in, 256);
    CHECK(run1(R50_OP_RELU, R50_DTYPE_INT8, si, zi, so, zo, inp, inplace ? inp : out, 256) == R50_OK);
    int8_t *got = inplace ? inp : out;
    int32_t m, sh;
    r50_quantize_multiplier((double)si / (double)so, &m, &sh);
    int bad = 0;
    for (int i = 0; i < 256; i++) {
      int32_t w = zo + r50_mbqm(in[i] - zi, m, sh);
      w = w < (zo > -128 ? zo : -128) ? (zo > -128 ? zo : -128) : w > 127 ? 127 : w;
      bad += got[i] != w;
    }
    CHECK_MSG(bad == 0, "relu s8: %d bad", bad);
    /* RELU6: input quantization only */
    memcpy(inp, in, 256);
    CHECK(run1(R50_OP_RELU6, R50_DTYPE_INT8, si, zi, so, zo, inp, inplace ? inp : out, 256) == R50_OK);
    double six = roundf(6.0f / si) + zi;
    int32_t hi = six > 127 ? 127 : six < -128 ? -128 : (int32_t)six;
    bad = 0;
    for (int i = 0; i < 256; i++) bad += got[i] != (in[i] > hi ? hi : in[i] < zi ? zi : in[i]);
    CHECK_MSG(bad == 0, "relu6 s8: %d bad", bad);
    /* LOGISTIC: output fixed at 1/256, -128 */
    memcpy(inp, in, 256);
    CHECK(run1(R50_OP_LOGISTIC, R50_DTYPE_INT8, si * 16, zi, 1.0f / 256, -128, inp, inplace ? inp : out, 256) == R50_OK);
    bad = 0;
    int far = 0;
    for (int i = 0; i < 256; i++) {
      int8_t w = o_logistic(in[i], si * 16, zi);
      bad += got[i] != w;
      double sg = 1.0 / (1.0 + exp(-(double)si * 16 * (in[i] - zi)));
      /* scales >= 8 make TFLM's input radius 0 (everything saturates): no float bound there */
      /* large scales: TFLM floors the saturation radius to a few steps, so only small ones are bounded */
      if (si * 16 < 0.5f && fabs((w + 128) / 256.0 - sg) > 1.0 / 256 + 1e-3 && !(w == 127 && sg > 0.99)) {
        if (far < 2) fprintf(stderr, "logistic far: q=%d scale %g zp %d -> %d, float %g\n", in[i], si * 16, zi, w, sg);
        far++;
      }
    }
    CHECK_MSG(bad == 0, "logistic s8 (scale %g zp %d): %d bad", si * 16, zi, bad);
    CHECK_MSG(far == 0, "logistic oracle vs float: %d far", far);
    /* HARD_SWISH */
    float hsi = si * 32, hso = so * 16;
    memcpy(inp, in, 256);
    r50_status st = run1(R50_OP_HARD_SWISH, R50_DTYPE_INT8, hsi, zi, hso, zo, inp, inplace ? inp : out, 256);
    int32_t hm, he;
    r50_quantize_multiplier((double)(hsi / 128.0f / hso), &hm, &he);
    if (he > 0) { /* TFLM refuses an output exponent > 0 */
      CHECK(st == R50_ERR_UNSUPPORTED);
      continue;
    }
    CHECK_MSG(st == R50_OK, "hard_swish prepare: %s", g_tg.err.msg);
    bad = far = 0;
    for (int i = 0; i < 256 && st == R50_OK; i++) {
      int8_t w = o_hswish(in[i], hsi, zi, hso, zo);
      bad += got[i] != w;
      double x = (double)hsi * (in[i] - zi);
      double y = x * fmin(6, fmax(0, x + 3)) / 6 / hso + zo;
      y = y > 127 ? 127 : y < -128 ? -128 : y;
      far += fabs(y - w) > 2.0;
    }
    CHECK_MSG(bad == 0, "hard_swish s8 (in %g %d out %g %d): %d bad", hsi, zi, hso, zo, bad);
    CHECK_MSG(far == 0, "hard_swish oracle vs float: %d far", far);
  }
}

static void test_f32(void) {
  enum { N = 1000 };
  static float in[N], out[N];
  for (int i = 0; i < N; i++) in[i] = (float)rnd_range(-30000, 30000) / 1000.0f;
  in[0] = NAN; in[1] = -0.0f; in[2] = 6.0f; in[3] = -9.0f; in[4] = 16.619047164916992188f; in[5] = 16.62f;
  in[6] = -3.0f; in[7] = 3.0f; in[8] = INFINITY; in[9] = -INFINITY;
  const int ops[4] = {R50_OP_RELU, R50_OP_RELU6, R50_OP_LOGISTIC, R50_OP_HARD_SWISH};
  for (int k = 0; k < 4; k++) {
    CHECK(run1(ops[k], R50_DTYPE_FLOAT32, 0, 0, 0, 0, in, out, N) == R50_OK);
    int bad = 0;
    for (int i = 0; i < N; i++) {
      float x = in[i], w;
      if (k == 0) w = x < 0.0f ? 0.0f : x;
      else if (k == 1) w = x > 6.0f ? 6.0f : x < 0.0f ? 0.0f : x;
      else if (k == 2) w = x > 16.619047164916992188f ? 1.0f : x < -9.0f ? expf(x) : 1.0f / (1.0f + expf(-x));
      else w = x * fminf(6.0f, fmaxf(0.0f, x + 3.0f)) / 6.0f;
      if (memcmp(&w, &out[i], 4) != 0 && !(isnan(w) && isnan(out[i]))) bad++;
    }
    CHECK_MSG(bad == 0, "float op %d: %d bad", ops[k], bad);
  }
  CHECK(run1(R50_OP_RELU, R50_DTYPE_FLOAT32, 0, 0, 0, 0, in, out, N) == R50_OK);
  CHECK(isnan(out[0]) && signbit(out[1])); /* NaN and -0 pass through like TFLM's x < 0 ? 0 : x */
}

static int contains(const char *s, const char *sub) { return strstr(s, sub) != NULL; }

static void test_refusals(void) {
  static int8_t b[64];
  CHECK(run1(R50_OP_RELU, R50_DTYPE_UINT8, 0.1f, 0, 0.1f, 0, b, b, 8) == R50_ERR_UNSUPPORTED &&
        contains(g_tg.err.msg, "uint8 models not supported yet"));
  CHECK(run1(R50_OP_RELU6, R50_DTYPE_INT16, 0.1f, 0, 0.1f, 0, b, b, 8) == R50_ERR_UNSUPPORTED);
  CHECK(run1(R50_OP_LOGISTIC, R50_DTYPE_INT8, 0.1f, 0, 1.0f / 256, 0, b, b, 8) == R50_ERR_UNSUPPORTED &&
        contains(g_tg.err.msg, "scale 1/256 and zero point -128"));
  CHECK(run1(R50_OP_LOGISTIC, R50_DTYPE_INT8, 0.1f, 0, 0.01f, -128, b, b, 8) == R50_ERR_UNSUPPORTED);
  CHECK(run1(R50_OP_HARD_SWISH, R50_DTYPE_INT8, 0.1f, 0, 1e-6f, 0, b, b, 8) == R50_ERR_UNSUPPORTED &&
        contains(g_tg.err.msg, "too small"));
  CHECK(run1(R50_OP_RELU, R50_DTYPE_INT8, 0.1f, 0, 0, 0, b, b, 8) == R50_ERR_UNSUPPORTED &&
        contains(g_tg.err.msg, "no quantization"));
  tgraph *tg = &g_tg;
  tg_init(tg, R50_OP_RELU);
  int32_t d1[1] = {4}, d2[1] = {5};
  tg_tensor(tg, 0, R50_DTYPE_FLOAT32, 1, d1, NULL);
  tg_tensor(tg, 1, R50_DTYPE_FLOAT32, 1, d2, NULL);
  int32_t ins[1] = {0}, outs[1] = {1};
  tg_io(tg, 1, ins, 1, outs);
  void *bufs[2] = {b, b + 32};
  CHECK(tg_run(tg, &r50_op_relu, bufs) == R50_ERR_MODEL && contains(tg->err.msg, "the op computes [4]"));
}

int main(void) {
  test_s8();
  test_f32();
  test_refusals();
  return test_finish("test_ops_act");
}

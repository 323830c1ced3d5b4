/* QUANTIZE / DEQUANTIZE: float -> int8/uint8 rounding (ties away from zero,
 * saturation, NaN/inf), 8-bit requantization (uint8->int8, int8->int8,
 * int8->uint8, incl. the equal-scale xor path), dequantize (checked against
 * float * int math, which TFLite also used), round trips, refusals. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#define TRAND_SEED 4242u
#include "trand.h"
#include "kernels/quant.h"
#include "tgraph.h"


static tgraph g_tg;

static r50_status run1(int op, r50_dtype ti, r50_dtype to, int32_t n, float si, int32_t zi, float so, int32_t zo,
                       void *in, void *out) {
  tgraph *tg = &g_tg;
  tg_init(tg, op);
  int32_t dims[1] = {n};
  tg_tensor(tg, 0, ti, 1, dims, NULL);
  tg_tensor(tg, 1, to, 1, dims, NULL);
  if (si > 0) tg_quant(tg, 0, si, zi);
  if (so > 0) tg_quant(tg, 1, so, zo);
  int32_t ins[1] = {0}, outs[1] = {1};
  tg_io(tg, 1, ins, 1, outs);
  void *bufs[2] = {in, out};
  return tg_run(tg, op == R50_OP_QUANTIZE ? &r50_op_quantize : &r50_op_dequantize, bufs);
}

static int32_t q_oracle(float x, float s, int32_t zp, int32_t lo, int32_t hi) {
  if (isnan(x)) return zp < lo ? lo : zp > hi ? hi : zp;
  double r = (double)roundf(x / s) + zp;
  return r < lo ? lo : r > hi ? hi : (int32_t)r;
}

static void test_quantize_f32(void) {
  enum { N = 4096 };
  static float x[N];
  static int8_t o8[N];
  static uint8_t ou[N];
  const float scales[] = {0.5f, 1.0f / 128, 0.0237f, 3.0f, 1e-3f};
  const int32_t zps[] = {-128, 127, 0, -5};
  for (int si = 0; si < 5; si++)
    for (int zi = 0; zi < 4; zi++) {
      float s = scales[si];
      for (int i = 0; i < N; i++) {
        int k = rnd_range(-400, 400);
        if (i % 4 == 0) x[i] = ((float)k + 0.5f) * s;       /* ties (exact for pow2 scales) */
        else x[i] = (float)rnd_range(-100000, 100000) / 1000.0f * s * 10;
      }
      x[0] = NAN; x[1] = INFINITY; x[2] = -INFINITY; x[3] = 3e38f; x[4] = -3e38f; x[5] = -0.0f;
      x[6] = 0.5f * s; x[7] = -0.5f * s; x[8] = 1.5f * s; x[9] = -1.5f * s;
      CHECK(run1(R50_OP_QUANTIZE, R50_DTYPE_FLOAT32, R50_DTYPE_INT8, N, 0, 0, s, zps[zi], x, o8) == R50_OK);
      int bad = 0;
      for (int i = 0; i < N; i++) bad += o8[i] != q_oracle(x[i], s, zps[zi], -128, 127);
      CHECK_MSG(bad == 0, "quantize f32->s8 scale %g zp %d: %d bad", s, zps[zi], bad);
      if (s == 0.5f && zps[zi] == 0) {
        CHECK(o8[6] == 1 && o8[7] == -1 && o8[8] == 2 && o8[9] == -2); /* ties away from zero */
        CHECK(o8[0] == 0 && o8[1] == 127 && o8[2] == -128 && o8[3] == 127 && o8[4] == -128);
      }
      const int32_t uzp = zps[zi] + 128;
      CHECK(run1(R50_OP_QUANTIZE, R50_DTYPE_FLOAT32, R50_DTYPE_UINT8, N, 0, 0, s, uzp, x, ou) == R50_OK);
      bad = 0;
      for (int i = 0; i < N; i++) bad += ou[i] != q_oracle(x[i], s, uzp, 0, 255);
      CHECK_MSG(bad == 0, "quantize f32->u8: %d bad", bad);
      /* in place: int8 output over the float input */
      static float xi[N];
      memcpy(xi, x, sizeof x);
      CHECK(run1(R50_OP_QUANTIZE, R50_DTYPE_FLOAT32, R50_DTYPE_INT8, N, 0, 0, s, zps[zi], xi, xi) == R50_OK);
      CHECK(memcmp(xi, o8, N) == 0);
    }
}

static void test_requantize(void) {
  static uint8_t u[256], uo[256];
  static int8_t s8[256], so8[256];
  for (int i = 0; i < 256; i++) { u[i] = (uint8_t)i; s8[i] = (int8_t)(i - 128); }
  /* the model's uint8 -> int8 input stage: same scale, zp 128 -> 0 (xor path) */
  CHECK(run1(R50_OP_QUANTIZE, R50_DTYPE_UINT8, R50_DTYPE_INT8, 256, 2.0f / 255, 128, 2.0f / 255, 0, u, so8) == R50_OK);
  int bad = 0;
  for (int i = 0; i < 256; i++) bad += so8[i] != i - 128;
  CHECK(bad == 0);
  CHECK(run1(R50_OP_QUANTIZE, R50_DTYPE_INT8, R50_DTYPE_UINT8, 256, 1.0f / 256, -128, 1.0f / 256, 0, s8, uo) == R50_OK);
  bad = 0;
  for (int i = 0; i < 256; i++) bad += uo[i] != i;
  CHECK(bad == 0);
  const float sc[] = {1.0f / 256, 0.0078125f, 0.02f, 0.1f, 0.7f, 2.0f, 1.0f / 255};
  for (int t = 0; t < 400; t++) {
    float si = sc[t % 7] * (t & 8 ? 1.0f : (float)rnd_range(900, 1100) / 1000.0f), so = sc[(t / 7) % 7];
    int kind = t % 3; /* 0: u8->s8, 1: s8->s8, 2: s8->u8 */
    int32_t zi = kind == 0 ? rnd_range(0, 255) : rnd_range(-128, 127);
    int32_t zo = kind == 2 ? rnd_range(0, 255) : rnd_range(-128, 127);
    if (t % 5 == 0) zo = kind == 2 ? 0 : (kind == 0 ? -128 : 127);
    r50_status st;
    if (kind == 0) st = run1(R50_OP_QUANTIZE, R50_DTYPE_UINT8, R50_DTYPE_INT8, 256, si, zi, so, zo, u, so8);
    else if (kind == 1) st = run1(R50_OP_QUANTIZE, R50_DTYPE_INT8, R50_DTYPE_INT8, 256, si, zi, so, zo, s8, so8);
    else st = run1(R50_OP_QUANTIZE, R50_DTYPE_INT8, R50_DTYPE_UINT8, 256, si, zi, so, zo, s8, uo);
    CHECK_MSG(st == R50_OK, "requant prepare: %s", g_tg.err.msg);
    int32_t m, sh;
    r50_quantize_multiplier((double)si / (double)so, &m, &sh);
    int lo = kind == 2 ? 0 : -128, hi = kind == 2 ? 255 : 127;
    bad = 0;
    int far = 0;
    for (int i = 0; i < 256; i++) {
      int32_t x = kind == 0 ? u[i] : s8[i];
      int32_t w = r50_mbqm(x - zi, m, sh) + zo;
      w = w < lo ? lo : w > hi ? hi : w;
      int32_t got = kind == 2 ? uo[i] : so8[i];
      bad += got != w;
      double real = (double)si * (x - zi) / so + zo;
      real = real < lo ? lo : real > hi ? hi : real;
      far += fabs(real - w) > 1.0 + 1e-9; /* double rounding: within 1 LSB of real math */
    }
    CHECK_MSG(bad == 0, "requantize kind %d: %d bad", kind, bad);
    CHECK_MSG(far == 0, "requantize kind %d: oracle off real math (%d)", kind, far);
  }
}

static void test_dequantize(void) {
  static int8_t s8[256];
  static uint8_t u8[256];
  static float out[256];
  for (int i = 0; i < 256; i++) { s8[i] = (int8_t)(i - 128); u8[i] = (uint8_t)i; }
  for (int t = 0; t < 2000; t++) {
    float s = ldexpf((float)rnd_range(1 << 23, (1 << 24) - 1), rnd_range(-40, -10));
    int uns = t & 1;
    int32_t zp = uns ? rnd_range(0, 255) : rnd_range(-128, 127);
    CHECK(run1(R50_OP_DEQUANTIZE, uns ? R50_DTYPE_UINT8 : R50_DTYPE_INT8, R50_DTYPE_FLOAT32, 256, s, zp, 0, 0,
               uns ? (void *)u8 : (void *)s8, out) == R50_OK);
    int bad = 0, rt = 0;
    for (int i = 0; i < 256; i++) {
      int32_t q = uns ? u8[i] : s8[i];
      float want = s * (float)(q - zp); /* float * int, the other TFLite variant */
      bad += memcmp(&want, &out[i], 4) != 0;
      rt += q_oracle(out[i], s, zp, uns ? 0 : -128, uns ? 255 : 127) != q; /* round trip */
    }
    CHECK_MSG(bad == 0, "dequantize scale %g zp %d: %d differ from float math", s, zp, bad);
    CHECK_MSG(rt == 0, "dequantize -> quantize round trip: %d bad", rt);
  }
}

static int contains(const char *s, const char *sub) { return strstr(s, sub) != NULL; }

static void test_refusals(void) {
  static int8_t buf[64];
  CHECK(run1(R50_OP_QUANTIZE, R50_DTYPE_FLOAT32, R50_DTYPE_INT16, 4, 0, 0, 0.1f, 0, buf, buf) == R50_ERR_UNSUPPORTED &&
        contains(g_tg.err.msg, "float32 -> int16 is not supported"));
  CHECK(run1(R50_OP_QUANTIZE, R50_DTYPE_UINT8, R50_DTYPE_UINT8, 4, 0.1f, 0, 0.1f, 0, buf, buf) == R50_ERR_UNSUPPORTED);
  CHECK(run1(R50_OP_QUANTIZE, R50_DTYPE_FLOAT32, R50_DTYPE_INT8, 4, 0, 0, 0, 0, buf, buf) == R50_ERR_UNSUPPORTED &&
        contains(g_tg.err.msg, "no quantization"));
  CHECK(run1(R50_OP_DEQUANTIZE, R50_DTYPE_INT16, R50_DTYPE_FLOAT32, 4, 0.1f, 0, 0, 0, buf, buf) == R50_ERR_UNSUPPORTED);
  CHECK(run1(R50_OP_DEQUANTIZE, R50_DTYPE_INT8, R50_DTYPE_FLOAT32, 4, 0.1f, 300, 0, 0, buf, buf) == R50_ERR_MODEL &&
        contains(g_tg.err.msg, "zero point 300"));
  /* per-channel */
  tgraph *tg = &g_tg;
  tg_init(tg, R50_OP_DEQUANTIZE);
  int32_t dims[2] = {2, 2};
  tg_tensor(tg, 0, R50_DTYPE_INT8, 2, dims, NULL);
  tg_tensor(tg, 1, R50_DTYPE_FLOAT32, 2, dims, NULL);
  static const float pcs[2] = {0.1f, 0.2f};
  static const int64_t pcz[2] = {0, 0};
  tg_quant_pc(tg, 0, 2, 1, pcs, pcz);
  int32_t ins[1] = {0}, outs[1] = {1};
  tg_io(tg, 1, ins, 1, outs);
  void *bufs[2] = {buf, buf + 16};
  CHECK(tg_run(tg, &r50_op_dequantize, bufs) == R50_ERR_UNSUPPORTED && contains(tg->err.msg, "per-channel"));
  /* shape mismatch */
  tg_init(tg, R50_OP_QUANTIZE);
  int32_t d3[1] = {3}, d4[1] = {4};
  tg_tensor(tg, 0, R50_DTYPE_FLOAT32, 1, d3, NULL);
  tg_tensor(tg, 1, R50_DTYPE_INT8, 1, d4, NULL);
  tg_quant(tg, 1, 0.1f, 0);
  tg_io(tg, 1, ins, 1, outs);
  CHECK(tg_run(tg, &r50_op_quantize, bufs) == R50_ERR_MODEL && contains(tg->err.msg, "the op computes [3]"));
}

int main(void) {
  test_quantize_f32();
  test_requantize();
  test_dequantize();
  test_refusals();
  return test_finish("test_ops_quantize");
}

/* Fixed-point requantization used by every int8 kernel: r50_quantize_multiplier
 * and r50_mbqm (SaturatingRoundingDoublingHighMul + RoundingDivideByPOT),
 * checked against values worked out from TFLite's definitions and against a
 * slow exact oracle (128-bit integers, or long double) over random inputs. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "kernels/quant.h"

static uint64_t g_rng = 0xD1B54A32D192ED03ull;
static uint64_t rnd64(void) {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 7;
  g_rng ^= g_rng << 17;
  return g_rng;
}
static int32_t rnd_i32(void) {
  switch (rnd64() % 8) {
    case 0: return INT32_MIN + (int32_t)(rnd64() % 3);
    case 1: return INT32_MAX - (int32_t)(rnd64() % 3);
    case 2: return (int32_t)(rnd64() % 2001) - 1000;
    default: return (int32_t)(uint32_t)rnd64();
  }
}

/* Exact SRDHM: a*b/2^31 rounded half towards +inf (what gemmlowp's nudge +
 * truncating division amounts to), saturating the single overflow case. */
static int32_t oracle_srdhm(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
#if defined(__SIZEOF_INT128__)
  __int128 ab = (__int128)a * b;
  /* floor((2ab + 2^31) / 2^32) */
  __int128 num = 2 * ab + ((__int128)1 << 31);
  __int128 den = (__int128)1 << 32;
  __int128 q = num / den;
  if (num % den != 0 && num < 0) q -= 1;
  return (int32_t)q;
#else
  long double x = (long double)a * (long double)b / 2147483648.0L;
  return (int32_t)floorl(x + 0.5L);
#endif
}

/* Exact RoundingDivideByPOT: x / 2^e rounded half away from zero. */
static int32_t oracle_rdbypot(int32_t x, int e) {
  if (e == 0) return x;
  int64_t ax = x < 0 ? -(int64_t)x : (int64_t)x;
  int64_t q = (ax + ((int64_t)1 << (e - 1))) >> e;
  return (int32_t)(x < 0 ? -q : q);
}

static int32_t oracle_mbqm(int32_t x, int32_t m, int32_t shift) {
  int32_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  int32_t xs = (int32_t)(uint32_t)((uint64_t)(uint32_t)x << left); /* int32 wrap as TFLite */
  return oracle_rdbypot(oracle_srdhm(xs, m), right);
}

static void known_values(void) {
  int32_t m, s;
  r50_quantize_multiplier(0.5, &m, &s);
  CHECK(m == (1 << 30) && s == 0);
  r50_quantize_multiplier(1.0, &m, &s);
  CHECK(m == (1 << 30) && s == 1);
  r50_quantize_multiplier(0.25, &m, &s);
  CHECK(m == (1 << 30) && s == -1);
  r50_quantize_multiplier(0.75, &m, &s);
  CHECK(m == 1610612736 && s == 0);
  r50_quantize_multiplier(0.3, &m, &s); /* frexp 0.6 * 2^-1; 0.6 * 2^31 = 1288490188.8 */
  CHECK(m == 1288490189 && s == -1);
  r50_quantize_multiplier(0.0, &m, &s);
  CHECK(m == 0 && s == 0);
  r50_quantize_multiplier(ldexp(1.0, -40), &m, &s); /* exponent < -31 flushes to zero */
  CHECK(m == 0 && s == 0);
  r50_quantize_multiplier(ldexp(1.0, -32), &m, &s); /* 0.5 * 2^-31: still representable */
  CHECK(m == (1 << 30) && s == -31);
  r50_quantize_multiplier(1.0 - ldexp(1.0, -33), &m, &s); /* rounds up to 2^31: renormalised */
  CHECK(m == (1 << 30) && s == 1);
  r50_quantize_multiplier(3.0, &m, &s);
  CHECK(m == 1610612736 && s == 2);
  r50_quantize_multiplier(1e9, &m, &s); /* no clamp of large shifts in the double-rounding build */
  CHECK(s == 30);

  CHECK(r50_mbqm(1000, 1 << 30, 0) == 500);
  CHECK(r50_mbqm(-1000, 1 << 30, 0) == -500);
  CHECK(r50_mbqm(3, 1 << 30, 0) == 2);   /* 1.5 -> 2 */
  CHECK(r50_mbqm(-3, 1 << 30, 0) == -1); /* -1.5 -> -1: SRDHM ties go towards +inf */
  CHECK(r50_mbqm(6, 1 << 30, -1) == 2);  /* 6 * 0.25: SRDHM 3, then 3/2 = 1.5 -> 2 */
  CHECK(r50_mbqm(-6, 1 << 30, -1) == -2); /* -3 / 2 = -1.5 -> -2 (away from zero) */
  CHECK(r50_mbqm(5, 1 << 30, 1) == 5);   /* * 1.0 */
  CHECK(r50_mbqm(100, 1610612736, 2) == 300);
  CHECK(r50_srdhm(INT32_MIN, INT32_MIN) == INT32_MAX);
  CHECK(r50_srdhm(INT32_MIN, INT32_MAX) == -INT32_MAX);
  CHECK(r50_rdbypot(-1, 31) == 0 && r50_rdbypot(INT32_MIN, 31) == -1 && r50_rdbypot(INT32_MAX, 31) == 1);
  CHECK(r50_rdbypot(5, 1) == 3 && r50_rdbypot(-5, 1) == -3 && r50_rdbypot(7, 2) == 2);
  /* double rounding (the reference build) differs from single rounding:
   * 5 * 0.25 = 1.25 exactly, but SRDHM(5, 0.5) = 2.5 -> 3, then 3 / 2 = 1.5 -> 2 */
  CHECK(r50_mbqm(5, 1 << 30, -1) == 2);
}

static void random_oracle(void) {
  int bad = 0;
  for (int i = 0; i < 2000000; i++) {
    int32_t a = rnd_i32(), b = rnd_i32();
    if (r50_srdhm(a, b) != oracle_srdhm(a, b) && bad++ < 5)
      fprintf(stderr, "srdhm(%d, %d) = %d, oracle %d\n", a, b, r50_srdhm(a, b), oracle_srdhm(a, b));
    int e = (int)(rnd64() % 32);
    if (r50_rdbypot(a, e) != oracle_rdbypot(a, e) && bad++ < 5)
      fprintf(stderr, "rdbypot(%d, %d) = %d, oracle %d\n", a, e, r50_rdbypot(a, e), oracle_rdbypot(a, e));
    int32_t m = (int32_t)((1u << 30) + (uint32_t)(rnd64() % (1u << 30)));
    int32_t sh = (int32_t)(rnd64() % 48) - 31;
    if (sh > 31) sh = 31;
    if (r50_mbqm(a, m, sh) != oracle_mbqm(a, m, sh) && bad++ < 5)
      fprintf(stderr, "mbqm(%d, %d, %d) = %d, oracle %d\n", a, m, sh, r50_mbqm(a, m, sh),
              oracle_mbqm(a, m, sh));
  }
  CHECK_MSG(bad == 0, "%d mismatches against the exact oracle", bad);

  /* QuantizeMultiplier: mult in [2^30, 2^31), mult * 2^(shift-31) within half a unit */
  int qbad = 0;
  for (int i = 0; i < 200000; i++) {
    double v = ldexp((double)(rnd64() >> 11) / 9007199254740992.0 + 1e-300, (int)(rnd64() % 60) - 40);
    int32_t m, s;
    r50_quantize_multiplier(v, &m, &s);
    if (m == 0) {
      if (!(v < ldexp(1.0, -31)) && qbad++ < 5) fprintf(stderr, "qm(%g) flushed\n", v);
      continue;
    }
    long double back = ldexpl((long double)m, s - 31);
    long double ulp = ldexpl(1.0L, s - 31);
    if ((m < (1 << 30) || fabsl(back - (long double)v) > ulp / 2) && qbad++ < 5)
      fprintf(stderr, "qm(%.17g) = (%d, %d)\n", v, m, s);
  }
  CHECK_MSG(qbad == 0, "%d QuantizeMultiplier failures", qbad);
}

int main(void) {
  known_values();
  random_oracle();
  return test_finish("test_ops_requant");
}

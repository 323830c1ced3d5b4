/* gemmlowp-style 32-bit fixed-point helpers (scalar), bit-exact with
 * gemmlowp/fixedpoint/fixedpoint.h as used by TFLite Micro's reference
 * SOFTMAX and LOGISTIC kernels.
 *
 * A value "Qm" has m integer bits and 31-m fractional bits in an int32.
 * Additions that gemmlowp does with plain int32 '+' / '-' are done here in
 * uint32 so wrap-around is defined C (the algorithms never rely on it).
 * Right shifts of negative values are arithmetic (as in quant.h).
 */
#ifndef R50_KERNELS_FIXEDPOINT_H
#define R50_KERNELS_FIXEDPOINT_H

#include <stdint.h>

#include "quant.h"

static inline int32_t r50_fp_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static inline int32_t r50_fp_sub(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }
static inline int32_t r50_fp_neg(int32_t a) { return (int32_t)(0u - (uint32_t)a); }
/* FixedPoint operator*: SaturatingRoundingDoublingHighMul on the raw values. */
static inline int32_t r50_fp_mul(int32_t a, int32_t b) { return r50_srdhm(a, b); }

/* SaturatingRoundingMultiplyByPOT<e>: e > 0 saturating left shift, e < 0
 * rounding right shift (RoundingDivideByPOT), e == 0 identity. |e| <= 31. */
static inline int32_t r50_fp_srmbpot(int32_t x, int e) {
  if (e == 0) return x;
  if (e < 0) return r50_rdbypot(x, -e);
  const int32_t threshold = (int32_t)((1LL << (31 - e)) - 1);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return (int32_t)((uint32_t)x << e);
}

/* Rescale<dst>(x with src integer bits) */
static inline int32_t r50_fp_rescale(int32_t x, int src_bits, int dst_bits) {
  return r50_fp_srmbpot(x, src_bits - dst_bits);
}

/* gemmlowp RoundingHalfSum for int32: (a + b + sign) / 2 in int64, truncating. */
static inline int32_t r50_fp_rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = (int64_t)a + (int64_t)b;
  const int64_t sign = sum >= 0 ? 1 : -1;
  return (int32_t)((sum + sign) / 2);
}

/* exp(a) for a in [-1/4, 0), Q0 in and out. */
static inline int32_t r50_fp_exp_quarter(int32_t a) {
  const int32_t constant_term = 1895147668;    /* exp(-1/8) */
  const int32_t constant_1_over_3 = 715827883; /* 1/3 */
  const int32_t x = r50_fp_add(a, 1 << 28);     /* a + 1/8 */
  const int32_t x2 = r50_fp_mul(x, x);
  const int32_t x3 = r50_fp_mul(x2, x);
  const int32_t x4 = r50_fp_mul(x2, x2);
  const int32_t x4_over_4 = r50_fp_srmbpot(x4, -2);
  const int32_t poly =
      r50_fp_srmbpot(r50_fp_add(r50_fp_mul(r50_fp_add(x4_over_4, x3), constant_1_over_3), x2), -1);
  return r50_fp_add(constant_term, r50_fp_mul(constant_term, r50_fp_add(x, poly)));
}

/* gemmlowp exp_on_negative_values: a is Q(int_bits) with a <= 0, result Q0.
 * int_bits in 0..30. */
static inline int32_t r50_fp_exp_on_negative_values(int32_t a, int int_bits) {
  const int frac_bits = 31 - int_bits;
  const int32_t one_quarter = (int32_t)1 << (frac_bits - 2);
  const int32_t mask = one_quarter - 1;
  const int32_t a_mod_quarter_minus_one_quarter = r50_fp_sub(a & mask, one_quarter);
  int32_t result = r50_fp_exp_quarter(r50_fp_rescale(a_mod_quarter_minus_one_quarter, int_bits, 0));
  const int32_t remainder = r50_fp_sub(a_mod_quarter_minus_one_quarter, a);
  /* barrel shifter: multiply by exp(-2^e) for each set bit of the remainder */
  static const int32_t k_mult[7] = {1672461947, 1302514674, 790015084, 290630308,
                                    39332535,   720401,     242};
  for (int e = -2; e <= 4; e++) {
    if (int_bits > e) {
      const int shift = frac_bits + e;
      if (remainder & (int32_t)((uint32_t)1 << shift)) result = r50_fp_mul(result, k_mult[e + 2]);
    }
  }
  if (int_bits > 5) {
    const int32_t clamp = -(int32_t)((uint32_t)1 << (36 - int_bits)); /* -32.0 */
    if (a < clamp) result = 0;
  }
  if (a == 0) result = INT32_MAX; /* One in Q0 */
  return result;
}

/* gemmlowp one_over_one_plus_x_for_x_in_0_1: Q0 in, Q0 out. */
static inline int32_t r50_fp_one_over_one_plus_x(int32_t a) {
  const int32_t half_denominator = r50_fp_rounding_half_sum(a, INT32_MAX);
  const int32_t constant_48_over_17 = 1515870810;      /* Q2 */
  const int32_t constant_neg_32_over_17 = -1010580540; /* Q2 */
  int32_t x = r50_fp_add(constant_48_over_17, r50_fp_mul(half_denominator, constant_neg_32_over_17));
  for (int i = 0; i < 3; i++) {
    const int32_t half_denominator_times_x = r50_fp_mul(half_denominator, x); /* Q2 */
    const int32_t one_minus = r50_fp_sub((int32_t)1 << 29, half_denominator_times_x);  /* Q2 one */
    x = r50_fp_add(x, r50_fp_rescale(r50_fp_mul(x, one_minus), 4, 2));
  }
  /* ExactMulByPot<-1>: Q2 raw reinterpreted as Q1, then Rescale<0> */
  return r50_fp_rescale(x, 1, 0);
}

/* gemmlowp logistic(a) for a in Q(int_bits), result Q0. */
static inline int32_t r50_fp_logistic(int32_t a, int int_bits) {
  if (a == 0) return 1 << 30; /* one half */
  const int positive = a > 0;
  const int32_t abs_input = positive ? a : r50_fp_neg(a);
  const int32_t result_if_positive =
      r50_fp_one_over_one_plus_x(r50_fp_exp_on_negative_values(r50_fp_neg(abs_input), int_bits));
  return positive ? result_if_positive : r50_fp_sub(INT32_MAX, result_if_positive);
}

#endif

/* Fixed-point requantization, bit-exact with TFLite / TFLite Micro
 * (quantization_util.cc QuantizeMultiplier, common.h MultiplyByQuantizedMultiplier
 * with the default double rounding: SaturatingRoundingDoublingHighMul then
 * RoundingDivideByPOT).
 *
 * A real multiplier M > 0 is represented as (mult, shift): M ~= mult * 2^(shift-31),
 * mult in [2^30, 2^31) or 0. Right shifts of negative values are arithmetic
 * (all supported compilers; C11 leaves it implementation-defined).
 */
#ifndef R50_KERNELS_QUANT_H
#define R50_KERNELS_QUANT_H

#include <stdint.h>

/* TFLite QuantizeMultiplier: frexp, round-half-away-from-zero of q*2^31,
 * renormalise when it rounds up to 2^31, flush shifts below -31 to zero
 * (double-rounding build: no clamp above 30). m must be finite and >= 0. */
void r50_quantize_multiplier(double m, int32_t *mult, int32_t *shift);

static inline int32_t r50_srdhm(int32_t a, int32_t b) {
  /* SaturatingRoundingDoublingHighMul: round(a*b / 2^31), saturating INT32_MIN^2 */
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  int64_t ab = (int64_t)a * (int64_t)b;
  int64_t nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
  return (int32_t)((ab + nudge) / (1LL << 31)); /* C division truncates toward 0, as gemmlowp */
}

static inline int32_t r50_rdbypot(int32_t x, int32_t exponent) {
  /* RoundingDivideByPOT: round-half-away-from-zero of x / 2^exponent, 0 <= exponent <= 31 */
  const int32_t mask = (int32_t)((1LL << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* MultiplyByQuantizedMultiplier(x, mult, shift): x * M with double rounding.
 * The left shift wraps like TFLite's int32 arithmetic (done in uint32 so it is defined C). */
static inline int32_t r50_mbqm(int32_t x, int32_t mult, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0;
  const int32_t right = shift > 0 ? 0 : -shift;
  return r50_rdbypot(r50_srdhm((int32_t)((uint32_t)x << left), mult), right);
}

static inline int32_t r50_clamp_i32(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

#endif

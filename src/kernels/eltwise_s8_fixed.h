/* Exact 32-bit form of the int8 ADD / SUB input rescale, shared by the SIMD
 * elementwise kernels (no intrinsics here).
 *
 * The reference computes, for t = x + offset (x int8, so |t| <= T = 128 + |offset|),
 *   a = t << L                                   (L = left_shift, 20 in TFLite)
 *   h = SaturatingRoundingDoublingHighMul(a, m)  (= floor((a*m + 2^30) / 2^31):
 *       gemmlowp's nudge 1 - 2^30 for negative products followed by a division
 *       truncating toward zero is the same floor; no saturation since a != INT32_MIN)
 *   s = RoundingDivideByPOT(h, r)                (r = -shift >= 0)
 * which needs a 64-bit product. With S = 31 - L and a = t * 2^L exactly:
 *   h = floor((t*m*2^L + 2^30) / 2^31) = floor((t*m + 2^(S-1)) / 2^S)
 * and splitting m = mh * 2^S + ml (mh = m >> S arithmetic, 0 <= ml < 2^S):
 *   h = t*mh + floor((t*ml + 2^(S-1)) / 2^S)      (t*mh*2^S leaves the floor exactly)
 * Both products fit in int32 when T * 2^L < 2^29 (|t*mh| <= T * 2^L) and
 * T * 2^S + 2^(S-1) < 2^31; then |h| <= T * 2^L + 1 < 2^30 and, for r >= 1,
 * RoundingDivideByPOT is (h + 2^(r-1) + (h >> 31)) >> r without overflow
 * (round half away from zero: x = q*2^r + rem rounds up iff rem >= 2^(r-1) + [x < 0]).
 * When ml == 0 and r == 0 (the larger-scale input: multiplier 0.5 = 2^30 * 2^-31)
 * s = t * mh. |s| < 2^30 per input, so s1 +/- s2 cannot overflow either.
 * tests/test_kernels_x86.c checks this form against the reference for every
 * int8 input and many multipliers, shifts and offsets, and the kernels built
 * on it for all 256 x 256 input pairs. */
#ifndef R50_KERNELS_ELTWISE_S8_FIXED_H
#define R50_KERNELS_ELTWISE_S8_FIXED_H

#include <stdint.h>

enum {
  R50_ADDIN_PURE = 0, /* ml == 0, r == 0: s = t * mh */
  R50_ADDIN_RND = 1,  /* r >= 1: additive rounding */
  R50_ADDIN_ANY = 2   /* r == 0, ml != 0: s = h */
};

typedef struct {
  int32_t off, mh, ml, s, r, var;
} r50_addin_fixed;

/* Fill q for one input (offset, multiplier, shift <= 0) and left shift L;
 * returns 0 when the exact 32-bit form does not apply (the caller falls back
 * to 64-bit products). */
static inline int r50_addin_fixed_init(r50_addin_fixed *q, int32_t off, int32_t mult,
                                       int32_t shift, int32_t left_shift) {
  if (left_shift < 1 || left_shift > 30 || shift > 0 || shift < -31) return 0;
  const int64_t t_max = 128 + (off < 0 ? -(int64_t)off : (int64_t)off);
  const int32_t s = 31 - left_shift;
  if ((t_max << left_shift) >= (1LL << 29)) return 0;
  if ((t_max << s) + (1LL << (s - 1)) >= (1LL << 31)) return 0;
  q->off = off;
  q->mh = mult >> s;
  q->ml = (int32_t)((uint32_t)mult & ((1u << s) - 1u));
  q->s = s;
  q->r = -shift;
  q->var = q->r >= 1 ? R50_ADDIN_RND : (q->ml == 0 ? R50_ADDIN_PURE : R50_ADDIN_ANY);
  return 1;
}

/* The same arithmetic in scalar C, as the vector code does it lane by lane. */
static inline int32_t r50_addin_fixed_eval(const r50_addin_fixed *q, int32_t x) {
  const int32_t t = x + q->off;
  int32_t h = t * q->mh;
  if (q->var == R50_ADDIN_PURE) return h;
  h += (t * q->ml + (1 << (q->s - 1))) >> q->s;
  if (q->var == R50_ADDIN_ANY) return h;
  return (h + (1 << (q->r - 1)) + (h >> 31)) >> q->r;
}

#endif

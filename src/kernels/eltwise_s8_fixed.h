/* Exact 32-bit form of the int8 ADD / SUB input rescale, shared by the SIMD
 * elementwise kernels (no intrinsics here).
 *
 * The reference computes, for t = x + offset (x int8, so |t| <= T = 128 + |offset|),
 *   a = t << L                                   (L = left_shift, 20 in TFLite)
 *   h = SaturatingRoundingDoublingHighMul(a, m)  (= floor((a*m + 2^30) / 2^31):
 *       gemmlowp's nudge 1 - 2^30 for negative products followed by a division
 *       truncating toward zero is the same floor; no saturation since a != INT32_MIN)
 *   s = RoundingDivideByPOT(h, r)                (r = -shift >= 0)
 * which needs a 64-bit product. With S = 31 - L and a = t * 2^L exactly,
 *   h = floor((t*m*2^L + 2^30) / 2^31) = floor((t*m + 2^(S-1)) / 2^S).
 * r == 0 and m a multiple of 2^S (the larger-scale input: multiplier 0.5 =
 * 2^30 * 2^-31): s = h = t * (m >> S)                              ("PURE").
 * r >= 1: RoundingDivideByPOT(h, r) = floor((h + 2^(r-1) - [h < 0]) / 2^r)
 * (x = q*2^r + rem rounds up iff rem >= 2^(r-1) + [x < 0]), and [h < 0] = [t < 0]
 * when m > 2^(S-1). floor((floor(Y/2^S) + K) / 2^r) = floor((Y + K*2^S) / 2^(S+r))
 * for integers, so with Q = S + r
 *   s = floor((t*m + 2^(S-1) + 2^(Q-1) - [t < 0]*2^S) / 2^Q)
 * and splitting m = mh*2^Q + ml (mh = m >> Q, 0 <= ml < 2^Q), t = x + offset:
 *   s = x*mh + floor((x*ml + E - [x < -offset]*2^S) / 2^Q) + D            ("LIN")
 *   E = offset*ml + 2^(S-1) + 2^(Q-1),  D = offset*mh
 * (t*mh*2^Q leaves the floor exactly). Everything fits in int32 when
 * T * 2^L < 2^29 and (T + 1) * 2^Q < 2^31; then |s| < 2^29 + 1, so s1 +/- s2
 * cannot overflow either. The kernels fold the constants D into the output
 * stage's 64-bit nudge or into the precomputed other operand.
 * tests/test_kernels_x86.c checks this form against the reference for every
 * int8 input and many multipliers, shifts and offsets, and the kernels built
 * on it for all 256 x 256 input pairs. */
#ifndef R50_KERNELS_ELTWISE_S8_FIXED_H
#define R50_KERNELS_ELTWISE_S8_FIXED_H

#include <stdint.h>

enum {
  R50_ADDIN_PURE = 0, /* s = x*mh + D */
  R50_ADDIN_LIN = 1   /* s = x*mh + ((x*ml + E - [x < -off]*2^S) >> Q) + D */
};

typedef struct {
  int32_t off, mh, ml, e, d, s, q, var;
} r50_addin_fixed;

/* Fill q for one input (offset, multiplier, shift <= 0) and left shift L;
 * returns 0 when the exact 32-bit form does not apply (the caller falls back
 * to 64-bit products). */
static inline int r50_addin_fixed_init(r50_addin_fixed *q, int32_t off, int32_t mult,
                                       int32_t shift, int32_t left_shift) {
  if (left_shift < 1 || left_shift > 30 || shift > 0 || shift < -31) return 0;
  const int64_t t_max = 128 + (off < 0 ? -(int64_t)off : (int64_t)off);
  const int32_t s = 31 - left_shift, r = -shift;
  if ((t_max << left_shift) >= (1LL << 29)) return 0;
  q->off = off;
  q->s = s;
  if (r == 0) {
    if (((uint32_t)mult & ((1u << s) - 1u)) != 0) return 0;
    q->var = R50_ADDIN_PURE;
    q->q = 0;
    q->mh = mult >> s;
    q->ml = q->e = 0;
    q->d = off * q->mh;
    return 1;
  }
  const int32_t qs = s + r;
  if (mult <= (1 << (s - 1)) || qs > 30 || ((t_max + 1) << qs) >= (1LL << 31)) return 0;
  q->var = R50_ADDIN_LIN;
  q->q = qs;
  q->mh = mult >> qs;
  q->ml = (int32_t)((uint32_t)mult & ((1u << qs) - 1u));
  q->e = off * q->ml + (1 << (s - 1)) + (1 << (qs - 1));
  q->d = off * q->mh;
  return 1;
}

/* The same arithmetic in scalar C, as the vector code does it lane by lane
 * (without D when with_d is 0). */
static inline int32_t r50_addin_fixed_eval(const r50_addin_fixed *q, int32_t x, int with_d) {
  int32_t v = x * q->mh + (with_d ? q->d : 0);
  if (q->var == R50_ADDIN_LIN) v += (x * q->ml + q->e - (x < -q->off ? 1 << q->s : 0)) >> q->q;
  return v;
}

#endif

/* r50_mbqm on 16 int32 lanes with AVX-512 F (double rounding exactly as the
 * reference), shared by the AVX-512 conv and depthwise conv files: included
 * by each and compiled with its flags. */
#ifndef R50_KERNELS_X86_CONV_S8_REQUANT_AVX512_H
#define R50_KERNELS_X86_CONV_S8_REQUANT_AVX512_H

#include <immintrin.h>
#include <stdint.h>

/* r50_mbqm(acc, mult, shift) on 16 lanes. */
static inline __m512i x86_mbqm16(int sat, __m512i acc, __m512i mult, __m512i lsh, __m512i rsh) {
  const __m512i x = _mm512_sllv_epi32(acc, lsh); /* wraps like the uint32 shift in r50_mbqm */
  /* SaturatingRoundingDoublingHighMul = floor((x*m + 2^30) / 2^31), which equals
   * gemmlowp's nudge-and-truncate for both signs; bits 31..62 of the sum. */
  const __m512i nudge = _mm512_set1_epi64(1LL << 30);
  __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x, mult), nudge);
  __m512i odd = _mm512_add_epi64(
      _mm512_mul_epi32(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(mult, 32)), nudge);
  even = _mm512_srli_epi64(even, 31);
  odd = _mm512_slli_epi64(odd, 1);
  __m512i h = _mm512_mask_blend_epi32(0xAAAA, even, odd);
  const __m512i imin = _mm512_set1_epi32(INT32_MIN);
  if (sat) { /* INT32_MIN * INT32_MIN saturates (only possible with mult INT32_MIN) */
    const __mmask16 s = _mm512_cmpeq_epi32_mask(x, imin) & _mm512_cmpeq_epi32_mask(mult, imin);
    h = _mm512_mask_mov_epi32(h, s, _mm512_set1_epi32(INT32_MAX));
  }
  /* RoundingDivideByPOT */
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, rsh), one);
  const __m512i rem = _mm512_and_si512(h, mask);
  const __m512i thr = _mm512_sub_epi32(_mm512_srli_epi32(mask, 1), _mm512_srai_epi32(h, 31));
  __m512i v = _mm512_srav_epi32(h, rsh);
  return _mm512_mask_add_epi32(v, _mm512_cmpgt_epi32_mask(rem, thr), v, one);
}

/* r50_mbqm(acc, mult, shift) + off, clamped to [lo, hi], on 16 lanes. */
static inline __m512i x86_requant16(int sat, __m512i acc, __m512i mult, __m512i lsh, __m512i rsh, __m512i off,
                              __m512i lo, __m512i hi) {
  const __m512i v = _mm512_add_epi32(x86_mbqm16(sat, acc, mult, lsh, rsh), off);
  return _mm512_min_epi32(_mm512_max_epi32(v, lo), hi);
}

/* x86_mbqm16 with the per-channel constants hoisted out of the row loop: mo = mult
 * >> 32 (odd lanes), msk = 2^rsh - 1, half = msk >> 1; lsh only when some
 * channel shifts left. */
static inline __m512i x86_mbqm16_pre(int sat, int use_lsh, __m512i acc, __m512i mult, __m512i mo,
                               __m512i lsh, __m512i rsh, __m512i msk, __m512i half) {
  const __m512i x = use_lsh ? _mm512_sllv_epi32(acc, lsh) : acc;
  const __m512i nudge = _mm512_set1_epi64(1LL << 30);
  __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x, mult), nudge);
  __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), mo), nudge);
  even = _mm512_srli_epi64(even, 31);
  odd = _mm512_slli_epi64(odd, 1);
  __m512i h = _mm512_mask_blend_epi32(0xAAAA, even, odd);
  if (sat) {
    const __m512i imin = _mm512_set1_epi32(INT32_MIN);
    const __mmask16 s = _mm512_cmpeq_epi32_mask(x, imin) & _mm512_cmpeq_epi32_mask(mult, imin);
    h = _mm512_mask_mov_epi32(h, s, _mm512_set1_epi32(INT32_MAX));
  }
  const __m512i rem = _mm512_and_si512(h, msk);
  const __m512i thr = _mm512_sub_epi32(half, _mm512_srai_epi32(h, 31));
  const __m512i v = _mm512_srav_epi32(h, rsh);
  return _mm512_mask_add_epi32(v, _mm512_cmpgt_epi32_mask(rem, thr), v, _mm512_set1_epi32(1));
}

#endif

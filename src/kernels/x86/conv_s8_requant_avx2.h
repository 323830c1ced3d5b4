/* r50_mbqm on 8 int32 lanes with AVX2 (double rounding exactly as the
 * reference), shared by the AVX2 and AVX-VNNI conv files: included by each and
 * compiled with its flags (both have -mavx2). */
#ifndef R50_KERNELS_X86_CONV_S8_REQUANT_AVX2_H
#define R50_KERNELS_X86_CONV_S8_REQUANT_AVX2_H

#include <immintrin.h>
#include <stdint.h>

static inline __m256i x86_mbqm8(int sat, __m256i acc, __m256i mult, __m256i lsh, __m256i rsh) {
  const __m256i x = _mm256_sllv_epi32(acc, lsh); /* wraps like the uint32 shift in r50_mbqm */
  const __m256i nudge = _mm256_set1_epi64x(1LL << 30);
  __m256i even = _mm256_add_epi64(_mm256_mul_epi32(x, mult), nudge);
  __m256i odd = _mm256_add_epi64(
      _mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(mult, 32)), nudge);
  even = _mm256_srli_epi64(even, 31);
  odd = _mm256_slli_epi64(odd, 1);
  __m256i h = _mm256_blend_epi32(even, odd, 0xAA);
  const __m256i imin = _mm256_set1_epi32(INT32_MIN);
  if (sat) { /* INT32_MIN * INT32_MIN saturates (only possible with mult INT32_MIN) */
    const __m256i s = _mm256_and_si256(_mm256_cmpeq_epi32(x, imin), _mm256_cmpeq_epi32(mult, imin));
    h = _mm256_blendv_epi8(h, _mm256_set1_epi32(INT32_MAX), s);
  }
  const __m256i one = _mm256_set1_epi32(1);
  const __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, rsh), one);
  const __m256i rem = _mm256_and_si256(h, mask);
  const __m256i thr = _mm256_sub_epi32(_mm256_srli_epi32(mask, 1), _mm256_srai_epi32(h, 31));
  const __m256i v = _mm256_srav_epi32(h, rsh);
  return _mm256_sub_epi32(v, _mm256_cmpgt_epi32(rem, thr)); /* true lanes are -1 */
}

/* x86_mbqm8 with the per-channel constants hoisted: mo = mult >> 32 (odd
 * lanes), msk = 2^rsh - 1, half = msk >> 1; no left shift when use_lsh is 0. */
static inline __m256i x86_mbqm8_pre(int sat, int use_lsh, __m256i acc, __m256i mult, __m256i mo,
                                    __m256i lsh, __m256i rsh, __m256i msk, __m256i half) {
  const __m256i x = use_lsh ? _mm256_sllv_epi32(acc, lsh) : acc;
  const __m256i nudge = _mm256_set1_epi64x(1LL << 30);
  __m256i even = _mm256_add_epi64(_mm256_mul_epi32(x, mult), nudge);
  __m256i odd = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), mo), nudge);
  even = _mm256_srli_epi64(even, 31);
  odd = _mm256_slli_epi64(odd, 1);
  __m256i h = _mm256_blend_epi32(even, odd, 0xAA);
  if (sat) {
    const __m256i imin = _mm256_set1_epi32(INT32_MIN);
    const __m256i s = _mm256_and_si256(_mm256_cmpeq_epi32(x, imin), _mm256_cmpeq_epi32(mult, imin));
    h = _mm256_blendv_epi8(h, _mm256_set1_epi32(INT32_MAX), s);
  }
  const __m256i rem = _mm256_and_si256(h, msk);
  const __m256i thr = _mm256_sub_epi32(half, _mm256_srai_epi32(h, 31));
  return _mm256_sub_epi32(_mm256_srav_epi32(h, rsh), _mm256_cmpgt_epi32(rem, thr));
}

/* r50_mbqm + off, clamped to [lo, hi]. */
static inline __m256i x86_requant8(int sat, __m256i acc, __m256i mult, __m256i lsh, __m256i rsh,
                                   __m256i off, __m256i lo, __m256i hi) {
  const __m256i v = _mm256_add_epi32(x86_mbqm8(sat, acc, mult, lsh, rsh), off);
  return _mm256_min_epi32(_mm256_max_epi32(v, lo), hi);
}

#endif

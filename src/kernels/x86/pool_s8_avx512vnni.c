/* int8 MAX_POOL_2D / AVERAGE_POOL_2D / MEAN with AVX-512 F/BW/VL (see
 * pool_s8_x86.h): 64 channels per step for max, 16 for the int32 sums, tails
 * through byte masks (no scalar loop). Compiled with the AVX-512 flags; called
 * only at level R50_ISA_AVX512VNNI. The loops are in ../pool_s8_impl.h. */
#if defined(__x86_64__) && defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
#include <immintrin.h>

#include "../../runtime/parallel.h"
#include "../quant.h"
#include "../ref/conv.h" /* r50_tap_range */
#include "pool_s8_x86.h"

#include "../pool_s8_impl.h"

static void max_pixel(const int8_t *x, size_t row, size_t col, int32_t nky, int32_t nkx,
                      int32_t C, int32_t lo, int32_t hi, int8_t *out) {
  const __m512i vlo = _mm512_set1_epi8((char)lo), vhi = _mm512_set1_epi8((char)hi);
  for (int32_t c = 0; c < C; c += 64) {
    const int32_t n = C - c < 64 ? C - c : 64;
    const __mmask64 k = n == 64 ? ~(__mmask64)0 : (((__mmask64)1 << n) - 1);
    __m512i m = _mm512_set1_epi8((char)INT8_MIN);
    for (int32_t ky = 0; ky < nky; ky++) {
      const int8_t *xr = x + (size_t)ky * row + (size_t)c;
      for (int32_t kx = 0; kx < nkx; kx++)
        m = _mm512_max_epi8(m, _mm512_maskz_loadu_epi8(k, xr + (size_t)kx * col));
    }
    _mm512_mask_storeu_epi8(out + c, k, _mm512_min_epi8(_mm512_max_epi8(m, vlo), vhi));
  }
}

/* trunc(n / d) for |n| <= 128.5 d, 1 <= d <= 2^16 (rcp = 1.0f / d): see
 * ../pool_s8_impl.h (R50_POOL_AVG_MAX_TAPS) for why the float estimate is the
 * quotient or one short of it in magnitude; the exact remainder fixes that. */
static inline __m512i div_trunc(__m512i n, __m512i d, __m512 rcp) {
  const __m512i q = _mm512_cvttps_epi32(_mm512_mul_ps(_mm512_cvtepi32_ps(n), rcp));
  const __m512i r = _mm512_sub_epi32(n, _mm512_mullo_epi32(q, d));
  const __m512i one = _mm512_set1_epi32(1);
  /* r >= d: q one short (n > 0); r <= -d: one short (n < 0) */
  const __mmask16 up = _mm512_cmpge_epi32_mask(r, d);
  const __mmask16 down = _mm512_cmple_epi32_mask(r, _mm512_sub_epi32(_mm512_setzero_si512(), d));
  const __m512i q1 = _mm512_mask_add_epi32(q, up, q, one);
  return _mm512_mask_sub_epi32(q1, down, q1, one);
}

static void avg_pixel(const int8_t *x, size_t row, size_t col, int32_t nky, int32_t nkx,
                      int32_t C, int32_t count, int32_t lo, int32_t hi, int8_t *out) {
  const __m512i d = _mm512_set1_epi32(count), half = _mm512_set1_epi32(count / 2);
  const __m512i vlo = _mm512_set1_epi32(lo), vhi = _mm512_set1_epi32(hi);
  const __m512 rcp = _mm512_set1_ps(1.0f / (float)count);
  for (int32_t c = 0; c < C; c += 16) {
    const int32_t n = C - c < 16 ? C - c : 16;
    const __mmask16 k = (__mmask16)((1u << n) - 1);
    __m512i a = _mm512_setzero_si512();
    for (int32_t ky = 0; ky < nky; ky++) {
      const int8_t *xr = x + (size_t)ky * row + (size_t)c;
      for (int32_t kx = 0; kx < nkx; kx++)
        a = _mm512_add_epi32(a, _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(k, xr + (size_t)kx * col)));
    }
    /* the reference: a > 0 ? (a + count/2) / count : (a - count/2) / count */
    const __mmask16 pos = _mm512_cmpgt_epi32_mask(a, _mm512_setzero_si512());
    const __m512i num = _mm512_mask_add_epi32(_mm512_sub_epi32(a, half), pos, a, half);
    const __m512i v = _mm512_min_epi32(_mm512_max_epi32(div_trunc(num, d, rcp), vlo), vhi);
    _mm_mask_storeu_epi8(out + c, k, _mm512_cvtsepi32_epi8(v)); /* in int8 range */
  }
}

static void mean_add_row(uint32_t *sum, const int8_t *x, size_t n) {
  for (size_t i = 0; i < n; i += 16) { /* int32 lanes wrap like the uint32 sums */
    const size_t m = n - i < 16 ? n - i : 16;
    const __mmask16 k = (__mmask16)((1u << m) - 1);
    const __m512i s = _mm512_maskz_loadu_epi32(k, sum + i);
    const __m512i v = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(k, x + i));
    _mm512_mask_storeu_epi32(sum + i, k, _mm512_add_epi32(s, v));
  }
}

void r50_maxpool_s8__avx512vnni(const r50_pool_params *p, const int8_t *input, int8_t *output,
                                const r50_parallel *par) {
  pool_run(p, input, output, 1, par);
}

void r50_avgpool_s8__avx512vnni(const r50_pool_params *p, const int8_t *input, int8_t *output,
                                const r50_parallel *par) {
  pool_run(p, input, output, 0, par);
}

void r50_mean_s8__avx512vnni(const r50_mean_params *p, const int8_t *input, int8_t *output,
                             void *scratch) {
  mean_run(p, input, output, scratch);
}

#else
typedef int r50_pool_s8_avx512vnni_unused;
#endif

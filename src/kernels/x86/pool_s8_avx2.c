/* int8 MAX_POOL_2D / AVERAGE_POOL_2D / MEAN with AVX2 (see pool_s8_x86.h).
 * Compiled with -mavx2 -mfma only; called only at level R50_ISA_AVX2 or above.
 * The loops are in ../pool_s8_impl.h. */
#if defined(__x86_64__) && defined(__AVX2__)
#include <immintrin.h>

#include "../../runtime/parallel.h"
#include "../quant.h"
#include "../ref/conv.h" /* r50_tap_range */
#include "pool_s8_x86.h"

#include "../pool_s8_impl.h"

static void max_pixel(const int8_t *x, size_t row, size_t col, int32_t nky, int32_t nkx,
                      int32_t C, int32_t lo, int32_t hi, int8_t *out) {
  const __m256i vlo = _mm256_set1_epi8((char)lo), vhi = _mm256_set1_epi8((char)hi);
  const __m256i init = _mm256_set1_epi8((char)INT8_MIN);
  int32_t c = 0;
  for (; c + 32 <= C; c += 32) {
    __m256i m = init;
    for (int32_t ky = 0; ky < nky; ky++) {
      const int8_t *xr = x + (size_t)ky * row + (size_t)c;
      for (int32_t kx = 0; kx < nkx; kx++)
        m = _mm256_max_epi8(m, _mm256_loadu_si256((const __m256i *)(xr + (size_t)kx * col)));
    }
    _mm256_storeu_si256((__m256i *)(out + c), _mm256_min_epi8(_mm256_max_epi8(m, vlo), vhi));
  }
  if (c + 16 <= C) {
    __m128i m = _mm256_castsi256_si128(init);
    for (int32_t ky = 0; ky < nky; ky++) {
      const int8_t *xr = x + (size_t)ky * row + (size_t)c;
      for (int32_t kx = 0; kx < nkx; kx++)
        m = _mm_max_epi8(m, _mm_loadu_si128((const __m128i *)(xr + (size_t)kx * col)));
    }
    m = _mm_min_epi8(_mm_max_epi8(m, _mm256_castsi256_si128(vlo)), _mm256_castsi256_si128(vhi));
    _mm_storeu_si128((__m128i *)(out + c), m);
    c += 16;
  }
  pool_max_scalar(x, row, col, nky, nkx, c, C, lo, hi, out);
}

/* trunc(n / d) for |n| <= 128.5 d, 1 <= d <= 2^16 (rcp = 1.0f / d): see
 * ../pool_s8_impl.h (R50_POOL_AVG_MAX_TAPS) for why the float estimate is the
 * quotient or one short of it in magnitude; the exact remainder fixes that. */
static inline __m256i div_trunc(__m256i n, __m256i d, __m256 rcp) {
  const __m256i q = _mm256_cvttps_epi32(_mm256_mul_ps(_mm256_cvtepi32_ps(n), rcp));
  const __m256i r = _mm256_sub_epi32(n, _mm256_mullo_epi32(q, d));
  const __m256i one = _mm256_set1_epi32(1);
  /* r >= d: q one short (n > 0); r <= -d: one short (n < 0); true lanes are -1 */
  const __m256i up = _mm256_cmpgt_epi32(r, _mm256_sub_epi32(d, one));
  const __m256i down = _mm256_cmpgt_epi32(_mm256_sub_epi32(one, d), r);
  return _mm256_add_epi32(_mm256_sub_epi32(q, up), down);
}

static void avg_pixel(const int8_t *x, size_t row, size_t col, int32_t nky, int32_t nkx,
                      int32_t C, int32_t count, int32_t lo, int32_t hi, int8_t *out) {
  const __m256i d = _mm256_set1_epi32(count), half = _mm256_set1_epi32(count / 2);
  const __m256i vlo = _mm256_set1_epi32(lo), vhi = _mm256_set1_epi32(hi);
  const __m256 rcp = _mm256_set1_ps(1.0f / (float)count);
  int32_t c = 0;
  for (; c + 8 <= C; c += 8) {
    __m256i a = _mm256_setzero_si256();
    for (int32_t ky = 0; ky < nky; ky++) {
      const int8_t *xr = x + (size_t)ky * row + (size_t)c;
      for (int32_t kx = 0; kx < nkx; kx++)
        a = _mm256_add_epi32(
            a, _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(xr + (size_t)kx * col))));
    }
    /* the reference: a > 0 ? (a + count/2) / count : (a - count/2) / count */
    const __m256i pos = _mm256_cmpgt_epi32(a, _mm256_setzero_si256());
    const __m256i n = _mm256_blendv_epi8(_mm256_sub_epi32(a, half), _mm256_add_epi32(a, half), pos);
    const __m256i v = _mm256_min_epi32(_mm256_max_epi32(div_trunc(n, d, rcp), vlo), vhi);
    const __m128i p16 = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    _mm_storel_epi64((__m128i *)(out + c), _mm_packs_epi16(p16, p16)); /* in int8 range */
  }
  pool_avg_scalar(x, row, col, nky, nkx, c, C, count, lo, hi, out);
}

static inline void add8(uint32_t *sum, const int8_t *x) {
  __m256i *s = (__m256i *)sum; /* int32 lanes wrap like the uint32 sums */
  _mm256_storeu_si256(s, _mm256_add_epi32(_mm256_loadu_si256(s),
                                          _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)x))));
}

static void mean_add_row(uint32_t *sum, const int8_t *x, size_t n) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    add8(sum + i, x + i);
    add8(sum + i + 8, x + i + 8);
    add8(sum + i + 16, x + i + 16);
    add8(sum + i + 24, x + i + 24);
  }
  for (; i + 8 <= n; i += 8) add8(sum + i, x + i);
  for (; i < n; i++) sum[i] += (uint32_t)(int32_t)x[i];
}

void r50_maxpool_s8__avx2(const r50_pool_params *p, const int8_t *input, int8_t *output,
                          const r50_parallel *par) {
  pool_run(p, input, output, 1, par);
}

void r50_avgpool_s8__avx2(const r50_pool_params *p, const int8_t *input, int8_t *output,
                          const r50_parallel *par) {
  pool_run(p, input, output, 0, par);
}

void r50_mean_s8__avx2(const r50_mean_params *p, const int8_t *input, int8_t *output,
                       void *scratch) {
  mean_run(p, input, output, scratch);
}

#else
typedef int r50_pool_s8_avx2_unused;
#endif

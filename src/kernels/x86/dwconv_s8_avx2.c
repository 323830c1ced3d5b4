/* int8 DEPTHWISE_CONV_2D (depth multiplier 1) with AVX2, 16 channels per
 * block (see dwconv_s8_x86.h); the last C % 16 channels in scalar C.
 * Compiled with -mavx2 -mfma only; called at levels R50_ISA_AVX2 and
 * R50_ISA_AVXVNNI. The loops are in dwconv_s8_x86_impl.h. */
#if defined(__x86_64__) && defined(__AVX2__)
#include <immintrin.h>

#include "../../runtime/parallel.h"
#include "../quant.h"
#include "../ref/conv.h" /* r50_tap_range */
#include "conv_s8_requant_avx2.h"
#include "dwconv_s8_x86.h"

#define DW_L 8
#define DW_NPIX 4
#include "dwconv_s8_x86_impl.h"

/* r50_mbqm + output offset, clamped, on the 8 lanes of constants at k */
static inline __m256i rq(const r50_dwconv_s8_x86 *d, const int32_t *bias, __m256i acc, size_t k,
                         __m256i off, __m256i lo, __m256i hi) {
#define LD(a) _mm256_loadu_si256((const __m256i *)(d->a + k))
  const __m256i a = _mm256_add_epi32(acc, _mm256_loadu_si256((const __m256i *)(bias + k)));
  const __m256i v =
      x86_mbqm8_pre(d->sat, d->lsh_any, a, LD(mult), LD(mo), LD(lsh), LD(rsh), LD(msk), LD(half));
#undef LD
  return _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(v, off), lo), hi);
}

static void dw_pixel(const dw_job *j, const int8_t *x, size_t row, size_t col, const int16_t *w,
                     size_t wrow, size_t wcol, int32_t nky, int32_t nkx, int8_t *out) {
  const r50_dwconv_s8_x86 *d = j->d;
  const r50_dwconv_params *p = j->p;
  const int32_t C = d->C;
  const __m256i off = _mm256_set1_epi16((int16_t)p->q.input_offset);
  const __m256i ooff = _mm256_set1_epi32(p->q.output_offset);
  const __m256i lo = _mm256_set1_epi32(p->q.act_min), hi = _mm256_set1_epi32(p->q.act_max);
  int32_t c = 0;
  for (; c + DW_B <= C; c += DW_B) {
    const int16_t *wb = w + (size_t)c * 2;
    __m256i ae = _mm256_setzero_si256(), ao = _mm256_setzero_si256();
    for (int32_t ky = 0; ky < nky; ky++) {
      const int8_t *xr = x + (size_t)ky * row + (size_t)c;
      const int16_t *wr = wb + (size_t)ky * wrow;
      for (int32_t kx = 0; kx < nkx; kx++) {
        const __m256i xv = _mm256_add_epi16(
            _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(xr + (size_t)kx * col))), off);
        const int16_t *wt = wr + (size_t)kx * wcol;
        ae = _mm256_add_epi32(ae, _mm256_madd_epi16(xv, _mm256_loadu_si256((const __m256i *)wt)));
        ao = _mm256_add_epi32(ao, _mm256_madd_epi16(xv, _mm256_loadu_si256((const __m256i *)(wt + DW_B))));
      }
    }
    /* channels 0-3, 8-11 / 4-7, 12-15 (dw_lane_channel) */
    const __m256i a0 = _mm256_unpacklo_epi32(ae, ao), a1 = _mm256_unpackhi_epi32(ae, ao);
    const size_t q = (size_t)c;
    const __m256i r0 = rq(d, d->bias, a0, q, ooff, lo, hi), r1 = rq(d, d->bias, a1, q + DW_L, ooff, lo, hi);
    /* per 128-bit lane k: channels 8k..8k+7 as int16, in range already */
    const __m256i s16 = _mm256_packs_epi32(r0, r1);
    const __m128i s8 = _mm_packs_epi16(_mm256_castsi256_si128(s16), _mm256_extracti128_si256(s16, 1));
    _mm_storeu_si128((__m128i *)(out + c), s8);
  }
  if (c < C) dw_scalar(j, x, row, col, w, wrow, wcol, nky, nkx, c, out);
}

static inline __attribute__((always_inline)) void pixels(const dw_job *j, const int8_t *x, size_t step,
                                                        size_t row, size_t col, const int16_t *w,
                                                        size_t wrow, size_t wcol, int32_t nky,
                                                        int32_t nkx, int8_t *out, int fold) {
  const int32_t *bias = fold ? j->d->bias_in : j->d->bias;
  const r50_dwconv_s8_x86 *d = j->d;
  const r50_dwconv_params *p = j->p;
  const int32_t C = d->C;
  const __m256i off = _mm256_set1_epi16((int16_t)p->q.input_offset);
  const __m256i ooff = _mm256_set1_epi32(p->q.output_offset);
  const __m256i lo = _mm256_set1_epi32(p->q.act_min), hi = _mm256_set1_epi32(p->q.act_max);
  int32_t c = 0;
  for (; c + DW_B <= C; c += DW_B) {
    const int16_t *wb = w + (size_t)c * 2;
    /* named accumulators: arrays made GCC spill them */
    __m256i e0 = _mm256_setzero_si256(), o0 = e0, e1 = e0, o1 = e0, e2 = e0, o2 = e0, e3 = e0, o3 = e0;
    for (int32_t ky = 0; ky < nky; ky++) {
      const int8_t *xr = x + (size_t)ky * row + (size_t)c;
      const int16_t *wr = wb + (size_t)ky * wrow;
      for (int32_t kx = 0; kx < nkx; kx++) {
        const int16_t *wt = wr + (size_t)kx * wcol;
        const __m256i we = _mm256_loadu_si256((const __m256i *)wt);
        const __m256i wo = _mm256_loadu_si256((const __m256i *)(wt + DW_B));
        const int8_t *xt = xr + (size_t)kx * col;
#define TAP(e, o, i)                                                                                 \
  do {                                                                                               \
    __m256i xv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(xt + (i) * step)));         \
    if (!fold) xv = _mm256_add_epi16(xv, off);                                                       \
    e = _mm256_add_epi32(e, _mm256_madd_epi16(xv, we));                                              \
    o = _mm256_add_epi32(o, _mm256_madd_epi16(xv, wo));                                              \
  } while (0)
        TAP(e0, o0, 0);
        TAP(e1, o1, 1);
        TAP(e2, o2, 2);
        TAP(e3, o3, 3);
#undef TAP
      }
    }
    const __m256i ae[DW_NPIX] = {e0, e1, e2, e3}, ao[DW_NPIX] = {o0, o1, o2, o3};
    for (int i = 0; i < DW_NPIX; i++) {
      const __m256i a0 = _mm256_unpacklo_epi32(ae[i], ao[i]), a1 = _mm256_unpackhi_epi32(ae[i], ao[i]);
      const __m256i r0 = rq(d, bias, a0, (size_t)c, ooff, lo, hi),
                    r1 = rq(d, bias, a1, (size_t)c + DW_L, ooff, lo, hi);
      const __m256i s16 = _mm256_packs_epi32(r0, r1);
      _mm_storeu_si128((__m128i *)(out + (size_t)i * C + c),
                       _mm_packs_epi16(_mm256_castsi256_si128(s16), _mm256_extracti128_si256(s16, 1)));
    }
  }
  for (int i = 0; i < DW_NPIX && c < C; i++)
    dw_scalar(j, x + (size_t)i * step, row, col, w, wrow, wcol, nky, nkx, c, out + (size_t)i * C);
}

static void dw_pixels(const dw_job *j, const int8_t *x, size_t step, size_t row, size_t col,
                      const int16_t *w, size_t wrow, size_t wcol, int32_t nky, int32_t nkx,
                      int8_t *out, int fold) {
  if (fold)
    pixels(j, x, step, row, col, w, wrow, wcol, nky, nkx, out, 1);
  else
    pixels(j, x, step, row, col, w, wrow, wcol, nky, nkx, out, 0);
}

size_t r50_dwconv_s8_x86_mem__avx2(const r50_dwconv_params *p) { return dw_mem(p); }

void r50_dwconv_s8_x86_prepare__avx2(r50_dwconv_s8_x86 *d, const r50_dwconv_params *p,
                                     const int8_t *filter, const int32_t *bias, void *mem) {
  dw_prepare(d, p, filter, bias, mem);
}

void r50_dwconv2d_s8__avx2(const r50_dwconv_s8_x86 *d, const r50_dwconv_params *p,
                           const int8_t *input, int8_t *output, const r50_parallel *par) {
  dw_run(d, p, input, output, par);
}

#else
typedef int r50_dwconv_s8_avx2_unused;
#endif

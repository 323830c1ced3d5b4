/* int8 DEPTHWISE_CONV_2D (depth multiplier 1) with AVX-512 F/BW/VL/VNNI, 32
 * channels per block, the tail through byte masks (see dwconv_s8_x86.h).
 * Compiled with the AVX-512 flags; called only at level R50_ISA_AVX512VNNI.
 * The loops are in dwconv_s8_x86_impl.h. */
#if defined(__x86_64__) && defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && \
    defined(__AVX512VNNI__)
#include <immintrin.h>

#include "../../runtime/parallel.h"
#include "../quant.h"
#include "../ref/conv.h" /* r50_tap_range */
#include "conv_s8_requant_avx512.h"
#include "dwconv_s8_x86.h"

#define DW_L 16
#define DW_NPIX 4
#include "dwconv_s8_x86_impl.h"

/* r50_mbqm + output offset, clamped, on the 16 lanes of constants at k */
static inline __m512i rq(const r50_dwconv_s8_x86 *d, const int32_t *bias, __m512i acc, size_t k,
                         __m512i off, __m512i lo, __m512i hi) {
#define LD(a) _mm512_loadu_si512(d->a + k)
  const __m512i a = _mm512_add_epi32(acc, _mm512_loadu_si512(bias + k));
  const __m512i v =
      x86_mbqm16_pre(d->sat, d->lsh_any, a, LD(mult), LD(mo), LD(lsh), LD(rsh), LD(msk), LD(half));
#undef LD
  return _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(v, off), lo), hi);
}

static void dw_pixel(const dw_job *j, const int8_t *x, size_t row, size_t col, const int16_t *w,
                     size_t wrow, size_t wcol, int32_t nky, int32_t nkx, int8_t *out) {
  const r50_dwconv_s8_x86 *d = j->d;
  const r50_dwconv_params *p = j->p;
  const int32_t C = d->C;
  const __m512i off = _mm512_set1_epi16((int16_t)p->q.input_offset);
  const __m512i ooff = _mm512_set1_epi32(p->q.output_offset);
  const __m512i lo = _mm512_set1_epi32(p->q.act_min), hi = _mm512_set1_epi32(p->q.act_max);
  for (int32_t c = 0; c < C; c += DW_B) {
    const int32_t n = C - c < DW_B ? C - c : DW_B;
    const __mmask32 m = n == DW_B ? ~(__mmask32)0 : (((__mmask32)1 << n) - 1);
    const int16_t *wb = w + (size_t)c * 2;
    __m512i ae = _mm512_setzero_si512(), ao = _mm512_setzero_si512();
    for (int32_t ky = 0; ky < nky; ky++) {
      const int8_t *xr = x + (size_t)ky * row + (size_t)c;
      const int16_t *wr = wb + (size_t)ky * wrow;
      for (int32_t kx = 0; kx < nkx; kx++) {
        /* masked-off channels: x + off times a zero weight */
        const __m512i xv =
            _mm512_add_epi16(_mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, xr + (size_t)kx * col)), off);
        const int16_t *wt = wr + (size_t)kx * wcol;
        /* VPDPWSSD: the VPMADDWD product and the (wrapping) add in one */
        ae = _mm512_dpwssd_epi32(ae, xv, _mm512_loadu_si512(wt));
        ao = _mm512_dpwssd_epi32(ao, xv, _mm512_loadu_si512(wt + DW_B));
      }
    }
    /* lanes 4k..4k+3: channels 8k+0..3 (a0) / 8k+4..7 (a1) (dw_lane_channel) */
    const __m512i a0 = _mm512_unpacklo_epi32(ae, ao), a1 = _mm512_unpackhi_epi32(ae, ao);
    const size_t q = (size_t)c;
    const __m512i r0 = rq(d, d->bias, a0, q, ooff, lo, hi), r1 = rq(d, d->bias, a1, q + DW_L, ooff, lo, hi);
    /* per 128-bit lane k: channels 8k..8k+7 as int16, in range already */
    _mm256_mask_storeu_epi8(out + c, m, _mm512_cvtsepi16_epi8(_mm512_packs_epi32(r0, r1)));
  }
}

static inline __attribute__((always_inline)) void pixels(const dw_job *j, const int8_t *x, size_t step,
                                                        size_t row, size_t col, const int16_t *w,
                                                        size_t wrow, size_t wcol, int32_t nky,
                                                        int32_t nkx, int8_t *out, int fold) {
  const int32_t *bias = fold ? j->d->bias_in : j->d->bias;
  const r50_dwconv_s8_x86 *d = j->d;
  const r50_dwconv_params *p = j->p;
  const int32_t C = d->C;
  const __m512i off = _mm512_set1_epi16((int16_t)p->q.input_offset);
  const __m512i ooff = _mm512_set1_epi32(p->q.output_offset);
  const __m512i lo = _mm512_set1_epi32(p->q.act_min), hi = _mm512_set1_epi32(p->q.act_max);
  for (int32_t c = 0; c < C; c += DW_B) {
    const int32_t n = C - c < DW_B ? C - c : DW_B;
    const __mmask32 m = n == DW_B ? ~(__mmask32)0 : (((__mmask32)1 << n) - 1);
    const int16_t *wb = w + (size_t)c * 2;
    /* named accumulators: arrays made GCC spill them */
    __m512i e0 = _mm512_setzero_si512(), o0 = e0, e1 = e0, o1 = e0, e2 = e0, o2 = e0, e3 = e0, o3 = e0;
    for (int32_t ky = 0; ky < nky; ky++) {
      const int8_t *xr = x + (size_t)ky * row + (size_t)c;
      const int16_t *wr = wb + (size_t)ky * wrow;
      for (int32_t kx = 0; kx < nkx; kx++) {
        const int16_t *wt = wr + (size_t)kx * wcol;
        const __m512i we = _mm512_loadu_si512(wt), wo = _mm512_loadu_si512(wt + DW_B);
        const int8_t *xt = xr + (size_t)kx * col;
#define TAP(e, o, i)                                                                                  \
  do {                                                                                                \
    __m512i xv = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, xt + (i) * step));                   \
    if (!fold) xv = _mm512_add_epi16(xv, off);                                                        \
    e = _mm512_dpwssd_epi32(e, xv, we);                                                               \
    o = _mm512_dpwssd_epi32(o, xv, wo);                                                               \
  } while (0)
        TAP(e0, o0, 0);
        TAP(e1, o1, 1);
        TAP(e2, o2, 2);
        TAP(e3, o3, 3);
#undef TAP
      }
    }
    const __m512i ae[DW_NPIX] = {e0, e1, e2, e3}, ao[DW_NPIX] = {o0, o1, o2, o3};
    for (int i = 0; i < DW_NPIX; i++) {
      const __m512i a0 = _mm512_unpacklo_epi32(ae[i], ao[i]), a1 = _mm512_unpackhi_epi32(ae[i], ao[i]);
      const __m512i r0 = rq(d, bias, a0, (size_t)c, ooff, lo, hi),
                    r1 = rq(d, bias, a1, (size_t)c + DW_L, ooff, lo, hi);
      _mm256_mask_storeu_epi8(out + (size_t)i * C + c, m, _mm512_cvtsepi16_epi8(_mm512_packs_epi32(r0, r1)));
    }
  }
}

static void dw_pixels(const dw_job *j, const int8_t *x, size_t step, size_t row, size_t col,
                      const int16_t *w, size_t wrow, size_t wcol, int32_t nky, int32_t nkx,
                      int8_t *out, int fold) {
  if (fold)
    pixels(j, x, step, row, col, w, wrow, wcol, nky, nkx, out, 1);
  else
    pixels(j, x, step, row, col, w, wrow, wcol, nky, nkx, out, 0);
}

size_t r50_dwconv_s8_x86_mem__avx512vnni(const r50_dwconv_params *p) { return dw_mem(p); }

void r50_dwconv_s8_x86_prepare__avx512vnni(r50_dwconv_s8_x86 *d, const r50_dwconv_params *p,
                                           const int8_t *filter, const int32_t *bias, void *mem) {
  dw_prepare(d, p, filter, bias, mem);
}

void r50_dwconv2d_s8__avx512vnni(const r50_dwconv_s8_x86 *d, const r50_dwconv_params *p,
                                 const int8_t *input, int8_t *output, const r50_parallel *par) {
  dw_run(d, p, input, output, par);
}

#else
typedef int r50_dwconv_s8_avx512vnni_unused;
#endif

/* x86 int8 DEPTHWISE_CONV_2D (depth multiplier 1), AVX2 and AVX-512, bit-exact
 * with r50_dwconv2d_s8_ref. Vectorized over channels (NHWC), a block of 2L
 * channels at a time (L int32 lanes: AVX2 8, AVX-512 16):
 *  - x + input_offset in int16 (exact for |input_offset| <= 32640), the
 *    weights packed once as int16 "even" / "odd" vectors (w[2i] or w[2i+1] in
 *    one half of each int32 lane, 0 in the other), so VPMADDWD yields the
 *    exact product of one channel per int32 lane (the other product is 0:
 *    no pair sum, no saturation) and VPADDD accumulates, wrapping modulo 2^32
 *    like the reference's accumulator (integer order does not matter);
 *  - taps outside the image are skipped, as in the reference;
 *    (AVX-512 VNNI: VPDPWSSD does both, also wrapping); windows wholly inside
 *    the image fold the offset into the bias instead (sum w*(x + off) =
 *    sum w*x + off * sum w, modulo 2^32 too);
 *  - bias, r50_mbqm's double rounding, output offset and clamp lane by lane,
 *    with the per-channel constants packed (and derived) once in the
 *    accumulators' lane order.
 * AVX2 runs the last C % 16 channels in scalar C; AVX-512 masks its tail.
 * The geometry comes with each call (row bands pass the band's), the packed
 * weights and constants from prepare. par: NULL or a runner (split over
 * output rows; every output value is computed the same way for any split, so
 * results are identical for any thread count).
 * Call only at the matching level (r50_isa_active) and only when
 * r50_dwconv_s8_x86_ok(p). */
#ifndef R50_KERNELS_X86_DWCONV_S8_X86_H
#define R50_KERNELS_X86_DWCONV_S8_X86_H

#include <stddef.h>
#include <stdint.h>

#include "../ref/dwconv.h"
#include "r50.h"

typedef struct {
  int32_t C, Cp;         /* channels, rounded up to the block (2L) */
  int32_t taps;          /* filter_h * filter_w */
  int32_t sat;           /* some multiplier is INT32_MIN (never from QuantizeMultiplier) */
  int32_t lsh_any;       /* some channel has a left shift (multiplier > 1) */
  const int16_t *w;      /* [taps][Cp / 2L][even 2L | odd 2L] int16 */
  /* per channel, [Cp] each in lane order: */
  const int32_t *bias;   /* bias (0 without) */
  const int32_t *bias_in; /* bias + input_offset * (sum of the channel's weights), wrapping: for
                             windows wholly inside the image, whose taps then skip the offset */
  const int32_t *mult;   /* multiplier */
  const int32_t *mo;     /* mult >> 32 as 64-bit lanes: mo[2i] = mult[2i + 1], mo[2i + 1] = 0 */
  const int32_t *lsh;    /* max(shift, 0) */
  const int32_t *rsh;    /* max(-shift, 0) */
  const int32_t *msk;    /* 2^rsh - 1 */
  const int32_t *half;   /* msk >> 1 */
} r50_dwconv_s8_x86;

/* Parameters the kernels cover: depth multiplier 1, x + input_offset within
 * int16 (|input_offset| <= 32640; TFLite's is within [-127, 128]). */
static inline int r50_dwconv_s8_x86_ok(const r50_dwconv_params *p) {
  return p->depth_multiplier == 1 && p->q.input_offset >= -32640 && p->q.input_offset <= 32640;
}

/* Bytes of persistent memory prepare needs (64-byte aligned by the caller). */
size_t r50_dwconv_s8_x86_mem__avx2(const r50_dwconv_params *p);
size_t r50_dwconv_s8_x86_mem__avx512vnni(const r50_dwconv_params *p);
/* Pack filter ([1][fh][fw][C]) and bias (may be NULL) into mem; fills d. */
void r50_dwconv_s8_x86_prepare__avx2(r50_dwconv_s8_x86 *d, const r50_dwconv_params *p,
                                     const int8_t *filter, const int32_t *bias, void *mem);
void r50_dwconv_s8_x86_prepare__avx512vnni(r50_dwconv_s8_x86 *d, const r50_dwconv_params *p,
                                           const int8_t *filter, const int32_t *bias, void *mem);
/* p: the geometry of this call (the packed filter must be the same shape). */
void r50_dwconv2d_s8__avx2(const r50_dwconv_s8_x86 *d, const r50_dwconv_params *p,
                           const int8_t *input, int8_t *output, const r50_parallel *par);
void r50_dwconv2d_s8__avx512vnni(const r50_dwconv_s8_x86 *d, const r50_dwconv_params *p,
                                 const int8_t *input, int8_t *output, const r50_parallel *par);

#endif

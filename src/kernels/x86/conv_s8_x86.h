/* x86 int8 CONV_2D / FULLY_CONNECTED kernels (AVX2, AVX-512 VNNI), bit-exact
 * with r50_conv2d_s8_ref.
 *
 * The convolution is a GEMM: M = batch * out_h * out_w output pixels,
 * N = out_c, K = filter_h * filter_w * in_c (groups == 1 only). A row of A is
 * the pixel's window in OHWI filter order: for a 1x1 stride-1 unpadded conv it
 * is the input row itself (used in place by the VNNI kernel), otherwise it is
 * gathered (im2col) per chunk of rows into scratch; taps outside the image are
 * filled with the input zero point, whose (x + input_offset) term is 0, so
 * the sum equals the reference's sum over the in-image taps.
 *
 * Weights are packed once in prepare (r50_conv_s8_x86_prepare__ISA) together
 * with an effective bias that folds in the input offset:
 *   AVX-512 VNNI: VPDPBUSD multiplies unsigned by signed bytes, so A holds
 *     u = x + 128 (x ^ 0x80) and
 *     sum w*(x + off) = sum w*u + (off - 128) * sum w
 *   AVX2: VPMADDWD on sign-extended int16 (no saturation possible):
 *     sum w*(x + off) = sum w*x + off * sum w
 * All int32 sums wrap modulo 2^32 exactly like the reference's accumulator,
 * and the requantization is r50_mbqm's double rounding, lane by lane.
 *
 * Call a kernel only when r50_isa_active() (or the CPU) supports its level.
 */
#ifndef R50_KERNELS_X86_CONV_S8_X86_H
#define R50_KERNELS_X86_CONV_S8_X86_H

#include <stddef.h>
#include <stdint.h>

#include "../ref/conv.h"
#include "r50.h"

typedef struct {
  r50_conv_params p;     /* copy of the geometry and requantization */
  int32_t M, K, Kp, Np;  /* rows, depth, depth padded to the kernel's k-group, out_c padded to NR */
  int32_t direct;        /* 1: A rows are the input rows (1x1, stride 1, no padding, K % 4 == 0) */
  int32_t mc;            /* rows gathered per chunk (im2col mode) */
  int32_t kh, seg;       /* VNNI levels: A rows are kh segments of seg bytes (seg % 4 == 0,
                            Kp = kh * seg); win = 1: a segment is one filter row (fw * in_c
                            taps, zero-weight padded to seg), read from the input in place
                            when every window is inside the image, else gathered likewise */
  int32_t win;
  int32_t sat;           /* some multiplier is INT32_MIN (never from QuantizeMultiplier) */
  int32_t lsh_any;       /* some channel has a left shift (multiplier > 1) */
  const int8_t *w;       /* packed weights */
  const int32_t *bias;   /* [Np] effective bias (bias + offset * sum w) */
  const int32_t *mult;   /* [Np] */
  const int32_t *lsh;    /* [Np] max(shift, 0) */
  const int32_t *rsh;    /* [Np] max(-shift, 0) */
} r50_conv_s8_x86;

/* Bytes of persistent memory prepare needs (weights, bias, requant arrays). */
size_t r50_conv_s8_x86_mem__avx512vnni(const r50_conv_params *p);
size_t r50_conv_s8_x86_mem__avxvnni(const r50_conv_params *p);
size_t r50_conv_s8_x86_mem__avx2(const r50_conv_params *p);
/* Pack filter/bias (bias may be NULL) into mem (64-byte aligned, _mem bytes);
 * fills c. Returns the scratch bytes eval needs. */
size_t r50_conv_s8_x86_prepare__avx512vnni(r50_conv_s8_x86 *c, const r50_conv_params *p,
                                           const int8_t *filter, const int32_t *bias, void *mem);
size_t r50_conv_s8_x86_prepare__avxvnni(r50_conv_s8_x86 *c, const r50_conv_params *p,
                                        const int8_t *filter, const int32_t *bias, void *mem);
size_t r50_conv_s8_x86_prepare__avx2(r50_conv_s8_x86 *c, const r50_conv_params *p,
                                     const int8_t *filter, const int32_t *bias, void *mem);
/* scratch: the bytes prepare returned, 16-byte aligned. par: NULL (serial) or
 * a runner; the work is split into (channel panel x row block) tasks and the
 * gather into row ranges, identical results for any split. */
void r50_conv2d_s8__avx512vnni(const r50_conv_s8_x86 *c, const int8_t *input, int8_t *output,
                               void *scratch, const r50_parallel *par);
void r50_conv2d_s8__avxvnni(const r50_conv_s8_x86 *c, const int8_t *input, int8_t *output,
                            void *scratch, const r50_parallel *par);
void r50_conv2d_s8__avx2(const r50_conv_s8_x86 *c, const int8_t *input, int8_t *output,
                         void *scratch, const r50_parallel *par);

/* Vectorized r50_mbqm + output offset + clamp on n <= 16 (8 for AVX2) values,
 * for lane-by-lane tests: out[i] = clamp(mbqm(acc[i], mult[i], shift[i]) + off). */
void r50_requant16__avx512vnni(const int32_t *acc, const int32_t *mult, const int32_t *shift,
                               int32_t off, int32_t lo, int32_t hi, int32_t *out);
void r50_requant8__avx2(const int32_t *acc, const int32_t *mult, const int32_t *shift, int32_t off,
                        int32_t lo, int32_t hi, int32_t *out);

#endif

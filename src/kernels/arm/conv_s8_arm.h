/* Arm NEON int8 CONV_2D / FULLY_CONNECTED kernels, bit-exact with
 * r50_conv2d_s8_ref (AArch64 and Armv7-A NEON; SDOT variant for Armv8.2+).
 *
 * The convolution is a GEMM as on x86 (src/kernels/x86/conv_s8_x86.h):
 * M = batch * out_h * out_w pixels, N = out_c, K = filter_h * filter_w * in_c
 * (groups == 1). A row is the pixel's window in OHWI order: the input row itself
 * for a 1x1 stride-1 unpadded conv with K % 16 == 0 (read in place), otherwise
 * gathered per chunk of rows into scratch (taps outside the image hold the input
 * zero point, so (x + input_offset) = 0 there). K is padded to 16 with zeros.
 * The input offset is folded into an effective bias:
 *   sum w*(x + off) = sum w*x + off * sum w
 * and the raw int8 products are summed exactly:
 *   neon:    SMULL (+ SMLAL of a second product when no weight is -128, so the
 *            int16 pair sum cannot overflow) and SADALP into int32 lanes, four
 *            channels per tile reduced pairwise at the end;
 *   neondot: SDOT (signed x signed, no +128 shift needed), 8 rows x 8 channels.
 * int32 sums wrap modulo 2^32 like the reference. Requantization
 * (r50_mbqm's double rounding): SQRDMULH is exactly SaturatingRoundingDoublingHighMul
 * (same rounding for negative products, INT32_MIN * INT32_MIN saturates to
 * INT32_MAX), and RoundingDivideByPOT is SRSHL by -exponent after adding -1 to
 * negative values (SQADD), which turns SRSHL's round-half-up into TFLite's
 * round-half-away-from-zero; tests/test_kernels_arm.c checks it lane by lane.
 *
 * Weights are packed once in prepare. Band calls (streamed rows) pass a copy
 * with the band's in_h / out_h / pad_top and M, like the x86 kernels.
 * Call a kernel only when r50_isa_active() supports its level.
 */
#ifndef R50_KERNELS_ARM_CONV_S8_ARM_H
#define R50_KERNELS_ARM_CONV_S8_ARM_H

#include <stddef.h>
#include <stdint.h>

#include "../ref/conv.h"
#include "r50.h"

/* The Arm kernels exist in this build (compiled with NEON). */
#if defined(__ARM_NEON) && (defined(__aarch64__) || defined(__arm__))
#define R50_ARM_NEON_KERNELS 1
#endif

typedef struct {
  r50_conv_params p;     /* copy of the geometry and requantization */
  int32_t M, K, Kp, Np;  /* rows, depth, depth padded to 16, out_c padded to the tile width */
  int32_t direct;        /* 1: A rows are the input rows */
  int32_t mc;            /* rows gathered per chunk */
  int32_t nomin;         /* neon: no weight is -128 (a pair of products fits int16) */
  const int8_t *w;       /* packed weights */
  const int32_t *bias;   /* [Np] effective bias (bias + offset * sum w) */
  const int32_t *mult;   /* [Np] */
  const int32_t *lsh;    /* [Np] max(shift, 0) */
  const int32_t *rshn;   /* [Np] min(shift, 0) (SRSHL amount) */
} r50_conv_s8_arm;

/* Tile heights (rows per micro-kernel), for the band scratch size. */
#define R50_ARM_MR_NEON 4
#define R50_ARM_MR_NEONDOT 8

size_t r50_conv_s8_arm_mem__neon(const r50_conv_params *p);
size_t r50_conv_s8_arm_mem__neondot(const r50_conv_params *p);
/* Pack filter/bias (bias may be NULL) into mem (16-byte aligned, _mem bytes);
 * fills c. Returns the scratch bytes eval needs (c->mc rows of Kp bytes). */
size_t r50_conv_s8_arm_prepare__neon(r50_conv_s8_arm *c, const r50_conv_params *p,
                                     const int8_t *filter, const int32_t *bias, void *mem);
size_t r50_conv_s8_arm_prepare__neondot(r50_conv_s8_arm *c, const r50_conv_params *p,
                                        const int8_t *filter, const int32_t *bias, void *mem);
/* scratch: c->mc * c->Kp bytes (16-byte aligned), unused when c->direct. par:
 * NULL or a runner (row ranges; identical results for any split). */
void r50_conv2d_s8__neon(const r50_conv_s8_arm *c, const int8_t *input, int8_t *output,
                         void *scratch, const r50_parallel *par);
void r50_conv2d_s8__neondot(const r50_conv_s8_arm *c, const int8_t *input, int8_t *output,
                            void *scratch, const r50_parallel *par);

/* Vectorized r50_mbqm + offset + clamp on 4 lanes (lane-by-lane tests). */
void r50_requant4__neon(const int32_t *acc, const int32_t *mult, const int32_t *shift, int32_t off,
                        int32_t lo, int32_t hi, int32_t *out);

#endif

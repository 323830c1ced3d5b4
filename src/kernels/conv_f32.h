/* float32 CONV_2D / FULLY_CONNECTED kernels vectorized over output channels,
 * bit-identical to the reference kernels (ref/conv.c, ref/fc.c).
 *
 * Why identical: every SIMD lane is one output channel and accumulates exactly
 * as the reference loop does for that channel -- total = 0.0f, then
 * total = total + x * w over the taps in (ky, kx, ic) order with taps outside
 * the image skipped, then + bias (0.0f when absent), then the clamp
 * v < lo ? lo : v; hi < v ? hi : v (NaN passes through). Multiply and add are
 * separate IEEE operations (no FMA: the build uses -ffp-contract=off and the
 * kernels never call an FMA intrinsic), so each lane rounds exactly as the
 * scalar code. The quantizer's calibration therefore gives the same ranges,
 * and the same int8 file, at every ISA level.
 *
 * Packed weights (made once in prepare by r50_conv_f32_pack):
 *   [ceil(out_c / 16)][K][16] floats, K = filter_h * filter_w * filter_in_c in
 *   (ky, kx, ic) order, lane l of block b = output channel 16 b + l, lanes past
 *   out_c zero (computed, never stored). One layout for every ISA: AVX-512
 *   uses one vector per block, AVX2 two, NEON four.
 * Only groups == 1. FULLY_CONNECTED is the 1x1 case: batch rows are pixels.
 * Armv7 NEON is not used: it flushes subnormals to zero (not IEEE). */
#ifndef R50_KERNELS_CONV_F32_H
#define R50_KERNELS_CONV_F32_H

#include <stddef.h>
#include <stdint.h>

#include "../runtime/parallel.h"
#include "ref/conv.h"

#define R50_CONV_F32_BLOCK 16

/* Targets with float SIMD kernels (ops skip the packing elsewhere). */
#if defined(__x86_64__) || defined(__aarch64__)
#define R50_F32_SIMD 1
#endif

/* Floats of the packed weights for out_c channels of depth k. */
static inline size_t r50_conv_f32_packed_floats(int32_t out_c, int32_t k) {
  return (size_t)((out_c + R50_CONV_F32_BLOCK - 1) / R50_CONV_F32_BLOCK) * (size_t)k * R50_CONV_F32_BLOCK;
}

/* filter [out_c][k] (OHWI flattened) -> packed (layout above). */
void r50_conv_f32_pack(const float *filter, int32_t out_c, int32_t k, float *packed);

/* p: groups == 1 (the params the reference kernel takes, row bands included);
 * packed: r50_conv_f32_pack of the filter; bias [out_c] or NULL. Work is split
 * over output rows and channel blocks through par (any thread count gives the
 * same bytes). */
#if defined(__x86_64__)
void r50_conv2d_f32__avx2(const r50_conv_params *p, const float *input, const float *packed, const float *bias,
                          float *output, const r50_parallel *par);
void r50_conv2d_f32__avx512vnni(const r50_conv_params *p, const float *input, const float *packed,
                                const float *bias, float *output, const r50_parallel *par);
#endif
#if defined(__aarch64__)
void r50_conv2d_f32__neon(const r50_conv_params *p, const float *input, const float *packed, const float *bias,
                          float *output, const r50_parallel *par);
#endif

/* The kernel for an ISA level, or NULL (reference). */
typedef void (*r50_conv2d_f32_fn)(const r50_conv_params *p, const float *input, const float *packed,
                                  const float *bias, float *output, const r50_parallel *par);
r50_conv2d_f32_fn r50_conv2d_f32_kernel(int isa);

#endif

/* Arm NEON int8 DEPTHWISE_CONV_2D (depth multiplier 1), bit-exact with
 * r50_dwconv2d_s8_ref: 8 channels at a time, (x + input_offset) and w widened
 * to int16 (|x + off| <= 255, no saturation) and SMLAL into int32 (wrapping
 * like the reference's accumulator), out-of-image taps skipped as in the
 * reference, r50_mbqm's exact double rounding (see conv_s8_arm.h); the last
 * in_c % 8 channels in scalar C. Reads the weights in place (no packing).
 * Takes the same params as the reference, so band calls pass the band's
 * geometry. par: NULL or a runner (split over output rows). Call only at
 * R50_ISA_NEON or above, with depth_multiplier == 1. */
#ifndef R50_KERNELS_ARM_DWCONV_S8_ARM_H
#define R50_KERNELS_ARM_DWCONV_S8_ARM_H

#include <stdint.h>

#include "../ref/dwconv.h"
#include "r50.h"

void r50_dwconv2d_s8__neon(const r50_dwconv_params *p, const int8_t *input, const int8_t *filter,
                           const int32_t *bias, int8_t *output, const r50_parallel *par);

#endif

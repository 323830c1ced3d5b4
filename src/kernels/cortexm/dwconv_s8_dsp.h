/* Cortex-M DSP-extension int8 DEPTHWISE_CONV_2D (ARMv7E-M / ARMv8-M Mainline
 * with DSP), bit-exact with the reference kernel (src/kernels/ref/dwconv.c).
 *
 * Compiled only for a DSP Cortex-M firmware build (KERNELS=dsp defines
 * R50_CORTEXM_DSP); selected at compile time in op prepare (op_conv.c). No
 * arena, no scratch (the host's memory plan stays valid on the device); band
 * calls pass the adjusted in_h / out_h / pad_top in the params struct.
 */
#ifndef R50_KERNELS_CORTEXM_DWCONV_S8_DSP_H
#define R50_KERNELS_CORTEXM_DWCONV_S8_DSP_H

#include <stdint.h>

#include "../ref/dwconv.h"

#if defined(R50_CORTEXM_DSP) && defined(__ARM_FEATURE_DSP) && !defined(__aarch64__)
#define R50_CORTEXM_DSP_DWCONV 1

/* DEPTHWISE_CONV_2D int8, depth multiplier 1 (no scratch). */
void r50_dwconv2d_s8_dsp(const r50_dwconv_params *p, const int8_t *input, const int8_t *filter,
                         const int32_t *bias, int8_t *output);
#endif

#endif

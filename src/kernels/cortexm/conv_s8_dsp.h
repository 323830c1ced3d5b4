/* Cortex-M DSP-extension kernels (ARMv7E-M / ARMv8-M Mainline with DSP:
 * SXTB16, SMLAD, SADD16), bit-exact with the reference kernels.
 *
 * Compiled only by firmware/Makefile (KERNELS=dsp defines R50_CORTEXM_DSP) for
 * a target with __ARM_FEATURE_DSP; the host CMake build never lists
 * src/kernels/cortexm. Selection is at compile time: when
 * R50_CORTEXM_DSP_KERNELS is defined, op prepare picks these kernels for int8.
 *
 * Memory: nothing packed, nothing in the arena, no scratch. The kernels read
 * the OHWI weights in place with unaligned 32-bit loads (Cortex-M7 LDR allows
 * them) and keep their buffers on the stack (conv: ~4 KiB), so the plan
 * computed on the device is the host's plan (`r50 codegen` plans with the
 * reference kernels and the generated NAME_init compares the two). Per-channel
 * weight sums for the input offset trick are computed per call.
 *
 * Band calls: the kernels take the geometry (in_h, out_h, pad_top) from the
 * params struct, so op eval_rows passes its adjusted copy unchanged.
 */
#ifndef R50_KERNELS_CORTEXM_CONV_S8_DSP_H
#define R50_KERNELS_CORTEXM_CONV_S8_DSP_H

#include <stdint.h>

#include "../ref/conv.h"
#include "../ref/fc.h"

#if defined(R50_CORTEXM_DSP) && defined(__ARM_FEATURE_DSP) && !defined(__aarch64__)
#define R50_CORTEXM_DSP_KERNELS 1

/* CONV_2D int8, groups == 1 (any filter, stride, dilation, padding, channels). */
void r50_conv2d_s8_dsp(const r50_conv_params *p, const int8_t *input, const int8_t *filter,
                       const int32_t *bias, int8_t *output);

/* FULLY_CONNECTED int8: the same GEMM as a 1x1 convolution over `batch` pixels. */
void r50_fc_s8_dsp(const r50_fc_params *p, const int8_t *input, const int8_t *weights,
                   const int32_t *bias, int8_t *output);
#endif

#endif

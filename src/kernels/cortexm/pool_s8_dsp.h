/* Cortex-M DSP-extension int8 MAX_POOL_2D (packed byte max: SSUB8 + SEL),
 * bit-exact with the reference kernel (src/kernels/ref/pool.c), any filter,
 * stride, padding, channel count; band calls pass the adjusted in_h / out_h /
 * pad_top in the params struct (r50_rowband).
 *
 * Compiled only for a DSP Cortex-M firmware build (KERNELS=dsp defines
 * R50_CORTEXM_DSP); selected at compile time in op_pool.c. No arena, no
 * scratch, a few words of stack.
 */
#ifndef R50_KERNELS_CORTEXM_POOL_S8_DSP_H
#define R50_KERNELS_CORTEXM_POOL_S8_DSP_H

#include <stdint.h>

#include "../ref/pool.h"

#if defined(R50_CORTEXM_DSP) && defined(__ARM_FEATURE_DSP) && !defined(__aarch64__)
#define R50_CORTEXM_DSP_POOL 1

void r50_maxpool_s8_dsp(const r50_pool_params *p, const int8_t *input, int8_t *output);
#endif

#endif

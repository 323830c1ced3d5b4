/* Cortex-M DSP-extension int8 ADD / SUB / MUL (SMMLAR, SXTB16, SADD16,
 * SMULBB), bit-exact with the reference kernels (src/kernels/ref/eltwise.c),
 * same broadcasting (r50_bcast) and in-place rule (out may equal in1).
 *
 * Compiled only for a DSP Cortex-M firmware build (KERNELS=dsp defines
 * R50_CORTEXM_DSP); selected at compile time in op prepare (op_eltwise.c).
 * No arena, no scratch: ADD / SUB keep two 256-entry tables on the stack
 * (2 KiB; MUL 0.5 KiB of per-channel constants), so the host's memory plan
 * stays valid on the device.
 */
#ifndef R50_KERNELS_CORTEXM_ELTWISE_S8_DSP_H
#define R50_KERNELS_CORTEXM_ELTWISE_S8_DSP_H

#include <stdint.h>

#include "../ref/eltwise.h"

#if defined(R50_CORTEXM_DSP) && defined(__ARM_FEATURE_DSP) && !defined(__aarch64__)
#define R50_CORTEXM_DSP_ELTWISE 1

void r50_add_s8_dsp(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out);
void r50_sub_s8_dsp(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out);
void r50_mul_s8_dsp(const r50_mul_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out);
#endif

#endif

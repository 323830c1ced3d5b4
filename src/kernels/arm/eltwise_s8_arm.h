/* Arm NEON int8 ADD / SUB / MUL, bit-exact with r50_add_s8_ref / r50_sub_s8_ref
 * / r50_mul_s8_ref (same parameter structs, same broadcasting walk, the same
 * in-place rule). Each fixed-point step uses the exact NEON form of r50_mbqm
 * (see conv_s8_arm.h). par: NULL or a runner (split over outer runs).
 * Call only at R50_ISA_NEON or above (AArch64 and Armv7-A NEON). */
#ifndef R50_KERNELS_ARM_ELTWISE_S8_ARM_H
#define R50_KERNELS_ARM_ELTWISE_S8_ARM_H

#include <stdint.h>

#include "../ref/eltwise.h"
#include "r50.h"

void r50_add_s8__neon(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2,
                      int8_t *out, const r50_parallel *par);
void r50_sub_s8__neon(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2,
                      int8_t *out, const r50_parallel *par);
void r50_mul_s8__neon(const r50_mul_s8_params *p, const int8_t *in1, const int8_t *in2,
                      int8_t *out, const r50_parallel *par);

#endif

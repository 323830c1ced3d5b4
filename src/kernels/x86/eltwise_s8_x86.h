/* x86 int8 ADD / SUB / MUL, bit-exact with r50_add_s8_ref / r50_sub_s8_ref /
 * r50_mul_s8_ref (same parameter structs, same broadcasting walk, the same
 * in-place rule: out may equal an input of the output's shape). Every
 * fixed-point step (the input rescalings, the output MultiplyByQuantizedMultiplier)
 * is computed per lane with the reference's exact double rounding.
 * par: NULL (serial) or a runner (split over outer runs, identical results).
 * Call only at the matching level (r50_isa_active). */
#ifndef R50_KERNELS_X86_ELTWISE_S8_X86_H
#define R50_KERNELS_X86_ELTWISE_S8_X86_H

#include <stdint.h>

#include "../ref/eltwise.h"
#include "r50.h"

void r50_add_s8__avx512vnni(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2,
                            int8_t *out, const r50_parallel *par);
void r50_sub_s8__avx512vnni(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2,
                            int8_t *out, const r50_parallel *par);
void r50_mul_s8__avx512vnni(const r50_mul_s8_params *p, const int8_t *in1, const int8_t *in2,
                            int8_t *out, const r50_parallel *par);

void r50_add_s8__avx2(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2,
                      int8_t *out, const r50_parallel *par);
void r50_sub_s8__avx2(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2,
                      int8_t *out, const r50_parallel *par);
void r50_mul_s8__avx2(const r50_mul_s8_params *p, const int8_t *in1, const int8_t *in2,
                      int8_t *out, const r50_parallel *par);

#endif

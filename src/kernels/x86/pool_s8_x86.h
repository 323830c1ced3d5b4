/* x86 int8 MAX_POOL_2D / AVERAGE_POOL_2D / MEAN, bit-exact with
 * r50_maxpool_s8_ref / r50_avgpool_s8_ref / r50_mean_s8_ref, vectorized over
 * channels (NHWC; AVX2 32 / 8 channels per step and a scalar tail, AVX-512 64 /
 * 16 with masked tails):
 *  - max: VPMAXSB over the window's in-image taps, from INT8_MIN, then the
 *    activation clamp;
 *  - average: int8 taps widened and summed in int32 lanes (exact), then the
 *    reference's round-half-away-from-zero division by the in-image tap count
 *    as a float reciprocal estimate corrected by the exact integer remainder;
 *  - MEAN: rows of the innermost (channel) dimension added into int32 sums
 *    (wrapping like the reference), then the reference's finishing step; a
 *    reduced innermost dimension runs the reference.
 * The loops are shared with NEON (../pool_s8_impl.h). Same parameters as the
 * reference kernels, so row-band calls pass the band's geometry; parameters
 * the vector code does not cover run the reference. par: NULL or a runner
 * (split over output rows; results identical for any thread count).
 * Call only at the matching level (r50_isa_active). */
#ifndef R50_KERNELS_X86_POOL_S8_X86_H
#define R50_KERNELS_X86_POOL_S8_X86_H

#include <stdint.h>

#include "../ref/mean.h"
#include "../ref/pool.h"
#include "r50.h"

void r50_maxpool_s8__avx2(const r50_pool_params *p, const int8_t *input, int8_t *output,
                          const r50_parallel *par);
void r50_avgpool_s8__avx2(const r50_pool_params *p, const int8_t *input, int8_t *output,
                          const r50_parallel *par);
/* scratch: r50_mean_s8_scratch_bytes(p) */
void r50_mean_s8__avx2(const r50_mean_params *p, const int8_t *input, int8_t *output,
                       void *scratch);

void r50_maxpool_s8__avx512vnni(const r50_pool_params *p, const int8_t *input, int8_t *output,
                                const r50_parallel *par);
void r50_avgpool_s8__avx512vnni(const r50_pool_params *p, const int8_t *input, int8_t *output,
                                const r50_parallel *par);
void r50_mean_s8__avx512vnni(const r50_mean_params *p, const int8_t *input, int8_t *output,
                             void *scratch);

#endif

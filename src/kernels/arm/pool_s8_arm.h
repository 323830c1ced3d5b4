/* Arm NEON int8 MAX_POOL_2D / AVERAGE_POOL_2D / MEAN, bit-exact with
 * r50_maxpool_s8_ref / r50_avgpool_s8_ref / r50_mean_s8_ref (AArch64 and
 * Armv7-A NEON), vectorized over channels (NHWC):
 *  - max: SMAX of 16 channels over the window's in-image taps, from INT8_MIN,
 *    then the activation clamp;
 *  - average: int8 taps widened and summed in int32 lanes (exact), then the
 *    reference's round-half-away-from-zero division by the in-image tap count
 *    as a float reciprocal estimate corrected by the exact integer remainder
 *    (Armv7 NEON has no vector division);
 *  - MEAN: rows of the innermost (channel) dimension added into int32 sums
 *    (wrapping like the reference), then the reference's finishing step; a
 *    reduced innermost dimension runs the reference.
 * Same parameters as the reference kernels, so row-band calls pass the band's
 * geometry. Parameters the vector code does not cover (see pool_s8_impl.h)
 * run the reference. par: NULL or a runner (split over output rows; results
 * identical for any thread count). Call only at R50_ISA_NEON or above. */
#ifndef R50_KERNELS_ARM_POOL_S8_ARM_H
#define R50_KERNELS_ARM_POOL_S8_ARM_H

#include <stdint.h>

#include "../ref/mean.h"
#include "../ref/pool.h"
#include "r50.h"

void r50_maxpool_s8__neon(const r50_pool_params *p, const int8_t *input, int8_t *output,
                          const r50_parallel *par);
void r50_avgpool_s8__neon(const r50_pool_params *p, const int8_t *input, int8_t *output,
                          const r50_parallel *par);
/* scratch: r50_mean_s8_scratch_bytes(p) */
void r50_mean_s8__neon(const r50_mean_params *p, const int8_t *input, int8_t *output,
                       void *scratch);

#endif

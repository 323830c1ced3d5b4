/* Reference FULLY_CONNECTED kernels (int8 per-tensor or per-channel weights,
 * float32), bit-exact with TFLite Micro's reference kernels
 * (reference/integer_ops/fully_connected.h FullyConnected /
 * FullyConnectedPerChannel, reference/fully_connected.h for float).
 *
 * Layouts:
 *   input   [batch, in]   (any input shape, flattened: batch = elements / in)
 *   weights [out, in]     row-major
 *   bias    [out] int32 / float32, or NULL
 *   output  [batch, out]
 * The output must not alias any input.
 */
#ifndef R50_KERNELS_REF_FC_H
#define R50_KERNELS_REF_FC_H

#include <stdint.h>

#include "conv.h" /* r50_requant_s8 */

typedef struct {
  int32_t batch;
  int32_t in;                 /* accumulation depth */
  int32_t out;                /* output units */
  r50_requant_s8 q;           /* int8 only; per-tensor weights: every channel holds the same (mult, shift) */
  float act_min_f, act_max_f; /* float only */
} r50_fc_params;

void r50_fc_s8_ref(const r50_fc_params *p, const int8_t *input, const int8_t *weights,
                   const int32_t *bias, int8_t *output);
void r50_fc_f32_ref(const r50_fc_params *p, const float *input, const float *weights,
                    const float *bias, float *output);

#endif

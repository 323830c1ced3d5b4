/* Reference MAX_POOL_2D / AVERAGE_POOL_2D kernels (int8, float32), bit-exact
 * with TFLite Micro's reference kernels (reference/integer_ops/pooling.h,
 * reference/pooling.h).
 *
 * Layouts: input [batch, in_h, in_w, channels], output [batch, out_h, out_w,
 * channels], NHWC. Window of output (oy, ox): rows oy*stride_h - pad_top + ky,
 * columns ox*stride_w - pad_left + kx, taps outside the image skipped. int8
 * pooling never requantizes (TFLite requires equal input/output quantization).
 * With padding from r50_tfl_padding every window holds at least one tap.
 * The output must not alias the input (max pooling accumulates in it). */
#ifndef R50_KERNELS_REF_POOL_H
#define R50_KERNELS_REF_POOL_H

#include <stdint.h>

typedef struct {
  int32_t batch;
  int32_t in_h, in_w, channels;
  int32_t out_h, out_w;
  int32_t filter_h, filter_w;     /* >= 1 */
  int32_t stride_h, stride_w;     /* >= 1 */
  int32_t pad_top, pad_left;
  int32_t act_min, act_max;       /* int8 kernels: fused activation clamp */
  float act_min_f, act_max_f;     /* float kernels */
} r50_pool_params;

void r50_maxpool_s8_ref(const r50_pool_params *p, const int8_t *input, int8_t *output);
void r50_maxpool_f32_ref(const r50_pool_params *p, const float *input, float *output);
/* int8 average: round-half-away-from-zero of sum / count, count = in-image taps */
void r50_avgpool_s8_ref(const r50_pool_params *p, const int8_t *input, int8_t *output);
/* float average: (sum in (ky, kx) order) / (float)count */
void r50_avgpool_f32_ref(const r50_pool_params *p, const float *input, float *output);

#endif

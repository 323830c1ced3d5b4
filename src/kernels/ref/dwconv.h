/* Reference DEPTHWISE_CONV_2D kernels (int8 per-channel, float32), bit-exact
 * with TFLite Micro's reference kernels
 * (reference/integer_ops/depthwise_conv.h DepthwisePerChannel,
 * reference/depthwiseconv_float.h DepthwiseConv).
 *
 * Layouts:
 *   input  [batch, in_h, in_w, in_c]                          NHWC
 *   filter [1, filter_h, filter_w, out_c], out_c = in_c * depth_multiplier
 *   bias   [out_c] int32 / float32, or NULL
 *   output [batch, out_h, out_w, out_c]
 * Output channel oc = ic * depth_multiplier + m reads input channel ic.
 * Window and padding as in conv.h (out-of-image taps skipped).
 * The output must not alias any input. The kernels never fail and never
 * allocate; all validation is the op prepare's job.
 */
#ifndef R50_KERNELS_REF_DWCONV_H
#define R50_KERNELS_REF_DWCONV_H

#include <stddef.h>
#include <stdint.h>

#include "conv.h"

typedef struct {
  int32_t batch;
  int32_t in_h, in_w, in_c;
  int32_t out_h, out_w, out_c;    /* out_c = in_c * depth_multiplier */
  int32_t depth_multiplier;       /* >= 1 */
  int32_t filter_h, filter_w;
  int32_t stride_h, stride_w;
  int32_t dilation_h, dilation_w;
  int32_t pad_top, pad_left;
  r50_requant_s8 q;               /* int8 kernel only */
  float act_min_f, act_max_f;     /* float kernel only */
} r50_dwconv_params;

/* Scratch both kernels need: one accumulator per output channel. */
static inline size_t r50_dwconv_scratch_bytes(const r50_dwconv_params *p) {
  return (size_t)p->out_c * 4;
}

/* scratch: r50_dwconv_scratch_bytes(p) bytes, 4-byte aligned. */
void r50_dwconv2d_s8_ref(const r50_dwconv_params *p, const int8_t *input, const int8_t *filter,
                         const int32_t *bias, int8_t *output, void *scratch);
void r50_dwconv2d_f32_ref(const r50_dwconv_params *p, const float *input, const float *filter,
                          const float *bias, float *output, void *scratch);

#endif

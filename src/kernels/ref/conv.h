/* Reference CONV_2D kernels (int8 per-channel requantization, float32),
 * bit-exact with TFLite Micro's reference kernels
 * (tensorflow/lite/kernels/internal/reference/integer_ops/conv.h ConvPerChannel,
 * reference/conv.h Conv for float).
 *
 * Also holds the TFLite padding arithmetic (kernels/padding.h) shared by the
 * conv, depthwise and pooling prepare code, so every backend computes windows
 * the same way.
 *
 * Layouts (all dense, row-major):
 *   input  [batch, in_h, in_w, in_c]          NHWC
 *   filter [out_c, filter_h, filter_w, filter_in_c]   OHWI, filter_in_c = in_c / groups
 *   bias   [out_c]  int32 (int8 kernel) / float32, or NULL
 *   output [batch, out_h, out_w, out_c]       NHWC
 *
 * Window of output (oy, ox): input rows oy*stride_h - pad_top + ky*dilation_h,
 * columns ox*stride_w - pad_left + kx*dilation_w. Taps that fall outside the
 * image are skipped (TFLite does not pad with the zero point: skipping a tap
 * is the same as adding (zp + input_offset) * w = 0, but it is also what the
 * float kernel does, where it matters for the summation order).
 * The output must not alias any input. The kernels never fail and never
 * allocate; all validation is the op prepare's job.
 */
#ifndef R50_KERNELS_REF_CONV_H
#define R50_KERNELS_REF_CONV_H

#include <stdint.h>

/* Requantization of an int32 accumulator to int8, shared by conv, depthwise
 * and fully connected kernels:
 *   out = clamp(mbqm(acc + bias[c], out_mult[c], out_shift[c]) + output_offset,
 *               act_min, act_max)
 * Per-tensor weights are expressed by filling every channel with the same
 * (mult, shift), which is exactly what TFLite does (it broadcasts the scale). */
typedef struct {
  int32_t input_offset;      /* -input zero point, added to every input value */
  int32_t output_offset;     /* output zero point */
  const int32_t *out_mult;   /* [out_c] quantized multipliers, TFLite QuantizeMultiplier */
  const int32_t *out_shift;  /* [out_c] exponents, TFLite convention: > 0 shifts left */
  int32_t act_min, act_max;  /* fused activation clamp, within [-128, 127] */
} r50_requant_s8;

typedef struct {
  int32_t batch;
  int32_t in_h, in_w, in_c;
  int32_t out_h, out_w, out_c;
  int32_t filter_h, filter_w;
  int32_t filter_in_c;       /* input channels per group (filter dim 3) */
  int32_t groups;            /* in_c / filter_in_c; output channel oc uses group oc / (out_c/groups) */
  int32_t stride_h, stride_w;     /* >= 1 */
  int32_t dilation_h, dilation_w; /* >= 1 */
  int32_t pad_top, pad_left;      /* from r50_tfl_padding (TFLite ignores the odd extra pad) */
  r50_requant_s8 q;          /* int8 kernel only */
  float act_min_f, act_max_f;/* float kernel only: fused activation clamp (+-inf when none) */
} r50_conv_params;

void r50_conv2d_s8_ref(const r50_conv_params *p, const int8_t *input, const int8_t *filter,
                       const int32_t *bias, int8_t *output);
void r50_conv2d_f32_ref(const r50_conv_params *p, const float *input, const float *filter,
                        const float *bias, float *output);

/* ---- TFLite padding arithmetic (tensorflow/lite/kernels/padding.h) ----
 * All in int64 so absurd option values cannot overflow; callers check ranges. */

/* ComputeOutSize: SAME -> ceil(in / stride); VALID -> (in + stride - eff) / stride
 * with eff = (filter - 1) * dilation + 1 (C division, as TFLite). padding: 0 SAME, 1 VALID. */
static inline int64_t r50_tfl_out_size(int32_t padding, int64_t in, int64_t filter, int64_t stride,
                                       int64_t dilation) {
  const int64_t eff = (filter - 1) * dilation + 1;
  if (stride <= 0) return 0;
  return padding == 0 ? (in + stride - 1) / stride : (in + stride - eff) / stride;
}

/* ComputePaddingWithOffset: total = max(0, (out - 1) * stride + eff - in);
 * returns total / 2 (the top/left pad the kernels use); *offset = total % 2. */
static inline int64_t r50_tfl_padding(int64_t stride, int64_t dilation, int64_t in, int64_t filter,
                                      int64_t out, int64_t *offset) {
  const int64_t eff = (filter - 1) * dilation + 1;
  int64_t total = (out - 1) * stride + eff - in;
  if (total < 0) total = 0;
  if (offset) *offset = total % 2;
  return total / 2;
}

/* Range [*k0, *k1) of kernel taps k with 0 <= origin + k * dilation < size,
 * clipped to [0, ksize). Empty (k0 >= k1) when the window misses the image. */
static inline void r50_tap_range(int32_t origin, int32_t dilation, int32_t size, int32_t ksize,
                                 int32_t *k0, int32_t *k1) {
  int32_t lo = 0, hi = ksize;
  if (origin < 0) lo = (-origin + dilation - 1) / dilation;
  if (origin >= size) {
    hi = 0;
  } else {
    int32_t n = (size - origin + dilation - 1) / dilation; /* taps with origin + k*d < size */
    if (n < hi) hi = n;
  }
  *k0 = lo;
  *k1 = hi;
}

#endif

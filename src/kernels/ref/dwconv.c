/* Reference DEPTHWISE_CONV_2D. TFLite loops (oc, ky, kx) with the tap loop
 * innermost; here the taps are the outer loop and a vector of per-channel
 * accumulators is updated contiguously. Each channel still receives its taps
 * in (ky, kx) order, so even the float sums are bit-identical. */
#include "dwconv.h"

#include "../quant.h"

void r50_dwconv2d_s8_ref(const r50_dwconv_params *p, const int8_t *input, const int8_t *filter,
                         const int32_t *bias, int8_t *output, void *scratch) {
  const int32_t in_h = p->in_h, in_w = p->in_w, in_c = p->in_c;
  const int32_t out_h = p->out_h, out_w = p->out_w, out_c = p->out_c;
  const int32_t dm = p->depth_multiplier, fw = p->filter_w;
  const int32_t in_off = p->q.input_offset, out_off = p->q.output_offset;
  /* uint32: int32 accumulation wrapping modulo 2^32 as TFLite's, defined in C */
  uint32_t *acc = (uint32_t *)scratch;

  for (int32_t b = 0; b < p->batch; b++) {
    const int8_t *in_b = input + (size_t)b * in_h * in_w * in_c;
    for (int32_t oy = 0; oy < out_h; oy++) {
      const int32_t iy0 = oy * p->stride_h - p->pad_top;
      int32_t ky0, ky1;
      r50_tap_range(iy0, p->dilation_h, in_h, p->filter_h, &ky0, &ky1);
      for (int32_t ox = 0; ox < out_w; ox++) {
        const int32_t ix0 = ox * p->stride_w - p->pad_left;
        int32_t kx0, kx1;
        r50_tap_range(ix0, p->dilation_w, in_w, fw, &kx0, &kx1);
        for (int32_t oc = 0; oc < out_c; oc++) acc[oc] = 0;
        for (int32_t ky = ky0; ky < ky1; ky++) {
          const int32_t iy = iy0 + ky * p->dilation_h;
          for (int32_t kx = kx0; kx < kx1; kx++) {
            const int32_t ix = ix0 + kx * p->dilation_w;
            const int8_t *x = in_b + ((size_t)iy * in_w + ix) * in_c;
            const int8_t *w = filter + ((size_t)ky * fw + kx) * out_c;
            if (dm == 1) {
              for (int32_t c = 0; c < out_c; c++)
                acc[c] += (uint32_t)((int32_t)w[c] * ((int32_t)x[c] + in_off));
            } else {
              for (int32_t ic = 0; ic < in_c; ic++) {
                const int32_t xv = (int32_t)x[ic] + in_off;
                for (int32_t m = 0; m < dm; m++) {
                  const int32_t oc = ic * dm + m;
                  acc[oc] += (uint32_t)((int32_t)w[oc] * xv);
                }
              }
            }
          }
        }
        int8_t *out = output + (((size_t)b * out_h + oy) * out_w + ox) * out_c;
        for (int32_t oc = 0; oc < out_c; oc++) {
          uint32_t a = acc[oc];
          if (bias) a += (uint32_t)bias[oc];
          int32_t v = r50_mbqm((int32_t)a, p->q.out_mult[oc], p->q.out_shift[oc]);
          out[oc] = (int8_t)r50_clamp_i32(v + out_off, p->q.act_min, p->q.act_max);
        }
      }
    }
  }
}

void r50_dwconv2d_f32_ref(const r50_dwconv_params *p, const float *input, const float *filter,
                          const float *bias, float *output, void *scratch) {
  const int32_t in_h = p->in_h, in_w = p->in_w, in_c = p->in_c;
  const int32_t out_h = p->out_h, out_w = p->out_w, out_c = p->out_c;
  const int32_t dm = p->depth_multiplier, fw = p->filter_w;
  const float lo = p->act_min_f, hi = p->act_max_f;
  float *acc = (float *)scratch;

  for (int32_t b = 0; b < p->batch; b++) {
    const float *in_b = input + (size_t)b * in_h * in_w * in_c;
    for (int32_t oy = 0; oy < out_h; oy++) {
      const int32_t iy0 = oy * p->stride_h - p->pad_top;
      int32_t ky0, ky1;
      r50_tap_range(iy0, p->dilation_h, in_h, p->filter_h, &ky0, &ky1);
      for (int32_t ox = 0; ox < out_w; ox++) {
        const int32_t ix0 = ox * p->stride_w - p->pad_left;
        int32_t kx0, kx1;
        r50_tap_range(ix0, p->dilation_w, in_w, fw, &kx0, &kx1);
        for (int32_t oc = 0; oc < out_c; oc++) acc[oc] = 0.0f;
        for (int32_t ky = ky0; ky < ky1; ky++) {
          const int32_t iy = iy0 + ky * p->dilation_h;
          for (int32_t kx = kx0; kx < kx1; kx++) {
            const int32_t ix = ix0 + kx * p->dilation_w;
            const float *x = in_b + ((size_t)iy * in_w + ix) * in_c;
            const float *w = filter + ((size_t)ky * fw + kx) * out_c;
            for (int32_t ic = 0; ic < in_c; ic++)
              for (int32_t m = 0; m < dm; m++) {
                const int32_t oc = ic * dm + m;
                acc[oc] += x[ic] * w[oc];
              }
          }
        }
        float *out = output + (((size_t)b * out_h + oy) * out_w + ox) * out_c;
        for (int32_t oc = 0; oc < out_c; oc++) {
          float v = acc[oc] + (bias ? bias[oc] : 0.0f);
          v = v < lo ? lo : v;
          v = hi < v ? hi : v;
          out[oc] = v;
        }
      }
    }
  }
}

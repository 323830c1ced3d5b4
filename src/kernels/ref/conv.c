/* Reference CONV_2D. Same arithmetic as TFLite's reference ConvPerChannel /
 * Conv; the loops are ordered so that the innermost loop is a contiguous dot
 * product over input channels (and over whole filter rows when dilation_w is
 * 1 and there are no groups, where a filter row and an input row segment are
 * both contiguous). */
#include "conv.h"

#include <stddef.h>

#include "../quant.h"

/* sum_i w[i] * (x[i] + off), wrapping modulo 2^32 like TFLite's int32
 * accumulator does on every real target (done in uint32 so it is defined C;
 * the products themselves fit: |w| <= 128, |x + off| <= 255). */
static inline uint32_t dot_s8(const int8_t *x, const int8_t *w, int32_t n, int32_t off) {
  uint32_t acc = 0;
  for (int32_t i = 0; i < n; i++) acc += (uint32_t)((int32_t)w[i] * ((int32_t)x[i] + off));
  return acc;
}

/* total += x[i] * w[i] in order i = 0..n-1 (float order matters). */
static inline float dot_f32(float total, const float *x, const float *w, int32_t n) {
  for (int32_t i = 0; i < n; i++) total += x[i] * w[i];
  return total;
}

void r50_conv2d_s8_ref(const r50_conv_params *p, const int8_t *input, const int8_t *filter,
                       const int32_t *bias, int8_t *output) {
  const int32_t in_h = p->in_h, in_w = p->in_w, in_c = p->in_c;
  const int32_t out_h = p->out_h, out_w = p->out_w, out_c = p->out_c;
  const int32_t fh = p->filter_h, fw = p->filter_w, fic = p->filter_in_c;
  const int32_t dh = p->dilation_h, dw = p->dilation_w;
  const int32_t per_group = out_c / p->groups;
  const int32_t in_off = p->q.input_offset, out_off = p->q.output_offset;
  const int32_t act_min = p->q.act_min, act_max = p->q.act_max;
  /* A row of kx taps is one contiguous run in both input and filter. */
  const int merge_row = dw == 1 && p->groups == 1;
  const size_t filter_oc_stride = (size_t)fh * fw * fic;

  for (int32_t b = 0; b < p->batch; b++) {
    const int8_t *in_b = input + (size_t)b * in_h * in_w * in_c;
    for (int32_t oy = 0; oy < out_h; oy++) {
      const int32_t iy0 = oy * p->stride_h - p->pad_top;
      int32_t ky0, ky1;
      r50_tap_range(iy0, dh, in_h, fh, &ky0, &ky1);
      for (int32_t ox = 0; ox < out_w; ox++) {
        const int32_t ix0 = ox * p->stride_w - p->pad_left;
        int32_t kx0, kx1;
        r50_tap_range(ix0, dw, in_w, fw, &kx0, &kx1);
        int8_t *out = output + (((size_t)b * out_h + oy) * out_w + ox) * out_c;
        for (int32_t oc = 0; oc < out_c; oc++) {
          const int32_t g = oc / per_group;
          const int8_t *w_oc = filter + (size_t)oc * filter_oc_stride;
          uint32_t acc = 0;
          for (int32_t ky = ky0; ky < ky1; ky++) {
            const int32_t iy = iy0 + ky * dh;
            const int8_t *in_row = in_b + (size_t)iy * in_w * in_c + (size_t)g * fic;
            const int8_t *w_row = w_oc + (size_t)ky * fw * fic;
            if (merge_row) {
              if (kx1 > kx0)
                acc += dot_s8(in_row + (size_t)(ix0 + kx0) * in_c, w_row + (size_t)kx0 * fic,
                              (kx1 - kx0) * fic, in_off);
            } else {
              for (int32_t kx = kx0; kx < kx1; kx++) {
                const int32_t ix = ix0 + kx * dw;
                acc += dot_s8(in_row + (size_t)ix * in_c, w_row + (size_t)kx * fic, fic, in_off);
              }
            }
          }
          if (bias) acc += (uint32_t)bias[oc];
          int32_t v = r50_mbqm((int32_t)acc, p->q.out_mult[oc], p->q.out_shift[oc]);
          v = r50_clamp_i32(v + out_off, act_min, act_max);
          out[oc] = (int8_t)v;
        }
      }
    }
  }
}

void r50_conv2d_f32_ref(const r50_conv_params *p, const float *input, const float *filter,
                        const float *bias, float *output) {
  const int32_t in_h = p->in_h, in_w = p->in_w, in_c = p->in_c;
  const int32_t out_h = p->out_h, out_w = p->out_w, out_c = p->out_c;
  const int32_t fh = p->filter_h, fw = p->filter_w, fic = p->filter_in_c;
  const int32_t dh = p->dilation_h, dw = p->dilation_w;
  const int32_t per_group = out_c / p->groups;
  const float lo = p->act_min_f, hi = p->act_max_f;
  const int merge_row = dw == 1 && p->groups == 1;
  const size_t filter_oc_stride = (size_t)fh * fw * fic;

  for (int32_t b = 0; b < p->batch; b++) {
    const float *in_b = input + (size_t)b * in_h * in_w * in_c;
    for (int32_t oy = 0; oy < out_h; oy++) {
      const int32_t iy0 = oy * p->stride_h - p->pad_top;
      int32_t ky0, ky1;
      r50_tap_range(iy0, dh, in_h, fh, &ky0, &ky1);
      for (int32_t ox = 0; ox < out_w; ox++) {
        const int32_t ix0 = ox * p->stride_w - p->pad_left;
        int32_t kx0, kx1;
        r50_tap_range(ix0, dw, in_w, fw, &kx0, &kx1);
        float *out = output + (((size_t)b * out_h + oy) * out_w + ox) * out_c;
        for (int32_t oc = 0; oc < out_c; oc++) {
          const int32_t g = oc / per_group;
          const float *w_oc = filter + (size_t)oc * filter_oc_stride;
          /* TFLite: total over (ky, kx, ic) in that order, then + bias (0.0f
           * when absent, which turns -0.0 into +0.0 exactly as TFLite does). */
          float total = 0.0f;
          for (int32_t ky = ky0; ky < ky1; ky++) {
            const int32_t iy = iy0 + ky * dh;
            const float *in_row = in_b + (size_t)iy * in_w * in_c + (size_t)g * fic;
            const float *w_row = w_oc + (size_t)ky * fw * fic;
            if (merge_row) {
              if (kx1 > kx0)
                total = dot_f32(total, in_row + (size_t)(ix0 + kx0) * in_c,
                                w_row + (size_t)kx0 * fic, (kx1 - kx0) * fic);
            } else {
              for (int32_t kx = kx0; kx < kx1; kx++) {
                const int32_t ix = ix0 + kx * dw;
                total = dot_f32(total, in_row + (size_t)ix * in_c, w_row + (size_t)kx * fic, fic);
              }
            }
          }
          float v = total + (bias ? bias[oc] : 0.0f);
          /* ActivationFunctionWithMinMax: min(max(v, lo), hi), NaN passes through */
          v = v < lo ? lo : v;
          v = hi < v ? hi : v;
          out[oc] = v;
        }
      }
    }
  }
}

/* Reference pooling. Max pooling updates a whole output pixel (all channels,
 * contiguous) per tap; average pooling keeps TFLite's per-channel loop with the
 * window bounds hoisted out of it. */
#include "pool.h"

#include <float.h>
#include <stddef.h>

#include "../quant.h"
#include "conv.h" /* r50_tap_range */

void r50_maxpool_s8_ref(const r50_pool_params *p, const int8_t *input, int8_t *output) {
  const int32_t C = p->channels;
  for (int32_t b = 0; b < p->batch; b++) {
    const int8_t *in_b = input + (size_t)b * p->in_h * p->in_w * C;
    for (int32_t oy = 0; oy < p->out_h; oy++) {
      const int32_t iy0 = oy * p->stride_h - p->pad_top;
      int32_t ky0, ky1;
      r50_tap_range(iy0, 1, p->in_h, p->filter_h, &ky0, &ky1);
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        const int32_t ix0 = ox * p->stride_w - p->pad_left;
        int32_t kx0, kx1;
        r50_tap_range(ix0, 1, p->in_w, p->filter_w, &kx0, &kx1);
        int8_t *out = output + (((size_t)b * p->out_h + oy) * p->out_w + ox) * C;
        for (int32_t c = 0; c < C; c++) out[c] = INT8_MIN; /* TFLite: numeric_limits::lowest() */
        for (int32_t ky = ky0; ky < ky1; ky++)
          for (int32_t kx = kx0; kx < kx1; kx++) {
            const int8_t *x = in_b + ((size_t)(iy0 + ky) * p->in_w + (ix0 + kx)) * C;
            for (int32_t c = 0; c < C; c++) out[c] = x[c] > out[c] ? x[c] : out[c];
          }
        for (int32_t c = 0; c < C; c++)
          out[c] = (int8_t)r50_clamp_i32(out[c], p->act_min, p->act_max);
      }
    }
  }
}

void r50_maxpool_f32_ref(const r50_pool_params *p, const float *input, float *output) {
  const int32_t C = p->channels;
  const float lo = p->act_min_f, hi = p->act_max_f;
  for (int32_t b = 0; b < p->batch; b++) {
    const float *in_b = input + (size_t)b * p->in_h * p->in_w * C;
    for (int32_t oy = 0; oy < p->out_h; oy++) {
      const int32_t iy0 = oy * p->stride_h - p->pad_top;
      int32_t ky0, ky1;
      r50_tap_range(iy0, 1, p->in_h, p->filter_h, &ky0, &ky1);
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        const int32_t ix0 = ox * p->stride_w - p->pad_left;
        int32_t kx0, kx1;
        r50_tap_range(ix0, 1, p->in_w, p->filter_w, &kx0, &kx1);
        float *out = output + (((size_t)b * p->out_h + oy) * p->out_w + ox) * C;
        for (int32_t c = 0; c < C; c++) out[c] = -FLT_MAX; /* numeric_limits<float>::lowest() */
        for (int32_t ky = ky0; ky < ky1; ky++)
          for (int32_t kx = kx0; kx < kx1; kx++) {
            const float *x = in_b + ((size_t)(iy0 + ky) * p->in_w + (ix0 + kx)) * C;
            /* std::max(cur, x) == (cur < x) ? x : cur (a NaN input is ignored) */
            for (int32_t c = 0; c < C; c++) out[c] = out[c] < x[c] ? x[c] : out[c];
          }
        for (int32_t c = 0; c < C; c++) {
          float v = out[c];
          v = v < lo ? lo : v;
          v = hi < v ? hi : v;
          out[c] = v;
        }
      }
    }
  }
}

void r50_avgpool_s8_ref(const r50_pool_params *p, const int8_t *input, int8_t *output) {
  const int32_t C = p->channels;
  for (int32_t b = 0; b < p->batch; b++) {
    const int8_t *in_b = input + (size_t)b * p->in_h * p->in_w * C;
    for (int32_t oy = 0; oy < p->out_h; oy++) {
      const int32_t iy0 = oy * p->stride_h - p->pad_top;
      int32_t ky0, ky1;
      r50_tap_range(iy0, 1, p->in_h, p->filter_h, &ky0, &ky1);
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        const int32_t ix0 = ox * p->stride_w - p->pad_left;
        int32_t kx0, kx1;
        r50_tap_range(ix0, 1, p->in_w, p->filter_w, &kx0, &kx1);
        int32_t count = (ky1 - ky0) * (kx1 - kx0);
        if (count < 1) count = 1; /* unreachable with TFLite padding; keeps eval total */
        int8_t *out = output + (((size_t)b * p->out_h + oy) * p->out_w + ox) * C;
        for (int32_t c = 0; c < C; c++) {
          int32_t acc = 0;
          for (int32_t ky = ky0; ky < ky1; ky++) {
            const int8_t *x = in_b + ((size_t)(iy0 + ky) * p->in_w + (ix0 + kx0)) * C + c;
            for (int32_t k = 0; k < kx1 - kx0; k++) acc += x[(size_t)k * C];
          }
          /* TFLite: round half away from zero, C division truncating */
          acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
          out[c] = (int8_t)r50_clamp_i32(acc, p->act_min, p->act_max);
        }
      }
    }
  }
}

void r50_avgpool_f32_ref(const r50_pool_params *p, const float *input, float *output) {
  const int32_t C = p->channels;
  const float lo = p->act_min_f, hi = p->act_max_f;
  for (int32_t b = 0; b < p->batch; b++) {
    const float *in_b = input + (size_t)b * p->in_h * p->in_w * C;
    for (int32_t oy = 0; oy < p->out_h; oy++) {
      const int32_t iy0 = oy * p->stride_h - p->pad_top;
      int32_t ky0, ky1;
      r50_tap_range(iy0, 1, p->in_h, p->filter_h, &ky0, &ky1);
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        const int32_t ix0 = ox * p->stride_w - p->pad_left;
        int32_t kx0, kx1;
        r50_tap_range(ix0, 1, p->in_w, p->filter_w, &kx0, &kx1);
        int32_t count = (ky1 - ky0) * (kx1 - kx0);
        if (count < 1) count = 1;
        float *out = output + (((size_t)b * p->out_h + oy) * p->out_w + ox) * C;
        for (int32_t c = 0; c < C; c++) {
          float total = 0.0f;
          for (int32_t ky = ky0; ky < ky1; ky++) {
            const float *x = in_b + ((size_t)(iy0 + ky) * p->in_w + (ix0 + kx0)) * C + c;
            for (int32_t k = 0; k < kx1 - kx0; k++) total += x[(size_t)k * C];
          }
          float v = total / (float)count;
          v = v < lo ? lo : v;
          v = hi < v ? hi : v;
          out[c] = v;
        }
      }
    }
  }
}

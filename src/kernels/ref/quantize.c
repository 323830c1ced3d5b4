#include "quantize.h"

#include <math.h>

#include "../quant.h"

static inline int32_t quantize_one(float x, float scale, int32_t zp, int32_t qmin, int32_t qmax) {
  const float r = roundf(x / scale);
  int64_t v;
  if (r != r) v = 0; /* NaN */
  else if (r >= 2147483648.0f) v = INT32_MAX;
  else if (r < -2147483648.0f) v = INT32_MIN;
  else v = (int64_t)(int32_t)r;
  v += zp;
  return v < qmin ? qmin : (v > qmax ? qmax : (int32_t)v);
}

void r50_quantize_f32_s8_ref(const r50_quantize_f32_params *p, const float *in, int8_t *out) {
  for (size_t i = 0; i < p->n; i++) out[i] = (int8_t)quantize_one(in[i], p->scale, p->zero_point, -128, 127);
}

void r50_quantize_f32_u8_ref(const r50_quantize_f32_params *p, const float *in, uint8_t *out) {
  for (size_t i = 0; i < p->n; i++) out[i] = (uint8_t)quantize_one(in[i], p->scale, p->zero_point, 0, 255);
}

static inline int32_t requant_one(const r50_requantize_params *p, int32_t x, int32_t qmin, int32_t qmax) {
  const int32_t v = r50_mbqm(x - p->in_zp, p->mult, p->shift) + p->out_zp;
  return r50_clamp_i32(v, qmin, qmax);
}

static inline int same_scale(const r50_requantize_params *p) {
  return p->mult == (1 << 30) && p->shift == 1;
}

void r50_requantize_s8_s8_ref(const r50_requantize_params *p, const int8_t *in, int8_t *out) {
  for (size_t i = 0; i < p->n; i++) out[i] = (int8_t)requant_one(p, in[i], -128, 127);
}

void r50_requantize_u8_s8_ref(const r50_requantize_params *p, const uint8_t *in, int8_t *out) {
  if (same_scale(p) && p->in_zp - p->out_zp == 128) {
    for (size_t i = 0; i < p->n; i++) out[i] = (int8_t)(in[i] ^ 0x80);
    return;
  }
  for (size_t i = 0; i < p->n; i++) out[i] = (int8_t)requant_one(p, in[i], -128, 127);
}

void r50_requantize_s8_u8_ref(const r50_requantize_params *p, const int8_t *in, uint8_t *out) {
  if (same_scale(p) && p->in_zp - p->out_zp == -128) {
    for (size_t i = 0; i < p->n; i++) out[i] = (uint8_t)((uint8_t)in[i] ^ 0x80);
    return;
  }
  for (size_t i = 0; i < p->n; i++) out[i] = (uint8_t)requant_one(p, in[i], 0, 255);
}

void r50_dequantize_s8_f32_ref(const r50_dequantize_params *p, const int8_t *in, float *out) {
  for (size_t i = 0; i < p->n; i++) out[i] = (float)(p->scale * (double)((int32_t)in[i] - p->zero_point));
}

void r50_dequantize_u8_f32_ref(const r50_dequantize_params *p, const uint8_t *in, float *out) {
  for (size_t i = 0; i < p->n; i++) out[i] = (float)(p->scale * (double)((int32_t)in[i] - p->zero_point));
}

#include "activations.h"

#include <math.h>

#include "../fixedpoint.h"

void r50_relu_s8_ref(const r50_relu_s8_params *p, const int8_t *in, int8_t *out) {
  for (size_t i = 0; i < p->n; i++) {
    const int32_t v = p->out_zp + r50_mbqm((int32_t)in[i] - p->in_zp, p->mult, p->shift);
    out[i] = (int8_t)r50_clamp_i32(v, p->act_min, p->act_max);
  }
}

void r50_clamp_s8_ref(const r50_clamp_s8_params *p, const int8_t *in, int8_t *out) {
  const int32_t lo = p->lo, hi = p->hi;
  for (size_t i = 0; i < p->n; i++) {
    const int32_t v = in[i];
    out[i] = (int8_t)(v > hi ? hi : v < lo ? lo : v);
  }
}

void r50_relu_f32_ref(size_t n, const float *in, float *out) {
  for (size_t i = 0; i < n; i++) {
    const float v = in[i];
    out[i] = v < 0.0f ? 0.0f : v;
  }
}

void r50_relu6_f32_ref(size_t n, const float *in, float *out) {
  for (size_t i = 0; i < n; i++) {
    const float v = in[i];
    out[i] = v > 6.0f ? 6.0f : v < 0.0f ? 0.0f : v;
  }
}

void r50_logistic_s8_ref(const r50_logistic_s8_params *p, const int8_t *in, int8_t *out) {
  enum { kInputIntegerBits = 4, kOutputIntegerBits = 8 };
  for (size_t i = 0; i < p->n; i++) {
    const int32_t d = (int32_t)in[i] - p->in_zp;
    if (d <= -p->range_radius) {
      out[i] = -128;
    } else if (d >= p->range_radius) {
      out[i] = 127;
    } else {
      const int32_t q4 = r50_mbqm(d, p->mult, p->left_shift);
      const int32_t q0 = r50_fp_logistic(q4, kInputIntegerBits);
      const int32_t q = r50_rdbypot(q0, 31 - kOutputIntegerBits);
      out[i] = (int8_t)r50_clamp_i32(q - 128, -128, 127);
    }
  }
}

void r50_logistic_f32_ref(size_t n, const float *in, float *out) {
  const float cutoff_upper = 16.619047164916992188f, cutoff_lower = -9.0f;
  for (size_t i = 0; i < n; i++) {
    const float v = in[i];
    float r;
    if (v > cutoff_upper) r = 1.0f;
    else if (v < cutoff_lower) r = expf(v);
    else r = 1.0f / (1.0f + expf(-v));
    out[i] = r;
  }
}

/* ---- int16 helpers for HARD_SWISH (gemmlowp / TFLite int16 semantics) ---- */

static inline int16_t wrap16(int32_t v) { return (int16_t)(uint16_t)(uint32_t)v; }

static inline int16_t srdhm16(int16_t a, int16_t b) {
  if (a == INT16_MIN && b == INT16_MIN) return INT16_MAX;
  const int32_t ab = (int32_t)a * (int32_t)b;
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return wrap16((ab + nudge) / (1 << 15));
}

/* SaturatingDoublingHighMul: truncating (no rounding) */
static inline int16_t sdhm16(int16_t a, int16_t b) {
  if (a == INT16_MIN && b == INT16_MIN) return INT16_MAX;
  const int32_t ab = (int32_t)a * (int32_t)b;
  return wrap16(ab / (1 << 15));
}

/* gemmlowp RoundingDivideByPOT<int16_t>, exponent 0..31 (mask truncated to int16 like Dup) */
static inline int16_t rdbypot16(int16_t x, int exponent) {
  const int16_t mask = wrap16((int32_t)((1LL << exponent) - 1));
  const int16_t remainder = (int16_t)(x & mask);
  const int16_t threshold = wrap16((mask >> 1) + (x < 0 ? 1 : 0));
  return wrap16((x >> exponent) + (remainder > threshold ? 1 : 0));
}

static inline int16_t sat_left_shift16(int16_t v, int amount) {
  int64_t r = (int64_t)v * ((int64_t)1 << amount);
  if (r > INT16_MAX) r = INT16_MAX;
  if (r < INT16_MIN) r = INT16_MIN;
  return (int16_t)r;
}

void r50_hard_swish_s8_ref(const r50_hard_swish_s8_params *p, const int8_t *in, int8_t *out) {
  for (size_t i = 0; i < p->n; i++) {
    const int16_t input_value = wrap16((int32_t)in[i] - p->in_zp);
    const int16_t hires = wrap16((int32_t)input_value * (1 << 7));
    const int16_t preshift_out = srdhm16(hires, p->out_mult16);
    int16_t reluish = hires;
    if (p->reluish_exp > 0) reluish = sat_left_shift16(reluish, p->reluish_exp - 1);
    reluish = srdhm16(reluish, p->reluish_mult16);
    if (p->reluish_exp > 0) reluish = sat_left_shift16(reluish, 1);
    if (p->reluish_exp < 0) reluish = rdbypot16(reluish, -p->reluish_exp);
    reluish = wrap16(((int32_t)reluish + (1 << 15)) >> 1);
    const int16_t preshift_output_value = sdhm16(reluish, preshift_out);
    int16_t v = rdbypot16(preshift_output_value, -p->out_exp);
    v = wrap16((int32_t)v + p->out_zp);
    if (v > 127) v = 127;
    if (v < -128) v = -128;
    out[i] = (int8_t)v;
  }
}

void r50_hard_swish_f32_ref(size_t n, const float *in, float *out) {
  for (size_t i = 0; i < n; i++) {
    const float x = in[i];
    const float t = x + 3.0f;
    const float m = 0.0f < t ? t : 0.0f; /* std::max(0, x + 3) */
    const float c = m < 6.0f ? m : 6.0f; /* std::min(6, .) */
    out[i] = x * c / 6.0f;
  }
}

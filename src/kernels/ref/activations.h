/* Reference activation kernels (RELU, RELU6, LOGISTIC, HARD_SWISH), int8 and
 * float32, bit-exact with TFLite Micro (micro/kernels/activations*.cc,
 * reference/integer_ops/logistic.h, reference/logistic.h,
 * reference/hard_swish.h).
 *
 * In-place: every kernel here may run with `out` == `in` (elementwise, each
 * output written after its own input is read). */
#ifndef R50_KERNELS_REF_ACTIVATIONS_H
#define R50_KERNELS_REF_ACTIVATIONS_H

#include <stddef.h>
#include <stdint.h>

/* int8 RELU (TFLM ReluQuantized): y = clamp(out_zp + MBQM(x - in_zp, mult, shift), act_min, act_max)
 * with (mult, shift) = QuantizeMultiplier((double)in_scale / (double)out_scale),
 * act_min = max(-128, out_zp), act_max = 127. */
typedef struct {
  size_t n;
  int32_t in_zp, out_zp;
  int32_t mult, shift;
  int32_t act_min, act_max;
} r50_relu_s8_params;

void r50_relu_s8_ref(const r50_relu_s8_params *p, const int8_t *in, int8_t *out);

/* int8 clamp (TFLM Relu6Quantized): y = x > hi ? hi : x < lo ? lo : x. */
typedef struct {
  size_t n;
  int32_t lo, hi;
} r50_clamp_s8_params;

void r50_clamp_s8_ref(const r50_clamp_s8_params *p, const int8_t *in, int8_t *out);

/* float RELU: y = x < 0 ? 0 : x;  RELU6: y = x > 6 ? 6 : x < 0 ? 0 : x (NaN passes) */
void r50_relu_f32_ref(size_t n, const float *in, float *out);
void r50_relu6_f32_ref(size_t n, const float *in, float *out);

/* int8 LOGISTIC (reference_integer_ops::Logistic, output zp -128):
 *   d = x - in_zp; d <= -radius -> -128; d >= radius -> 127; otherwise
 *   q4 = MBQM(d, mult, left_shift) as Q4.27, y = clamp(RDBPOT(logistic(q4), 23) - 128).
 * Prepare: m = (double)in_scale * 2^27; mult = round(frexp(m) * 2^31),
 * left_shift = frexp exponent, radius = floor(15 * 2^27 / 2^left_shift). */
typedef struct {
  size_t n;
  int32_t in_zp;
  int32_t range_radius;
  int32_t mult, left_shift;
} r50_logistic_s8_params;

void r50_logistic_s8_ref(const r50_logistic_s8_params *p, const int8_t *in, int8_t *out);

/* float LOGISTIC: x > 16.619047164916992188 -> 1; x < -9 -> expf(x); else 1 / (1 + expf(-x)) */
void r50_logistic_f32_ref(size_t n, const float *in, float *out);

/* int8 HARD_SWISH (reference_ops::HardSwish, int16 fixed point):
 * multipliers are QuantizeMultiplier of the float ratios (in_scale/128)/out_scale
 * and (in_scale/128)/(3/32768), each rounded down to int16 (DownScaleInt32ToInt16Multiplier). */
typedef struct {
  size_t n;
  int32_t in_zp, out_zp;
  int16_t out_mult16;    /* output_multiplier_fixedpoint_int16 */
  int32_t out_exp;       /* output_multiplier_exponent, <= 0 */
  int16_t reluish_mult16;
  int32_t reluish_exp;
} r50_hard_swish_s8_params;

void r50_hard_swish_s8_ref(const r50_hard_swish_s8_params *p, const int8_t *in, int8_t *out);

/* float HARD_SWISH: y = x * min(6, max(0, x + 3)) / 6, in float */
void r50_hard_swish_f32_ref(size_t n, const float *in, float *out);

#endif

/* Reference SOFTMAX over the last dimension, bit-exact with TFLite Micro
 * (reference/softmax.h): int8 -> int8 via gemmlowp fixed point, float32.
 *
 * int8, per row of `depth` values:
 *   max = max over the row (starting from -128)
 *   for each x with diff = x - max >= diff_min:
 *     d  = SaturatingRoundingDoublingHighMul(diff << input_left_shift, input_multiplier)  (Q5.26)
 *     e  = exp_on_negative_values(d)                                                     (Q0.31)
 *     sum += Rescale<12>(e)                                                              (Q12.19)
 *   1/sum via GetReciprocal (clz, one_over_one_plus_x_for_x_in_0_1),
 *   exponent = num_bits_over_unit + 31 - 8,
 *   out = clamp(RoundingDivideByPOT(srdhm(1/sum, e), exponent) - 128, -128, 127),
 *   and -128 where diff < diff_min.
 * Output quantization is scale 1/256, zero point -128 (checked by the op).
 * Where TFLM would abort on exponent > 31 (more than 256 values tied at the
 * row maximum), the result is 0 before the offset, i.e. -128.
 *
 * In-place (out == in) is allowed for both kernels. */
#ifndef R50_KERNELS_REF_SOFTMAX_H
#define R50_KERNELS_REF_SOFTMAX_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  size_t outer;              /* number of rows (product of all dims but the last) */
  int32_t depth;             /* last dim */
  int32_t input_multiplier;  /* PreprocessSoftmaxScaling(beta, in_scale, 5) */
  int32_t input_left_shift;  /* >= 0 */
  int32_t diff_min;          /* -CalculateInputRadius(5, input_left_shift, 31) */
} r50_softmax_s8_params;

void r50_softmax_s8_ref(const r50_softmax_s8_params *p, const int8_t *in, int8_t *out);

/* The same bytes with the exponentials looked up: an int8 row's x - max lies
 * in [-255, 0], so table[i] = exp_on_negative_values of diff -i (0 below
 * diff_min, unused) depends on the params only and is built once (prepare);
 * per element the reference's two fixed-point exps become two loads. */
void r50_softmax_s8_table(const r50_softmax_s8_params *p, int32_t table[256]);
void r50_softmax_s8_lut(const r50_softmax_s8_params *p, const int32_t *table, const int8_t *in,
                        int8_t *out);

typedef struct {
  size_t outer;
  int32_t depth;
  float beta;                /* out = exp((x - max) * beta) / sum, all float */
} r50_softmax_f32_params;

void r50_softmax_f32_ref(const r50_softmax_f32_params *p, const float *in, float *out);

#endif

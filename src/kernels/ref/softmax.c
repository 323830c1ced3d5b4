#include "softmax.h"

#include <math.h>

#include "../fixedpoint.h"

static inline int clz32(uint32_t x) {
  int n = 0;
  if (x == 0) return 32;
  while (!(x & 0x80000000u)) {
    x <<= 1;
    n++;
  }
  return n;
}

enum { kScaledDiffIntegerBits = 5, kAccumulationIntegerBits = 12 };

/* exp of diff = x - max (<= 0, >= diff_min) in Q0.31 */
static int32_t exp_diff(const r50_softmax_s8_params *p, int32_t diff) {
  const int32_t d = r50_srdhm((int32_t)((uint32_t)diff << p->input_left_shift), p->input_multiplier);
  return r50_fp_exp_on_negative_values(d, kScaledDiffIntegerBits);
}

void r50_softmax_s8_table(const r50_softmax_s8_params *p, int32_t table[256]) {
  for (int32_t i = 0; i < 256; i++) table[i] = -i >= p->diff_min ? exp_diff(p, -i) : 0;
}

/* Both kernels: exp values from the table when there is one (an int8 row's
 * diffs lie in [-255, 0]), else computed per element. */
static void softmax_s8(const r50_softmax_s8_params *p, const int32_t *table, const int8_t *in,
                       int8_t *out) {
  const int32_t depth = p->depth;
  for (size_t r = 0; r < p->outer; r++) {
    const int8_t *x = in + r * (size_t)depth;
    int8_t *y = out + r * (size_t)depth;
    int32_t max = -128;
    for (int32_t c = 0; c < depth; c++)
      if (x[c] > max) max = x[c];
    int32_t sum = 0; /* Q12.19 */
    for (int32_t c = 0; c < depth; c++) {
      const int32_t diff = (int32_t)x[c] - max;
      if (diff >= p->diff_min) {
        const int32_t e = table ? table[-diff] : exp_diff(p, diff);
        sum = r50_fp_add(sum, r50_fp_rescale(e, 0, kAccumulationIntegerBits));
      }
    }
    /* GetReciprocal(sum, 12) */
    const int headroom_plus_one = clz32((uint32_t)sum);
    const int num_bits_over_unit = kAccumulationIntegerBits - headroom_plus_one;
    const uint32_t shifted = headroom_plus_one < 32 ? (uint32_t)sum << headroom_plus_one : 0u;
    const int32_t shifted_sum_minus_one = (int32_t)(shifted - 0x80000000u);
    const int32_t shifted_scale = r50_fp_one_over_one_plus_x(shifted_sum_minus_one);
    const int exponent = num_bits_over_unit + 31 - 8;
    for (int32_t c = 0; c < depth; c++) {
      const int32_t diff = (int32_t)x[c] - max;
      if (diff >= p->diff_min) {
        const int32_t e = table ? table[-diff] : exp_diff(p, diff);
        const int32_t prod = r50_fp_mul(shifted_scale, e);
        const int32_t unsat = exponent > 31 ? 0 : r50_rdbypot(prod, exponent < 0 ? 0 : exponent);
        y[c] = (int8_t)r50_clamp_i32(unsat - 128, -128, 127);
      } else {
        y[c] = -128;
      }
    }
  }
}

void r50_softmax_s8_ref(const r50_softmax_s8_params *p, const int8_t *in, int8_t *out) {
  softmax_s8(p, NULL, in, out);
}

void r50_softmax_s8_lut(const r50_softmax_s8_params *p, const int32_t *table, const int8_t *in,
                        int8_t *out) {
  softmax_s8(p, table, in, out);
}

void r50_softmax_f32_ref(const r50_softmax_f32_params *p, const float *in, float *out) {
  const int32_t depth = p->depth;
  for (size_t r = 0; r < p->outer; r++) {
    const float *x = in + r * (size_t)depth;
    float *y = out + r * (size_t)depth;
    float max = -3.40282347e+38f; /* numeric_limits<float>::lowest() */
    for (int32_t c = 0; c < depth; c++) max = max < x[c] ? x[c] : max; /* std::max */
    float sum = 0.0f;
    for (int32_t c = 0; c < depth; c++) {
      const float e = expf((x[c] - max) * p->beta);
      y[c] = e;
      sum += e;
    }
    for (int32_t c = 0; c < depth; c++) y[c] = y[c] / sum;
  }
}

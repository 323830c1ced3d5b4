/* Reference FULLY_CONNECTED: one contiguous dot product per (batch, unit). */
#include "fc.h"

#include <stddef.h>

#include "../quant.h"

void r50_fc_s8_ref(const r50_fc_params *p, const int8_t *input, const int8_t *weights,
                   const int32_t *bias, int8_t *output) {
  const int32_t n = p->in, in_off = p->q.input_offset;
  for (int32_t b = 0; b < p->batch; b++) {
    const int8_t *x = input + (size_t)b * n;
    int8_t *out = output + (size_t)b * p->out;
    for (int32_t o = 0; o < p->out; o++) {
      const int8_t *w = weights + (size_t)o * n;
      /* int32 accumulator wrapping modulo 2^32 as in TFLite, defined via uint32 */
      uint32_t acc = 0;
      for (int32_t i = 0; i < n; i++) acc += (uint32_t)((int32_t)w[i] * ((int32_t)x[i] + in_off));
      if (bias) acc += (uint32_t)bias[o];
      int32_t v = r50_mbqm((int32_t)acc, p->q.out_mult[o], p->q.out_shift[o]);
      out[o] = (int8_t)r50_clamp_i32(v + p->q.output_offset, p->q.act_min, p->q.act_max);
    }
  }
}

void r50_fc_f32_ref(const r50_fc_params *p, const float *input, const float *weights,
                    const float *bias, float *output) {
  const int32_t n = p->in;
  const float lo = p->act_min_f, hi = p->act_max_f;
  for (int32_t b = 0; b < p->batch; b++) {
    const float *x = input + (size_t)b * n;
    float *out = output + (size_t)b * p->out;
    for (int32_t o = 0; o < p->out; o++) {
      const float *w = weights + (size_t)o * n;
      float total = 0.0f;
      for (int32_t i = 0; i < n; i++) total += x[i] * w[i];
      float v = total + (bias ? bias[o] : 0.0f);
      v = v < lo ? lo : v;
      v = hi < v ? hi : v;
      out[o] = v;
    }
  }
}

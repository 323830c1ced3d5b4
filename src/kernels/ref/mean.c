/* Reference MEAN: one pass over the input in row-major order (TFLite's
 * Reduce order), accumulating into per-output sums, then the finishing step
 * of the TFLite algorithm selected in prepare. */
#include "mean.h"

#include "../quant.h"

/* Advance the row-major index idx over dims, keeping *o (output offset) in step. */
static inline void next_index(const r50_mean_params *p, int32_t *idx, size_t *o) {
  for (int32_t d = p->ndim - 1; d >= 0; d--) {
    *o += p->out_stride[d];
    if (++idx[d] < p->in_dims[d]) return;
    *o -= p->out_stride[d] * (size_t)p->in_dims[d];
    idx[d] = 0;
  }
}

void r50_mean_s8_finish(const r50_mean_params *p, const uint32_t *sum, int8_t *output) {
  const int32_t n = p->n_reduced;
  for (size_t i = 0; i < p->n_out; i++) {
    int32_t v;
    if (p->mode == R50_MEAN_S8_SAME) {
      v = (int32_t)sum[i] / n; /* mean of int8 values: stays in [-128, 127] */
    } else {
      /* static_cast<int32>(temp_sum - input_zp * (int64)n): wraps modulo 2^32 */
      const int32_t shifted = (int32_t)(sum[i] - (uint32_t)p->input_zp * (uint32_t)n);
      v = r50_clamp_i32(r50_mbqm(shifted, p->mult, p->shift) + p->output_zp, -128, 127);
    }
    output[i] = (int8_t)v;
  }
}

void r50_mean_s8_ref(const r50_mean_params *p, const int8_t *input, int8_t *output, void *scratch) {
  /* TFLite sums in int32 (wrapping); uint32 gives the same bits in defined C */
  uint32_t *sum = (uint32_t *)scratch;
  for (size_t i = 0; i < p->n_out; i++) sum[i] = 0;
  int32_t idx[R50_MEAN_MAX_DIMS] = {0};
  size_t o = 0;
  for (size_t i = 0; i < p->n_in; i++) {
    sum[o] += (uint32_t)(int32_t)input[i];
    next_index(p, idx, &o);
  }
  r50_mean_s8_finish(p, sum, output);
}

void r50_mean_f32_ref(const r50_mean_params *p, const float *input, float *output) {
  for (size_t i = 0; i < p->n_out; i++) output[i] = 0.0f;
  int32_t idx[R50_MEAN_MAX_DIMS] = {0};
  size_t o = 0;
  for (size_t i = 0; i < p->n_in; i++) {
    output[o] += input[i];
    next_index(p, idx, &o);
  }
  const float n = (float)p->n_reduced;
  for (size_t i = 0; i < p->n_out; i++) output[i] = output[i] / n;
}

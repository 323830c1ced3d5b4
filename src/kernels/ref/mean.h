/* Reference MEAN (reduce mean over a set of axes), int8 and float32,
 * bit-exact with TFLite Micro (micro/kernels/reduce_common.cc EvalMeanHelper).
 *
 * TFLite Micro (reduce_common.cc EvalIntegerMean, current version) picks one
 * of two int8 algorithms; prepare decides which and stores it in `mode`:
 *  R50_MEAN_S8_SAME: in/out zero points equal and float scales equal ->
 *    reference_ops::Mean: sum(x) / n with C (truncating) division.
 *  R50_MEAN_S8_REQUANT: otherwise -> reference_ops::QuantizedMeanOrSum
 *    (compute_sum=false): int32(sum(x) - in_zp * n), then mbqm with the
 *    multiplier adapted to include 1/n (see op_mean.c), + out_zp, clamp.
 * (Older TFLM versions special-cased keep_dims 4-D means over axes {1,2} with
 * reference_integer_ops::Mean and computed QuantizedMeanOrSum in float; the
 * shared golden layer dumps - ResNet50V2 keep_dims=false and MobileNetV2
 * keep_dims=true - match the current algorithm above byte for byte.)
 * Float: sums accumulated in input row-major order, then divided by (float)n.
 *
 * Shapes: input dense row-major with dims in_dims[0..ndim); each input element
 * i with index (i_0..i_ndim-1) adds into output element sum_d i_d * out_stride[d],
 * where out_stride[d] is 0 for reduced dims (so keep_dims does not matter here).
 * The output must not alias the input (float accumulates in the output).
 */
#ifndef R50_KERNELS_REF_MEAN_H
#define R50_KERNELS_REF_MEAN_H

#include <stddef.h>
#include <stdint.h>

#define R50_MEAN_MAX_DIMS 6

enum { R50_MEAN_S8_SAME = 1, R50_MEAN_S8_REQUANT = 2 };

typedef struct {
  int32_t ndim;                             /* 1..R50_MEAN_MAX_DIMS */
  int32_t in_dims[R50_MEAN_MAX_DIMS];       /* all >= 1 */
  size_t out_stride[R50_MEAN_MAX_DIMS];     /* 0 for reduced dims */
  size_t n_in;                              /* input elements */
  size_t n_out;                             /* output elements */
  int32_t n_reduced;                        /* elements averaged into each output, >= 1 */
  /* int8 only */
  int32_t mode;                             /* R50_MEAN_S8_* */
  int32_t input_zp, output_zp;
  int32_t mult, shift;                      /* REQUANT: in/out multiplier adapted to 1/n */
} r50_mean_params;

/* int8 scratch: one int32 per output element. */
static inline size_t r50_mean_s8_scratch_bytes(const r50_mean_params *p) { return p->n_out * 4; }

void r50_mean_s8_ref(const r50_mean_params *p, const int8_t *input, int8_t *output, void *scratch);
/* The int8 finishing step (mode SAME or REQUANT) from the int32 sums (as
 * uint32, wrapped modulo 2^32) of each output; shared with the SIMD kernels. */
void r50_mean_s8_finish(const r50_mean_params *p, const uint32_t *sum, int8_t *output);
/* Float needs no scratch: like TFLite it accumulates in the output buffer. */
void r50_mean_f32_ref(const r50_mean_params *p, const float *input, float *output);

#endif

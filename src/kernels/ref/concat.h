/* Reference CONCATENATION along any axis, any element type (byte copy), as
 * TFLite Micro's reference_ops::Concatenation: for each of `outer` rows
 * (product of the dims before the axis), input i contributes in_row_bytes[i]
 * contiguous bytes (its dims from the axis on, times the element size).
 * TFLM's int8 path is this same raw copy (no requantization).
 * Not in-place: the output must not overlap any input. */
#ifndef R50_KERNELS_REF_CONCAT_H
#define R50_KERNELS_REF_CONCAT_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  size_t outer;               /* product of output dims before the axis */
  int32_t n_inputs;
  size_t out_row_bytes;       /* sum of in_row_bytes */
  const size_t *in_row_bytes; /* [n_inputs] */
} r50_concat_params;

void r50_concat_ref(const r50_concat_params *p, const void *const *in, void *out);

#endif

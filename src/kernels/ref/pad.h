/* Reference PAD / PADV2 (constant padding), any element type by size,
 * bit-exact with TFLite's reference_ops::Pad (a pure copy: no arithmetic).
 *
 * Shapes: input dense row-major in_dims[0..ndim), output out_dims[0..ndim)
 * with out_dims[d] = left[d] + in_dims[d] + right[d]; output element at index
 * (j_d) is input (j_d - left[d]) when that is inside the input for every d,
 * else the pad value. The output must not alias the input. */
#ifndef R50_KERNELS_REF_PAD_H
#define R50_KERNELS_REF_PAD_H

#include <stddef.h>
#include <stdint.h>

#define R50_PAD_MAX_DIMS 5 /* TFLite's PadKernelMaxDimensionCount() */

typedef struct {
  int32_t ndim;                       /* 1..R50_PAD_MAX_DIMS */
  int32_t in_dims[R50_PAD_MAX_DIMS];
  int32_t out_dims[R50_PAD_MAX_DIMS];
  int32_t left[R50_PAD_MAX_DIMS];     /* >= 0 (right = out - in - left >= 0) */
  int32_t elem_size;                  /* bytes per element: 1 (int8), 4 (float32, int32) */
} r50_pad_params;

/* pad_value points to one element of the tensor type (int8: the output zero
 * point for PAD, the constant_values scalar for PADV2; float: 0.0f or it). */
void r50_pad_ref(const r50_pad_params *p, const void *input, const void *pad_value, void *output);

#endif

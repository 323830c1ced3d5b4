/* Reference elementwise binary kernels (ADD, SUB, MUL), int8 and float32,
 * with NumPy-style broadcasting up to R50_BCAST_MAX_DIMS dims, bit-exact with
 * TFLite Micro's reference kernels (integer_ops/add.h, reference/sub.h,
 * integer_ops/mul.h, reference/add.h / mul.h for float).
 *
 * Broadcasting is described by r50_bcast (built once in prepare by
 * r50_bcast_init): the output shape, compressed (size-1 dims dropped, adjacent
 * dims merged where both inputs allow it) and, for each compressed dim, the
 * element stride of each input (0 = broadcast along that dim). The innermost
 * dim always has stride 0 or 1 for each input, so the common cases
 * (same shape; a per-channel vector [C] / [1,1,1,C] over NHWC; a scalar)
 * become one tight inner loop.
 *
 * In-place: every kernel may be called with `out` equal to `in1` when input 1
 * has the output's shape (each output element is written after its own
 * inputs are read, in increasing index order). Aliasing a broadcast input, or
 * partial overlap, is not allowed.
 */
#ifndef R50_KERNELS_REF_ELTWISE_H
#define R50_KERNELS_REF_ELTWISE_H

#include <stddef.h>
#include <stdint.h>

#define R50_BCAST_MAX_DIMS 6

typedef struct {
  int32_t ndim;                        /* 1..R50_BCAST_MAX_DIMS compressed dims */
  int32_t dims[R50_BCAST_MAX_DIMS];    /* compressed output extents, row-major, each >= 1 */
  int64_t stride1[R50_BCAST_MAX_DIMS]; /* element stride of input 1 for each dim (0 = broadcast) */
  int64_t stride2[R50_BCAST_MAX_DIMS]; /* same for input 2 */
  size_t n_out;                        /* output elements (0 means: nothing to do) */
} r50_bcast;

/* Broadcast shape of (nd1,d1) and (nd2,d2) into out_dims / *out_ndim (max
 * rank), NumPy rules. Returns 0 if the shapes are incompatible. */
int r50_bcast_shape(int32_t nd1, const int32_t *d1, int32_t nd2, const int32_t *d2,
                    int32_t *out_ndim, int32_t *out_dims);

/* Fill b for inputs of shape (nd1,d1) and (nd2,d2), both <= 6 dims and
 * broadcast-compatible (checked by r50_bcast_shape first). */
void r50_bcast_init(r50_bcast *b, int32_t nd1, const int32_t *d1, int32_t nd2, const int32_t *d2);

/* Walking a broadcast run by run (the SIMD kernels split it across threads):
 * outer run k covers output elements [k * inner, (k + 1) * inner), inner =
 * dims[ndim - 1]; idx holds its index in the outer dims and o1/o2 the element
 * offsets of the inputs. r50_bcast_seek positions at run k; r50_bcast_next
 * moves to run k + 1. */
static inline void r50_bcast_seek(const r50_bcast *b, size_t k, int32_t *idx, int64_t *o1,
                                  int64_t *o2) {
  *o1 = *o2 = 0;
  for (int32_t d = b->ndim - 2; d >= 0; d--) {
    idx[d] = (int32_t)(k % (size_t)b->dims[d]);
    k /= (size_t)b->dims[d];
    *o1 += idx[d] * b->stride1[d];
    *o2 += idx[d] * b->stride2[d];
  }
}

static inline void r50_bcast_next(const r50_bcast *b, int32_t *idx, int64_t *o1, int64_t *o2) {
  for (int32_t d = b->ndim - 2; d >= 0; d--) {
    *o1 += b->stride1[d];
    *o2 += b->stride2[d];
    if (++idx[d] < b->dims[d]) return;
    *o1 -= b->stride1[d] * b->dims[d];
    *o2 -= b->stride2[d] * b->dims[d];
    idx[d] = 0;
  }
}

/* int8 ADD / SUB (TFLite's 8-bit general rescaling path):
 *   a = (x1 + in1_offset) << left_shift, b = (x2 + in2_offset) << left_shift
 *   a' = MBQMSmallerThanOneExp(a, in1_mult, in1_shift), b' likewise
 *   r  = MBQMSmallerThanOneExp(a' +/- b', out_mult, out_shift) + out_offset
 *   out = clamp(r, act_min, act_max)
 * all shifts <= 0 (right shifts). */
typedef struct {
  r50_bcast bc;
  int32_t in1_offset, in2_offset; /* -zero_point of the inputs */
  int32_t out_offset;             /* +zero_point of the output */
  int32_t left_shift;             /* 20 for int8 */
  int32_t in1_mult, in1_shift;
  int32_t in2_mult, in2_shift;
  int32_t out_mult, out_shift;
  int32_t act_min, act_max;       /* quantized fused-activation range */
} r50_addsub_s8_params;

void r50_add_s8_ref(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out);
void r50_sub_s8_ref(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out);

/* int8 MUL: out = clamp(out_offset + MBQM((x1+in1_offset)*(x2+in2_offset), mult, shift), min, max) */
typedef struct {
  r50_bcast bc;
  int32_t in1_offset, in2_offset, out_offset;
  int32_t out_mult, out_shift;
  int32_t act_min, act_max;
} r50_mul_s8_params;

void r50_mul_s8_ref(const r50_mul_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out);

/* float32: out = min(max(x1 op x2, act_min), act_max) (NaN propagates) */
typedef struct {
  r50_bcast bc;
  float act_min, act_max;
} r50_binary_f32_params;

void r50_add_f32_ref(const r50_binary_f32_params *p, const float *in1, const float *in2, float *out);
void r50_sub_f32_ref(const r50_binary_f32_params *p, const float *in1, const float *in2, float *out);
void r50_mul_f32_ref(const r50_binary_f32_params *p, const float *in1, const float *in2, float *out);

#endif

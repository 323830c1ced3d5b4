#include "eltwise.h"

#include "../quant.h"

int r50_bcast_shape(int32_t nd1, const int32_t *d1, int32_t nd2, const int32_t *d2,
                    int32_t *out_ndim, int32_t *out_dims) {
  const int32_t nd = nd1 > nd2 ? nd1 : nd2;
  for (int32_t i = 0; i < nd; i++) {
    const int32_t j1 = i - (nd - nd1), j2 = i - (nd - nd2);
    const int32_t a = j1 >= 0 ? d1[j1] : 1, b = j2 >= 0 ? d2[j2] : 1;
    if (a == b || b == 1) out_dims[i] = a;
    else if (a == 1) out_dims[i] = b;
    else return 0;
  }
  *out_ndim = nd;
  return 1;
}

void r50_bcast_init(r50_bcast *b, int32_t nd1, const int32_t *d1, int32_t nd2, const int32_t *d2) {
  const int32_t nd = nd1 > nd2 ? nd1 : nd2;
  int32_t e1[R50_BCAST_MAX_DIMS], e2[R50_BCAST_MAX_DIMS], o[R50_BCAST_MAX_DIMS];
  int64_t s1[R50_BCAST_MAX_DIMS], s2[R50_BCAST_MAX_DIMS];
  for (int32_t i = 0; i < nd; i++) {
    const int32_t j1 = i - (nd - nd1), j2 = i - (nd - nd2);
    e1[i] = j1 >= 0 ? d1[j1] : 1;
    e2[i] = j2 >= 0 ? d2[j2] : 1;
    o[i] = e1[i] == 1 ? e2[i] : e1[i];
  }
  int64_t c1 = 1, c2 = 1;
  size_t n = 1;
  for (int32_t i = nd - 1; i >= 0; i--) {
    s1[i] = e1[i] == 1 ? 0 : c1;
    s2[i] = e2[i] == 1 ? 0 : c2;
    c1 *= e1[i];
    c2 *= e2[i];
    n *= (size_t)o[i];
  }
  /* compress: drop extent-1 dims, merge a dim into the previous kept one when
   * both inputs walk them as one (stride_outer == stride_inner * extent_inner) */
  int32_t k = 0;
  for (int32_t i = 0; i < nd; i++) {
    if (o[i] == 1) continue;
    if (k > 0 && b->stride1[k - 1] == s1[i] * o[i] && b->stride2[k - 1] == s2[i] * o[i]) {
      b->dims[k - 1] *= o[i];
      b->stride1[k - 1] = s1[i];
      b->stride2[k - 1] = s2[i];
      continue;
    }
    b->dims[k] = o[i];
    b->stride1[k] = s1[i];
    b->stride2[k] = s2[i];
    k++;
  }
  if (k == 0) {
    b->dims[0] = 1;
    b->stride1[0] = 0;
    b->stride2[0] = 0;
    k = 1;
  }
  for (int32_t i = k; i < R50_BCAST_MAX_DIMS; i++) {
    b->dims[i] = 1;
    b->stride1[i] = b->stride2[i] = 0;
  }
  b->ndim = k;
  b->n_out = n;
}

/* Walk the broadcast: for each run of the innermost dim, call the inner loop
 * with the three cases (both contiguous, input 2 constant, input 1 constant,
 * both constant). ELEM(x, y) computes one output element from two inputs. */
#define R50_BCAST_WALK(T_IN, T_OUT, bc, in1, in2, out, ELEM)                          \
  do {                                                                               \
    const r50_bcast *b_ = (bc);                                                      \
    if (b_->n_out == 0) break;                                                       \
    const int32_t nd_ = b_->ndim;                                                    \
    const size_t inner_ = (size_t)b_->dims[nd_ - 1];                                 \
    const int64_t is1_ = b_->stride1[nd_ - 1], is2_ = b_->stride2[nd_ - 1];          \
    const size_t outer_ = b_->n_out / inner_;                                        \
    int32_t idx_[R50_BCAST_MAX_DIMS] = {0};                                          \
    int64_t o1_ = 0, o2_ = 0;                                                        \
    for (size_t k_ = 0; k_ < outer_; k_++) {                                         \
      const T_IN *a_ = (in1) + o1_;                                                  \
      const T_IN *c_ = (in2) + o2_;                                                  \
      T_OUT *d_ = (out) + k_ * inner_;                                               \
      if (is1_ && is2_) {                                                            \
        for (size_t i_ = 0; i_ < inner_; i_++) d_[i_] = ELEM(a_[i_], c_[i_]);        \
      } else if (is1_) {                                                             \
        const T_IN cv_ = c_[0];                                                      \
        for (size_t i_ = 0; i_ < inner_; i_++) d_[i_] = ELEM(a_[i_], cv_);           \
      } else if (is2_) {                                                             \
        const T_IN av_ = a_[0];                                                      \
        for (size_t i_ = 0; i_ < inner_; i_++) d_[i_] = ELEM(av_, c_[i_]);           \
      } else {                                                                       \
        const T_IN av_ = a_[0], cv_ = c_[0];                                         \
        for (size_t i_ = 0; i_ < inner_; i_++) d_[i_] = ELEM(av_, cv_);              \
      }                                                                              \
      for (int32_t d2_ = nd_ - 2; d2_ >= 0; d2_--) {                                 \
        o1_ += b_->stride1[d2_];                                                     \
        o2_ += b_->stride2[d2_];                                                     \
        if (++idx_[d2_] < b_->dims[d2_]) break;                                      \
        o1_ -= b_->stride1[d2_] * b_->dims[d2_];                                     \
        o2_ -= b_->stride2[d2_] * b_->dims[d2_];                                     \
        idx_[d2_] = 0;                                                               \
      }                                                                              \
    }                                                                                \
  } while (0)

/* MultiplyByQuantizedMultiplierSmallerThanOneExp (shift <= 0) */
static inline int32_t mbqm_lt1(int32_t x, int32_t mult, int32_t shift) {
  return r50_rdbypot(r50_srdhm(x, mult), -shift);
}

static inline int8_t addsub_s8(const r50_addsub_s8_params *p, int32_t x1, int32_t x2, int sub) {
  const int32_t a = (int32_t)((uint32_t)(x1 + p->in1_offset) << p->left_shift);
  const int32_t b = (int32_t)((uint32_t)(x2 + p->in2_offset) << p->left_shift);
  const int32_t sa = mbqm_lt1(a, p->in1_mult, p->in1_shift);
  const int32_t sb = mbqm_lt1(b, p->in2_mult, p->in2_shift);
  const int32_t raw = sub ? sa - sb : sa + sb;
  const int32_t r = mbqm_lt1(raw, p->out_mult, p->out_shift) + p->out_offset;
  return (int8_t)r50_clamp_i32(r, p->act_min, p->act_max);
}

void r50_add_s8_ref(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out) {
#define ELEM_ADD_S8(x, y) addsub_s8(p, (x), (y), 0)
  R50_BCAST_WALK(int8_t, int8_t, &p->bc, in1, in2, out, ELEM_ADD_S8);
#undef ELEM_ADD_S8
}

void r50_sub_s8_ref(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out) {
#define ELEM_SUB_S8(x, y) addsub_s8(p, (x), (y), 1)
  R50_BCAST_WALK(int8_t, int8_t, &p->bc, in1, in2, out, ELEM_SUB_S8);
#undef ELEM_SUB_S8
}

static inline int8_t mul_s8(const r50_mul_s8_params *p, int32_t x1, int32_t x2) {
  const int32_t prod = (x1 + p->in1_offset) * (x2 + p->in2_offset);
  const int32_t r = p->out_offset + r50_mbqm(prod, p->out_mult, p->out_shift);
  return (int8_t)r50_clamp_i32(r, p->act_min, p->act_max);
}

void r50_mul_s8_ref(const r50_mul_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out) {
#define ELEM_MUL_S8(x, y) mul_s8(p, (x), (y))
  R50_BCAST_WALK(int8_t, int8_t, &p->bc, in1, in2, out, ELEM_MUL_S8);
#undef ELEM_MUL_S8
}

/* TFLite ActivationFunctionWithMinMax: std::min(std::max(x, lo), hi) */
static inline float act_f32(float x, float lo, float hi) {
  const float m = x < lo ? lo : x;
  return hi < m ? hi : m;
}

void r50_add_f32_ref(const r50_binary_f32_params *p, const float *in1, const float *in2, float *out) {
  const float lo = p->act_min, hi = p->act_max;
#define ELEM_ADD_F32(x, y) act_f32((x) + (y), lo, hi)
  R50_BCAST_WALK(float, float, &p->bc, in1, in2, out, ELEM_ADD_F32);
#undef ELEM_ADD_F32
}

void r50_sub_f32_ref(const r50_binary_f32_params *p, const float *in1, const float *in2, float *out) {
  const float lo = p->act_min, hi = p->act_max;
#define ELEM_SUB_F32(x, y) act_f32((x) - (y), lo, hi)
  R50_BCAST_WALK(float, float, &p->bc, in1, in2, out, ELEM_SUB_F32);
#undef ELEM_SUB_F32
}

void r50_mul_f32_ref(const r50_binary_f32_params *p, const float *in1, const float *in2, float *out) {
  const float lo = p->act_min, hi = p->act_max;
#define ELEM_MUL_F32(x, y) act_f32((x) * (y), lo, hi)
  R50_BCAST_WALK(float, float, &p->bc, in1, in2, out, ELEM_MUL_F32);
#undef ELEM_MUL_F32
}

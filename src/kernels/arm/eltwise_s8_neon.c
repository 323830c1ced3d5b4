/* int8 ADD / SUB / MUL with NEON (8 lanes as two int32x4), bit-exact with
 * the reference kernels (see eltwise_s8_arm.h). AArch64 and Armv7-A NEON. */
#if defined(__ARM_NEON) && (defined(__aarch64__) || defined(__arm__))
#include <arm_neon.h>
#include <string.h>

#include "../../runtime/parallel.h"
#include "eltwise_s8_arm.h"

/* r50_rdbypot(r50_srdhm(x, mult), -rshn), rshn <= 0 (see conv_s8_arm.h) */
static inline int32x4_t mbqm(int32x4_t x, int32x4_t mult, int32x4_t rshn) {
  const int32x4_t h = vqrdmulhq_s32(x, mult);
  const int32x4_t fix = vshrq_n_s32(vandq_s32(h, rshn), 31);
  return vrshlq_s32(vqaddq_s32(h, fix), rshn);
}

typedef struct {
  int kind; /* 0 add, 1 sub, 2 mul */
  int32x4_t off1, off2, off_out, lo, hi;
  int32x4_t lsh, m1, r1, m2, r2, mo, ro; /* add/sub: lsh = left_shift; mul: lsh = max(shift, 0) */
} vparams;

static inline int32x4_t elem4(const vparams *v, int32x4_t x1, int32x4_t x2) {
  int32x4_t r;
  if (v->kind == 2) {
    const int32x4_t prod = vmulq_s32(vaddq_s32(x1, v->off1), vaddq_s32(x2, v->off2));
    r = mbqm(vshlq_s32(prod, v->lsh), v->mo, v->ro);
  } else {
    const int32x4_t a = vshlq_s32(vaddq_s32(x1, v->off1), v->lsh);
    const int32x4_t b = vshlq_s32(vaddq_s32(x2, v->off2), v->lsh);
    const int32x4_t sa = mbqm(a, v->m1, v->r1), sb = mbqm(b, v->m2, v->r2);
    r = mbqm(v->kind == 1 ? vsubq_s32(sa, sb) : vaddq_s32(sa, sb), v->mo, v->ro);
  }
  r = vaddq_s32(r, v->off_out);
  return vminq_s32(vmaxq_s32(r, v->lo), v->hi);
}

static inline int8x8_t elem8(const vparams *v, int8x8_t a, int8x8_t b) {
  const int16x8_t a16 = vmovl_s8(a), b16 = vmovl_s8(b);
  const int32x4_t l = elem4(v, vmovl_s16(vget_low_s16(a16)), vmovl_s16(vget_low_s16(b16)));
  const int32x4_t h = elem4(v, vmovl_s16(vget_high_s16(a16)), vmovl_s16(vget_high_s16(b16)));
  return vqmovn_s16(vcombine_s16(vqmovn_s32(l), vqmovn_s32(h)));
}

static void walk(const vparams *v, const r50_bcast *b, const int8_t *in1, const int8_t *in2,
                 int8_t *out, size_t k0, size_t k1, size_t i0, size_t i1) {
  const int32_t nd = b->ndim;
  const size_t inner = (size_t)b->dims[nd - 1];
  const int64_t is1 = b->stride1[nd - 1], is2 = b->stride2[nd - 1];
  int32_t idx[R50_BCAST_MAX_DIMS] = {0};
  int64_t o1, o2;
  r50_bcast_seek(b, k0, idx, &o1, &o2);
  for (size_t k = k0; k < k1; k++) {
    const int8_t *a = in1 + o1, *c = in2 + o2;
    int8_t *d = out + k * inner;
    size_t i = i0;
    const int8x8_t a1 = vdup_n_s8(a[0]), c1 = vdup_n_s8(c[0]);
    for (; i + 8 <= i1; i += 8)
      vst1_s8(d + i, elem8(v, is1 ? vld1_s8(a + i) : a1, is2 ? vld1_s8(c + i) : c1));
    if (i < i1) {
      int8_t t1[8] = {0}, t2[8] = {0}, t3[8];
      const size_t n = i1 - i;
      memcpy(t1, is1 ? a + i : a, is1 ? n : 1);
      memcpy(t2, is2 ? c + i : c, is2 ? n : 1);
      vst1_s8(t3, elem8(v, is1 ? vld1_s8(t1) : a1, is2 ? vld1_s8(t2) : c1));
      memcpy(d + i, t3, n);
    }
    r50_bcast_next(b, idx, &o1, &o2);
  }
}

#include "../eltwise_split_impl.h"

static void addsub(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2,
                   int8_t *out, int kind, const r50_parallel *par) {
  vparams v;
  v.kind = kind;
  v.off1 = vdupq_n_s32(p->in1_offset);
  v.off2 = vdupq_n_s32(p->in2_offset);
  v.off_out = vdupq_n_s32(p->out_offset);
  v.lo = vdupq_n_s32(p->act_min);
  v.hi = vdupq_n_s32(p->act_max);
  v.lsh = vdupq_n_s32(p->left_shift);
  v.m1 = vdupq_n_s32(p->in1_mult);
  v.r1 = vdupq_n_s32(p->in1_shift); /* <= 0 (prepare: QuantizeMultiplierSmallerThanOneExp) */
  v.m2 = vdupq_n_s32(p->in2_mult);
  v.r2 = vdupq_n_s32(p->in2_shift);
  v.mo = vdupq_n_s32(p->out_mult);
  v.ro = vdupq_n_s32(p->out_shift);
  run(&v, &p->bc, in1, in2, out, par);
}

void r50_add_s8__neon(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2,
                      int8_t *out, const r50_parallel *par) {
  addsub(p, in1, in2, out, 0, par);
}

void r50_sub_s8__neon(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2,
                      int8_t *out, const r50_parallel *par) {
  addsub(p, in1, in2, out, 1, par);
}

void r50_mul_s8__neon(const r50_mul_s8_params *p, const int8_t *in1, const int8_t *in2,
                      int8_t *out, const r50_parallel *par) {
  vparams v;
  v.kind = 2;
  v.off1 = vdupq_n_s32(p->in1_offset);
  v.off2 = vdupq_n_s32(p->in2_offset);
  v.off_out = vdupq_n_s32(p->out_offset);
  v.lo = vdupq_n_s32(p->act_min);
  v.hi = vdupq_n_s32(p->act_max);
  v.mo = vdupq_n_s32(p->out_mult);
  v.lsh = vdupq_n_s32(p->out_shift > 0 ? p->out_shift : 0);
  v.ro = vdupq_n_s32(p->out_shift > 0 ? 0 : p->out_shift);
  v.m1 = v.r1 = v.m2 = v.r2 = vdupq_n_s32(0);
  run(&v, &p->bc, in1, in2, out, par);
}

#else
typedef int r50_eltwise_s8_neon_unused;
#endif

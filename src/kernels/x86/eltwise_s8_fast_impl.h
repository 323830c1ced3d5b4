/* Fast path of the x86 int8 ADD / SUB / MUL kernels, shared by the AVX2 and
 * AVX-512 files (each includes it once, compiled with its own flags).
 *
 * Bit-exact with the reference by construction:
 *  - ADD/SUB input rescale in exact 32-bit arithmetic (../eltwise_s8_fixed.h:
 *    two VPMULLD, one shift, the [x < -offset] correction; the constants D go
 *    into the output multiplier's 64-bit nudge as (D1 +/- D2) * mo when both
 *    inputs vary, else into the precomputed other operand);
 *  - output MultiplyByQuantizedMultiplier with 64-bit products (v_srdhm), its
 *    RoundingDivideByPOT and the output offset in the additive form
 *    (h + 2^(r-1) + out_offset * 2^r + (h >> 31)) >> r when a bound on |h|
 *    computed from the parameters rules out overflow (fast_out), else the
 *    reference's mask / threshold form;
 *  - results saturated to int8 by VPACKSS* then clamped to [act_min, act_max]
 *    (within int8), equal to the reference's int32 clamp.
 * Speed: parameters become register constants once per call (copied to locals:
 * stores through int8_t * may alias anything reached through a pointer, which
 * made the compiler reload them every iteration); 4 vectors per iteration
 * share one pack + store; a per-channel constant input (ResNet's folded batch
 * norm) is rescaled once per call; the loops are instantiated for each
 * combination of the few flags (input variant, SUB, rounding form) instead of
 * testing them per element.
 *
 * The including file defines: V (vector of VW int32 lanes), VW, gparams and
 * walk_generic() (its general path, used when a precondition fails), and
 *   V_SET1(x) V_ADD V_SUB V_MULLO V_SRA(v, __m128i) V_SLL(v, __m128i) V_SRAI31(v)
 *   V_LD8(p): VW int8 -> int32   V_LD32(p) / V_ST32(p, v): VW int32
 *   V v_srdhm(V x, V mo, V nudge): floor((x * mo + nudge) / 2^31) per lane, nudge
 *     64-bit (no saturation)
 *   V_SET64(x): the 64-bit constant x in every 64-bit lane
 *   V v_rnd_any(V h, V mask, V thr, __m128i r): RoundingDivideByPOT, any h
 *   V v_negsub(V u, V x, V negoff, V twos): u - (x < negoff ? twos : 0) per lane
 *   void v_store4(int8_t *d, const V r[4], V lo8, V hi8): 4*VW int8 results */
#ifndef R50_KERNELS_X86_ELTWISE_S8_FAST_IMPL_H
#define R50_KERNELS_X86_ELTWISE_S8_FAST_IMPL_H

#include <string.h>

#include "../eltwise_s8_fixed.h"

#define AI static inline __attribute__((always_inline))
#define NOINL static __attribute__((noinline))
#define BLK (4 * VW)
#ifndef PRE_MAX
#define PRE_MAX 4096
#endif

typedef struct { /* one ADD/SUB input (r50_addin_fixed) */
  V mh, ml, e, negoff, twos;
  __m128i q;
} vin;

typedef struct { /* output stage */
  V mo, mask, thr, half, off, lo8, hi8;
  V nud, nud_vv; /* 2^30; for ADD/SUB with both inputs varying 2^30 + (D1 +/- D2) * mo */
  __m128i r, lsh;
} vout;

typedef struct {
  int kind;                /* 0 add, 1 sub, 2 mul */
  int fast;                /* the fast path applies */
  int orn;                 /* output rounding in the additive form */
  gparams g;               /* general path */
  r50_addin_fixed q1, q2;  /* add/sub inputs */
  int32_t off1, off2;      /* mul input offsets */
  int32_t mo, lsh, ro, out_off, lo, hi;
} vparams;

/* Output stage and clamp preconditions; bound: max |value entering the
 * output multiplier| (0: unknown) for the additive rounding. */
static int fast_out(vparams *v, int32_t out_mult, int32_t lsh, int32_t ro, int32_t out_offset,
                    int32_t act_min, int32_t act_max, int64_t bound) {
  v->mo = out_mult;
  v->lsh = lsh;
  v->ro = ro;
  v->out_off = out_offset;
  v->lo = act_min;
  v->hi = act_max;
  if (out_mult == INT32_MIN || lsh < 0 || lsh > 31 || ro < 0 || ro > 31 || act_min < -128 ||
      act_min > act_max || act_max > 127)
    return 0;
  /* |h| <= bound * |mo| / 2^31 + 1; h + 2^(ro-1) + out_offset * 2^ro (the
   * offset added before the shift: exact, it is a multiple of 2^ro) must stay
   * inside int32 */
  const int64_t am = out_mult < 0 ? -(int64_t)out_mult : out_mult;
  const int64_t aoff = out_offset < 0 ? -(int64_t)out_offset : out_offset;
  v->orn = ro >= 1 && bound > 0 && bound < (1LL << 31) && aoff < 256 &&
           ((bound * am) >> 31) + 2 + (1LL << (ro - 1)) + (aoff << ro) < (1LL << 31);
  return 1;
}

/* max |s| of one ADD input (|t| * 2^L * |m| / 2^31, plus rounding) */
static int64_t addin_bound(const r50_addin_fixed *q, int32_t left_shift, int32_t mult) {
  const int64_t t = 128 + (q->off < 0 ? -(int64_t)q->off : q->off);
  const int64_t am = mult < 0 ? -(int64_t)mult : mult;
  return (((t << left_shift) * am) >> 31) + 2;
}

static void fast_setup_addsub(vparams *w, const r50_addsub_s8_params *p, int kind) {
  w->kind = kind;
  w->fast = r50_addin_fixed_init(&w->q1, p->in1_offset, p->in1_mult, p->in1_shift, p->left_shift) &&
            r50_addin_fixed_init(&w->q2, p->in2_offset, p->in2_mult, p->in2_shift, p->left_shift);
  if (!w->fast) return;
  const int64_t bound = addin_bound(&w->q1, p->left_shift, p->in1_mult) +
                        addin_bound(&w->q2, p->left_shift, p->in2_mult);
  w->fast = fast_out(w, p->out_mult, 0, -p->out_shift, p->out_offset, p->act_min, p->act_max, bound);
}

static void fast_setup_mul(vparams *w, const r50_mul_s8_params *p) {
  w->kind = 2;
  w->off1 = p->in1_offset;
  w->off2 = p->in2_offset;
  const int32_t lsh = p->out_shift > 0 ? p->out_shift : 0;
  const int64_t t1 = 128 + (p->in1_offset < 0 ? -(int64_t)p->in1_offset : p->in1_offset);
  const int64_t t2 = 128 + (p->in2_offset < 0 ? -(int64_t)p->in2_offset : p->in2_offset);
  /* the product must not wrap in 32 bits (nor be shifted out) for the bound to hold */
  const int64_t bound = t1 < (1 << 16) && t2 < (1 << 16) && lsh < 31 && ((t1 * t2) << lsh) < (1LL << 31)
                            ? (t1 * t2) << lsh
                            : 0;
  w->fast = fast_out(w, p->out_mult, lsh, p->out_shift > 0 ? 0 : -p->out_shift, p->out_offset,
                     p->act_min, p->act_max, bound);
}

AI vin vin_make(const r50_addin_fixed *q) {
  vin c;
  c.mh = V_SET1(q->mh);
  c.ml = V_SET1(q->ml);
  c.e = V_SET1(q->e);
  c.negoff = V_SET1(-q->off);
  c.twos = V_SET1(1 << q->s);
  c.q = _mm_cvtsi32_si128(q->q);
  return c;
}

AI vout vout_make(const vparams *v) {
  vout o;
  const int32_t mask = (int32_t)((1LL << v->ro) - 1);
  o.mo = V_SET1(v->mo);
  o.mask = V_SET1(mask);
  o.thr = V_SET1(mask >> 1);
  o.half = V_SET1(v->orn ? (int32_t)((1LL << (v->ro - 1)) + (int64_t)v->out_off * (1LL << v->ro)) : 0);
  o.off = V_SET1(v->out_off);
  o.lo8 = V_SET1((int32_t)(0x01010101u * (uint8_t)(int8_t)v->lo));
  o.hi8 = V_SET1((int32_t)(0x01010101u * (uint8_t)(int8_t)v->hi));
  o.r = _mm_cvtsi32_si128(v->ro);
  o.lsh = _mm_cvtsi32_si128(v->lsh);
  o.nud = V_SET64(1LL << 30);
  const int64_t dsum = v->kind == 2 ? 0 : v->kind == 1 ? (int64_t)v->q1.d - v->q2.d : (int64_t)v->q1.d + v->q2.d;
  o.nud_vv = V_SET64((1LL << 30) + dsum * v->mo);
  return o;
}

/* r50_addin_fixed_eval without D on VW lanes; var is a compile-time constant */
AI V in_scale(const vin *c, int var, V x) {
  const V h = V_MULLO(x, c->mh);
  if (var == R50_ADDIN_PURE) return h;
  return V_ADD(h, V_SRA(v_negsub(V_ADD(V_MULLO(x, c->ml), c->e), x, c->negoff, c->twos), c->q));
}

NOINL V in_scale_rt(const vin *c, int var, V x) {
  return var == R50_ADDIN_PURE ? in_scale(c, R50_ADDIN_PURE, x) : in_scale(c, R50_ADDIN_LIN, x);
}

/* rdbypot(srdhm(x << lsh, mo), ro) + out_offset; orn: the additive form with
 * the offset folded in (o->half = 2^(ro-1) + out_offset * 2^ro); vv: x lacks
 * the constant D1 +/- D2, added as its product with mo in the 64-bit nudge */
AI V out_stage(const vout *o, V x, int shl, int orn, int vv) {
  if (shl) x = V_SLL(x, o->lsh);
  const V h = v_srdhm(x, o->mo, vv ? o->nud_vv : o->nud);
  if (orn) return V_SRA(V_ADD(V_ADD(h, o->half), V_SRAI31(h)), o->r);
  return V_ADD(v_rnd_any(h, o->mask, o->thr, o->r), o->off);
}

/* One block of BLK elements of each row kind; rows run whole blocks in place
 * and the last partial block through small buffers. */
/* s1 +/- s2 without D1 +/- D2 (in o->nud_vv) */
AI void blk_add_vv(const vin *c1, int v1, const vin *c2, int v2, int sub, int orn, const vout *o,
                   const int8_t *a, const int8_t *c, int8_t *d) {
  V r[4];
  for (int j = 0; j < 4; j++) {
    const V sa = in_scale(c1, v1, V_LD8(a + VW * j)), sb = in_scale(c2, v2, V_LD8(c + VW * j));
    r[j] = out_stage(o, sub ? V_SUB(sa, sb) : V_ADD(sa, sb), 0, orn, 1);
  }
  v_store4(d, r, o->lo8, o->hi8);
}

/* x varying, the other input already rescaled in pv (with x's D folded in):
 * raw = pv + s(x), or pv - s(x) when negx (SUB with x second) */
AI void blk_add_vp(const vin *cx, int vx, int negx, int orn, const vout *o, const int8_t *x,
                   const int32_t *pv, int8_t *d) {
  V r[4];
  for (int j = 0; j < 4; j++) {
    const V sx = in_scale(cx, vx, V_LD8(x + VW * j)), p = V_LD32(pv + VW * j);
    r[j] = out_stage(o, negx ? V_SUB(p, sx) : V_ADD(p, sx), 0, orn, 0);
  }
  v_store4(d, r, o->lo8, o->hi8);
}

AI void blk_mul_vv(V off1, V off2, int shl, int orn, const vout *o, const int8_t *a, const int8_t *c,
                   int8_t *d) {
  V r[4];
  for (int j = 0; j < 4; j++)
    r[j] = out_stage(o, V_MULLO(V_ADD(V_LD8(a + VW * j), off1), V_ADD(V_LD8(c + VW * j), off2)), shl,
                     orn, 0);
  v_store4(d, r, o->lo8, o->hi8);
}

/* x varying times kv (the other input plus its offset) */
AI void blk_mul_vp(V offx, int shl, int orn, const vout *o, const int8_t *x, const int32_t *kv, int8_t *d) {
  V r[4];
  for (int j = 0; j < 4; j++)
    r[j] = out_stage(o, V_MULLO(V_ADD(V_LD8(x + VW * j), offx), V_LD32(kv + VW * j)), shl, orn, 0);
  v_store4(d, r, o->lo8, o->hi8);
}

/* Rows: the constants are copied to locals (see the top). The tail copies its
 * inputs before writing, so out may equal in1. */
AI void row_add_vv(const vin *pc1, int v1, const vin *pc2, int v2, int sub, int orn,
                   const vout *po, const int8_t *a, const int8_t *c, int8_t *d, size_t n) {
  const vin c1 = *pc1, c2 = *pc2;
  const vout o = *po;
  size_t i = 0;
  for (; i + BLK <= n; i += BLK)
    blk_add_vv(&c1, v1, &c2, v2, sub, orn, &o, a + i, c + i, d + i);
  if (i < n) {
    int8_t ta[BLK] = {0}, tc[BLK] = {0}, td[BLK];
    memcpy(ta, a + i, n - i);
    memcpy(tc, c + i, n - i);
    blk_add_vv(&c1, v1, &c2, v2, sub, orn, &o, ta, tc, td);
    memcpy(d + i, td, n - i);
  }
}

AI void row_add_vp(const vin *pcx, int vx, int negx, int orn, const vout *po, const int8_t *x,
                   const int32_t *pv, int8_t *d, size_t n) {
  const vin cx = *pcx;
  const vout o = *po;
  size_t i = 0;
  for (; i + BLK <= n; i += BLK) blk_add_vp(&cx, vx, negx, orn, &o, x + i, pv + i, d + i);
  if (i < n) {
    int8_t tx[BLK] = {0}, td[BLK];
    int32_t tp[BLK] = {0};
    memcpy(tx, x + i, n - i);
    memcpy(tp, pv + i, (n - i) * sizeof *tp);
    blk_add_vp(&cx, vx, negx, orn, &o, tx, tp, td);
    memcpy(d + i, td, n - i);
  }
}

AI void row_mul_vv(V off1, V off2, int shl, int orn, const vout *po, const int8_t *a, const int8_t *c,
                   int8_t *d, size_t n) {
  const vout o = *po;
  size_t i = 0;
  for (; i + BLK <= n; i += BLK) blk_mul_vv(off1, off2, shl, orn, &o, a + i, c + i, d + i);
  if (i < n) {
    int8_t ta[BLK] = {0}, tc[BLK] = {0}, td[BLK];
    memcpy(ta, a + i, n - i);
    memcpy(tc, c + i, n - i);
    blk_mul_vv(off1, off2, shl, orn, &o, ta, tc, td);
    memcpy(d + i, td, n - i);
  }
}

AI void row_mul_vp(V offx, int shl, int orn, const vout *po, const int8_t *x, const int32_t *kv, int8_t *d,
                   size_t n) {
  const vout o = *po;
  size_t i = 0;
  for (; i + BLK <= n; i += BLK) blk_mul_vp(offx, shl, orn, &o, x + i, kv + i, d + i);
  if (i < n) {
    int8_t tx[BLK] = {0}, td[BLK];
    int32_t tk[BLK] = {0};
    memcpy(tx, x + i, n - i);
    memcpy(tk, kv + i, (n - i) * sizeof *tk);
    blk_mul_vp(offx, shl, orn, &o, tx, tk, td);
    memcpy(d + i, td, n - i);
  }
}

/* Run-time flags -> instantiated loops. */
NOINL void row_add_vv_rt(const vin *c1, int v1, const vin *c2, int v2, int sub, int orn,
                         const vout *o, const int8_t *a, const int8_t *c, int8_t *d, size_t n) {
#define VV(V1, V2, S, R) row_add_vv(c1, V1, c2, V2, S, R, o, a, c, d, n)
  switch ((v1 == R50_ADDIN_LIN) | (v2 == R50_ADDIN_LIN) << 1 | (sub != 0) << 2 | (orn != 0) << 3) {
    case 0: VV(0, 0, 0, 0); break;
    case 1: VV(1, 0, 0, 0); break;
    case 2: VV(0, 1, 0, 0); break;
    case 3: VV(1, 1, 0, 0); break;
    case 4: VV(0, 0, 1, 0); break;
    case 5: VV(1, 0, 1, 0); break;
    case 6: VV(0, 1, 1, 0); break;
    case 7: VV(1, 1, 1, 0); break;
    case 8: VV(0, 0, 0, 1); break;
    case 9: VV(1, 0, 0, 1); break;
    case 10: VV(0, 1, 0, 1); break;
    case 11: VV(1, 1, 0, 1); break;
    case 12: VV(0, 0, 1, 1); break;
    case 13: VV(1, 0, 1, 1); break;
    case 14: VV(0, 1, 1, 1); break;
    default: VV(1, 1, 1, 1); break;
  }
#undef VV
}

NOINL void row_add_vp_rt(const vin *cx, int vx, int negx, int orn, const vout *o, const int8_t *x,
                         const int32_t *pv, int8_t *d, size_t n) {
#define VP(X, N, R) row_add_vp(cx, X, N, R, o, x, pv, d, n)
  switch ((vx == R50_ADDIN_LIN) | (negx != 0) << 1 | (orn != 0) << 2) {
    case 0: VP(0, 0, 0); break;
    case 1: VP(1, 0, 0); break;
    case 2: VP(0, 1, 0); break;
    case 3: VP(1, 1, 0); break;
    case 4: VP(0, 0, 1); break;
    case 5: VP(1, 0, 1); break;
    case 6: VP(0, 1, 1); break;
    default: VP(1, 1, 1); break;
  }
#undef VP
}

/* shl: MUL's output shift is a left shift (multiplier >= 1) */
NOINL void row_mul_vv_rt(V off1, V off2, int shl, int orn, const vout *o, const int8_t *a,
                         const int8_t *c, int8_t *d, size_t n) {
  if (shl) {
    if (orn) row_mul_vv(off1, off2, 1, 1, o, a, c, d, n);
    else row_mul_vv(off1, off2, 1, 0, o, a, c, d, n);
  } else {
    if (orn) row_mul_vv(off1, off2, 0, 1, o, a, c, d, n);
    else row_mul_vv(off1, off2, 0, 0, o, a, c, d, n);
  }
}

NOINL void row_mul_vp_rt(V offx, int shl, int orn, const vout *o, const int8_t *x,
                         const int32_t *kv, int8_t *d, size_t n) {
  if (shl) {
    if (orn) row_mul_vp(offx, 1, 1, o, x, kv, d, n);
    else row_mul_vp(offx, 1, 0, o, x, kv, d, n);
  } else {
    if (orn) row_mul_vp(offx, 0, 1, o, x, kv, d, n);
    else row_mul_vp(offx, 0, 0, o, x, kv, d, n);
  }
}

/* Which input (1 or 2) is a vector of the run's length repeated over every
 * outer run (a per-channel constant such as a folded batch norm), 0 if none. */
static int repeated_input(const r50_bcast *b, size_t inner, size_t runs) {
  const int32_t nd = b->ndim;
  if (inner > PRE_MAX || runs < 2) return 0;
  int rep1 = b->stride1[nd - 1] == 1, rep2 = b->stride2[nd - 1] == 1;
  for (int32_t d = 0; d < nd - 1; d++) {
    if (b->stride1[d] != 0) rep1 = 0;
    if (b->stride2[d] != 0) rep2 = 0;
  }
  return rep2 ? 2 : (rep1 ? 1 : 0);
}

/* The other input ("which") of a "vp" row as int32: for ADD/SUB its rescaled
 * value (negated for SUB's second input) plus the varying input's D (minus it
 * when that one is SUB's second input); for MUL the value plus its offset. */
static V other_value(const vparams *v, const vin *c1, const vin *c2, int which, V x) {
  if (v->kind == 2) return V_ADD(x, V_SET1(which == 2 ? v->off2 : v->off1));
  const int sub = v->kind == 1;
  if (which == 2) { /* x is input 1: pv = D1 +/- s2 */
    const V s2 = V_ADD(in_scale_rt(c2, v->q2.var, x), V_SET1(v->q2.d));
    return sub ? V_SUB(V_SET1(v->q1.d), s2) : V_ADD(V_SET1(v->q1.d), s2);
  }
  /* x is input 2: pv = s1 +/- D2 (the row subtracts s2 without D for SUB) */
  const V s1 = V_ADD(in_scale_rt(c1, v->q1.var, x), V_SET1(v->q1.d));
  return sub ? V_SUB(s1, V_SET1(v->q2.d)) : V_ADD(s1, V_SET1(v->q2.d));
}

/* x varying along the run with the other operand in pv (n values, or one value
 * repeated when pv_const: then pv holds min(n, PRE_MAX) copies). */
static void row_vp(const vparams *v, const vin *c1, const vin *c2, const vout *o, int xfirst,
                   const int8_t *x, const int32_t *pv, int pv_const, int8_t *d, size_t n) {
  const size_t step = pv_const ? PRE_MAX : n;
  for (size_t i = 0; i < n; i += step) {
    const size_t m = n - i < step ? n - i : step;
    if (v->kind == 2)
      row_mul_vp_rt(V_SET1(xfirst ? v->off1 : v->off2), v->lsh != 0, v->orn, o, x + i, pv, d + i, m);
    else if (xfirst)
      row_add_vp_rt(c1, v->q1.var, 0, v->orn, o, x + i, pv, d + i, m);
    else
      row_add_vp_rt(c2, v->q2.var, v->kind == 1, v->orn, o, x + i, pv, d + i, m);
    if (!pv_const) break;
  }
}

static void walk_fast(const vparams *v, const r50_bcast *b, const int8_t *in1, const int8_t *in2,
                      int8_t *out, size_t k0, size_t k1, size_t i0, size_t i1) {
  const int32_t nd = b->ndim;
  const size_t inner = (size_t)b->dims[nd - 1], n = i1 - i0;
  const int64_t is1 = b->stride1[nd - 1], is2 = b->stride2[nd - 1];
  const vin c1 = vin_make(&v->q1), c2 = vin_make(&v->q2);
  const vout o = vout_make(v);
  int32_t idx[R50_BCAST_MAX_DIMS] = {0};
  int64_t o1, o2;
  r50_bcast_seek(b, k0, idx, &o1, &o2);
  int pre = repeated_input(b, inner, k1 - k0);
  if ((pre == 2 && !is1) || (pre == 1 && !is2)) pre = 0; /* the other input must vary along the run */
  int32_t pv[PRE_MAX];
  int pv_filled = 0; /* pv holds min(n, PRE_MAX) copies of pv[0] (constant operand runs) */
  if (pre) { /* the repeated input as the int32 operand, once */
    const int8_t *src = pre == 2 ? in2 : in1;
    for (size_t i = i0; i < i1; i += VW) {
      int8_t t[VW] = {0};
      int32_t s[VW];
      memcpy(t, src + i, i1 - i < VW ? i1 - i : VW);
      V_ST32(s, other_value(v, &c1, &c2, pre, V_LD8(t)));
      memcpy(pv + (i - i0), s, (i1 - i < VW ? i1 - i : VW) * sizeof *s);
    }
  }
  for (size_t k = k0; k < k1; k++) {
    const int8_t *a = in1 + o1, *c = in2 + o2;
    int8_t *d = out + k * inner + i0;
    if (pre) {
      row_vp(v, &c1, &c2, &o, pre == 2, pre == 2 ? a + i0 : c + i0, pv, 0, d, n);
    } else if (is1 && is2) {
      if (v->kind == 2)
        row_mul_vv_rt(V_SET1(v->off1), V_SET1(v->off2), v->lsh != 0, v->orn, &o, a + i0, c + i0, d,
                      n);
      else
        row_add_vv_rt(&c1, v->q1.var, &c2, v->q2.var, v->kind == 1, v->orn, &o, a + i0, c + i0, d,
                      n);
    } else {
      /* one input (or both) constant along the run: fill pv with its value */
      const int which = is1 || !is2 ? 2 : 1; /* the constant one (input 2 when both are) */
      int32_t s[VW];
      V_ST32(s, other_value(v, &c1, &c2, which, V_SET1(which == 2 ? c[0] : a[0])));
      const size_t fill = n < PRE_MAX ? n : PRE_MAX;
      if (!pv_filled || pv[0] != s[0]) /* refill only when the value changes */
        for (size_t i = 0; i < fill; i++) pv[i] = s[0];
      pv_filled = 1;
      if (is1 || is2) {
        row_vp(v, &c1, &c2, &o, is1 != 0, is1 ? a + i0 : c + i0, pv, 1, d, n);
      } else if (n) { /* both constant: one value */
        row_vp(v, &c1, &c2, &o, 1, a, pv, 1, d, 1);
        memset(d + 1, d[0], n - 1);
      }
    }
    r50_bcast_next(b, idx, &o1, &o2);
  }
}

static void walk(const vparams *v, const r50_bcast *b, const int8_t *in1, const int8_t *in2,
                 int8_t *out, size_t k0, size_t k1, size_t i0, size_t i1) {
  if (v->fast) walk_fast(v, b, in1, in2, out, k0, k1, i0, i1);
  else walk_generic(&v->g, b, in1, in2, out, k0, k1, i0, i1);
}

#undef AI
#undef NOINL

#endif

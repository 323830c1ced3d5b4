/* Cortex-M DSP int8 ADD / SUB / MUL (see eltwise_s8_dsp.h).
 *
 * Exact requantization by a multiplier m * 2^-e with e >= 0 in four
 * instructions (SMMLAR, AND with ASR #31, ADD, ASR):
 *   MultiplyByQuantizedMultiplierSmallerThanOneExp(v, m, -e)
 *     == (SMMLAR(2v, m, r) + (nm & (2v >> 31))) >> e,
 *   r = 2^(e-1), nm = -1 for e >= 1; r = nm = 0 for e == 0; 2v must fit int32.
 * Why: SMMULR(2v, m) = floor((2vm + 2^31) / 2^32) = floor((vm + 2^30) / 2^31),
 * which is SaturatingRoundingDoublingHighMul (its nudge rounds half up for
 * either sign; m >= 0 so it never saturates). RoundingDivideByPOT(q, e) rounds
 * half away from zero = floor((q + 2^(e-1) - [q < 0]) / 2^e), and [v < 0]
 * can stand in for [q < 0]: v < 0 <= q only when q == 0, and both give 0.
 *
 * ADD / SUB: x -> ((x + in_offset) << 20) rescaled depends on the int8 x only,
 * so each input's rescaled values (doubled, negated for SUB's input 2) are a
 * 256-entry table built per call (stack, 2 KiB for both); per element: two
 * table loads, an add, the output requantization, the clamp.
 * MUL: (x1 + o1) * 2 (x2 + o2) for 4 elements with SXTB16 + SADD16 + SMULBB /
 * SMULTT, then the requantization above (shift <= 0; a left shift, rare,
 * falls back to the reference).
 * Fast paths (ResNet50V2's three kinds, whole or in row bands, in place; the
 * activation clamp a no-op so SSAT is the clamp): same shape (add_same, 10
 * instructions per element in assembly: 2 LDRB, 2 table LDR, ADD, SMMLAR, ADD
 * of the sign fix-up, ASR, SSAT, STRB), and one input a per-channel constant
 * [C] (the pre-activation batch norm): ADD (add_chan, 9: the constant's table
 * values per channel, a chunk of 256 channels at a time, replace the second
 * lookup) and MUL (mul_chan, 7 per element: (c + o2) doubled per channel as
 * int16 pairs, SXTAB16 adds o1 to 2 bytes at once, SMULBB / SMULTT).
 * Other broadcasts: each run of the innermost dim is contiguous or constant per
 * input; a constant input is read from a word holding its value 4 times, a
 * constant input 1 runs as input 2 (both ops are symmetric once the tables or
 * offsets are swapped), and two constants give one value; 4 outputs are
 * saturated, packed and clamped at once.
 */
#include "eltwise_s8_dsp.h"

#if defined(R50_CORTEXM_DSP_ELTWISE)

#include <arm_acle.h>
#include <stddef.h>
#include <string.h>

#include "../quant.h"
#include "dsp_util.h"

/* SMULBB / SMULTT (GCC recognises the 16-bit products) */
static inline int32_t smulbb(int32_t a, int32_t b) { return (int16_t)a * (int16_t)b; }
static inline int32_t smultt(int32_t a, int32_t b) { return (a >> 16) * (b >> 16); }

typedef struct {
  int32_t m, r, nm, e;
} rq_t;

/* (mult, shift) with shift <= 0, as prepare's QuantizeMultiplierSmallerThanOneExp gives */
static rq_t rq_make(int32_t mult, int32_t shift) {
  rq_t q;
  q.m = mult;
  q.e = -shift;
  q.r = q.e > 0 ? (int32_t)(1u << (q.e - 1)) : 0;
  q.nm = q.e > 0 ? -1 : 0;
  return q;
}

/* v2 = 2 v */
static inline int32_t rq_apply(int32_t v2, int32_t m, int32_t r, int32_t nm, int32_t e) {
  return (smmlar(v2, m, r) + (nm & (v2 >> 31))) >> e;
}

static inline int8_t clamp8(int32_t v, int32_t lo, int32_t hi) {
  v = v < lo ? lo : v;
  return (int8_t)(v > hi ? hi : v);
}


/* Four int32 results (already offset, any range) -> int8 word: saturate to int8,
 * bytes in order (PKHBT, UXTB16, ORR), then the activation clamp with SSUB8 + SEL
 * on all four bytes (lo4 / hi4: the bounds in each byte). */
static inline uint32_t pack_clamp4(int32_t v0, int32_t v1, int32_t v2, int32_t v3, uint32_t lo4,
                                   uint32_t hi4) {
  /* SSAT each value first: a result may exceed int16 (extreme multipliers) */
  v0 = __ssat(v0, 8);
  v1 = __ssat(v1, 8);
  v2 = __ssat(v2, 8);
  v3 = __ssat(v3, 8);
  const uint32_t p02 = pkhbt16(v0, v2), p13 = pkhbt16(v1, v3);
  const uint32_t w = __uxtb16((uint32_t)p02) | (__uxtb16((uint32_t)p13) << 8);
  return min8(max8(w, lo4), hi4);
}

/* Walk the broadcast run by run (innermost dim): RUN(a, b, d, n, ia, ib) with ia / ib the
 * input strides in the run (1 contiguous, 0 constant). */
#define WALK(bc, in1, in2, out, RUN)                                                     \
  do {                                                                                 \
    const r50_bcast *b_ = (bc);                                                        \
    if (b_->n_out == 0) break;                                                         \
    const int32_t nd_ = b_->ndim;                                                      \
    const size_t inner_ = (size_t)b_->dims[nd_ - 1];                                   \
    const int sa_ = b_->stride1[nd_ - 1] != 0, sb_ = b_->stride2[nd_ - 1] != 0;        \
    const size_t outer_ = b_->n_out / inner_;                                          \
    int32_t idx_[R50_BCAST_MAX_DIMS] = {0};                                            \
    int64_t o1_ = 0, o2_ = 0;                                                          \
    for (size_t k_ = 0; k_ < outer_; k_++) {                                           \
      const int8_t *a_ = (in1) + o1_, *c_ = (in2) + o2_;                               \
      int8_t *d_ = (out) + k_ * inner_;                                                \
      RUN(a_, c_, d_, inner_, sa_, sb_);                                               \
      r50_bcast_next(b_, idx_, &o1_, &o2_);                                            \
    }                                                                                  \
  } while (0)

/* ---- ADD / SUB ---- */

typedef struct {
  const int32_t *t1, *t2; /* 2 * rescaled input, indexed by the byte (t2 negated for SUB) */
  int32_t m, rz, e;       /* output requantization, e >= 1, rz = 2^(e-1) + (zero point << e) */
  uint32_t lo4, hi4;
} addsub_ctx;

/* output of s = 2 * (rescaled sum): the requantization with nm = -1 and the zero point in rz */
#define ADD_OUT(s) ((smmlar((s), m, rz) + ((s) >> 31)) >> e)

static inline __attribute__((always_inline)) void addsub_run(const addsub_ctx *k,
                                                             const int8_t *a, const int8_t *b,
                                                             int8_t *d, size_t n, const int ia,
                                                             const int ib) {
  const int32_t *t1 = k->t1, *t2 = k->t2;
  const int32_t m = k->m, rz = k->rz, e = k->e;
  const uint32_t ca = rep4(a[0]), cb = rep4(b[0]);
  for (; n >= 4; n -= 4) {
    /* in place (d == a): the 4 inputs are read before the 4 outputs are written */
    const uint32_t va = ia ? ld32(a) : ca, vb = ib ? ld32(b) : cb;
    a += 4 * ia;
    b += 4 * ib;
    const int32_t s0 = t1[va & 255] + t2[vb & 255];
    const int32_t s1 = t1[(va >> 8) & 255] + t2[(vb >> 8) & 255];
    const int32_t s2 = t1[(va >> 16) & 255] + t2[(vb >> 16) & 255];
    const int32_t s3 = t1[va >> 24] + t2[vb >> 24];
    st32(d, pack_clamp4(ADD_OUT(s0), ADD_OUT(s1), ADD_OUT(s2), ADD_OUT(s3), k->lo4, k->hi4));
    d += 4;
  }
  for (; n > 0; n--) {
    const int32_t s = t1[(uint8_t)*a] + t2[(uint8_t)*b];
    a += ia;
    b += ib;
    *d++ = (int8_t)(pack_clamp4(ADD_OUT(s), 0, 0, 0, k->lo4, k->hi4) & 255u);
  }
}

/* One function per stride case, not inlined into the walk: the tables stay in base
 * registers (inlined, GCC re-derived each address from sp, 3 instructions a lookup). */
__attribute__((noinline)) static void addsub_run11(const addsub_ctx *k, const int8_t *a,
                                                   const int8_t *b, int8_t *d, size_t n) {
  addsub_run(k, a, b, d, n, 1, 1);
}
__attribute__((noinline)) static void addsub_run10(const addsub_ctx *k, const int8_t *a,
                                                   const int8_t *b, int8_t *d, size_t n) {
  addsub_run(k, a, b, d, n, 1, 0);
}
/* both inputs constant in the run: one value */
__attribute__((noinline)) static void addsub_run00(const addsub_ctx *k, const int8_t *a,
                                                   const int8_t *b, int8_t *d, size_t n) {
  int8_t v;
  addsub_run(k, a, b, &v, 1, 0, 0);
  memset(d, v, n);
}

/* The two common broadcasts, whole tensors or row bands (r50_bcast after compression):
 * same shape (one contiguous run of n), or input `cin` a per-channel constant [C] over
 * [P, C] (dims (P, C); the other input contiguous). Returns 0, 1 (in1 constant) or 2. */
static int bc_same(const r50_bcast *b) {
  return b->ndim == 1 && b->stride1[0] == 1 && b->stride2[0] == 1;
}
static int bc_chan(const r50_bcast *b) {
  if (b->ndim != 2 || b->dims[1] < 4) return 0;
  if (b->stride1[1] != 1 || b->stride2[1] != 1) return 0;
  if (b->stride1[0] == b->dims[1] && b->stride2[0] == 0) return 2;
  if (b->stride2[0] == b->dims[1] && b->stride1[0] == 0) return 1;
  return 0;
}

/* Channels of a per-channel constant prepared at once (stack: 1 KiB of int32 for ADD,
 * 512 B of int16 pairs for MUL). */
#define CHAN_CHUNK 256 /* = the 256 entries of a table */

/* Requantized int8 output of s = 2 * (rescaled sum), without the activation clamp (the
 * callers run it only when SSAT to int8 is the whole clamp): SMMLAR, ADD (sign fix-up,
 * ASR #31 operand), ASR, SSAT. */
#define ADD_Q8(s) __ssat((smmlar((s), m, rz) + ((s) >> 31)) >> e, 8)

/* One element of ADD in assembly (GCC's unrolled C spends 3 pointer updates + 2 per 4
 * elements, post-indexed loads cost none): LDRB x (post-indexed), its table LDR, the
 * other operand (LDR_Y), ADD, SMMLAR, ADD (sign fix-up), ASR, SSAT, STRB (post-indexed;
 * in place: after this element's loads). */
#define ADD_ELEM(LDR_Y)                              \
  "ldrb %[x], [%[a]], #1\n\t"                        \
  "ldr %[x], [%[t1], %[x], lsl #2]\n\t" LDR_Y        \
  "add %[x], %[x], %[y]\n\t"                         \
  "smmlar %[y], %[x], %[m], %[rz]\n\t"               \
  "add %[y], %[y], %[x], asr #31\n\t"                \
  "asr %[y], %[y], %[e]\n\t"                         \
  "ssat %[y], #8, %[y]\n\t"                          \
  "strb %[y], [%[d]], #1\n\t"
/* Loop of n4 >= 1 bodies of 4 elements, 2 a trip (SUBS, BNE per 8 elements); an odd n4
 * enters at the second body. */
#define LOOP8(BODY4)                                 \
  "lsrs %[n], %[n], #1\n\t"                          \
  "bcc 1f\n\t"                                        \
  "adds %[n], %[n], #1\n\t"                          \
  "b 2f\n\t"                                          \
  "1:\n\t" BODY4 "2:\n\t" BODY4                    \
  "subs %[n], %[n], #1\n\t"                          \
  "bne 1b\n\t"
#define LDR_Y_TABLE "ldrb %[y], [%[b]], #1\n\tldr %[y], [%[t2], %[y], lsl #2]\n\t"
#define LDR_Y_CHAN "ldr %[y], [%[b]], #4\n\t"

/* Same shape: 10 instructions per element (+ SUBS, BNE per 8). */
__attribute__((noinline)) static void add_same(const int32_t *t1, const int32_t *t2,
                                               const uint8_t *a, const uint8_t *b, int8_t *d,
                                               size_t n, int32_t m, int32_t rz, int32_t e) {
  size_t n4 = n >> 2;
  if (n4) {
    int32_t x, y;
    __asm__ volatile(LOOP8(ADD_ELEM(LDR_Y_TABLE) ADD_ELEM(LDR_Y_TABLE) ADD_ELEM(LDR_Y_TABLE)
                               ADD_ELEM(LDR_Y_TABLE))
                     : [x] "=&r"(x), [y] "=&r"(y), [a] "+r"(a), [b] "+r"(b), [d] "+r"(d),
                       [n] "+r"(n4)
                     : [t1] "r"(t1), [t2] "r"(t2), [m] "r"(m), [rz] "r"(rz), [e] "r"(e)
                     : "cc", "memory");
  }
  for (n &= 3; n > 0; n--) {
    const int32_t s = t1[*a++] + t2[*b++];
    *d++ = (int8_t)ADD_Q8(s);
  }
}

/* Per-channel constant: k[c] (its doubled rescaled value, prepared per chunk) replaces the
 * second table lookup: 9 instructions per element. */
__attribute__((noinline)) static void add_chan(const int32_t *t1, const int32_t *k,
                                               const uint8_t *a, int8_t *d, size_t P, int32_t C,
                                               int32_t nc, int32_t m, int32_t rz, int32_t e) {
  const int32_t n4 = nc >> 2, skip = C - (nc & ~3);
  for (; P > 0; P--) {
    const int32_t *b = k;
    if (n4) {
      int32_t x, y, n = n4;
      __asm__ volatile(LOOP8(ADD_ELEM(LDR_Y_CHAN) ADD_ELEM(LDR_Y_CHAN) ADD_ELEM(LDR_Y_CHAN)
                                 ADD_ELEM(LDR_Y_CHAN))
                       : [x] "=&r"(x), [y] "=&r"(y), [a] "+r"(a), [b] "+r"(b), [d] "+r"(d),
                         [n] "+r"(n)
                       : [t1] "r"(t1), [m] "r"(m), [rz] "r"(rz), [e] "r"(e)
                       : "cc", "memory");
    }
    for (int32_t c = 0; c < (nc & 3); c++) {
      const int32_t s = t1[a[c]] + b[c];
      d[c] = (int8_t)ADD_Q8(s);
    }
    a += skip;
    d += skip;
  }
}

static void addsub(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2,
                   int8_t *out, int sub) {
  /* Fast path conditions (else the reference): 2 * ((x + off) << left_shift) fits int32
   * (|x + off| <= 256, left_shift <= 21); output shift e in [1, 22] so that
   * 2^(e-1) + |zero point| 2^e + |SMMULR| stays below 2^31. */
  const int32_t eo = -p->out_shift;
  if (p->left_shift < 0 || p->left_shift > 21 || p->in1_offset < -128 || p->in1_offset > 128 ||
      p->in2_offset < -128 || p->in2_offset > 128 || p->in1_shift > 0 || p->in2_shift > 0 ||
      eo < 1 || eo > 22 || p->out_offset < -128 || p->out_offset > 127 || p->act_min < -128 ||
      p->act_max > 127) {
    if (sub) r50_sub_s8_ref(p, in1, in2, out);
    else r50_add_s8_ref(p, in1, in2, out);
    return;
  }
  /* t1 / t2: 2 * rescaled (x + offset) << 20 of each input by its byte (t2 negated for SUB) */
  int32_t t1[256], t2[256];
  const rq_t q1 = rq_make(p->in1_mult, p->in1_shift), q2 = rq_make(p->in2_mult, p->in2_shift);
  const int32_t ls = p->left_shift + 1; /* the table entries are 2 * rescaled */
#define T1_AT(x) (2 * rq_apply(((x) + p->in1_offset) * (1 << ls), q1.m, q1.r, q1.nm, q1.e))
#define T2_AT(x) \
  ((sub ? -2 : 2) * rq_apply(((x) + p->in2_offset) * (1 << ls), q2.m, q2.r, q2.nm, q2.e))
  /* |t| < 2^29: 2 * (s1 +/- s2) fits */
  const int full = p->act_min <= -128 && p->act_max >= 127; /* SSAT is the whole clamp */
  const int32_t rz = (int32_t)(1u << (eo - 1)) + p->out_offset * (1 << eo);
  const int cin = full ? bc_chan(&p->bc) : 0;
  if (cin) {
    /* input cin is the [C] constant: the other input's table, the constant's values for a
     * chunk of channels in t2's space (no second table: a band call builds 256 + C entries) */
    const int32_t C = p->bc.dims[1];
    const size_t P = (size_t)p->bc.dims[0];
    const int8_t *cst = cin == 1 ? in1 : in2, *x = cin == 1 ? in2 : in1;
    int32_t *kbuf = t2;
    for (int32_t v = -128; v < 128; v++) t1[v & 255] = cin == 1 ? T2_AT(v) : T1_AT(v);
    for (int32_t c0 = 0; c0 < C; c0 += CHAN_CHUNK) {
      const int32_t nc = C - c0 < CHAN_CHUNK ? C - c0 : CHAN_CHUNK;
      for (int32_t c = 0; c < nc; c++) {
        const int32_t v = cst[c0 + c];
        kbuf[c] = cin == 1 ? T1_AT(v) : T2_AT(v);
      }
      add_chan(t1, kbuf, (const uint8_t *)x + c0, out + c0, P, C, nc, p->out_mult, rz, eo);
    }
    return;
  }
  for (int32_t v = -128; v < 128; v++) {
    t1[v & 255] = T1_AT(v);
    t2[v & 255] = T2_AT(v);
  }
#undef T1_AT
#undef T2_AT
  if (full && bc_same(&p->bc)) {
    add_same(t1, t2, (const uint8_t *)in1, (const uint8_t *)in2, out, p->bc.n_out, p->out_mult,
             rz, eo);
    return;
  }
  addsub_ctx k;
  k.t1 = t1;
  k.t2 = t2;
  k.m = p->out_mult;
  k.e = eo;
  k.rz = (int32_t)(1u << (eo - 1)) + p->out_offset * (1 << eo);
  k.lo4 = rep4(p->act_min);
  k.hi4 = rep4(p->act_max);
  /* the sum of the two table values is symmetric: a constant input 1 runs as input 2
   * (kx: the tables swapped) */
  addsub_ctx kx = k;
  kx.t1 = t2;
  kx.t2 = t1;
#define ADDSUB_RUN(a, b, d, n, ia, ib) \
  ((ia) ? ((ib) ? addsub_run11(&k, a, b, d, n) : addsub_run10(&k, a, b, d, n)) \
        : ((ib) ? addsub_run10(&kx, b, a, d, n) : addsub_run00(&k, a, b, d, n)))
  WALK(&p->bc, in1, in2, out, ADDSUB_RUN);
#undef ADDSUB_RUN
}

void r50_add_s8_dsp(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out) {
  addsub(p, in1, in2, out, 0);
}

void r50_sub_s8_dsp(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out) {
  addsub(p, in1, in2, out, 1);
}

/* ---- MUL ---- */

typedef struct {
  int32_t o1, o2;     /* input offsets in both 16-bit lanes */
  int32_t off1, off2;
  int32_t m, rz, nm, e; /* rz = r + (zero point << e) */
  uint32_t lo4, hi4;
} mul_ctx;

#define MUL_OUT(p2) ((smmlar((p2), m, rz) + (nm & ((p2) >> 31))) >> e)

static inline __attribute__((always_inline)) void mul_run(const mul_ctx *k, const int8_t *a,
                                                          const int8_t *b, int8_t *d, size_t n,
                                                          const int ia, const int ib) {
  const int32_t o1 = k->o1, o2 = k->o2;
  const int32_t m = k->m, rz = k->rz, nm = k->nm, e = k->e;
  const uint32_t ca = rep4(a[0]), cb = rep4(b[0]);
  for (; n >= 4; n -= 4) {
    const uint32_t va = ia ? ld32(a) : ca, vb = ib ? ld32(b) : cb;
    a += 4 * ia;
    b += 4 * ib;
    /* lanes: x + off in [-256, 255]; 2 (x2 + o2) in [-512, 510]; products < 2^18 */
    const int32_t ae = __sadd16(__sxtb16((int32_t)va), o1), ao = __sadd16(sxtb16_hi(va), o1);
    int32_t be = __sadd16(__sxtb16((int32_t)vb), o2), bo = __sadd16(sxtb16_hi(vb), o2);
    be = __sadd16(be, be);
    bo = __sadd16(bo, bo);
    const int32_t p0 = smulbb(ae, be), p1 = smulbb(ao, bo);
    const int32_t p2 = smultt(ae, be), p3 = smultt(ao, bo);
    st32(d, pack_clamp4(MUL_OUT(p0), MUL_OUT(p1), MUL_OUT(p2), MUL_OUT(p3), k->lo4, k->hi4));
    d += 4;
  }
  for (; n > 0; n--) {
    const int32_t p2 = (*a + k->off1) * 2 * (*b + k->off2);
    a += ia;
    b += ib;
    *d++ = (int8_t)(pack_clamp4(MUL_OUT(p2), 0, 0, 0, k->lo4, k->hi4) & 255u);
  }
}

__attribute__((noinline)) static void mul_run11(const mul_ctx *k, const int8_t *a, const int8_t *b,
                                                int8_t *d, size_t n) {
  mul_run(k, a, b, d, n, 1, 1);
}
__attribute__((noinline)) static void mul_run10(const mul_ctx *k, const int8_t *a, const int8_t *b,
                                                int8_t *d, size_t n) {
  mul_run(k, a, b, d, n, 1, 0);
}
__attribute__((noinline)) static void mul_run00(const mul_ctx *k, const int8_t *a, const int8_t *b,
                                                int8_t *d, size_t n) {
  int8_t v;
  mul_run(k, a, b, &v, 1, 0, 0);
  memset(d, v, n);
}

/* MUL by a per-channel constant [C]: per group of 4 channels two words of int16 pairs,
 * [K0, K2] and [K1, K3] with K = 2 (c + o2), prepared per chunk of channels; per 4
 * elements one LDR, SXTAB16 x 2 (x + o1 in both lanes, even / odd bytes), LDRD of the pairs,
 * SMULBB / SMULTT x 4 (the doubled products), then per element SMMLAR, ADD (sign fix-up),
 * ASR, SSAT, STRB: 28 instructions per 4 elements + SUBS, BNE per 8. */
#define MUL_ELEM(P)                                  \
  "smmlar %[q], " P ", %[m], %[rz]\n\t"              \
  "add %[q], %[q], " P ", asr #31\n\t"               \
  "asr %[q], %[q], %[e]\n\t"                         \
  "ssat %[q], #8, %[q]\n\t"                          \
  "strb %[q], [%[d]], #1\n\t"

#define MUL_BODY4                                    \
  "ldr %[w], [%[a]], #4\n\t"                         \
  "sxtab16 %[u], %[o1], %[w]\n\t"                    \
  "sxtab16 %[v], %[o1], %[w], ror #8\n\t"            \
  "ldrd %[x], %[y], [%[k]], #8\n\t"                  \
  "smulbb %[w], %[u], %[x]\n\t"                      \
  "smultt %[u], %[u], %[x]\n\t"                      \
  "smulbb %[x], %[v], %[y]\n\t"                      \
  "smultt %[v], %[v], %[y]\n\t"                      \
  MUL_ELEM("%[w]") MUL_ELEM("%[x]") MUL_ELEM("%[u]") MUL_ELEM("%[v]")

__attribute__((noinline)) static void mul_chan(const uint32_t *kk, const int8_t *a, int8_t *d,
                                               size_t P, int32_t C, int32_t nc, int32_t o1,
                                               const int16_t *kt, int32_t m, int32_t rz,
                                               int32_t e) {
  const int32_t n4 = nc >> 2, skip = C - (nc & ~3);
  for (; P > 0; P--) {
    const uint32_t *k = kk;
    if (n4) {
      int32_t w, u, v, x, y, q, n = n4;
      __asm__ volatile(LOOP8(MUL_BODY4)
                       : [w] "=&r"(w), [u] "=&r"(u), [v] "=&r"(v), [x] "=&r"(x), [y] "=&r"(y),
                         [q] "=&r"(q), [a] "+r"(a), [k] "+r"(k), [d] "+r"(d), [n] "+r"(n)
                       : [o1] "r"(o1), [m] "r"(m), [rz] "r"(rz), [e] "r"(e)
                       : "cc", "memory");
    }
    for (int32_t c = 0; c < (nc & 3); c++) { /* o1: the offset in both lanes */
      const int32_t p2 = (a[c] + (int16_t)o1) * kt[c];
      d[c] = (int8_t)__ssat((smmlar(p2, m, rz) + (p2 >> 31)) >> e, 8);
    }
    a += skip;
    d += skip;
  }
}

void r50_mul_s8_dsp(const r50_mul_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out) {
  /* Fast path (else the reference): shift <= 0 (no left shift), offsets in [-128, 128], and
   * 2^(e-1) + |zero point| 2^e + |SMMULR| (< 2^17) below 2^31: e <= 23. */
  const int32_t e = -p->out_shift;
  if (e < 0 || e > 23 || p->in1_offset < -128 || p->in1_offset > 128 || p->in2_offset < -128 ||
      p->in2_offset > 128 || p->out_offset < -128 || p->out_offset > 127 || p->act_min < -128 ||
      p->act_max > 127) {
    r50_mul_s8_ref(p, in1, in2, out);
    return;
  }
  const int full = p->act_min <= -128 && p->act_max >= 127; /* SSAT is the whole clamp */
  const int cin = full && e >= 1 ? bc_chan(&p->bc) : 0;
  if (cin) { /* input cin is the [C] constant */
    const int32_t C = p->bc.dims[1];
    const size_t P = (size_t)p->bc.dims[0];
    const int8_t *cst = cin == 1 ? in1 : in2, *x = cin == 1 ? in2 : in1;
    const int32_t ox = cin == 1 ? p->in2_offset : p->in1_offset;
    const int32_t oc = cin == 1 ? p->in1_offset : p->in2_offset;
    const int32_t o1 = (int32_t)(((uint32_t)ox & 0xFFFFu) * 0x10001u);
    const int32_t rz = (int32_t)(1u << (e - 1)) + p->out_offset * (1 << e);
    uint32_t kk[CHAN_CHUNK / 2]; /* the pairs of a chunk, 2 words per 4 channels */
    int16_t kt[4];               /* the last nc % 4 channels */
    for (int32_t c0 = 0; c0 < C; c0 += CHAN_CHUNK) {
      const int32_t nc = C - c0 < CHAN_CHUNK ? C - c0 : CHAN_CHUNK, n4 = nc & ~3;
      const int8_t *cc = cst + c0;
      for (int32_t c = 0; c < n4; c += 4) {
        kk[c / 2] = pkhbt16(2 * (cc[c] + oc), 2 * (cc[c + 2] + oc));
        kk[c / 2 + 1] = pkhbt16(2 * (cc[c + 1] + oc), 2 * (cc[c + 3] + oc));
      }
      for (int32_t c = n4; c < nc; c++) kt[c - n4] = (int16_t)(2 * (cc[c] + oc));
      mul_chan(kk, x + c0, out + c0, P, C, nc, o1, kt, p->out_mult, rz, e);
    }
    return;
  }
  mul_ctx k;
  k.off1 = p->in1_offset;
  k.off2 = p->in2_offset;
  k.o1 = (int32_t)(((uint32_t)p->in1_offset & 0xFFFFu) * 0x10001u);
  k.o2 = (int32_t)(((uint32_t)p->in2_offset & 0xFFFFu) * 0x10001u);
  k.m = p->out_mult;
  k.e = e;
  k.nm = e > 0 ? -1 : 0;
  k.rz = (e > 0 ? (int32_t)(1u << (e - 1)) : 0) + p->out_offset * (1 << e);
  k.lo4 = rep4(p->act_min);
  k.hi4 = rep4(p->act_max);
  /* the product is symmetric: a constant input 1 runs as input 2 (kx: offsets swapped) */
  mul_ctx kx = k;
  kx.o1 = k.o2;
  kx.o2 = k.o1;
  kx.off1 = k.off2;
  kx.off2 = k.off1;
#define MUL_RUN(a, b, d, n, ia, ib) \
  ((ia) ? ((ib) ? mul_run11(&k, a, b, d, n) : mul_run10(&k, a, b, d, n)) \
        : ((ib) ? mul_run10(&kx, b, a, d, n) : mul_run00(&k, a, b, d, n)))
  WALK(&p->bc, in1, in2, out, MUL_RUN);
#undef MUL_RUN
}

#else
typedef int r50_cortexm_eltwise_s8_dsp_unused; /* not a DSP Cortex-M build */
#endif

/* int8 ADD / SUB / MUL with AVX-512 (16 lanes of int32), bit-exact with the
 * reference kernels (see eltwise_s8_x86.h). Compiled with the AVX-512 flags
 * only; called only at level R50_ISA_AVX512VNNI. */
#if defined(__x86_64__) && defined(__AVX512F__) && defined(__AVX512BW__)
#include <immintrin.h>
#include <string.h>

#include "../../runtime/parallel.h"
#include "eltwise_s8_x86.h"

/* r50_rdbypot(r50_srdhm(x, mult), rsh) on 16 lanes (see conv_s8_avx512vnni.c). */
/* sat = 0 when no multiplier is INT32_MIN (always, for multipliers from
 * QuantizeMultiplier): the INT32_MIN * INT32_MIN saturation cannot occur. */
static inline __m512i mbqm_core(__m512i x, __m512i mult, __m512i rsh, int sat) {
  const __m512i nudge = _mm512_set1_epi64(1LL << 30);
  __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x, mult), nudge);
  __m512i odd = _mm512_add_epi64(
      _mm512_mul_epi32(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(mult, 32)), nudge);
  even = _mm512_srli_epi64(even, 31);
  odd = _mm512_slli_epi64(odd, 1);
  __m512i h = _mm512_mask_blend_epi32(0xAAAA, even, odd);
  const __m512i imin = _mm512_set1_epi32(INT32_MIN);
  if (sat) {
    const __mmask16 s = _mm512_cmpeq_epi32_mask(x, imin) & _mm512_cmpeq_epi32_mask(mult, imin);
    h = _mm512_mask_mov_epi32(h, s, _mm512_set1_epi32(INT32_MAX));
  }
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, rsh), one);
  const __m512i rem = _mm512_and_si512(h, mask);
  const __m512i thr = _mm512_sub_epi32(_mm512_srli_epi32(mask, 1), _mm512_srai_epi32(h, 31));
  __m512i v = _mm512_srav_epi32(h, rsh);
  return _mm512_mask_add_epi32(v, _mm512_cmpgt_epi32_mask(rem, thr), v, one);
}

typedef struct {
  int kind; /* 0 add, 1 sub, 2 mul */
  int sat;  /* some multiplier is INT32_MIN: keep the saturation test */
  __m512i off1, off2, off_out, lo, hi;
  __m512i lsh, m1, r1, m2, r2, mo, lo_sh, ro; /* add/sub: lsh = left_shift; mul: lo_sh, ro */
} gparams;

/* ADD/SUB pieces: one input's rescaled value, and the output stage. */
static inline __m512i scale_in(const gparams *v, __m512i x, __m512i off, __m512i m, __m512i r) {
  return mbqm_core(_mm512_sllv_epi32(_mm512_add_epi32(x, off), v->lsh), m, r, v->sat);
}

static inline __m512i finish(const gparams *v, __m512i r) {
  r = _mm512_add_epi32(r, v->off_out);
  return _mm512_min_epi32(_mm512_max_epi32(r, v->lo), v->hi);
}

static inline __m512i addsub_out(const gparams *v, __m512i sa, __m512i sb) {
  const __m512i raw = v->kind == 1 ? _mm512_sub_epi32(sa, sb) : _mm512_add_epi32(sa, sb);
  return finish(v, mbqm_core(raw, v->mo, v->ro, v->sat));
}

static inline __m512i elem16(const gparams *v, __m512i x1, __m512i x2) {
  if (v->kind == 2) {
    const __m512i prod =
        _mm512_mullo_epi32(_mm512_add_epi32(x1, v->off1), _mm512_add_epi32(x2, v->off2));
    return finish(v, mbqm_core(_mm512_sllv_epi32(prod, v->lo_sh), v->mo, v->ro, v->sat));
  }
  return addsub_out(v, scale_in(v, x1, v->off1, v->m1, v->r1), scale_in(v, x2, v->off2, v->m2, v->r2));
}

#define PRE_MAX 4096

static inline __m512i load16(const int8_t *p, int64_t stride, __mmask16 m) {
  if (stride == 0) return _mm512_set1_epi32(p[0]);
  return _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, p));
}

/* Outer runs [k0, k1) of the broadcast walk (same order as R50_BCAST_WALK). */
static void walk_generic(const gparams *v, const r50_bcast *b, const int8_t *in1, const int8_t *in2,
                 int8_t *out, size_t k0, size_t k1, size_t i0, size_t i1) {
  const int32_t nd = b->ndim;
  const size_t inner = (size_t)b->dims[nd - 1];
  const int64_t is1 = b->stride1[nd - 1], is2 = b->stride2[nd - 1];
  int32_t idx[R50_BCAST_MAX_DIMS] = {0};
  int64_t o1, o2;
  r50_bcast_seek(b, k0, idx, &o1, &o2);
  /* ADD/SUB with one input a vector repeated over every outer run (a per-channel
   * constant such as a folded batch norm): rescale that vector once. */
  int pre = 0; /* 1: input 1 repeats, 2: input 2 repeats */
  if (v->kind != 2 && inner <= PRE_MAX && k1 - k0 > 1) {
    int rep1 = is1 == 1, rep2 = is2 == 1;
    for (int32_t d2 = 0; d2 < nd - 1; d2++) {
      if (b->stride1[d2] != 0) rep1 = 0;
      if (b->stride2[d2] != 0) rep2 = 0;
    }
    pre = rep2 ? 2 : (rep1 ? 1 : 0);
  }
  int32_t pv[PRE_MAX];
  if (pre) {
    const int8_t *src = pre == 2 ? in2 : in1;
    for (size_t i = i0; i < i1; i += 16) {
      const size_t left = i1 - i;
      const __mmask16 m = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
      const __m512i x = load16(src + i, 1, m);
      _mm512_mask_storeu_epi32(pv + i, m,
                               pre == 2 ? scale_in(v, x, v->off2, v->m2, v->r2)
                                        : scale_in(v, x, v->off1, v->m1, v->r1));
    }
  }
  for (size_t k = k0; k < k1; k++) {
    const int8_t *a = in1 + o1, *c = in2 + o2;
    if (pre) {
      int8_t *d = out + k * inner;
      const int8_t *x = pre == 2 ? a : c; /* the varying input */
      const int64_t xs = pre == 2 ? is1 : is2;
      for (size_t i = i0; i < i1; i += 16) {
        const size_t left = i1 - i;
        const __mmask16 m = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        const __m512i xv = load16(x + (xs ? i : 0), xs, m);
        const __m512i pc = _mm512_maskz_loadu_epi32(m, pv + i);
        const __m512i r = pre == 2 ? addsub_out(v, scale_in(v, xv, v->off1, v->m1, v->r1), pc)
                                   : addsub_out(v, pc, scale_in(v, xv, v->off2, v->m2, v->r2));
        _mm512_mask_cvtepi32_storeu_epi8(d + i, m, r);
      }
    } else {
      int8_t *d = out + k * inner;
      for (size_t i = i0; i < i1; i += 16) {
        const size_t left = i1 - i;
        const __mmask16 m = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        const __m512i x1 = load16(a + (is1 ? i : 0), is1, m);
        const __m512i x2 = load16(c + (is2 ? i : 0), is2, m);
        _mm512_mask_cvtepi32_storeu_epi8(d + i, m, elem16(v, x1, x2));
      }
    }
    r50_bcast_next(b, idx, &o1, &o2);
  }
}

/* ---- fast path (eltwise_s8_fast_impl.h) on 16 lanes ---- */
typedef __m512i V;
#define VW 16
#define V_SET1(x) _mm512_set1_epi32(x)
#define V_SET64(x) _mm512_set1_epi64(x)
#define V_ADD _mm512_add_epi32
#define V_SUB _mm512_sub_epi32
#define V_MULLO _mm512_mullo_epi32
#define V_SRA _mm512_sra_epi32
#define V_SLL _mm512_sll_epi32
#define V_SRAI31(v) _mm512_srai_epi32(v, 31)
#define V_LD8(p) _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(const void *)(p)))
#define V_LD32(p) _mm512_loadu_si512((const void *)(p))
#define V_ST32(p, v) _mm512_storeu_si512((void *)(p), v)

/* floor((x * mo + nudge) / 2^31), nudge a 64-bit constant (2^30, or with a
 * constant addend of x folded in): even lanes from the low half of the 64-bit
 * products, odd lanes from the high half (mo is a broadcast, so its odd
 * dwords need no shift) */
static inline __m512i v_srdhm(__m512i x, __m512i mo, __m512i nudge) {
  const __m512i even = _mm512_srli_epi64(_mm512_add_epi64(_mm512_mul_epi32(x, mo), nudge), 31);
  const __m512i odd =
      _mm512_slli_epi64(_mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), mo), nudge), 1);
  return _mm512_mask_blend_epi32(0xAAAA, even, odd);
}

static inline __m512i v_rnd_any(__m512i h, __m512i mask, __m512i thr1, __m128i r) {
  const __m512i rem = _mm512_and_si512(h, mask);
  const __m512i thr = _mm512_sub_epi32(thr1, _mm512_srai_epi32(h, 31));
  const __m512i q = _mm512_sra_epi32(h, r);
  return _mm512_mask_sub_epi32(q, _mm512_cmpgt_epi32_mask(rem, thr), q, _mm512_set1_epi32(-1));
}

static inline __m512i v_negsub(__m512i u, __m512i x, __m512i negoff, __m512i twos) {
  return _mm512_mask_sub_epi32(u, _mm512_cmplt_epi32_mask(x, negoff), u, twos);
}

/* VPACKSSDW/VPACKSSWB interleave the four vectors per 128-bit lane (lane j =
 * r0_j r1_j r2_j r3_j); VPERMD restores the element order. */
static inline void v_store4(int8_t *d, const __m512i r[4], __m512i lo8, __m512i hi8) {
  const __m512i perm = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
  __m512i p = _mm512_packs_epi16(_mm512_packs_epi32(r[0], r[1]), _mm512_packs_epi32(r[2], r[3]));
  p = _mm512_permutexvar_epi32(perm, p);
  _mm512_storeu_si512((void *)d, _mm512_min_epi8(_mm512_max_epi8(p, lo8), hi8));
}

#include "eltwise_s8_fast_impl.h"

#include "../eltwise_split_impl.h"

static void addsub(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2,
                   int8_t *out, int kind, const r50_parallel *par) {
  vparams w;
  memset(&w, 0, sizeof w);
  fast_setup_addsub(&w, p, kind);
  gparams *v = &w.g;
  v->kind = kind;
  v->sat = p->in1_mult == INT32_MIN || p->in2_mult == INT32_MIN || p->out_mult == INT32_MIN;
  v->off1 = _mm512_set1_epi32(p->in1_offset);
  v->off2 = _mm512_set1_epi32(p->in2_offset);
  v->off_out = _mm512_set1_epi32(p->out_offset);
  v->lo = _mm512_set1_epi32(p->act_min);
  v->hi = _mm512_set1_epi32(p->act_max);
  v->lsh = _mm512_set1_epi32(p->left_shift);
  v->m1 = _mm512_set1_epi32(p->in1_mult);
  v->r1 = _mm512_set1_epi32(-p->in1_shift);
  v->m2 = _mm512_set1_epi32(p->in2_mult);
  v->r2 = _mm512_set1_epi32(-p->in2_shift);
  v->mo = _mm512_set1_epi32(p->out_mult);
  v->ro = _mm512_set1_epi32(-p->out_shift);
  v->lo_sh = _mm512_setzero_si512();
  run(&w, &p->bc, in1, in2, out, par);
}

void r50_add_s8__avx512vnni(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2,
                            int8_t *out, const r50_parallel *par) {
  addsub(p, in1, in2, out, 0, par);
}

void r50_sub_s8__avx512vnni(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2,
                            int8_t *out, const r50_parallel *par) {
  addsub(p, in1, in2, out, 1, par);
}

void r50_mul_s8__avx512vnni(const r50_mul_s8_params *p, const int8_t *in1, const int8_t *in2,
                            int8_t *out, const r50_parallel *par) {
  vparams w;
  memset(&w, 0, sizeof w);
  fast_setup_mul(&w, p);
  gparams *v = &w.g;
  v->kind = 2;
  v->sat = p->out_mult == INT32_MIN;
  v->off1 = _mm512_set1_epi32(p->in1_offset);
  v->off2 = _mm512_set1_epi32(p->in2_offset);
  v->off_out = _mm512_set1_epi32(p->out_offset);
  v->lo = _mm512_set1_epi32(p->act_min);
  v->hi = _mm512_set1_epi32(p->act_max);
  v->mo = _mm512_set1_epi32(p->out_mult);
  v->lo_sh = _mm512_set1_epi32(p->out_shift > 0 ? p->out_shift : 0);
  v->ro = _mm512_set1_epi32(p->out_shift > 0 ? 0 : -p->out_shift);
  v->lsh = v->m1 = v->r1 = v->m2 = v->r2 = _mm512_setzero_si512();
  run(&w, &p->bc, in1, in2, out, par);
}

#else
typedef int r50_eltwise_s8_avx512vnni_unused;
#endif

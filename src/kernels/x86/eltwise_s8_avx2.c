/* int8 ADD / SUB / MUL with AVX2 (8 lanes of int32), bit-exact with the
 * reference kernels (see eltwise_s8_x86.h); the same code as the AVX-512
 * file on 8 lanes. Compiled with -mavx2 -mfma only; called only at level
 * R50_ISA_AVX2 or above. */
#if defined(__x86_64__) && defined(__AVX2__)
#include <immintrin.h>
#include <string.h>

#include "../../runtime/parallel.h"
#include "eltwise_s8_x86.h"

/* r50_rdbypot(r50_srdhm(x, mult), rsh) on 8 lanes (see conv_s8_avx2.c). */
/* sat = 0 when no multiplier is INT32_MIN (always, for multipliers from
 * QuantizeMultiplier): the INT32_MIN * INT32_MIN saturation cannot occur. */
static inline __m256i mbqm_core(__m256i x, __m256i mult, __m256i rsh, int sat) {
  const __m256i nudge = _mm256_set1_epi64x(1LL << 30);
  __m256i even = _mm256_add_epi64(_mm256_mul_epi32(x, mult), nudge);
  __m256i odd = _mm256_add_epi64(
      _mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(mult, 32)), nudge);
  even = _mm256_srli_epi64(even, 31);
  odd = _mm256_slli_epi64(odd, 1);
  __m256i h = _mm256_blend_epi32(even, odd, 0xAA);
  const __m256i imin = _mm256_set1_epi32(INT32_MIN);
  if (sat) {
    const __m256i s = _mm256_and_si256(_mm256_cmpeq_epi32(x, imin), _mm256_cmpeq_epi32(mult, imin));
    h = _mm256_blendv_epi8(h, _mm256_set1_epi32(INT32_MAX), s);
  }
  const __m256i one = _mm256_set1_epi32(1);
  const __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, rsh), one);
  const __m256i rem = _mm256_and_si256(h, mask);
  const __m256i thr = _mm256_sub_epi32(_mm256_srli_epi32(mask, 1), _mm256_srai_epi32(h, 31));
  const __m256i v = _mm256_srav_epi32(h, rsh);
  return _mm256_sub_epi32(v, _mm256_cmpgt_epi32(rem, thr));
}

typedef struct {
  int kind; /* 0 add, 1 sub, 2 mul */
  int sat;  /* some multiplier is INT32_MIN: keep the saturation test */
  __m256i off1, off2, off_out, lo, hi;
  __m256i lsh, m1, r1, m2, r2, mo, lo_sh, ro; /* add/sub: lsh = left_shift; mul: lo_sh, ro */
} gparams;

static inline __m256i elem8(const gparams *v, __m256i x1, __m256i x2) {
  __m256i r;
  if (v->kind == 2) {
    const __m256i prod =
        _mm256_mullo_epi32(_mm256_add_epi32(x1, v->off1), _mm256_add_epi32(x2, v->off2));
    r = mbqm_core(_mm256_sllv_epi32(prod, v->lo_sh), v->mo, v->ro, v->sat);
  } else {
    const __m256i a = _mm256_sllv_epi32(_mm256_add_epi32(x1, v->off1), v->lsh);
    const __m256i b = _mm256_sllv_epi32(_mm256_add_epi32(x2, v->off2), v->lsh);
    const __m256i sa = mbqm_core(a, v->m1, v->r1, v->sat), sb = mbqm_core(b, v->m2, v->r2, v->sat);
    const __m256i raw = v->kind == 1 ? _mm256_sub_epi32(sa, sb) : _mm256_add_epi32(sa, sb);
    r = mbqm_core(raw, v->mo, v->ro, v->sat);
  }
  r = _mm256_add_epi32(r, v->off_out);
  return _mm256_min_epi32(_mm256_max_epi32(r, v->lo), v->hi);
}

static inline __m256i load8(const int8_t *p, int64_t stride) {
  if (stride == 0) return _mm256_set1_epi32(p[0]);
  return _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)p));
}

static inline void store8(int8_t *dst, __m256i v) {
  const __m256i p16 = _mm256_packs_epi32(v, v);
  const __m256i p8 = _mm256_packs_epi16(p16, p16);
  _mm_storel_epi64((__m128i *)dst,
                   _mm_unpacklo_epi32(_mm256_castsi256_si128(p8), _mm256_extracti128_si256(p8, 1)));
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
  for (size_t k = k0; k < k1; k++) {
    const int8_t *a = in1 + o1, *c = in2 + o2;
    int8_t *d = out + k * inner;
    size_t i = i0;
    for (; i + 8 <= i1; i += 8) {
      const __m256i x1 = load8(a + (is1 ? i : 0), is1);
      const __m256i x2 = load8(c + (is2 ? i : 0), is2);
      store8(d + i, elem8(v, x1, x2));
    }
    if (i < i1) { /* tail through small buffers (no masked byte loads in AVX2) */
      int8_t t1[8] = {0}, t2[8] = {0}, t3[8];
      const size_t n = i1 - i;
      memcpy(t1, is1 ? a + i : a, is1 ? n : 1);
      memcpy(t2, is2 ? c + i : c, is2 ? n : 1);
      store8(t3, elem8(v, load8(t1, is1), load8(t2, is2)));
      memcpy(d + i, t3, n);
    }
    r50_bcast_next(b, idx, &o1, &o2);
  }
}

/* ---- fast path (eltwise_s8_fast_impl.h) on 8 lanes ---- */
typedef __m256i V;
#define VW 8
#define V_SET1(x) _mm256_set1_epi32(x)
#define V_SET64(x) _mm256_set1_epi64x(x)
#define V_ADD _mm256_add_epi32
#define V_SUB _mm256_sub_epi32
#define V_MULLO _mm256_mullo_epi32
#define V_SRA _mm256_sra_epi32
#define V_SLL _mm256_sll_epi32
#define V_SRAI31(v) _mm256_srai_epi32(v, 31)
#define V_LD8(p) _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)(p)))
#define V_LD32(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define V_ST32(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), v)

/* floor((x * mo + nudge) / 2^31), nudge a 64-bit constant (2^30, or with a
 * constant addend of x folded in): even lanes from the low half of the 64-bit
 * products, odd lanes from the high half (mo is a broadcast) */
static inline __m256i v_srdhm(__m256i x, __m256i mo, __m256i nudge) {
  const __m256i even = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(x, mo), nudge), 31);
  const __m256i odd =
      _mm256_slli_epi64(_mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), mo), nudge), 1);
  return _mm256_blend_epi32(even, odd, 0xAA);
}

static inline __m256i v_rnd_any(__m256i h, __m256i mask, __m256i thr1, __m128i r) {
  const __m256i rem = _mm256_and_si256(h, mask);
  const __m256i thr = _mm256_sub_epi32(thr1, _mm256_srai_epi32(h, 31));
  return _mm256_sub_epi32(_mm256_sra_epi32(h, r), _mm256_cmpgt_epi32(rem, thr));
}

static inline __m256i v_negsub(__m256i u, __m256i x, __m256i negoff, __m256i twos) {
  return _mm256_sub_epi32(u, _mm256_and_si256(_mm256_cmpgt_epi32(negoff, x), twos));
}

/* VPACKSSDW/VPACKSSWB interleave the four vectors per 128-bit lane (lane j =
 * r0_j r1_j r2_j r3_j); VPERMD restores the element order. */
static inline void v_store4(int8_t *d, const __m256i r[4], __m256i lo8, __m256i hi8) {
  const __m256i perm = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  __m256i p = _mm256_packs_epi16(_mm256_packs_epi32(r[0], r[1]), _mm256_packs_epi32(r[2], r[3]));
  p = _mm256_permutevar8x32_epi32(p, perm);
  _mm256_storeu_si256((__m256i *)(void *)d, _mm256_min_epi8(_mm256_max_epi8(p, lo8), hi8));
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
  v->off1 = _mm256_set1_epi32(p->in1_offset);
  v->off2 = _mm256_set1_epi32(p->in2_offset);
  v->off_out = _mm256_set1_epi32(p->out_offset);
  v->lo = _mm256_set1_epi32(p->act_min);
  v->hi = _mm256_set1_epi32(p->act_max);
  v->lsh = _mm256_set1_epi32(p->left_shift);
  v->m1 = _mm256_set1_epi32(p->in1_mult);
  v->r1 = _mm256_set1_epi32(-p->in1_shift);
  v->m2 = _mm256_set1_epi32(p->in2_mult);
  v->r2 = _mm256_set1_epi32(-p->in2_shift);
  v->mo = _mm256_set1_epi32(p->out_mult);
  v->ro = _mm256_set1_epi32(-p->out_shift);
  v->lo_sh = _mm256_setzero_si256();
  run(&w, &p->bc, in1, in2, out, par);
}

void r50_add_s8__avx2(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2,
                            int8_t *out, const r50_parallel *par) {
  addsub(p, in1, in2, out, 0, par);
}

void r50_sub_s8__avx2(const r50_addsub_s8_params *p, const int8_t *in1, const int8_t *in2,
                            int8_t *out, const r50_parallel *par) {
  addsub(p, in1, in2, out, 1, par);
}

void r50_mul_s8__avx2(const r50_mul_s8_params *p, const int8_t *in1, const int8_t *in2,
                            int8_t *out, const r50_parallel *par) {
  vparams w;
  memset(&w, 0, sizeof w);
  fast_setup_mul(&w, p);
  gparams *v = &w.g;
  v->kind = 2;
  v->sat = p->out_mult == INT32_MIN;
  v->off1 = _mm256_set1_epi32(p->in1_offset);
  v->off2 = _mm256_set1_epi32(p->in2_offset);
  v->off_out = _mm256_set1_epi32(p->out_offset);
  v->lo = _mm256_set1_epi32(p->act_min);
  v->hi = _mm256_set1_epi32(p->act_max);
  v->mo = _mm256_set1_epi32(p->out_mult);
  v->lo_sh = _mm256_set1_epi32(p->out_shift > 0 ? p->out_shift : 0);
  v->ro = _mm256_set1_epi32(p->out_shift > 0 ? 0 : -p->out_shift);
  v->lsh = v->m1 = v->r1 = v->m2 = v->r2 = _mm256_setzero_si256();
  run(&w, &p->bc, in1, in2, out, par);
}

#else
typedef int r50_eltwise_s8_avx2_unused;
#endif

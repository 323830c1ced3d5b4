/* int8 CONV_2D as GEMM with AVX-512 VNNI (VPDPBUSD), bit-exact with
 * r50_conv2d_s8_ref. See conv_s8_x86.h for the arithmetic. Compiled with
 * -mavx512f -mavx512bw -mavx512vl -mavx512vnni only; called only at level
 * R50_ISA_AVX512VNNI.
 *
 * Micro-kernel: 6 rows x 64 channels (24 zmm accumulators). Packed weights:
 * per panel of 64 channels, per group of 4 k: 64 channels x 4 bytes (256 B),
 * channel-major, so one zmm holds 16 channels x 4 k. */
#if defined(__x86_64__) && defined(__AVX512F__) && defined(__AVX512VNNI__)
#include <immintrin.h>
#include <string.h>

#include "conv_s8_x86_impl.h"

#define MR 6
#define NR 64
#define MC_BYTES (256 * 1024)

static inline int32_t load_i32(const int8_t *p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* r50_mbqm(acc, mult, shift) + off, clamped to [lo, hi], on 16 lanes. */
static inline __m512i requant(int sat, __m512i acc, __m512i mult, __m512i lsh, __m512i rsh, __m512i off,
                              __m512i lo, __m512i hi) {
  const __m512i x = _mm512_sllv_epi32(acc, lsh); /* wraps like the uint32 shift in r50_mbqm */
  /* SaturatingRoundingDoublingHighMul = floor((x*m + 2^30) / 2^31), which equals
   * gemmlowp's nudge-and-truncate for both signs; bits 31..62 of the sum. */
  const __m512i nudge = _mm512_set1_epi64(1LL << 30);
  __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x, mult), nudge);
  __m512i odd = _mm512_add_epi64(
      _mm512_mul_epi32(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(mult, 32)), nudge);
  even = _mm512_srli_epi64(even, 31);
  odd = _mm512_slli_epi64(odd, 1);
  __m512i h = _mm512_mask_blend_epi32(0xAAAA, even, odd);
  const __m512i imin = _mm512_set1_epi32(INT32_MIN);
  if (sat) { /* INT32_MIN * INT32_MIN saturates (only possible with mult INT32_MIN) */
    const __mmask16 s = _mm512_cmpeq_epi32_mask(x, imin) & _mm512_cmpeq_epi32_mask(mult, imin);
    h = _mm512_mask_mov_epi32(h, s, _mm512_set1_epi32(INT32_MAX));
  }
  /* RoundingDivideByPOT */
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, rsh), one);
  const __m512i rem = _mm512_and_si512(h, mask);
  const __m512i thr = _mm512_sub_epi32(_mm512_srli_epi32(mask, 1), _mm512_srai_epi32(h, 31));
  __m512i v = _mm512_srav_epi32(h, rsh);
  v = _mm512_mask_add_epi32(v, _mm512_cmpgt_epi32_mask(rem, thr), v, one);
  v = _mm512_add_epi32(v, off);
  v = _mm512_max_epi32(v, lo);
  return _mm512_min_epi32(v, hi);
}

void r50_requant16__avx512vnni(const int32_t *acc, const int32_t *mult, const int32_t *shift,
                               int32_t off, int32_t lo, int32_t hi, int32_t *out) {
  int32_t l[16], r[16];
  for (int i = 0; i < 16; i++) {
    l[i] = shift[i] > 0 ? shift[i] : 0;
    r[i] = shift[i] > 0 ? 0 : -shift[i];
  }
  const __m512i v = requant(1, _mm512_loadu_si512(acc), _mm512_loadu_si512(mult),
                            _mm512_loadu_si512(l), _mm512_loadu_si512(r), _mm512_set1_epi32(off),
                            _mm512_set1_epi32(lo), _mm512_set1_epi32(hi));
  _mm512_storeu_si512(out, v);
}

size_t r50_conv_s8_x86_mem__avx512vnni(const r50_conv_params *p) {
  r50_conv_s8_x86 c;
  x86_conv_geometry(&c, p, 4, NR);
  return (size_t)c.Np * 16 + (size_t)c.Np * c.Kp + 64;
}

size_t r50_conv_s8_x86_prepare__avx512vnni(r50_conv_s8_x86 *c, const r50_conv_params *p,
                                           const int8_t *filter, const int32_t *bias, void *mem) {
  x86_conv_geometry(c, p, 4, NR);
  int32_t *arr = (int32_t *)mem;
  int32_t *b = arr, *mu = arr + c->Np, *ls = arr + 2 * c->Np, *rs = arr + 3 * c->Np;
  x86_conv_requant_arrays(c, filter, bias, p->q.input_offset - 128, b, mu, ls, rs);
  int8_t *w = (int8_t *)(arr + 4 * c->Np);
  const int32_t groups = c->Kp / 4;
  for (int32_t j = 0; j < c->Np / NR; j++)
    for (int32_t g = 0; g < groups; g++) {
      int8_t *d = w + ((size_t)j * groups + g) * NR * 4;
      for (int32_t n = 0; n < NR; n++)
        for (int32_t t = 0; t < 4; t++) {
          const int32_t oc = j * NR + n, k = g * 4 + t;
          d[n * 4 + t] = oc < p->out_c && k < c->K ? filter[(size_t)oc * c->K + k] : 0;
        }
    }
  c->w = w;
  c->bias = b;
  c->mult = mu;
  c->lsh = ls;
  c->rsh = rs;
  if (c->direct) return 0;
  int32_t mc = MC_BYTES / c->Kp / MR * MR;
  if (mc < MR) mc = MR;
  if (mc > x86_round_up(c->M, MR)) mc = x86_round_up(c->M, MR);
  c->mc = mc;
  return (size_t)mc * c->Kp;
}

/* One 6 x 64 tile: rows a[0..5] (row r >= mr repeats a valid row), depth Kp. */
static inline __attribute__((always_inline)) void tile(const r50_conv_s8_x86 *c, const int8_t *const *a,
                                                       int32_t mr, const int8_t *wp, int32_t n0,
                                                       int8_t *out, int direct) {
  __m512i c00 = _mm512_setzero_si512(), c01 = c00, c02 = c00, c03 = c00;
  __m512i c10 = c00, c11 = c00, c12 = c00, c13 = c00;
  __m512i c20 = c00, c21 = c00, c22 = c00, c23 = c00;
  __m512i c30 = c00, c31 = c00, c32 = c00, c33 = c00;
  __m512i c40 = c00, c41 = c00, c42 = c00, c43 = c00;
  __m512i c50 = c00, c51 = c00, c52 = c00, c53 = c00;
  const __m512i flip = _mm512_set1_epi32((int32_t)0x80808080u);
  const int8_t *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3], *a4 = a[4], *a5 = a[5];
  const int32_t kp = c->Kp;
  for (int32_t k = 0; k < kp; k += 4) {
    const __m512i w0 = _mm512_loadu_si512(wp);
    const __m512i w1 = _mm512_loadu_si512(wp + 64);
    const __m512i w2 = _mm512_loadu_si512(wp + 128);
    const __m512i w3 = _mm512_loadu_si512(wp + 192);
    wp += 256;
#define ROW(r)                                                             \
  do {                                                                     \
    __m512i x = _mm512_set1_epi32(load_i32(a##r + k));                     \
    if (direct) x = _mm512_xor_si512(x, flip);                             \
    c##r##0 = _mm512_dpbusd_epi32(c##r##0, x, w0);                         \
    c##r##1 = _mm512_dpbusd_epi32(c##r##1, x, w1);                         \
    c##r##2 = _mm512_dpbusd_epi32(c##r##2, x, w2);                         \
    c##r##3 = _mm512_dpbusd_epi32(c##r##3, x, w3);                         \
  } while (0)
    ROW(0);
    ROW(1);
    ROW(2);
    ROW(3);
    ROW(4);
    ROW(5);
#undef ROW
  }
  const int32_t out_c = c->p.out_c;
  const __m512i off = _mm512_set1_epi32(c->p.q.output_offset);
  const __m512i lo = _mm512_set1_epi32(c->p.q.act_min), hi = _mm512_set1_epi32(c->p.q.act_max);
  __m512i acc[MR][4] = {{c00, c01, c02, c03}, {c10, c11, c12, c13}, {c20, c21, c22, c23},
                        {c30, c31, c32, c33}, {c40, c41, c42, c43}, {c50, c51, c52, c53}};
  for (int32_t i = 0; i < 4; i++) {
    const int32_t ch = n0 + 16 * i;
    if (ch >= out_c) break;
    const int32_t left = out_c - ch;
    const __mmask16 m = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
    const __m512i bias = _mm512_loadu_si512(c->bias + ch);
    const __m512i mult = _mm512_loadu_si512(c->mult + ch);
    const __m512i lsh = _mm512_loadu_si512(c->lsh + ch);
    const __m512i rsh = _mm512_loadu_si512(c->rsh + ch);
    for (int32_t r = 0; r < mr; r++) {
      const __m512i v =
          requant(c->sat, _mm512_add_epi32(acc[r][i], bias), mult, lsh, rsh, off, lo, hi);
      _mm512_mask_cvtepi32_storeu_epi8(out + (size_t)r * out_c + ch, m, v);
    }
  }
}

typedef struct {
  const r50_conv_s8_x86 *c;
  const int8_t *abase; /* row 0 of A */
  size_t astride;
  int32_t rows;
  int8_t *out;         /* output row 0 */
  int direct;
  x86_split sp;
  /* gather */
  const int8_t *input;
  int8_t *buf;
  int32_t m0, gather_per_task;
} job;

static void compute_task(void *ctx, int32_t t) {
  const job *jb = (const job *)ctx;
  const r50_conv_s8_x86 *c = jb->c;
  const int32_t j = t / jb->sp.n_rb, rb = t % jb->sp.n_rb;
  const int32_t r_begin = rb * jb->sp.rb_rows;
  const int32_t r_end = r_begin + jb->sp.rb_rows < jb->rows ? r_begin + jb->sp.rb_rows : jb->rows;
  const int8_t *wp = c->w + (size_t)j * c->Kp * NR;
  for (int32_t r0 = r_begin; r0 < r_end; r0 += MR) {
    const int32_t mr = r_end - r0 < MR ? r_end - r0 : MR;
    const int8_t *a[MR];
    for (int32_t r = 0; r < MR; r++)
      a[r] = jb->abase + (size_t)(r0 + (r < mr ? r : mr - 1)) * jb->astride;
    int8_t *o = jb->out + (size_t)r0 * c->p.out_c; /* tile adds the channel offset */
    if (jb->direct)
      tile(c, a, mr, wp, j * NR, o, 1);
    else
      tile(c, a, mr, wp, j * NR, o, 0);
  }
}

static void gather_task(void *ctx, int32_t t) {
  const job *jb = (const job *)ctx;
  const r50_conv_s8_x86 *c = jb->c;
  const int8_t fill = (int8_t)((uint8_t)(-c->p.q.input_offset) ^ 0x80u); /* zero point + 128 */
  const int32_t r_begin = t * jb->gather_per_task;
  const int32_t r_end =
      r_begin + jb->gather_per_task < jb->rows ? r_begin + jb->gather_per_task : jb->rows;
  for (int32_t r = r_begin; r < r_end; r++) {
    int8_t *d = jb->buf + (size_t)r * c->Kp;
    x86_gather_row_s8(&c->p, jb->input, jb->m0 + r, d, 0x80u, fill);
    for (int32_t k = c->K; k < c->Kp; k++) d[k] = 0;
  }
}

void r50_conv2d_s8__avx512vnni(const r50_conv_s8_x86 *c, const int8_t *input, int8_t *output,
                               void *scratch, const r50_parallel *par) {
  const int32_t threads = r50_par_threads(par);
  job jb;
  memset(&jb, 0, sizeof jb);
  jb.c = c;
  jb.input = input;
  if (c->direct) {
    jb.abase = input;
    jb.astride = (size_t)c->K;
    jb.rows = c->M;
    jb.out = output;
    jb.direct = 1;
    jb.sp = x86_conv_split(c->M, c->Np / NR, MR, threads);
    r50_par_run(par, jb.sp.n_rb * (c->Np / NR), compute_task, &jb);
    return;
  }
  jb.buf = (int8_t *)scratch;
  jb.abase = jb.buf;
  jb.astride = (size_t)c->Kp;
  for (int32_t m0 = 0; m0 < c->M; m0 += c->mc) {
    jb.rows = c->M - m0 < c->mc ? c->M - m0 : c->mc;
    jb.m0 = m0;
    jb.out = output + (size_t)m0 * c->p.out_c;
    jb.gather_per_task = (jb.rows + threads * 2 - 1) / (threads * 2);
    r50_par_run(par, (jb.rows + jb.gather_per_task - 1) / jb.gather_per_task, gather_task, &jb);
    jb.sp = x86_conv_split(jb.rows, c->Np / NR, MR, threads);
    r50_par_run(par, jb.sp.n_rb * (c->Np / NR), compute_task, &jb);
  }
}

#else
typedef int r50_conv_s8_avx512vnni_unused;
#endif

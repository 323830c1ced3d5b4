/* int8 CONV_2D as GEMM with AVX2 (VPMADDWD on sign-extended int16: a pair of
 * int8 products never saturates), bit-exact with r50_conv2d_s8_ref. See
 * conv_s8_x86.h. Compiled with -mavx2 -mfma only; called only at level
 * R50_ISA_AVX2 or above.
 *
 * Micro-kernel: 6 rows x 16 channels (12 ymm accumulators). A rows are
 * gathered as int16 pairs; packed weights stay int8: per panel of 16
 * channels, per pair of k: 16 channels x 2 bytes (32 B), sign-extended to
 * int16 in registers. */
#if defined(__x86_64__) && defined(__AVX2__)
#include <immintrin.h>
#include <string.h>

#include "conv_s8_requant_avx2.h"
#include "conv_s8_x86_impl.h"

#define MR 6
#define NR 16
#define MC_BYTES (64 * 1024)

static inline __m256i requant(int sat, __m256i acc, __m256i mult, __m256i lsh, __m256i rsh, __m256i off,
                              __m256i lo, __m256i hi) {
  return x86_requant8(sat, acc, mult, lsh, rsh, off, lo, hi);
}

void r50_requant8__avx2(const int32_t *acc, const int32_t *mult, const int32_t *shift, int32_t off,
                        int32_t lo, int32_t hi, int32_t *out) {
  int32_t l[8], r[8];
  for (int i = 0; i < 8; i++) {
    l[i] = shift[i] > 0 ? shift[i] : 0;
    r[i] = shift[i] > 0 ? 0 : -shift[i];
  }
  const __m256i v = requant(1, _mm256_loadu_si256((const __m256i *)acc),
                            _mm256_loadu_si256((const __m256i *)mult),
                            _mm256_loadu_si256((const __m256i *)l),
                            _mm256_loadu_si256((const __m256i *)r), _mm256_set1_epi32(off),
                            _mm256_set1_epi32(lo), _mm256_set1_epi32(hi));
  _mm256_storeu_si256((__m256i *)out, v);
}

size_t r50_conv_s8_x86_mem__avx2(const r50_conv_params *p) {
  r50_conv_s8_x86 c;
  x86_conv_geometry(&c, p, 2, NR);
  return (size_t)c.Np * 16 + (size_t)c.Np * c.Kp + 64;
}

size_t r50_conv_s8_x86_prepare__avx2(r50_conv_s8_x86 *c, const r50_conv_params *p,
                                     const int8_t *filter, const int32_t *bias, void *mem) {
  x86_conv_geometry(c, p, 2, NR);
  c->direct = 0; /* A is always gathered as int16 */
  int32_t *arr = (int32_t *)mem;
  int32_t *b = arr, *mu = arr + c->Np, *ls = arr + 2 * c->Np, *rs = arr + 3 * c->Np;
  x86_conv_requant_arrays(c, filter, bias, p->q.input_offset, b, mu, ls, rs);
  int8_t *w = (int8_t *)(arr + 4 * c->Np);
  const int32_t pairs = c->Kp / 2;
  for (int32_t j = 0; j < c->Np / NR; j++)
    for (int32_t g = 0; g < pairs; g++) {
      int8_t *d = w + ((size_t)j * pairs + g) * NR * 2;
      for (int32_t n = 0; n < NR; n++)
        for (int32_t t = 0; t < 2; t++) {
          const int32_t oc = j * NR + n, k = g * 2 + t;
          d[n * 2 + t] = oc < p->out_c && k < c->K ? filter[(size_t)oc * c->K + k] : 0;
        }
    }
  c->w = w;
  c->bias = b;
  c->mult = mu;
  c->lsh = ls;
  c->rsh = rs;
  /* scratch: mc rows of Kp int16 */
  int32_t mc = MC_BYTES / (c->Kp * 2) / MR * MR;
  if (mc < MR) mc = MR;
  if (mc > x86_round_up(c->M, MR)) mc = x86_round_up(c->M, MR);
  c->mc = mc;
  return (size_t)mc * c->Kp * 2;
}

static inline void store8(int8_t *dst, __m256i v, int32_t n) {
  const __m256i p16 = _mm256_packs_epi32(v, v);
  const __m256i p8 = _mm256_packs_epi16(p16, p16);
  const __m128i b = _mm_unpacklo_epi32(_mm256_castsi256_si128(p8), _mm256_extracti128_si256(p8, 1));
  if (n >= 8) {
    _mm_storel_epi64((__m128i *)dst, b);
  } else {
    int8_t t[16];
    _mm_storeu_si128((__m128i *)t, b);
    memcpy(dst, t, (size_t)n);
  }
}

static inline __m256i load_w(const int8_t *p) {
  return _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)p));
}

static inline int32_t load_i32(const int16_t *p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

static void tile(const r50_conv_s8_x86 *c, const int16_t *const *a, int32_t mr, const int8_t *wp,
                 int32_t n0, int8_t *out) {
  __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256i c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  const int16_t *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3], *a4 = a[4], *a5 = a[5];
  const int32_t kp = c->Kp;
  for (int32_t k = 0; k < kp; k += 2) {
    const __m256i w0 = load_w(wp), w1 = load_w(wp + 16);
    wp += 32;
#define ROW(r)                                                              \
  do {                                                                      \
    const __m256i x = _mm256_set1_epi32(load_i32(a##r + k));                \
    c##r##0 = _mm256_add_epi32(c##r##0, _mm256_madd_epi16(x, w0));          \
    c##r##1 = _mm256_add_epi32(c##r##1, _mm256_madd_epi16(x, w1));          \
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
  const __m256i off = _mm256_set1_epi32(c->p.q.output_offset);
  const __m256i lo = _mm256_set1_epi32(c->p.q.act_min), hi = _mm256_set1_epi32(c->p.q.act_max);
  __m256i acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  for (int32_t i = 0; i < 2; i++) {
    const int32_t ch = n0 + 8 * i;
    if (ch >= out_c) break;
    const int32_t left = out_c - ch;
    const __m256i bias = _mm256_loadu_si256((const __m256i *)(c->bias + ch));
    const __m256i mult = _mm256_loadu_si256((const __m256i *)(c->mult + ch));
    const __m256i lsh = _mm256_loadu_si256((const __m256i *)(c->lsh + ch));
    const __m256i rsh = _mm256_loadu_si256((const __m256i *)(c->rsh + ch));
    for (int32_t r = 0; r < mr; r++) {
      const __m256i v = requant(c->sat, _mm256_add_epi32(acc[r][i], bias), mult, lsh, rsh, off, lo, hi);
      store8(out + (size_t)r * out_c + ch, v, left);
    }
  }
}

typedef struct {
  const r50_conv_s8_x86 *c;
  const int8_t *input;
  int16_t *buf;
  int32_t rows, m0, gather_per_task;
  int8_t *out;
  x86_split sp;
} job;

static void gather_task(void *ctx, int32_t t) {
  const job *jb = (const job *)ctx;
  const r50_conv_s8_x86 *c = jb->c;
  const int8_t fill = (int8_t)(-c->p.q.input_offset); /* the zero point: (x + off) = 0 */
  const int32_t r_begin = t * jb->gather_per_task;
  const int32_t r_end =
      r_begin + jb->gather_per_task < jb->rows ? r_begin + jb->gather_per_task : jb->rows;
  for (int32_t r = r_begin; r < r_end; r++) {
    int16_t *d = jb->buf + (size_t)r * c->Kp;
    /* gather the int8 row into the last K bytes of its own int16 slot, then widen
     * front to back: writing d[k] (bytes 2k, 2k+1) never reaches an unread byte. */
    int8_t *row8 = (int8_t *)(d + c->Kp) - c->K; /* last K bytes of the int16 slot */
    x86_gather_row_s8(&c->p, jb->input, jb->m0 + r, row8, 0, fill);
    for (int32_t k = 0; k < c->K; k++) d[k] = row8[k];
    for (int32_t k = c->K; k < c->Kp; k++) d[k] = 0;
  }
}

/* A task covers PG panels (64 output channels = one cache line of an output
 * row), so two threads never write the same line. */
#define PG 4

static void compute_task(void *ctx, int32_t t) {
  const job *jb = (const job *)ctx;
  const r50_conv_s8_x86 *c = jb->c;
  const int32_t jg = t / jb->sp.n_rb, rb = t % jb->sp.n_rb;
  const int32_t r_begin = rb * jb->sp.rb_rows;
  const int32_t r_end = r_begin + jb->sp.rb_rows < jb->rows ? r_begin + jb->sp.rb_rows : jb->rows;
  const int32_t j_end = (jg + 1) * PG < c->Np / NR ? (jg + 1) * PG : c->Np / NR;
  for (int32_t j = jg * PG; j < j_end; j++) {
    const int8_t *wp = c->w + (size_t)j * c->Kp * NR;
    for (int32_t r0 = r_begin; r0 < r_end; r0 += MR) {
      const int32_t mr = r_end - r0 < MR ? r_end - r0 : MR;
      const int16_t *a[MR];
      for (int32_t r = 0; r < MR; r++)
        a[r] = jb->buf + (size_t)(r0 + (r < mr ? r : mr - 1)) * c->Kp;
      tile(c, a, mr, wp, j * NR, jb->out + (size_t)r0 * c->p.out_c);
    }
  }
}

void r50_conv2d_s8__avx2(const r50_conv_s8_x86 *c, const int8_t *input, int8_t *output,
                         void *scratch, const r50_parallel *par) {
  const int32_t threads = r50_par_threads(par);
  job jb;
  memset(&jb, 0, sizeof jb);
  jb.c = c;
  jb.input = input;
  jb.buf = (int16_t *)scratch;
  for (int32_t m0 = 0; m0 < c->M; m0 += c->mc) {
    jb.rows = c->M - m0 < c->mc ? c->M - m0 : c->mc;
    jb.m0 = m0;
    jb.out = output + (size_t)m0 * c->p.out_c;
    jb.gather_per_task = (jb.rows + threads * 2 - 1) / (threads * 2);
    r50_par_run(par, (jb.rows + jb.gather_per_task - 1) / jb.gather_per_task, gather_task, &jb);
    const int32_t groups = (c->Np / NR + PG - 1) / PG;
    jb.sp = x86_conv_split(jb.rows, groups, MR, threads, 8);
    r50_par_run(par, jb.sp.n_rb * groups, compute_task, &jb);
  }
}

#else
typedef int r50_conv_s8_avx2_unused;
#endif

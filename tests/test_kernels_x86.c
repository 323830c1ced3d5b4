/* Optimized x86 kernels bit for bit against the reference kernels, on every
 * ISA level this machine supports (levels it lacks are skipped, saying so):
 *  - vectorized requantization lane by lane against r50_mbqm (edge values:
 *    INT32_MIN/MAX accumulators, every shift, multipliers 0, 2^30, 2^31-1);
 *  - CONV_2D over a seeded sweep: channel counts 1,3,5,17,33,67 (and 64/128),
 *    1x1/3x3/7x7 and rectangular filters, strides 1 and 2, dilation, SAME/VALID,
 *    batch 1-2, extreme zero points, multipliers tiny / ~1 / > 1, per-tensor and
 *    per-channel, all fused activation ranges, with and without bias;
 *  - the thread pool: many short jobs back to back, every task run exactly
 *    once and only while its job is running;
 *  - ADD / SUB / MUL over random broadcast shapes (same shape, per-channel
 *    vector, scalar, odd lengths), offsets, multipliers and shifts, in place;
 *  - MAX_POOL_2D / AVERAGE_POOL_2D / MEAN (tests/kernels_pool_sweep.h);
 *  - DEPTHWISE_CONV_2D (depth multiplier 1): MobileNetV2-shaped layers, then
 *    random channel counts 1..129 and 144,
 *    1x1/2x2/3x3/5x5/7x7 and rectangular filters, strides 1 and 2, dilation 1
 *    and 2, SAME/VALID and large explicit padding (windows wholly outside the
 *    image), batch 1-2, whole tensor or row bands, extreme zero points and
 *    inputs, multipliers tiny / ~1 / > 1 and raw extremes (INT32_MIN, shifts
 *    -31..-1), all activation ranges, with and without bias. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kernels/quant.h"
#include "kernels/ref/conv.h"
#include "kernels/ref/dwconv.h"
#include "kernels/eltwise_s8_fixed.h"
#include "kernels/ref/eltwise.h"
#include "kernels/x86/conv_s8_x86.h"
#include "kernels/x86/dwconv_s8_x86.h"
#include "kernels/x86/eltwise_s8_x86.h"
#include "kernels/x86/pool_s8_x86.h"
#include "kernels_eltwise_sweep.h"
#include "kernels_pool_sweep.h"
#include "r50.h"

static uint64_t g_rng = 0x243F6A8885A308D3ull;
static uint32_t rnd(void) {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 7;
  g_rng ^= g_rng << 17;
  return (uint32_t)(g_rng >> 16);
}
static int32_t rint_in(int32_t lo, int32_t hi) {
  return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1));
}
static int32_t pick(const int32_t *v, int n) { return v[rnd() % (uint32_t)n]; }

/* The sweeps run serially, then again through 2- and 3-thread pools. */
static const r50_parallel *g_par = NULL;


/* ---- thread pool stress (not x86-specific) ---- */
typedef struct {
  atomic_int alive, count;
  int32_t n;
} pool_job;
static atomic_long g_pool_bad;
static void pool_fn(void *ctx, int32_t t) {
  pool_job *j = (pool_job *)ctx;
  if (!atomic_load(&j->alive) || t < 0 || t >= j->n) atomic_fetch_add(&g_pool_bad, 1);
  for (volatile int k = 0; k < (t * 37) % 200; k++) {
  }
  atomic_fetch_add(&j->count, 1);
}
static void test_pool(void) {
  for (int threads = 2; threads <= 3; threads++) {
    r50_parallel par;
    r50_error e;
    CHECK(r50_threadpool_create(threads, &par, &e) == R50_OK);
    pool_job jobs[2];
    for (long it = 0; it < 300000; it++) {
      pool_job *j = &jobs[it & 1];
      j->n = 2 + (int32_t)(it % 7);
      atomic_store(&j->count, 0);
      atomic_store(&j->alive, 1);
      par.run(par.pool, j->n, pool_fn, j);
      if (atomic_load(&j->count) != j->n) atomic_fetch_add(&g_pool_bad, 1);
      atomic_store(&j->alive, 0);
    }
    r50_threadpool_destroy(&par);
    CHECK_MSG(atomic_load(&g_pool_bad) == 0, "%d threads: %ld bad task runs", threads,
              atomic_load(&g_pool_bad));
  }
  printf("thread pool: 2x300000 jobs, %ld bad task runs\n", atomic_load(&g_pool_bad));
}

#if defined(__x86_64__)
static void test_requant(r50_isa isa) {
  const int lanes = isa == R50_ISA_AVX512VNNI ? 16 : 8;
  const int32_t edge[] = {0, 1, -1, 2, -2, INT32_MAX, INT32_MIN, INT32_MIN + 1, 1 << 30, -(1 << 30),
                          (1 << 30) + 1, -(1 << 30) - 1, 12345, -12345, 0x7FFF, -0x8000};
  long bad = 0, n = 0;
  for (int it = 0; it < 40000; it++) {
    int32_t acc[16], mult[16], shift[16], out[16];
    for (int i = 0; i < 16; i++) {
      acc[i] = (rnd() & 3) ? (int32_t)(rnd() << 16 ^ rnd()) >> rint_in(0, 31) : edge[rnd() % 16];
      switch (rnd() % 5) {
        case 0: mult[i] = 0; break;
        case 1: mult[i] = 1 << 30; break;
        case 2: mult[i] = INT32_MAX; break;
        case 3: mult[i] = INT32_MIN; break; /* never produced by prepare; the helper saturates */
        default: mult[i] = (int32_t)((1u << 30) | (rnd() << 8 ^ rnd())) & INT32_MAX; break;
      }
      if (mult[i] < (1 << 30) && mult[i] != 0 && mult[i] != INT32_MIN) mult[i] |= 1 << 30;
      shift[i] = rint_in(-31, 31);
    }
    const int32_t off = rint_in(-128, 127);
    const int32_t lo = (rnd() & 1) ? INT32_MIN : -128, hi = (rnd() & 1) ? INT32_MAX : 127;
    if (isa == R50_ISA_AVX512VNNI)
      r50_requant16__avx512vnni(acc, mult, shift, off, lo, hi, out);
    else
      r50_requant8__avx2(acc, mult, shift, off, lo, hi, out);
    for (int i = 0; i < lanes; i++) {
      int64_t want = (int64_t)r50_mbqm(acc[i], mult[i], shift[i]);
      /* r50_mbqm's srdhm saturates INT32_MIN*INT32_MIN; the vector code must too */
      want = (int32_t)((uint32_t)(int32_t)want + (uint32_t)off);
      if (want < lo) want = lo;
      if (want > hi) want = hi;
      n++;
      if (out[i] != (int32_t)want && bad++ < 5)
        fprintf(stderr, "  %s requant acc %d mult %d shift %d off %d: got %d want %d\n",
                r50_isa_name(isa), acc[i], mult[i], shift[i], off, out[i], (int)want);
    }
  }
  CHECK_MSG(bad == 0, "%s: %ld of %ld requantized lanes differ", r50_isa_name(isa), bad, n);
}

/* Network-shaped convolutions (ResNet50V2 224 after its explicit PADs): the
 * 7x7/2 stem with 3 channels (window layout, 21 -> 24 bytes per filter row,
 * the last windows read past the input's end and are gathered), 1x1 with
 * small K, 3x3 stride 1 and 2 windows read in place; plus odd variants. */
typedef struct {
  int32_t in_h, in_w, in_c, f, stride, out_c;
} conv_fixed;
static const conv_fixed k_fixed[] = {
    {230, 230, 3, 7, 2, 64}, {56, 56, 64, 1, 1, 256}, {58, 58, 64, 3, 1, 64},
    {58, 58, 128, 3, 2, 128}, {9, 9, 512, 3, 1, 80}, {7, 7, 2048, 1, 1, 512},
    {23, 19, 3, 7, 2, 33}, {17, 15, 5, 5, 2, 70}, {11, 13, 1, 7, 1, 17}, {30, 30, 6, 3, 1, 129},
};
static int g_window_cases; /* cases whose windows were read in place */

static int conv_case(r50_isa isa, int verbose, const conv_fixed *fx) {
  r50_conv_params p;
  memset(&p, 0, sizeof p);
  const int32_t chans[] = {1, 3, 5, 17, 33, 67, 64, 128, 4, 8};
  const int32_t ks[] = {1, 1, 1, 3, 3, 7, 2, 5};
  p.batch = rint_in(1, 2);
  p.in_c = pick(chans, 10);
  p.out_c = pick(chans, 10);
  p.filter_h = pick(ks, 8);
  p.filter_w = (rnd() % 4) ? p.filter_h : pick(ks, 8);
  p.filter_in_c = p.in_c;
  p.groups = 1;
  p.stride_h = rint_in(1, 2);
  p.stride_w = (rnd() % 4) ? p.stride_h : rint_in(1, 2);
  p.dilation_h = (rnd() % 6) ? 1 : 2;
  p.dilation_w = (rnd() % 6) ? 1 : 2;
  p.in_h = rint_in(1, 14);
  p.in_w = rint_in(1, 14);
  int valid = rnd() & 1;
  if (fx) {
    p.batch = 1;
    p.in_h = fx->in_h;
    p.in_w = fx->in_w;
    p.in_c = p.filter_in_c = fx->in_c;
    p.filter_h = p.filter_w = fx->f;
    p.stride_h = p.stride_w = fx->stride;
    p.dilation_h = p.dilation_w = 1;
    p.out_c = fx->out_c;
    valid = 1;
  }
  const int64_t oh = r50_tfl_out_size(valid, p.in_h, p.filter_h, p.stride_h, p.dilation_h);
  const int64_t ow = r50_tfl_out_size(valid, p.in_w, p.filter_w, p.stride_w, p.dilation_w);
  if (oh < 1 || ow < 1) return 0;
  p.out_h = (int32_t)oh;
  p.out_w = (int32_t)ow;
  p.pad_top = (int32_t)r50_tfl_padding(p.stride_h, p.dilation_h, p.in_h, p.filter_h, oh, NULL);
  p.pad_left = (int32_t)r50_tfl_padding(p.stride_w, p.dilation_w, p.in_w, p.filter_w, ow, NULL);
  const int32_t zps[] = {-128, 127, 0, -1, 5, -100};
  p.q.input_offset = -pick(zps, 6);
  p.q.output_offset = pick(zps, 6);
  const int act = rint_in(0, 3);
  p.q.act_min = act == 0 ? -128 : (act == 1 ? p.q.output_offset : -60);
  p.q.act_max = act == 2 ? 90 : 127;
  if (p.q.act_min > p.q.act_max) p.q.act_min = p.q.act_max;
  const size_t n_in = (size_t)p.batch * p.in_h * p.in_w * p.in_c;
  const size_t n_w = (size_t)p.out_c * p.filter_h * p.filter_w * p.in_c;
  const size_t n_out = (size_t)p.batch * p.out_h * p.out_w * p.out_c;
  int8_t *in = malloc(n_in), *w = malloc(n_w), *o_ref = malloc(n_out), *o_x = malloc(n_out);
  int32_t *bias = malloc((size_t)p.out_c * 4), *mult = malloc((size_t)p.out_c * 4),
          *shift = malloc((size_t)p.out_c * 4);
  const int extreme = rnd() % 4 == 0;
  for (size_t i = 0; i < n_in; i++) in[i] = (int8_t)(extreme ? ((rnd() & 1) ? 127 : -128) : rint_in(-128, 127));
  for (size_t i = 0; i < n_w; i++) w[i] = (int8_t)(extreme ? ((rnd() & 1) ? 127 : -127) : rint_in(-127, 127));
  const int per_tensor = rnd() & 1;
  const int mag = rnd() % 3; /* tiny, ~1, > 1 */
  double m0 = 0;
  for (int32_t c = 0; c < p.out_c; c++) {
    bias[c] = (int32_t)(rnd() % (1u << 20)) - (1 << 19);
    if (rnd() % 8 == 0) bias[c] = (int32_t)(rnd() << 16 ^ rnd());
    double m = mag == 0 ? 1e-7 * (1 + rnd() % 1000) : (mag == 1 ? 0.5 + (rnd() % 1000) / 1000.0 : 1.0 + (rnd() % 3000));
    if (c == 0 || !per_tensor) m0 = m;
    r50_quantize_multiplier(per_tensor ? m0 : m, &mult[c], &shift[c]);
  }
  p.q.out_mult = mult;
  p.q.out_shift = shift;
  const int with_bias = rnd() % 5 != 0;
  r50_conv2d_s8_ref(&p, in, w, with_bias ? bias : NULL, o_ref);
  r50_conv_s8_x86 c;
  const int vnni = isa == R50_ISA_AVX512VNNI, avxvnni = isa == R50_ISA_AVXVNNI;
  const size_t mem_bytes = vnni      ? r50_conv_s8_x86_mem__avx512vnni(&p)
                           : avxvnni ? r50_conv_s8_x86_mem__avxvnni(&p)
                                     : r50_conv_s8_x86_mem__avx2(&p);
  void *mem = aligned_alloc(64, (mem_bytes + 63) / 64 * 64);
  const int32_t *bp = with_bias ? bias : NULL;
  const size_t sb = vnni      ? r50_conv_s8_x86_prepare__avx512vnni(&c, &p, w, bp, mem)
                    : avxvnni ? r50_conv_s8_x86_prepare__avxvnni(&c, &p, w, bp, mem)
                              : r50_conv_s8_x86_prepare__avx2(&c, &p, w, bp, mem);
  void *scratch = aligned_alloc(64, (sb + 64) / 64 * 64);
  memset(o_x, 0x55, n_out);
  if (vnni)
    r50_conv2d_s8__avx512vnni(&c, in, o_x, scratch, g_par);
  else if (avxvnni)
    r50_conv2d_s8__avxvnni(&c, in, o_x, scratch, g_par);
  else
    r50_conv2d_s8__avx2(&c, in, o_x, scratch, g_par);
  /* the in-place window condition of conv_s8_x86_impl.h */
  if ((vnni || avxvnni) && c.win && p.dilation_w == 1 && p.pad_top == 0 && p.pad_left == 0 &&
      (p.out_h - 1) * p.stride_h + (p.filter_h - 1) * p.dilation_h < p.in_h &&
      (p.out_w - 1) * p.stride_w + p.filter_w - 1 < p.in_w)
    g_window_cases++;
  int same = memcmp(o_ref, o_x, n_out) == 0;
  if (!same && verbose) {
    size_t first = 0;
    while (o_ref[first] == o_x[first]) first++;
    fprintf(stderr,
            "  %s conv b%d %dx%dx%d -> %dx%dx%d f%dx%d s%d,%d d%d,%d pad %d,%d in_off %d out_off %d act [%d,%d] "
            "mag %d pt %d bias %d direct %d: first diff at %zu (ref %d got %d)\n",
            r50_isa_name(isa), p.batch, p.in_h, p.in_w, p.in_c, p.out_h, p.out_w, p.out_c,
            p.filter_h, p.filter_w, p.stride_h, p.stride_w, p.dilation_h, p.dilation_w, p.pad_top,
            p.pad_left, p.q.input_offset, p.q.output_offset, p.q.act_min, p.q.act_max, mag,
            per_tensor, with_bias, c.direct, first, o_ref[first], o_x[first]);
  }
  CHECK(same);
  free(in); free(w); free(o_ref); free(o_x); free(bias); free(mult); free(shift); free(mem); free(scratch);
  return same ? 1 : -1;
}

static void test_conv(r50_isa isa) {
  int ran = 0, bad = 0;
  g_window_cases = 0;
  for (size_t i = 0; i < sizeof k_fixed / sizeof k_fixed[0]; i++) {
    int r = conv_case(isa, bad < 5, &k_fixed[i]);
    if (r) ran++;
    if (r < 0) bad++;
  }
  for (int it = 0; it < 1500; it++) {
    int r = conv_case(isa, bad < 5, NULL);
    if (r) ran++;
    if (r < 0) bad++;
  }
  if (isa != R50_ISA_AVX2) CHECK_MSG(g_window_cases > 100, "only %d windowed cases", g_window_cases);
  printf("%-10s conv: %d cases (%d windows read in place), %d differ\n", r50_isa_name(isa), ran,
         g_window_cases, bad);
}

/* The exact 32-bit ADD/SUB input rescale (kernels/eltwise_s8_fixed.h) against
 * the reference arithmetic for every int8 input, every offset in [-128, 128],
 * every right shift 0..31 and a set of multipliers, at left shifts 8..23. */
static void test_addin_fixed(void) {
  const int32_t mults[] = {0, 1, 2, 3, 1 << 10, (1 << 11) - 1, 1 << 11, (1 << 30) - 1, 1 << 30,
                           (1 << 30) + 1, 0x40000400, 0x5A827999, 0x7FFFF800, 0x7FFFFFFE, INT32_MAX};
  const int32_t lshifts[] = {20, 8, 12, 16, 23};
  long n = 0, bad = 0, used = 0;
  for (int li = 0; li < 5; li++) {
    const int32_t L = lshifts[li];
    for (int mi = 0; mi < (int)(sizeof mults / sizeof mults[0]) + 8; mi++) {
      const int32_t m = mi < (int)(sizeof mults / sizeof mults[0]) ? mults[mi] : (int32_t)(rnd() & 0x7FFFFFFF);
      for (int32_t r = 0; r <= 31; r += (L == 20 ? 1 : 5)) {
        for (int32_t off = -128; off <= 128; off += (L == 20 ? 1 : 7)) {
          r50_addin_fixed q;
          if (!r50_addin_fixed_init(&q, off, m, -r, L)) continue;
          used++;
          for (int32_t x = -128; x <= 127; x++) {
            const int32_t a = (int32_t)((uint32_t)(x + off) << L);
            const int32_t want = r50_rdbypot(r50_srdhm(a, m), r);
            n++;
            if (r50_addin_fixed_eval(&q, x, 1) != want && bad++ < 5)
              fprintf(stderr, "  addin L %d m %d r %d off %d x %d: %d, want %d\n", (int)L, (int)m,
                      (int)r, (int)off, (int)x, (int)r50_addin_fixed_eval(&q, x, 1), (int)want);
          }
        }
      }
    }
  }
  CHECK_MSG(bad == 0, "exact ADD input rescale: %ld of %ld differ", bad, n);
  CHECK(used > 1000);
  /* out of its range it declines (the kernels then use 64-bit products) */
  r50_addin_fixed q;
  CHECK(!r50_addin_fixed_init(&q, 0, 1 << 30, 0, 24) && !r50_addin_fixed_init(&q, 0, 1 << 30, 1, 20));
  CHECK(!r50_addin_fixed_init(&q, 400, 1 << 30, 0, 20) && !r50_addin_fixed_init(&q, 0, (1 << 30) + 1, 0, 20));
  CHECK(!r50_addin_fixed_init(&q, 0, 1 << 30, -25, 20) && !r50_addin_fixed_init(&q, 0, 1 << 10, -1, 20));
  CHECK(r50_addin_fixed_init(&q, -3, 1 << 30, 0, 20) && q.var == R50_ADDIN_PURE);
  CHECK(r50_addin_fixed_init(&q, 5, 0x5A827999, -1, 20) && q.var == R50_ADDIN_LIN);
  printf("exact ADD input rescale: %ld values (%ld parameter sets), %ld differ\n", n, used, bad);
}

/* Every (x1, x2) int8 pair, for extreme offsets, multipliers, shifts and
 * activation ranges; input 2 as the full [256,256] tensor, a per-channel
 * [256] vector (rescaled once per call), and a scalar; input 1 as the vector
 * too. Parameters outside the fast path's preconditions (INT32_MIN output
 * multiplier, left shift 22) take the generic path and are checked the
 * same way. */
static void eltwise_exhaustive(r50_isa isa) {
  const int v5 = isa == R50_ISA_AVX512VNNI;
  const size_t N = 65536;
  int8_t *a = malloc(N), *b = malloc(N), *o_ref = malloc(N), *o_x = malloc(N);
  for (size_t i = 0; i < N; i++) {
    a[i] = (int8_t)(i >> 8);
    b[i] = (int8_t)(i & 255);
  }
  const int32_t zps[] = {-128, 127, 0, 5, -77};
  const int32_t in_mults[] = {1 << 30, (1 << 30) + 1, INT32_MAX, 0x40000800, 0x55555555, 0x7FFFF800};
  const int32_t out_mults[] = {1 << 30, INT32_MAX, 0x4CCCCCCD, 0x6A09E668, 0x40000001};
  int ran = 0, bad = 0;
  for (int it = 0; it < 90; it++) {
    const int kind = it % 3;
    const int shape = (it / 3) % 5; /* 0 same, 1 in2 [256], 2 in2 scalar, 3 in1 [256], 4 in1 scalar */
    const int32_t d_full[2] = {256, 256}, d_vec[2] = {1, 256}, d_one[2] = {1, 1};
    const int32_t *d1 = shape == 3 ? d_vec : shape == 4 ? d_one : d_full;
    const int32_t *d2 = shape == 1 ? d_vec : shape == 2 ? d_one : d_full;
    /* vector / scalar inputs: pick distinct rows of the tables so all values occur */
    const int8_t *in1 = shape == 3 ? b : shape == 4 ? a + 256 * (size_t)(it % 256) : a;
    const int8_t *in2 = shape >= 1 && shape <= 2 ? (shape == 1 ? b : a + 256 * (size_t)(it % 256)) : b;
    if (shape == 3) in2 = a;
    const int32_t acts[4][2] = {{-128, 127}, {0, 127}, {-5, 7}, {-128, -128}};
    const int32_t *act = acts[rnd() % 4];
    if (kind < 2) {
      r50_addsub_s8_params p;
      memset(&p, 0, sizeof p);
      r50_bcast_init(&p.bc, 2, d1, 2, d2);
      p.in1_offset = -pick(zps, 5);
      p.in2_offset = -pick(zps, 5);
      p.out_offset = pick(zps, 5);
      p.left_shift = it % 17 == 5 ? 22 : 20; /* 22: general path, no int32 overflow in the reference */
      p.in1_mult = pick(in_mults, 6);
      p.in2_mult = pick(in_mults, 6);
      p.in1_shift = -pick((const int32_t[]){0, 0, 1, 2, 7, 31}, 6);
      p.in2_shift = -pick((const int32_t[]){0, 1, 3, 13, 31}, 5);
      p.out_mult = it % 11 == 3 ? INT32_MIN : pick(out_mults, 5);
      p.out_shift = -pick((const int32_t[]){0, 1, 12, 19, 20, 31}, 6);
      p.act_min = act[0];
      p.act_max = act[1];
      (kind ? r50_sub_s8_ref : r50_add_s8_ref)(&p, in1, in2, o_ref);
      if (v5) (kind ? r50_sub_s8__avx512vnni : r50_add_s8__avx512vnni)(&p, in1, in2, o_x, g_par);
      else (kind ? r50_sub_s8__avx2 : r50_add_s8__avx2)(&p, in1, in2, o_x, g_par);
    } else {
      r50_mul_s8_params p;
      memset(&p, 0, sizeof p);
      r50_bcast_init(&p.bc, 2, d1, 2, d2);
      p.in1_offset = -pick(zps, 5);
      p.in2_offset = -pick(zps, 5);
      p.out_offset = pick(zps, 5);
      /* up to 2^14: the reference's int32 arithmetic must not overflow (UB) */
      const double reals[] = {1e-9, 3e-6, 1.0 / 65025, 0.0123, 0.5, 0.999999, 1.0, 3.7, 1000.0, 16000.0};
      r50_quantize_multiplier(reals[rnd() % 10], &p.out_mult, &p.out_shift);
      if (it % 13 == 7) p.out_mult = INT32_MIN;
      p.act_min = act[0];
      p.act_max = act[1];
      r50_mul_s8_ref(&p, in1, in2, o_ref);
      (v5 ? r50_mul_s8__avx512vnni : r50_mul_s8__avx2)(&p, in1, in2, o_x, g_par);
    }
    ran++;
    if (memcmp(o_ref, o_x, N) != 0 && bad++ < 5)
      fprintf(stderr, "  %s exhaustive eltwise case %d (kind %d shape %d) differs\n", r50_isa_name(isa),
              it, kind, shape);
  }
  free(a); free(b); free(o_ref); free(o_x);
  CHECK_MSG(bad == 0, "%s: %d of %d exhaustive elementwise cases differ", r50_isa_name(isa), bad, ran);
  printf("%-10s eltwise 256x256 pairs: %d cases, %d differ\n", r50_isa_name(isa), ran, bad);
}
#endif

/* ---- DEPTHWISE_CONV_2D (depth multiplier 1) ---- */
static int g_dw_banded, g_dw_outside; /* cases run as row bands / with a window outside the image */

/* MobileNetV2-shaped layers (SAME, or VALID after its explicit PAD) and odd variants */
typedef struct {
  int32_t in_h, in_w, c, f, stride, valid;
} dw_fixed;
static const dw_fixed k_dw_fixed[] = {
    {112, 112, 32, 3, 1, 0}, {113, 113, 96, 3, 2, 1}, {56, 56, 144, 3, 1, 0}, {57, 57, 144, 3, 2, 1},
    {28, 28, 192, 3, 1, 0},  {14, 14, 576, 3, 1, 0},  {7, 7, 960, 3, 1, 0},   {9, 9, 67, 5, 2, 0},
    {30, 30, 129, 7, 1, 0},  {20, 17, 33, 3, 1, 1},
};

static int dw_case(r50_isa isa, int verbose, const dw_fixed *fx) {
  r50_dwconv_params p;
  memset(&p, 0, sizeof p);
  const int32_t chans[] = {1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 48, 63, 64, 65, 96, 127, 128, 129, 144};
  const int32_t ks[] = {1, 3, 3, 3, 5, 7, 2};
  p.batch = rint_in(1, 2);
  p.in_c = p.out_c = (rnd() & 1) ? rint_in(1, 129) : pick(chans, 20);
  p.depth_multiplier = 1;
  p.filter_h = pick(ks, 7);
  p.filter_w = (rnd() % 4) ? p.filter_h : pick(ks, 7);
  p.stride_h = rint_in(1, 2);
  p.stride_w = (rnd() % 4) ? p.stride_h : rint_in(1, 2);
  p.dilation_h = (rnd() % 5) ? 1 : 2;
  p.dilation_w = (rnd() % 5) ? 1 : 2;
  p.in_h = rint_in(1, 12);
  p.in_w = rint_in(1, 12);
  if (fx) {
    p.batch = 1;
    p.in_h = fx->in_h;
    p.in_w = fx->in_w;
    p.in_c = p.out_c = fx->c;
    p.filter_h = p.filter_w = fx->f;
    p.stride_h = p.stride_w = fx->stride;
    p.dilation_h = p.dilation_w = 1;
  }
  const int32_t win_h = (p.filter_h - 1) * p.dilation_h + 1, win_w = (p.filter_w - 1) * p.dilation_w + 1;
  if (!fx && rnd() % 4 == 0) { /* large explicit padding: some windows miss the image entirely */
    p.pad_top = rint_in(0, win_h + 2);
    p.pad_left = rint_in(0, win_w + 2);
    p.out_h = (p.in_h + p.pad_top + rint_in(0, win_h + 2) - win_h) / p.stride_h + 1;
    p.out_w = (p.in_w + p.pad_left + rint_in(0, win_w + 2) - win_w) / p.stride_w + 1;
    if (p.in_h + p.pad_top + 4 < win_h || p.in_w + p.pad_left + 4 < win_w) return 0;
    if (p.out_h < 1 || p.out_w < 1) return 0;
    if (p.pad_top >= win_h || p.pad_left >= win_w ||
        (p.out_h - 1) * p.stride_h - p.pad_top >= p.in_h || (p.out_w - 1) * p.stride_w - p.pad_left >= p.in_w)
      g_dw_outside++;
  } else {
    const int valid = fx ? fx->valid : (int)(rnd() & 1);
    const int64_t oh = r50_tfl_out_size(valid, p.in_h, p.filter_h, p.stride_h, p.dilation_h);
    const int64_t ow = r50_tfl_out_size(valid, p.in_w, p.filter_w, p.stride_w, p.dilation_w);
    if (oh < 1 || ow < 1) return 0;
    p.out_h = (int32_t)oh;
    p.out_w = (int32_t)ow;
    p.pad_top = (int32_t)r50_tfl_padding(p.stride_h, p.dilation_h, p.in_h, p.filter_h, oh, NULL);
    p.pad_left = (int32_t)r50_tfl_padding(p.stride_w, p.dilation_w, p.in_w, p.filter_w, ow, NULL);
  }
  const int32_t zps[] = {-128, 127, 0, -1, 5, -100};
  p.q.input_offset = -pick(zps, 6);
  if (!fx && rnd() % 50 == 0) p.q.input_offset = (rnd() & 1) ? 32640 : -32640; /* the int16 limit */
  p.q.output_offset = pick(zps, 6);
  const int act = rint_in(0, 3);
  p.q.act_min = act == 0 ? -128 : (act == 1 ? p.q.output_offset : -60);
  p.q.act_max = act == 2 ? 90 : 127;
  if (p.q.act_min > p.q.act_max) p.q.act_min = p.q.act_max;
  const int32_t C = p.out_c;
  const size_t n_in = (size_t)p.batch * p.in_h * p.in_w * C;
  const size_t n_w = (size_t)p.filter_h * p.filter_w * C;
  const size_t n_out = (size_t)p.batch * p.out_h * p.out_w * C;
  int8_t *in = malloc(n_in), *w = malloc(n_w), *o_ref = malloc(n_out), *o_x = malloc(n_out);
  int32_t *bias = malloc((size_t)C * 4), *mult = malloc((size_t)C * 4), *shift = malloc((size_t)C * 4);
  uint32_t *scr = malloc(r50_dwconv_scratch_bytes(&p) + 4);
  const int extreme = rnd() % 4 == 0;
  for (size_t i = 0; i < n_in; i++)
    in[i] = (int8_t)(extreme ? ((rnd() & 1) ? 127 : -128) : rint_in(-128, 127));
  for (size_t i = 0; i < n_w; i++)
    w[i] = (int8_t)(extreme ? ((rnd() & 1) ? 127 : -128) : rint_in(-128, 127));
  const int mag = rnd() % 4; /* tiny, ~1, > 1, raw extremes */
  const int per_tensor = rnd() % 3 == 0;
  for (int32_t c = 0; c < C; c++) {
    bias[c] = (int32_t)((rnd() << 4) - (1u << 19));
    if (rnd() % 8 == 0) bias[c] = (int32_t)(rnd() << 16 ^ rnd());
    if (per_tensor && c > 0) {
      mult[c] = mult[0];
      shift[c] = shift[0];
    } else if (mag == 3) {
      const int32_t raw[] = {INT32_MAX, 1 << 30, INT32_MIN, (int32_t)(0x40000000u | rnd())};
      mult[c] = raw[rnd() % 4];
      /* right shifts only: with a raw multiplier a left shift can take r50_mbqm to
       * INT32_MAX, and the reference's "+ output_offset" would overflow (UB) */
      shift[c] = rint_in(-31, -1);
    } else {
      const double m = mag == 0 ? 1e-7 * (1 + rnd() % 1000)
                                : (mag == 1 ? 0.5 + (rnd() % 1000) / 1000.0 : 1.0 + (rnd() % 3000));
      r50_quantize_multiplier(m, &mult[c], &shift[c]);
    }
  }
  p.q.out_mult = mult;
  p.q.out_shift = shift;
  const int with_bias = rnd() % 5 != 0;
  const int32_t *bp = with_bias ? bias : NULL;
  r50_dwconv2d_s8_ref(&p, in, w, bp, o_ref, scr);
  CHECK(r50_dwconv_s8_x86_ok(&p));
  const int v5 = isa == R50_ISA_AVX512VNNI;
  const size_t mem_bytes = v5 ? r50_dwconv_s8_x86_mem__avx512vnni(&p) : r50_dwconv_s8_x86_mem__avx2(&p);
  void *mem = aligned_alloc(64, (mem_bytes + 63) / 64 * 64);
  r50_dwconv_s8_x86 d;
  if (v5)
    r50_dwconv_s8_x86_prepare__avx512vnni(&d, &p, w, bp, mem);
  else
    r50_dwconv_s8_x86_prepare__avx2(&d, &p, w, bp, mem);
  memset(o_x, 0x55, n_out);
  /* row bands as dwconv_run passes them (r50_rowband): the band's geometry,
   * the input view starting at its first needed row */
  const int banded = p.batch == 1 && p.out_h > 1 && rnd() % 3 == 0;
  if (banded) {
    g_dw_banded++;
    for (int32_t y0 = 0; y0 < p.out_h;) {
      int32_t y1 = y0 + rint_in(1, 3);
      if (y1 > p.out_h) y1 = p.out_h;
      r50_dwconv_params b = p;
      int32_t lo = y0 * p.stride_h - p.pad_top, hi = (y1 - 1) * p.stride_h - p.pad_top + win_h;
      if (lo < 0) lo = 0;
      if (hi > p.in_h) hi = p.in_h;
      b.in_h = hi > lo ? hi - lo : 0; /* 0: the band's windows all miss the image */
      b.out_h = y1 - y0;
      b.pad_top = p.pad_top - y0 * p.stride_h + lo;
      const int8_t *bin = in + (size_t)(lo < p.in_h ? lo : p.in_h) * p.in_w * C;
      if (v5)
        r50_dwconv2d_s8__avx512vnni(&d, &b, bin, o_x + (size_t)y0 * p.out_w * C, g_par);
      else
        r50_dwconv2d_s8__avx2(&d, &b, bin, o_x + (size_t)y0 * p.out_w * C, g_par);
      y0 = y1;
    }
  } else if (v5) {
    r50_dwconv2d_s8__avx512vnni(&d, &p, in, o_x, g_par);
  } else {
    r50_dwconv2d_s8__avx2(&d, &p, in, o_x, g_par);
  }
  const int same = memcmp(o_ref, o_x, n_out) == 0;
  if (!same && verbose) {
    size_t first = 0;
    while (o_ref[first] == o_x[first]) first++;
    fprintf(stderr,
            "  %s dwconv b%d %dx%dx%d -> %dx%d f%dx%d s%d,%d d%d,%d pad %d,%d in_off %d out_off %d "
            "act [%d,%d] mag %d bias %d banded %d: first diff at %zu (channel %zu: ref %d got %d)\n",
            r50_isa_name(isa), p.batch, p.in_h, p.in_w, C, p.out_h, p.out_w, p.filter_h, p.filter_w,
            p.stride_h, p.stride_w, p.dilation_h, p.dilation_w, p.pad_top, p.pad_left,
            p.q.input_offset, p.q.output_offset, p.q.act_min, p.q.act_max, mag, with_bias, banded,
            first, first % (size_t)C, o_ref[first], o_x[first]);
  }
  CHECK(same);
  free(in); free(w); free(o_ref); free(o_x); free(bias); free(mult); free(shift); free(scr); free(mem);
  return same ? 1 : -1;
}

static void test_dwconv(r50_isa isa, int cases) {
  int ran = 0, bad = 0;
  g_dw_banded = g_dw_outside = 0;
  for (size_t i = 0; i < sizeof k_dw_fixed / sizeof k_dw_fixed[0]; i++) {
    const int r = dw_case(isa, bad < 5, &k_dw_fixed[i]);
    CHECK(r != 0);
    if (r) ran++;
    if (r < 0) bad++;
  }
  for (int it = 0; it < cases; it++) {
    const int r = dw_case(isa, bad < 5, NULL);
    if (r) ran++;
    if (r < 0) bad++;
  }
  CHECK_MSG(ran > cases / 2 && g_dw_banded > cases / 20 && g_dw_outside > cases / 50,
            "dwconv sweep too thin: %d ran, %d banded, %d with windows outside", ran, g_dw_banded,
            g_dw_outside);
  /* the gate: x + input_offset must fit int16, depth multiplier 1 */
  r50_dwconv_params g;
  memset(&g, 0, sizeof g);
  g.depth_multiplier = 1;
  g.q.input_offset = 32641;
  CHECK(!r50_dwconv_s8_x86_ok(&g));
  g.q.input_offset = 128;
  CHECK(r50_dwconv_s8_x86_ok(&g));
  g.depth_multiplier = 2;
  CHECK(!r50_dwconv_s8_x86_ok(&g));
  printf("%-10s dwconv: %d cases (%d banded, %d with windows outside the image), %d differ\n",
         r50_isa_name(isa), ran, g_dw_banded, g_dw_outside, bad);
}

int main(void) {
  test_pool();
#if defined(__x86_64__)
  test_addin_fixed();
  const r50_isa best = r50_isa_best();
  printf("CPU best ISA: %s\n", r50_isa_name(best));
  for (int l = R50_ISA_AVX2; l <= R50_ISA_AVX512VNNI; l++) {
    if (!r50_isa_supported((r50_isa)l)) {
      printf("%-10s skipped: this CPU lacks it\n", r50_isa_name((r50_isa)l));
      continue;
    }
    test_requant((r50_isa)l);
    for (int threads = 1; threads <= 3; threads++) {
      r50_parallel par;
      r50_error pe;
      CHECK(r50_threadpool_create(threads, &par, &pe) == R50_OK);
      g_par = &par;
      printf("%d thread(s):\n", threads);
      test_conv((r50_isa)l);
      test_dwconv((r50_isa)l, threads == 1 ? 3000 : 1000);
      if (l == R50_ISA_AVX512VNNI)
        es_eltwise_cases(r50_isa_name((r50_isa)l), 3000, r50_add_s8__avx512vnni, r50_sub_s8__avx512vnni,
                         r50_mul_s8__avx512vnni, g_par);
      else
        es_eltwise_cases(r50_isa_name((r50_isa)l), 3000, r50_add_s8__avx2, r50_sub_s8__avx2, r50_mul_s8__avx2,
                         g_par);
      eltwise_exhaustive((r50_isa)l);
      g_par = NULL;
      r50_threadpool_destroy(&par);
    }
  }
  /* int8 pooling / MEAN kernels, serial and through 2- and 3-thread pools */
  for (int v5 = 0; v5 <= 1; v5++) {
    const r50_isa l = v5 ? R50_ISA_AVX512VNNI : R50_ISA_AVX2;
    if (!r50_isa_supported(l)) continue;
    for (int threads = 1; threads <= 3; threads++) {
      r50_parallel par;
      r50_error pe;
      CHECK(r50_threadpool_create(threads, &par, &pe) == R50_OK);
      ps_sweep(r50_isa_name(l), v5 ? r50_maxpool_s8__avx512vnni : r50_maxpool_s8__avx2,
               v5 ? r50_avgpool_s8__avx512vnni : r50_avgpool_s8__avx2,
               v5 ? r50_mean_s8__avx512vnni : r50_mean_s8__avx2, &par, threads == 1 ? 2000 : 500,
               threads == 1);
      r50_threadpool_destroy(&par);
    }
  }
  r50_error e;
  CHECK(r50_isa_set((r50_isa)7, &e) == R50_ERR_ARG);
  r50_isa parsed;
  CHECK(r50_isa_parse("avx2", &parsed) == R50_OK && parsed == R50_ISA_AVX2);
  CHECK(r50_isa_parse("avxvnni", &parsed) == R50_OK && parsed == R50_ISA_AVXVNNI);
  CHECK(strcmp(r50_isa_name(R50_ISA_AVXVNNI), "avxvnni") == 0);
  CHECK(r50_isa_parse("sse9", &parsed) == R50_ERR_ARG);
  for (int l = R50_ISA_AVX2; l <= R50_ISA_AVX512VNNI; l++)
    if (!r50_isa_supported((r50_isa)l)) {
      CHECK(r50_isa_set((r50_isa)l, &e) == R50_ERR_UNSUPPORTED);
      CHECK(strstr(e.msg, "not supported by this CPU") != NULL);
    }
  CHECK(!r50_isa_supported(R50_ISA_NEON) && r50_isa_set(R50_ISA_NEON, &e) == R50_ERR_UNSUPPORTED);
#else
  printf("not x86-64: no optimized kernels to test\n");
  CHECK(r50_isa_best() == R50_ISA_REF);
#endif
  return test_finish("test_kernels_x86");
}

/* Arm NEON kernels bit for bit against the reference kernels, on every Arm
 * level this CPU supports (neon; neondot with HWCAP_ASIMDDP, e.g. under
 * qemu-aarch64 -cpu max; levels it lacks are skipped, saying so):
 *  - vectorized requantization lane by lane against r50_mbqm (INT32_MIN/MAX
 *    accumulators, every shift -31..31, multipliers 0, 2^30, 2^31-1, INT32_MIN);
 *  - CONV_2D over a seeded sweep: odd and even channel counts, 1x1/3x3/7x7 and
 *    rectangular filters, strides 1 and 2, dilation, SAME/VALID, batch 1-2,
 *    extreme zero points, weights including -128, multipliers tiny / ~1 / > 1,
 *    per-tensor and per-channel, every activation range, with and without
 *    bias, serial and through a 2-thread pool, and row bands as eval_rows
 *    passes them;
 *  - DEPTHWISE_CONV_2D (depth multiplier 1) over odd channel counts, filters,
 *    strides, dilation, weights and inputs at -128/127, whole and in bands;
 *  - ADD / SUB / MUL over random broadcast shapes, in place;
 *  - MAX_POOL_2D / AVERAGE_POOL_2D / MEAN (tests/kernels_pool_sweep.h).
 * Elsewhere (x86, Cortex-M) it only checks that no Arm level is offered. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "r50.h"

#if defined(__ARM_NEON) && defined(__linux__)
#include "kernels/arm/conv_s8_arm.h"
#include "kernels/arm/dwconv_s8_arm.h"
#include "kernels/arm/eltwise_s8_arm.h"
#include "kernels/arm/pool_s8_arm.h"
#include "kernels/quant.h"
#include "kernels/ref/conv.h"
#include "kernels/ref/dwconv.h"
#include "kernels/ref/eltwise.h"
#include "kernels_eltwise_sweep.h"
#include "kernels_pool_sweep.h"

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
static const r50_parallel *g_par = NULL;

static void test_requant(void) {
  const int32_t edge[] = {0, 1, -1, 2, -2, INT32_MAX, INT32_MIN, INT32_MIN + 1, 1 << 30, -(1 << 30),
                          (1 << 30) + 1, -(1 << 30) - 1, 12345, -12345, 0x7FFF, -0x8000};
  long bad = 0, n = 0;
  for (int it = 0; it < 60000; it++) {
    int32_t acc[4], mult[4], shift[4], out[4];
    for (int i = 0; i < 4; i++) {
      acc[i] = (rnd() & 3) ? (int32_t)(rnd() << 16 ^ rnd()) >> rint_in(0, 31) : edge[rnd() % 16];
      switch (rnd() % 5) {
        case 0: mult[i] = 0; break;
        case 1: mult[i] = 1 << 30; break;
        case 2: mult[i] = INT32_MAX; break;
        case 3: mult[i] = INT32_MIN; break; /* never from prepare; SQRDMULH saturates like srdhm */
        default: mult[i] = (int32_t)((1u << 30) | (rnd() << 8 ^ rnd())) & INT32_MAX; break;
      }
      if (mult[i] < (1 << 30) && mult[i] != 0 && mult[i] != INT32_MIN) mult[i] |= 1 << 30;
      shift[i] = rint_in(-31, 31);
      /* exact halves: the rounding rule matters there */
      if (rnd() % 4 == 0 && shift[i] < 0) {
        mult[i] = 1 << 30; /* srdhm(x, 2^30) = round(x / 2) */
        acc[i] = (int32_t)(((rnd() % 2000) - 1000) * 2 + 1) << (-shift[i] > 20 ? 0 : -shift[i]);
      }
    }
    const int32_t off = rint_in(-128, 127);
    const int32_t lo = (rnd() & 1) ? INT32_MIN : -128, hi = (rnd() & 1) ? INT32_MAX : 127;
    r50_requant4__neon(acc, mult, shift, off, lo, hi, out);
    for (int i = 0; i < 4; i++) {
      int64_t want = (int32_t)((uint32_t)r50_mbqm(acc[i], mult[i], shift[i]) + (uint32_t)off);
      if (want < lo) want = lo;
      if (want > hi) want = hi;
      n++;
      if (out[i] != (int32_t)want && bad++ < 5)
        fprintf(stderr, "  requant acc %d mult %d shift %d off %d: got %d want %d\n", acc[i],
                mult[i], shift[i], off, out[i], (int)want);
    }
  }
  CHECK_MSG(bad == 0, "neon: %ld of %ld requantized lanes differ", bad, n);
  printf("neon       requant: %ld lanes, %ld differ\n", n, bad);
}

/* The band call of op_conv.c: output rows [y0, y1) with the input view from
 * the first input row the band needs (r50_rowband, batch 1). */
static void band_geom(const r50_conv_params *p, int32_t y0, int32_t y1, int32_t *in0,
                      r50_conv_params *b) {
  *b = *p;
  const int32_t win = (p->filter_h - 1) * p->dilation_h + 1;
  int32_t lo = y0 * p->stride_h - p->pad_top, hi = (y1 - 1) * p->stride_h - p->pad_top + win;
  if (lo < 0) lo = 0;
  if (hi > p->in_h) hi = p->in_h;
  *in0 = lo;
  b->in_h = hi - lo;
  b->out_h = y1 - y0;
  b->pad_top = p->pad_top - y0 * p->stride_h + lo;
}

static int conv_case(r50_isa isa, int verbose) {
  r50_conv_params p;
  memset(&p, 0, sizeof p);
  const int32_t chans[] = {1, 3, 5, 17, 33, 67, 64, 128, 4, 8, 16, 48};
  const int32_t ks[] = {1, 1, 1, 3, 3, 7, 2, 5};
  p.batch = rint_in(1, 2);
  p.in_c = pick(chans, 12);
  p.out_c = pick(chans, 12);
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
  const int valid = rnd() & 1;
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
  const int extreme = rnd() % 4 == 0, wmin = rnd() % 4 == 0 ? -128 : -127;
  for (size_t i = 0; i < n_in; i++)
    in[i] = (int8_t)(extreme ? ((rnd() & 1) ? 127 : -128) : rint_in(-128, 127));
  for (size_t i = 0; i < n_w; i++)
    w[i] = (int8_t)(extreme ? ((rnd() & 1) ? 127 : wmin) : rint_in(wmin, 127));
  const int per_tensor = rnd() & 1;
  const int mag = rnd() % 3;
  double m0 = 0;
  for (int32_t c = 0; c < p.out_c; c++) {
    bias[c] = (int32_t)(rnd() << 4) - (1 << 19);
    if (rnd() % 8 == 0) bias[c] = (int32_t)(rnd() << 16 ^ rnd());
    double m = mag == 0 ? 1e-7 * (1 + rnd() % 1000)
                        : (mag == 1 ? 0.5 + (rnd() % 1000) / 1000.0 : 1.0 + (rnd() % 3000));
    if (c == 0 || !per_tensor) m0 = m;
    r50_quantize_multiplier(per_tensor ? m0 : m, &mult[c], &shift[c]);
  }
  p.q.out_mult = mult;
  p.q.out_shift = shift;
  const int with_bias = rnd() % 5 != 0;
  r50_conv2d_s8_ref(&p, in, w, with_bias ? bias : NULL, o_ref);
  r50_conv_s8_arm c;
#if defined(__aarch64__)
  const int dot = isa == R50_ISA_NEONDOT;
  const size_t mem_bytes = dot ? r50_conv_s8_arm_mem__neondot(&p) : r50_conv_s8_arm_mem__neon(&p);
#else
  const size_t mem_bytes = r50_conv_s8_arm_mem__neon(&p);
#endif
  void *mem = aligned_alloc(16, (mem_bytes + 15) / 16 * 16);
#if defined(__aarch64__)
  const size_t sb = dot ? r50_conv_s8_arm_prepare__neondot(&c, &p, w, with_bias ? bias : NULL, mem)
                        : r50_conv_s8_arm_prepare__neon(&c, &p, w, with_bias ? bias : NULL, mem);
#else
  const size_t sb = r50_conv_s8_arm_prepare__neon(&c, &p, w, with_bias ? bias : NULL, mem);
#endif
  void *scratch = aligned_alloc(16, (sb + 16) / 16 * 16);
  memset(o_x, 0x55, n_out);
  void (*run)(const r50_conv_s8_arm *, const int8_t *, int8_t *, void *, const r50_parallel *) =
      r50_conv2d_s8__neon;
#if defined(__aarch64__)
  if (dot) run = r50_conv2d_s8__neondot;
#endif
  const int banded = p.batch == 1 && p.out_h > 1 && rnd() % 3 == 0;
  if (banded) { /* output rows in bands of 1..3, each call with the band's geometry */
    for (int32_t y0 = 0; y0 < p.out_h;) {
      int32_t y1 = y0 + rint_in(1, 3);
      if (y1 > p.out_h) y1 = p.out_h;
      r50_conv_s8_arm b = c;
      int32_t in0;
      band_geom(&p, y0, y1, &in0, &b.p);
      b.M = b.p.out_h * b.p.out_w;
      run(&b, in + (size_t)in0 * p.in_w * p.in_c, o_x + (size_t)y0 * p.out_w * p.out_c, scratch,
          g_par);
      y0 = y1;
    }
  } else {
    run(&c, in, o_x, scratch, g_par);
  }
  int same = memcmp(o_ref, o_x, n_out) == 0;
  if (!same && verbose) {
    size_t first = 0;
    while (o_ref[first] == o_x[first]) first++;
    fprintf(stderr,
            "  %s conv b%d %dx%dx%d -> %dx%dx%d f%dx%d s%d,%d d%d,%d pad %d,%d in_off %d out_off %d "
            "act [%d,%d] mag %d pt %d bias %d direct %d nomin %d banded %d: first diff at %zu (ref %d got %d)\n",
            r50_isa_name(isa), p.batch, p.in_h, p.in_w, p.in_c, p.out_h, p.out_w, p.out_c,
            p.filter_h, p.filter_w, p.stride_h, p.stride_w, p.dilation_h, p.dilation_w, p.pad_top,
            p.pad_left, p.q.input_offset, p.q.output_offset, p.q.act_min, p.q.act_max, mag,
            per_tensor, with_bias, c.direct, c.nomin, banded, first, o_ref[first], o_x[first]);
  }
  CHECK(same);
  free(in); free(w); free(o_ref); free(o_x); free(bias); free(mult); free(shift); free(mem);
  free(scratch);
  return same ? 1 : -1;
}

static void test_conv(r50_isa isa, int cases) {
  int ran = 0, bad = 0;
  for (int it = 0; it < cases; it++) {
    int r = conv_case(isa, bad < 5);
    if (r) ran++;
    if (r < 0) bad++;
  }
  printf("%-10s conv: %d cases, %d differ\n", r50_isa_name(isa), ran, bad);
}

/* DEPTHWISE_CONV_2D, depth multiplier 1: whole tensor or row bands. */
static int dw_case(int verbose) {
  r50_dwconv_params p;
  memset(&p, 0, sizeof p);
  const int32_t chans[] = {1, 3, 7, 8, 9, 16, 17, 32, 67, 96};
  const int32_t ks[] = {1, 3, 3, 3, 5, 7, 2};
  p.batch = rint_in(1, 2);
  p.in_c = p.out_c = pick(chans, 10);
  p.depth_multiplier = 1;
  p.filter_h = pick(ks, 7);
  p.filter_w = (rnd() % 4) ? p.filter_h : pick(ks, 7);
  p.stride_h = rint_in(1, 2);
  p.stride_w = (rnd() % 4) ? p.stride_h : rint_in(1, 2);
  p.dilation_h = (rnd() % 6) ? 1 : 2;
  p.dilation_w = (rnd() % 6) ? 1 : 2;
  p.in_h = rint_in(1, 14);
  p.in_w = rint_in(1, 14);
  const int valid = rnd() & 1;
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
  const int32_t C = p.out_c;
  const size_t n_in = (size_t)p.batch * p.in_h * p.in_w * C;
  const size_t n_w = (size_t)p.filter_h * p.filter_w * C;
  const size_t n_out = (size_t)p.batch * p.out_h * p.out_w * C;
  int8_t *in = malloc(n_in), *w = malloc(n_w), *o_ref = malloc(n_out), *o_x = malloc(n_out);
  int32_t *bias = malloc((size_t)C * 4), *mult = malloc((size_t)C * 4), *shift = malloc((size_t)C * 4);
  uint32_t *scr = malloc((size_t)C * 4);
  const int extreme = rnd() % 4 == 0;
  for (size_t i = 0; i < n_in; i++)
    in[i] = (int8_t)(extreme ? ((rnd() & 1) ? 127 : -128) : rint_in(-128, 127));
  for (size_t i = 0; i < n_w; i++)
    w[i] = (int8_t)(extreme ? ((rnd() & 1) ? 127 : -128) : rint_in(-128, 127));
  const int mag = rnd() % 3;
  for (int32_t c = 0; c < C; c++) {
    bias[c] = (int32_t)(rnd() << 4) - (1 << 19);
    if (rnd() % 8 == 0) bias[c] = (int32_t)(rnd() << 16 ^ rnd());
    const double m = mag == 0 ? 1e-7 * (1 + rnd() % 1000)
                              : (mag == 1 ? 0.5 + (rnd() % 1000) / 1000.0 : 1.0 + (rnd() % 3000));
    r50_quantize_multiplier(m, &mult[c], &shift[c]);
  }
  p.q.out_mult = mult;
  p.q.out_shift = shift;
  const int with_bias = rnd() % 5 != 0;
  r50_dwconv2d_s8_ref(&p, in, w, with_bias ? bias : NULL, o_ref, scr);
  memset(o_x, 0x55, n_out);
  const int banded = p.batch == 1 && p.out_h > 1 && rnd() % 3 == 0;
  if (banded) {
    for (int32_t y0 = 0; y0 < p.out_h;) {
      int32_t y1 = y0 + rint_in(1, 3);
      if (y1 > p.out_h) y1 = p.out_h;
      r50_dwconv_params b = p;
      const int32_t win = (p.filter_h - 1) * p.dilation_h + 1;
      int32_t lo = y0 * p.stride_h - p.pad_top, hi = (y1 - 1) * p.stride_h - p.pad_top + win;
      if (lo < 0) lo = 0;
      if (hi > p.in_h) hi = p.in_h;
      b.in_h = hi - lo;
      b.out_h = y1 - y0;
      b.pad_top = p.pad_top - y0 * p.stride_h + lo;
      r50_dwconv2d_s8__neon(&b, in + (size_t)lo * p.in_w * C, w, with_bias ? bias : NULL,
                            o_x + (size_t)y0 * p.out_w * C, g_par);
      y0 = y1;
    }
  } else {
    r50_dwconv2d_s8__neon(&p, in, w, with_bias ? bias : NULL, o_x, g_par);
  }
  const int same = memcmp(o_ref, o_x, n_out) == 0;
  if (!same && verbose)
    fprintf(stderr, "  neon dwconv b%d %dx%dx%d f%dx%d s%d,%d d%d,%d banded %d: differs\n", p.batch,
            p.in_h, p.in_w, C, p.filter_h, p.filter_w, p.stride_h, p.stride_w, p.dilation_h,
            p.dilation_w, banded);
  CHECK(same);
  free(in); free(w); free(o_ref); free(o_x); free(bias); free(mult); free(shift); free(scr);
  return same ? 1 : -1;
}

static void test_dwconv(int cases) {
  int ran = 0, bad = 0;
  for (int it = 0; it < cases; it++) {
    const int r = dw_case(bad < 5);
    if (r) ran++;
    if (r < 0) bad++;
  }
  printf("neon       dwconv: %d cases, %d differ\n", ran, bad);
}

#endif

int main(void) {
#if defined(__ARM_NEON) && defined(__linux__)
  const r50_isa best = r50_isa_best();
  printf("CPU best ISA: %s\n", r50_isa_name(best));
  /* R50_KERNEL_CASES scales the sweep (default 600 conv cases per level and thread count) */
  const char *env = getenv("R50_KERNEL_CASES");
  const int cases = env ? atoi(env) : 600;
  if (r50_isa_supported(R50_ISA_NEON)) test_requant();
  for (int l = R50_ISA_NEON; l <= R50_ISA_NEONDOT; l++) {
    if (!r50_isa_supported((r50_isa)l)) {
      printf("%-10s skipped: this CPU lacks it\n", r50_isa_name((r50_isa)l));
      continue;
    }
    for (int threads = 1; threads <= 2; threads++) {
      r50_parallel par;
      r50_error pe;
      CHECK(r50_threadpool_create(threads, &par, &pe) == R50_OK);
      g_par = &par;
      printf("%d thread(s):\n", threads);
      test_conv((r50_isa)l, threads == 1 ? cases : cases / 3);
      if (l == R50_ISA_NEON) {
        es_eltwise_cases("neon", threads == 1 ? cases * 2 : cases / 2, r50_add_s8__neon, r50_sub_s8__neon,
                         r50_mul_s8__neon, g_par);
        test_dwconv(threads == 1 ? cases : cases / 3);
        ps_sweep("neon", r50_maxpool_s8__neon, r50_avgpool_s8__neon, r50_mean_s8__neon, g_par,
                 threads == 1 ? cases * 2 : cases / 2, threads == 1);
      }
      g_par = NULL;
      r50_threadpool_destroy(&par);
    }
  }
  r50_error e;
  CHECK(r50_isa_set(R50_ISA_AVX2, &e) == R50_ERR_UNSUPPORTED);
  r50_isa parsed;
  CHECK(r50_isa_parse("neondot", &parsed) == R50_OK && parsed == R50_ISA_NEONDOT);
  if (!r50_isa_supported(R50_ISA_NEONDOT)) {
    CHECK(r50_isa_set(R50_ISA_NEONDOT, &e) == R50_ERR_UNSUPPORTED);
    CHECK(strstr(e.msg, "not supported by this CPU") != NULL);
  }
#else
  printf("not Arm Linux with NEON: no Arm kernels to test\n");
  r50_error e;
  CHECK(!r50_isa_supported(R50_ISA_NEON) && !r50_isa_supported(R50_ISA_NEONDOT));
  CHECK(r50_isa_set(R50_ISA_NEON, &e) == R50_ERR_UNSUPPORTED);
#endif
  return test_finish("test_kernels_arm");
}

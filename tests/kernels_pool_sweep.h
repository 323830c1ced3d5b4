/* Bit-for-bit sweep of SIMD int8 MAX_POOL_2D / AVERAGE_POOL_2D / MEAN kernels
 * against the reference, shared by tests/test_kernels_x86.c and
 * tests/test_kernels_arm.c (included after check.h):
 *  - pooling: channel counts 1..129 around every vector width (8/16/32/64),
 *    filters 1..4 and 7 and whole-image, strides 1..3, SAME / VALID and
 *    oversized padding (windows wholly outside the image), batch 1-2, inputs
 *    random / at -128 and 127 / constant, activation ranges from the full
 *    int8 range to a single value, whole calls and row bands cut exactly as
 *    op_pool.c's eval_rows does (r50_rowband);
 *  - average rounding: single-window cases whose per-channel sums sit at
 *    (and one off) every round-half-away-from-zero boundary, for tap counts
 *    1..300, random counts up to 65536 (the vector limit) and one above; the
 *    float quotient estimate's premise over all counts up to 65536;
 *  - MEAN: 1-5 dims, every subset of reduced axes (innermost reduced runs the
 *    reference path inside the kernel), modes SAME and REQUANT with
 *    multipliers tiny to large, extreme zero points, ResNet50V2's and
 *    MobileNetV2's global pools. */
#ifndef R50_TESTS_KERNELS_POOL_SWEEP_H
#define R50_TESTS_KERNELS_POOL_SWEEP_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/quant.h"
#include "kernels/ref/conv.h"
#include "kernels/ref/mean.h"
#include "kernels/ref/pool.h"
#include "ops/ops.h" /* r50_rowband */
#include "r50.h"

typedef void (*ps_pool_fn)(const r50_pool_params *p, const int8_t *in, int8_t *out,
                           const r50_parallel *par);
typedef void (*ps_mean_fn)(const r50_mean_params *p, const int8_t *in, int8_t *out, void *scratch);

static uint64_t ps_rng = 0x13198A2E03707344ull;
static uint32_t ps_rnd(void) {
  ps_rng ^= ps_rng << 13;
  ps_rng ^= ps_rng >> 7;
  ps_rng ^= ps_rng << 17;
  return (uint32_t)(ps_rng >> 16);
}
static int32_t ps_in(int32_t lo, int32_t hi) { return lo + (int32_t)(ps_rnd() % (uint32_t)(hi - lo + 1)); }
static int32_t ps_pick(const int32_t *v, int n) { return v[ps_rnd() % (uint32_t)n]; }

static void ps_fill(int8_t *x, size_t n, int mode) {
  const int8_t k = (int8_t)ps_in(-128, 127);
  for (size_t i = 0; i < n; i++)
    x[i] = (int8_t)(mode == 0 ? ps_in(-128, 127) : mode == 1 ? ((ps_rnd() & 1) ? 127 : -128) : k);
}

/* One pooling case; 1 same, -1 differs, 0 skipped (no output). */
static int ps_pool_case(const char *isa, ps_pool_fn maxf, ps_pool_fn avgf,
                        const r50_parallel *par, int verbose) {
  r50_pool_params p;
  memset(&p, 0, sizeof p);
  const int32_t chans[] = {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 48, 63, 64, 65, 67, 96, 127, 128, 129};
  const int32_t ks[] = {1, 2, 2, 3, 3, 3, 4, 7};
  p.batch = ps_in(1, 2);
  p.channels = ps_pick(chans, (int)(sizeof chans / sizeof chans[0]));
  p.in_h = ps_in(1, 12);
  p.in_w = ps_in(1, 12);
  p.filter_h = ps_pick(ks, 8);
  p.filter_w = (ps_rnd() % 3) ? p.filter_h : ps_pick(ks, 8);
  p.stride_h = ps_in(1, 3);
  p.stride_w = (ps_rnd() % 3) ? p.stride_h : ps_in(1, 3);
  const int geo = (int)(ps_rnd() % 10);
  if (geo == 0) { /* global pool (VALID, whole image) */
    p.filter_h = p.in_h;
    p.filter_w = p.in_w;
  }
  if (geo == 1) { /* padding beyond TFLite's: some windows hold no tap */
    p.pad_top = ps_in(0, p.filter_h + 1);
    p.pad_left = ps_in(0, p.filter_w + 1);
    p.out_h = ps_in(1, (p.in_h + 2 * p.pad_top) / p.stride_h + 1);
    p.out_w = ps_in(1, (p.in_w + 2 * p.pad_left) / p.stride_w + 1);
  } else {
    const int valid = geo == 0 || (ps_rnd() & 1);
    const int64_t oh = r50_tfl_out_size(valid, p.in_h, p.filter_h, p.stride_h, 1);
    const int64_t ow = r50_tfl_out_size(valid, p.in_w, p.filter_w, p.stride_w, 1);
    if (oh < 1 || ow < 1) return 0;
    p.out_h = (int32_t)oh;
    p.out_w = (int32_t)ow;
    p.pad_top = (int32_t)r50_tfl_padding(p.stride_h, 1, p.in_h, p.filter_h, oh, NULL);
    p.pad_left = (int32_t)r50_tfl_padding(p.stride_w, 1, p.in_w, p.filter_w, ow, NULL);
  }
  const int32_t bounds[] = {-128, 127, 0, -1, 5, -100, 90, -128, 127};
  int32_t lo = ps_pick(bounds, 9), hi = ps_pick(bounds, 9);
  if (ps_rnd() % 3 == 0) lo = -128, hi = 127;
  if (lo > hi) { const int32_t t = lo; lo = hi; hi = t; }
  p.act_min = lo;
  p.act_max = hi;
  const int is_max = ps_rnd() & 1;
  const int32_t C = p.channels;
  const size_t n_in = (size_t)p.batch * p.in_h * p.in_w * C;
  const size_t n_out = (size_t)p.batch * p.out_h * p.out_w * C;
  int8_t *in = malloc(n_in), *o_ref = malloc(n_out), *o_x = malloc(n_out);
  ps_fill(in, n_in, ps_rnd() % 4 == 0 ? 1 : (ps_rnd() % 8 == 0 ? 2 : 0));
  (is_max ? r50_maxpool_s8_ref : r50_avgpool_s8_ref)(&p, in, o_ref);
  memset(o_x, 0x55, n_out);
  const ps_pool_fn f = is_max ? maxf : avgf;
  const int banded = p.batch == 1 && p.out_h > 1 && ps_rnd() % 3 == 0;
  if (banded) { /* op_pool.c eval_rows: r50_rowband on the input view from r50_rowmap_lo */
    r50_rowmap m;
    memset(&m, 0, sizeof m);
    m.stride = p.stride_h;
    m.pad = p.pad_top;
    m.window = p.filter_h;
    for (int32_t y0 = 0; y0 < p.out_h;) {
      int32_t y1 = y0 + ps_in(1, 3);
      if (y1 > p.out_h) y1 = p.out_h;
      r50_pool_params b = p;
      r50_rowband(&m, y0, y1, &b.in_h, &b.out_h, &b.pad_top);
      const int32_t lo_row = r50_rowmap_lo(&m, y0) < p.in_h ? r50_rowmap_lo(&m, y0) : p.in_h;
      f(&b, in + (size_t)lo_row * p.in_w * C, o_x + (size_t)y0 * p.out_w * C, par);
      y0 = y1;
    }
  } else {
    f(&p, in, o_x, par);
  }
  const int same = memcmp(o_ref, o_x, n_out) == 0;
  if (!same && verbose) {
    size_t first = 0;
    while (o_ref[first] == o_x[first]) first++;
    fprintf(stderr,
            "  %s %s b%d %dx%dx%d -> %dx%d f%dx%d s%d,%d pad %d,%d act [%d,%d] banded %d: first "
            "diff at %zu (ref %d got %d)\n",
            isa, is_max ? "maxpool" : "avgpool", p.batch, p.in_h, p.in_w, C, p.out_h, p.out_w,
            p.filter_h, p.filter_w, p.stride_h, p.stride_w, p.pad_top, p.pad_left, lo, hi, banded,
            first, o_ref[first], o_x[first]);
  }
  CHECK(same);
  free(in); free(o_ref); free(o_x);
  return same ? 1 : -1;
}

/* One window of fh x fw taps (VALID, one output pixel) whose per-channel sums
 * are k*count +- count/2 + {-1, 0, 1}: every rounding boundary's neighbours. */
static int ps_avg_boundary_case(const char *isa, ps_pool_fn avgf, int32_t fh, int32_t fw,
                                int verbose) {
  r50_pool_params p;
  memset(&p, 0, sizeof p);
  const int32_t C = ps_in(1, 40);
  p.batch = 1;
  p.in_h = p.filter_h = fh;
  p.in_w = p.filter_w = fw;
  p.channels = C;
  p.out_h = p.out_w = 1;
  p.stride_h = p.stride_w = 1;
  p.act_min = -128;
  p.act_max = 127;
  const int32_t count = fh * fw;
  const size_t n_in = (size_t)count * C;
  int8_t *in = malloc(n_in), o_ref[64], o_x[64];
  for (int32_t c = 0; c < C; c++) {
    /* target sum in [-128 count, 127 count] */
    const int32_t k = ps_in(-127, 126);
    const int32_t half = count / 2;
    int64_t t = (int64_t)k * count + ((ps_rnd() & 1) ? half : -half) + ps_in(-1, 1);
    if (ps_rnd() % 8 == 0) t = (ps_rnd() & 1) ? -128LL * count : 127LL * count;
    if (t < -128LL * count) t = -128LL * count;
    if (t > 127LL * count) t = 127LL * count;
    /* spread t over the taps: base value everywhere, remainder one by one */
    const int64_t base = t >= 0 ? t / count : -((-t + count - 1) / count);
    int64_t rem = t - base * count; /* 0 <= rem < count */
    for (int32_t i = 0; i < count; i++) {
      int64_t v = base + (rem > 0 ? 1 : 0);
      if (rem > 0) rem--;
      in[(size_t)i * C + c] = (int8_t)v;
    }
  }
  r50_avgpool_s8_ref(&p, in, o_ref);
  avgf(&p, in, o_x, NULL);
  const int same = memcmp(o_ref, o_x, (size_t)C) == 0;
  if (!same && verbose) fprintf(stderr, "  %s avgpool boundary count %d C %d: differs\n", isa, count, C);
  CHECK(same);
  free(in);
  return same ? 1 : -1;
}

/* The premise of the kernels' average division (pool_s8_impl.h): for every
 * count d <= 65536 and every n within 3 of a multiple of d (n in the range
 * the rounding produces), trunc(fl(n * fl(1/d))) is trunc(n / d) or one short
 * of it in magnitude, never beyond. IEEE single precision as in the vector
 * units (volatile: no wider intermediate). Run once. */
static void ps_div_premise(void) {
  static int done = 0;
  if (done) return;
  done = 1;
  long beyond = 0, n_short = 0, checked = 0;
  for (int32_t d = 1; d <= 65536; d++) {
    const volatile float rcp = 1.0f / (float)d;
    for (int32_t k = -129; k <= 128; k++)
      for (int32_t j = -3; j <= 3; j++) {
        const int64_t n64 = (int64_t)k * d + j;
        if (n64 < -128LL * d - d / 2 || n64 > 127LL * d + d / 2) continue;
        const int32_t n = (int32_t)n64, want = n / d;
        const volatile float prod = (float)n * rcp;
        const int32_t q = (int32_t)prod;
        checked++;
        if (q == want) continue;
        if (q - want == (n >= 0 ? -1 : 1)) n_short++;
        else beyond++;
      }
  }
  CHECK_MSG(beyond == 0, "%ld float quotient estimates beyond the one-short window", beyond);
  printf("avgpool division premise: %ld pairs, %ld one short, %ld beyond\n", checked, n_short, beyond);
}

/* One MEAN case as op_mean.c's prepare builds it. */
static int ps_mean_case(const char *isa, ps_mean_fn meanf, int verbose) {
  r50_mean_params p;
  memset(&p, 0, sizeof p);
  const int32_t chans[] = {1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 64, 67, 100, 129};
  int reduced[R50_MEAN_MAX_DIMS] = {0};
  const int shape = (int)(ps_rnd() % 8);
  if (shape == 0) { /* ResNet50V2 / MobileNetV2 global average pool */
    p.ndim = 4;
    const int32_t d[4] = {1, 7, 7, (ps_rnd() & 1) ? 2048 : 1280};
    memcpy(p.in_dims, d, sizeof d);
    reduced[1] = reduced[2] = 1;
  } else {
    p.ndim = ps_in(1, 5);
    for (int32_t d = 0; d < p.ndim; d++) {
      p.in_dims[d] = d == p.ndim - 1 ? ps_pick(chans, 14) : ps_in(1, p.ndim > 3 ? 5 : 9);
      reduced[d] = (int)(ps_rnd() % 2);
    }
    if (ps_rnd() % 4) reduced[p.ndim - 1] = 0; /* mostly the vector path */
  }
  int64_t n_red = 1;
  size_t stride = 1, n_in = 1;
  for (int32_t d = p.ndim - 1; d >= 0; d--) {
    n_in *= (size_t)p.in_dims[d];
    if (reduced[d]) {
      p.out_stride[d] = 0;
      n_red *= p.in_dims[d];
    } else {
      p.out_stride[d] = stride;
      stride *= (size_t)p.in_dims[d];
    }
  }
  p.n_in = n_in;
  p.n_out = stride;
  p.n_reduced = (int32_t)n_red;
  const int32_t zps[] = {-128, 127, 0, -1, 5, -100};
  p.input_zp = ps_pick(zps, 6);
  p.output_zp = ps_pick(zps, 6);
  if (ps_rnd() % 3 == 0) {
    p.mode = R50_MEAN_S8_SAME;
  } else { /* op_mean.c: QuantizeMultiplier(in/out) adapted to 1/n */
    p.mode = R50_MEAN_S8_REQUANT;
    const int mag = (int)(ps_rnd() % 3);
    const double real = mag == 0 ? 1e-4 * (1 + ps_rnd() % 1000)
                                 : (mag == 1 ? 0.5 + (ps_rnd() % 1000) / 1000.0 : 1.0 + (ps_rnd() % 300));
    int32_t mult, shift;
    r50_quantize_multiplier(real, &mult, &shift);
    int32_t sh = 0;
    while (sh < 62 && ((uint64_t)n_red >> (sh + 1)) != 0) sh++;
    if (sh > 32) sh = 32;
    if (sh > 31 + shift) sh = 31 + shift;
    p.mult = (int32_t)(((int64_t)mult << sh) / n_red);
    p.shift = shift - sh;
  }
  int8_t *in = malloc(n_in), *o_ref = malloc(p.n_out), *o_x = malloc(p.n_out);
  void *s1 = malloc(r50_mean_s8_scratch_bytes(&p)), *s2 = malloc(r50_mean_s8_scratch_bytes(&p) + 4);
  ps_fill(in, n_in, ps_rnd() % 4 == 0 ? 1 : (ps_rnd() % 6 == 0 ? 2 : 0));
  r50_mean_s8_ref(&p, in, o_ref, s1);
  memset(o_x, 0x55, p.n_out);
  memset(s2, 0x77, r50_mean_s8_scratch_bytes(&p) + 4); /* the kernel must clear its sums */
  meanf(&p, in, o_x, (char *)s2 + 4 * (ps_rnd() & 1)); /* also a scratch not 8-byte aligned */
  const int same = memcmp(o_ref, o_x, p.n_out) == 0;
  if (!same && verbose)
    fprintf(stderr, "  %s mean ndim %d last dim %d reduced-last %d n %d mode %d: differs\n", isa,
            (int)p.ndim, (int)p.in_dims[p.ndim - 1], reduced[p.ndim - 1], (int)p.n_reduced,
            (int)p.mode);
  CHECK(same);
  free(in); free(o_ref); free(o_x); free(s1); free(s2);
  return same ? 1 : -1;
}

/* pool_cases pooling cases through par, and (when boundary) the rounding
 * boundaries and MEAN cases (serial kernels). Prints one line per family. */
static void ps_sweep(const char *isa, ps_pool_fn maxf, ps_pool_fn avgf, ps_mean_fn meanf,
                     const r50_parallel *par, int pool_cases, int boundary) {
  int ran = 0, bad = 0;
  for (int it = 0; it < pool_cases; it++) {
    const int r = ps_pool_case(isa, maxf, avgf, par, bad < 5);
    if (r) ran++;
    if (r < 0) bad++;
  }
  printf("%-10s pool: %d cases, %d differ\n", isa, ran, bad);
  if (!boundary) return;
  ps_div_premise();
  ran = bad = 0;
  for (int32_t n = 1; n <= 300; n++) { /* 1 x n and n x 1 windows, and squares */
    bad += ps_avg_boundary_case(isa, avgf, 1, n, bad < 5) < 0;
    bad += ps_avg_boundary_case(isa, avgf, n, 1, bad < 5) < 0;
    ran += 2;
  }
  for (int it = 0; it < 24; it++) {
    const int32_t fh = ps_in(1, 256), fw = ps_in(1, 65536 / fh);
    bad += ps_avg_boundary_case(isa, avgf, fh, fw, bad < 5) < 0;
    ran++;
  }
  bad += ps_avg_boundary_case(isa, avgf, 256, 256, bad < 5) < 0; /* the vector limit */
  bad += ps_avg_boundary_case(isa, avgf, 257, 256, bad < 5) < 0; /* above: reference path */
  ran += 2;
  printf("%-10s avgpool rounding boundaries: %d cases, %d differ\n", isa, ran, bad);
  ran = bad = 0;
  for (int it = 0; it < pool_cases / 2; it++) {
    bad += ps_mean_case(isa, meanf, bad < 5) < 0;
    ran++;
  }
  printf("%-10s mean: %d cases, %d differ\n", isa, ran, bad);
}

#endif

/* Bit-exactness sweep of the Cortex-M DSP kernels (src/kernels/cortexm) against
 * the reference kernels, on the Cortex-M7 under QEMU (make -C firmware
 * kernels-test). Random shapes and data plus fixed cases: odd channel counts,
 * 1x1 / 3x3 / 5x5 / 7x7 filters, strides 1 and 2, SAME and VALID padding,
 * dilation, batch > 1, band calls (row slices with adjusted in_h / out_h /
 * pad_top as op eval_rows passes them), extreme zero points (-128, 127),
 * extreme multipliers (shift -31 .. +8, mult 2^30 .. 2^31-1) and clamps.
 * Elementwise ADD / SUB / MUL: same shape, per-channel and scalar broadcasts
 * (either input), [H,W,1] x [C], in place (out == in1), scales as prepare
 * derives them and random multipliers / shifts, all zero points, clamps, [C]
 * constants across chunks of 256 channels, row bands. MAX_POOL_2D: filters
 * 1x1..5x5, strides 1-3, SAME / VALID, any channel count, clamps, bands.
 * Exit status (QEMU's, via semihosting): the number of mismatching cases. */
#include <stdint.h>
#include <stdio.h> /* snprintf only: firmware/fmt.c */
#include <string.h>

#include "kernels/cortexm/conv_s8_dsp.h"
#include "kernels/cortexm/dwconv_s8_dsp.h"
#include "kernels/cortexm/eltwise_s8_dsp.h"
#include "kernels/cortexm/pool_s8_dsp.h"
#include "kernels/quant.h"
#include "kernels/ref/conv.h"
#include "kernels/ref/dwconv.h"
#include "kernels/ref/eltwise.h"
#include "kernels/ref/fc.h"
#include "kernels/ref/pool.h"
#include "semihost.h"

#if !defined(R50_CORTEXM_DSP_KERNELS)
#error "kernels_test needs KERNELS=dsp (R50_CORTEXM_DSP) and a DSP Cortex-M target"
#endif
#if !defined(R50_CORTEXM_DSP_ELTWISE) || !defined(R50_CORTEXM_DSP_POOL)
#error "kernels_test needs the Cortex-M DSP elementwise and pool kernels"
#endif

#define IN_MAX (24 * 1024)
#define W_MAX (40 * 1024)
#define OUT_MAX (24 * 1024)
#define CH_MAX 512

static int8_t g_in[IN_MAX + 4], g_w[W_MAX + 4], g_out_ref[OUT_MAX], g_out_dsp[OUT_MAX];
static int32_t g_bias[CH_MAX], g_mult[CH_MAX], g_shift[CH_MAX];
static uint32_t g_scratch[CH_MAX];
/* conv / FC int16 scratch (r50_conv_dsp_tiling bytes), then a canary the kernel must not touch */
#define DSP_SCRATCH_MAX (80 * 1024)
static uint32_t g_dsp_scratch[DSP_SCRATCH_MAX / 4 + 16];
static uint32_t rng = 0x12345678u;

static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}
static int32_t rnd_range(int32_t lo, int32_t hi) { return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1)); }

static int g_cases, g_fail;

/* Half the conv / FC cases run a random tiling instead of prepare's (the kernels take any):
 * channel blocks of 2..64, K chunks of 16..256 bytes, pixel blocks of 3..192. */
static void random_tiling(int32_t out_c, int32_t K, int64_t npix, r50_conv_dsp_tiling *t) {
  static const int32_t cbs[] = {2, 4, 6, 16, 32, 64}, kws[] = {16, 32, 48, 64, 128, 256};
  static const int32_t npbs[] = {3, 6, 12, 48, 192};
  if (rnd() & 1)
    r50_conv_dsp_tiling_of(out_c, K, npix, cbs[rnd() % 6], kws[rnd() % 6], npbs[rnd() % 5], t);
}

/* Scratch for a conv / FC of tiling t, canary words after its t->bytes; NULL if too large. */
static void *dsp_scratch(const r50_conv_dsp_tiling *t) {
  if (t->bytes > DSP_SCRATCH_MAX) return NULL;
  for (uint32_t i = 0; i < 16; i++) g_dsp_scratch[t->bytes / 4 + i] = 0xC0FFEE00u + i;
  return g_dsp_scratch;
}
static int dsp_scratch_ok(const r50_conv_dsp_tiling *t) {
  for (uint32_t i = 0; i < 16; i++)
    if (g_dsp_scratch[t->bytes / 4 + i] != 0xC0FFEE00u + i) return 0;
  return 1;
}

static void fill(int8_t *p, int32_t n, int mode) {
  for (int32_t i = 0; i < n; i++) {
    const uint32_t r = rnd();
    p[i] = mode == 1 ? (int8_t)((r & 1) ? 127 : -128) : (int8_t)(r & 0xFF);
  }
}

/* Requantization and clamps: mode 0 realistic, 1 extreme multipliers, 2 narrow clamp, 4 every
 * channel in the conv's fast form (shift -1..-23, full clamp: the assembly requantization),
 * mostly small shifts (frequent rounding ties). */
static void quant(r50_requant_s8 *q, int32_t n, int mode) {
  const int32_t zps[] = {0, -128, 127, 5, -3};
  q->input_offset = -zps[rnd() % 5];
  q->output_offset = zps[rnd() % 5];
  for (int32_t c = 0; c < n; c++) {
    g_bias[c] = (int32_t)rnd() % (mode == 1 ? 2000000000 : 20000);
    g_mult[c] = (int32_t)(0x40000000u + (rnd() & 0x3FFFFFFFu));
    g_shift[c] = mode == 1 ? rnd_range(-31, 8) : rnd_range(-12, 0);
    if (mode == 4) g_shift[c] = (rnd() & 1) ? rnd_range(-3, -1) : rnd_range(-23, -1);
  }
  q->out_mult = g_mult;
  q->out_shift = g_shift;
  if (mode == 4) {
    q->act_min = -128;
    q->act_max = 127;
  } else if (mode == 2) {
    q->act_min = rnd_range(-128, 0);
    q->act_max = rnd_range(q->act_min, 127);
  } else if (rnd() & 1) {
    q->act_min = q->output_offset; /* RELU */
    q->act_max = 127;
  } else {
    q->act_min = -128;
    q->act_max = 127;
  }
}

static void check(const char *what, int32_t n, const int8_t *ref, const int8_t *dsp, const char *desc) {
  g_cases++;
  for (int32_t i = 0; i < n; i++)
    if (ref[i] != dsp[i]) {
      g_fail++;
      sh_printf("MISMATCH %s %s: byte %d ref %d dsp %d\n", what, desc, (int)i, (int)ref[i], (int)dsp[i]);
      return;
    }
}

static int conv_case(int32_t batch, int32_t ih, int32_t iw, int32_t ic, int32_t oc, int32_t fh,
                     int32_t fw, int32_t sh, int32_t sw, int32_t dh, int32_t dwl, int same,
                     int data_mode, int q_mode, int bands) {
  r50_conv_params p;
  memset(&p, 0, sizeof p);
  p.batch = batch;
  p.in_h = ih;
  p.in_w = iw;
  p.in_c = p.filter_in_c = ic;
  p.out_c = oc;
  p.filter_h = fh;
  p.filter_w = fw;
  p.groups = 1;
  p.stride_h = sh;
  p.stride_w = sw;
  p.dilation_h = dh;
  p.dilation_w = dwl;
  const int32_t pad = same ? 0 : 1;
  p.out_h = (int32_t)r50_tfl_out_size(pad, ih, fh, sh, dh);
  p.out_w = (int32_t)r50_tfl_out_size(pad, iw, fw, sw, dwl);
  if (p.out_h < 1 || p.out_w < 1) return 0;
  p.pad_top = (int32_t)r50_tfl_padding(sh, dh, ih, fh, p.out_h, NULL);
  p.pad_left = (int32_t)r50_tfl_padding(sw, dwl, iw, fw, p.out_w, NULL);
  const int32_t n_in = batch * ih * iw * ic, n_w = oc * fh * fw * ic;
  const int32_t n_out = batch * p.out_h * p.out_w * oc;
  if (n_in > IN_MAX || n_w > W_MAX || n_out > OUT_MAX || oc > CH_MAX) return 0;
  fill(g_in, n_in, data_mode);
  fill(g_w, n_w, data_mode);
  quant(&p.q, oc, q_mode);
  const int32_t *bias = (rnd() % 4) ? g_bias : NULL;
  char desc[160];
  snprintf(desc, sizeof desc, "b%d %dx%dx%d -> %d f%dx%d s%d,%d d%d,%d %s data%d q%d", (int)batch,
           (int)ih, (int)iw, (int)ic, (int)oc, (int)fh, (int)fw, (int)sh, (int)sw, (int)dh,
           (int)dwl, same ? "SAME" : "VALID", data_mode, q_mode);
  r50_conv2d_s8_ref(&p, g_in, g_w, bias, g_out_ref);
  memset(g_out_dsp, 0x5A, (size_t)n_out);
  r50_conv_dsp_tiling t, tb; /* the whole layer's, and the bands' (as op prepare) */
  r50_conv2d_s8_dsp_tiling(&p, &t);
  r50_conv2d_s8_dsp_band_tiling(&p, &tb);
  if (bands && batch == 1 && tb.bytes <= t.bytes) t = tb;
  random_tiling(oc, fh * fw * ic, (int64_t)batch * p.out_h * p.out_w, &t);
  void *scratch = dsp_scratch(&t);
  if (!scratch) return 0;
  if (bands && batch == 1) {
    /* op eval_rows: output rows [y0, y1) with the input view from the first row the band reads */
    for (int32_t y0 = 0; y0 < p.out_h;) {
      const int32_t y1 = y0 + 1 + (int32_t)(rnd() % 3) < p.out_h ? y0 + 1 + (int32_t)(rnd() % 3) : p.out_h;
      int32_t lo = y0 * sh - p.pad_top, hi = (y1 - 1) * sh - p.pad_top + (fh - 1) * dh + 1;
      if (lo < 0) lo = 0;
      if (hi > ih) hi = ih;
      r50_conv_params q = p;
      q.in_h = hi - lo;
      q.out_h = y1 - y0;
      q.pad_top = p.pad_top - y0 * sh + lo;
      r50_conv2d_s8_dsp(&q, &t, g_in + (size_t)lo * iw * ic, g_w, bias,
                        g_out_dsp + (size_t)y0 * p.out_w * oc, scratch);
      y0 = y1;
    }
  } else {
    r50_conv2d_s8_dsp(&p, &t, g_in, g_w, bias, g_out_dsp, scratch);
  }
  if (!dsp_scratch_ok(&t)) g_out_dsp[0] = (int8_t)~g_out_ref[0]; /* wrote past its scratch */
  check(bands ? "conv(bands)" : "conv", n_out, g_out_ref, g_out_dsp, desc);
  return 1;
}

/* q_mode 3: the depthwise kernel's fast requantization at its limits (shift -1 .. -24 around
 * its -23 bound, bias near +-2^29 or anywhere in int32: saturating sums); bands: row slices as
 * op eval_rows passes them. */
static void dw_run(int32_t batch, int32_t ih, int32_t iw, int32_t c, int32_t fh, int32_t fw,
                   int32_t sh, int32_t sw, int32_t dh, int32_t dwl, int same, int data_mode,
                   int q_mode, int bands) {
  r50_dwconv_params p;
  memset(&p, 0, sizeof p);
  p.batch = batch;
  p.in_h = ih;
  p.in_w = iw;
  p.in_c = p.out_c = c;
  p.depth_multiplier = 1;
  p.filter_h = fh;
  p.filter_w = fw;
  p.stride_h = sh;
  p.stride_w = sw;
  p.dilation_h = dh;
  p.dilation_w = dwl;
  const int32_t pad = same ? 0 : 1;
  p.out_h = (int32_t)r50_tfl_out_size(pad, ih, fh, sh, dh);
  p.out_w = (int32_t)r50_tfl_out_size(pad, iw, fw, sw, dwl);
  if (p.out_h < 1 || p.out_w < 1) return;
  p.pad_top = (int32_t)r50_tfl_padding(sh, dh, ih, fh, p.out_h, NULL);
  p.pad_left = (int32_t)r50_tfl_padding(sw, dwl, iw, fw, p.out_w, NULL);
  const int32_t n_in = batch * ih * iw * c, n_w = fh * fw * c, n_out = batch * p.out_h * p.out_w * c;
  if (n_in > IN_MAX || n_w > W_MAX || n_out > OUT_MAX || c > CH_MAX) return;
  fill(g_in, n_in, data_mode);
  fill(g_w, n_w, data_mode);
  quant(&p.q, c, q_mode == 3 ? 0 : q_mode);
  if (q_mode == 3)
    for (int32_t i = 0; i < c; i++) {
      g_shift[i] = rnd_range(-24, -1);
      const int32_t mag = (rnd() & 3) ? (1 << 29) - rnd_range(0, 2000) : (int32_t)(rnd() >> 1);
      g_bias[i] = (rnd() & 1) ? -mag : mag;
    }
  const int32_t *bias = (rnd() % 4) ? g_bias : NULL;
  char desc[160];
  snprintf(desc, sizeof desc, "b%d %dx%dx%d f%dx%d s%d,%d d%d,%d %s data%d q%d", (int)batch,
           (int)ih, (int)iw, (int)c, (int)fh, (int)fw, (int)sh, (int)sw, (int)dh, (int)dwl,
           same ? "SAME" : "VALID", data_mode, q_mode);
  r50_dwconv2d_s8_ref(&p, g_in, g_w, bias, g_out_ref, g_scratch);
  memset(g_out_dsp, 0x5A, (size_t)n_out);
  if (bands && batch == 1) {
    for (int32_t y0 = 0; y0 < p.out_h;) {
      const int32_t y1 = y0 + 1 + (int32_t)(rnd() % 3) < p.out_h ? y0 + 1 + (int32_t)(rnd() % 3) : p.out_h;
      int32_t lo = y0 * sh - p.pad_top, hi = (y1 - 1) * sh - p.pad_top + (fh - 1) * dh + 1;
      if (lo < 0) lo = 0;
      if (hi > ih) hi = ih;
      if (hi < lo) hi = lo; /* band wholly below the image (in_h 0) */
      r50_dwconv_params q = p;
      q.in_h = hi - lo;
      q.out_h = y1 - y0;
      q.pad_top = p.pad_top - y0 * sh + lo;
      r50_dwconv2d_s8_dsp(&q, g_in + (size_t)lo * iw * c, g_w, bias,
                          g_out_dsp + (size_t)y0 * p.out_w * c);
      y0 = y1;
    }
  } else {
    r50_dwconv2d_s8_dsp(&p, g_in, g_w, bias, g_out_dsp);
  }
  check(bands ? "dwconv(bands)" : "dwconv", n_out, g_out_ref, g_out_dsp, desc);
}

static void dw_case(int32_t batch, int32_t ih, int32_t iw, int32_t c, int32_t fh, int32_t fw,
                    int32_t sh, int32_t sw, int32_t dh, int32_t dwl, int same, int data_mode,
                    int q_mode) {
  dw_run(batch, ih, iw, c, fh, fw, sh, sw, dh, dwl, same, data_mode, q_mode, 0);
}

static void fc_case(int32_t batch, int32_t in, int32_t out, int data_mode, int q_mode) {
  r50_fc_params p;
  memset(&p, 0, sizeof p);
  p.batch = batch;
  p.in = in;
  p.out = out;
  if (batch * in > IN_MAX || in * out > W_MAX || batch * out > OUT_MAX || out > CH_MAX) return;
  fill(g_in, batch * in, data_mode);
  fill(g_w, in * out, data_mode);
  quant(&p.q, out, q_mode);
  const int32_t *bias = (rnd() % 4) ? g_bias : NULL;
  char desc[96];
  snprintf(desc, sizeof desc, "b%d %d -> %d data%d q%d", (int)batch, (int)in, (int)out, data_mode,
           q_mode);
  r50_fc_s8_ref(&p, g_in, g_w, bias, g_out_ref);
  memset(g_out_dsp, 0x5A, (size_t)(batch * out));
  r50_conv_dsp_tiling t;
  r50_fc_s8_dsp_tiling(&p, &t);
  random_tiling(out, in, batch, &t);
  void *scratch = dsp_scratch(&t);
  if (!scratch) return;
  r50_fc_s8_dsp(&p, &t, g_in, g_w, bias, g_out_dsp, scratch);
  if (!dsp_scratch_ok(&t)) g_out_dsp[0] = (int8_t)~g_out_ref[0]; /* wrote past its scratch */
  check("fc", batch * out, g_out_ref, g_out_dsp, desc);
}

/* Broadcast shapes (NHWC, batch 1): 0 same, 1 in2 [C], 2 in2 scalar, 3 in1 [C],
 * 4 in1 scalar, 5 in2 [1,H,W,1], 6 in1 [1,1,W,C] x in2 [1,H,1,C]. */
static void bshape(int kind, int32_t h, int32_t w, int32_t c, int32_t *nd1, int32_t *d1,
                   int32_t *nd2, int32_t *d2) {
  const int32_t full[4] = {1, h, w, c};
  *nd1 = *nd2 = 4;
  memcpy(d1, full, sizeof full);
  memcpy(d2, full, sizeof full);
  switch (kind) {
    case 1: *nd2 = 1; d2[0] = c; break;
    case 2: *nd2 = 0; break;
    case 3: *nd1 = 1; d1[0] = c; break;
    case 4: *nd1 = 1; d1[0] = 1; break;
    case 5: d2[3] = 1; break;
    case 6: d1[1] = 1; d2[2] = 1; break;
    default: break;
  }
}

static int32_t numel(int32_t nd, const int32_t *d) {
  int32_t n = 1;
  for (int32_t i = 0; i < nd; i++) n *= d[i];
  return n;
}

static float rnd_scale(void) { return (float)(1 + rnd() % 1000) / 4096.0f; }

/* op: 0 ADD, 1 SUB, 2 MUL; q_mode 0 scales as prepare derives them, 1 random multipliers
 * and shifts, 2 narrow clamp; inplace: out == in1 (only when in1 has the output shape). */
static void eltwise_case(int op, int kind, int32_t h, int32_t w, int32_t c, int data_mode,
                         int q_mode, int inplace, int bands) {
  int32_t nd1, nd2, d1[4], d2[4];
  bshape(kind, h, w, c, &nd1, d1, &nd2, d2);
  const int32_t n1 = numel(nd1, d1), n2 = numel(nd2, d2), n = h * w * c;
  if (n > OUT_MAX || n1 > IN_MAX || n2 > W_MAX) return;
  if (inplace && n1 != n) return;
  fill(g_in, n1, data_mode);
  fill(g_w, n2, data_mode);
  static const int32_t zps[] = {0, -128, 127, 5, -3};
  const int32_t z1 = zps[rnd() % 5], z2 = zps[rnd() % 5], zo = zps[rnd() % 5];
  int32_t lo = -128, hi = 127;
  if (q_mode == 2) {
    lo = rnd_range(-128, 0);
    hi = rnd_range(lo, 127);
  } else if (rnd() & 1) {
    lo = zo; /* RELU */
  }
  r50_addsub_s8_params pa;
  r50_mul_s8_params pm;
  memset(&pa, 0, sizeof pa);
  memset(&pm, 0, sizeof pm);
  const float s1 = rnd_scale(), s2 = rnd_scale() * (float)(1 + rnd() % 4), so = rnd_scale();
  if (op == 2) {
    pm.in1_offset = -z1;
    pm.in2_offset = -z2;
    pm.out_offset = zo;
    pm.act_min = lo;
    pm.act_max = hi;
    if (q_mode == 1) {
      pm.out_mult = (int32_t)(0x40000000u + (rnd() & 0x3FFFFFFFu));
      pm.out_shift = rnd_range(-31, 2); /* > 0: the kernel's reference fallback */
    } else {
      r50_quantize_multiplier((double)s1 * (double)s2 / (double)so / 64.0, &pm.out_mult, &pm.out_shift);
    }
    r50_bcast_init(&pm.bc, nd1, d1, nd2, d2);
  } else {
    pa.in1_offset = -z1;
    pa.in2_offset = -z2;
    pa.out_offset = zo;
    pa.left_shift = 20;
    pa.act_min = lo;
    pa.act_max = hi;
    if (q_mode == 1) {
      pa.in1_mult = (int32_t)(0x40000000u + (rnd() & 0x3FFFFFFFu));
      pa.in2_mult = (int32_t)(0x40000000u + (rnd() & 0x3FFFFFFFu));
      pa.out_mult = (int32_t)(0x40000000u + (rnd() & 0x3FFFFFFFu));
      pa.in1_shift = rnd_range(-31, 0);
      pa.in2_shift = rnd_range(-31, 0);
      pa.out_shift = rnd_range(-31, 0);
    } else { /* add_common.cc */
      const double twice_max = 2 * (double)(s1 > s2 ? s1 : s2);
      r50_quantize_multiplier((double)s1 / twice_max, &pa.in1_mult, &pa.in1_shift);
      r50_quantize_multiplier((double)s2 / twice_max, &pa.in2_mult, &pa.in2_shift);
      r50_quantize_multiplier(twice_max / ((double)(1 << 20) * (double)so), &pa.out_mult,
                              &pa.out_shift);
    }
    r50_bcast_init(&pa.bc, nd1, d1, nd2, d2);
  }
  char desc[128];
  snprintf(desc, sizeof desc, "%s bcast%d %dx%dx%d data%d q%d%s", op == 0 ? "add" : op == 1 ? "sub" : "mul",
           kind, (int)h, (int)w, (int)c, data_mode, q_mode, inplace ? " in-place" : "");
  if (op == 0) r50_add_s8_ref(&pa, g_in, g_w, g_out_ref);
  else if (op == 1) r50_sub_s8_ref(&pa, g_in, g_w, g_out_ref);
  else r50_mul_s8_ref(&pm, g_in, g_w, g_out_ref);
  int8_t *dst = g_out_dsp;
  if (inplace) {
    memcpy(g_out_dsp, g_in, (size_t)n1);
    dst = g_out_dsp;
  } else {
    memset(g_out_dsp, 0x5A, (size_t)n);
  }
  const int8_t *src1 = inplace ? g_out_dsp : g_in;
  /* bands (op eval_rows): rows [y0, y1), each row-mapped input (H = h) viewed from row y0,
   * the broadcast rebuilt for the band */
  const int rm1 = bands && nd1 == 4 && d1[1] == h, rm2 = bands && nd2 == 4 && d2[1] == h;
  const int32_t step = rm1 || rm2 ? 1 + (int32_t)(rnd() % 3) : h;
  for (int32_t y0 = 0; y0 < h; y0 += step) {
    const int32_t y1 = y0 + step < h ? y0 + step : h;
    int32_t b1[4], b2[4];
    memcpy(b1, d1, sizeof b1);
    memcpy(b2, d2, sizeof b2);
    if (rm1) b1[1] = y1 - y0;
    if (rm2) b2[1] = y1 - y0;
    const size_t r1 = rm1 ? (size_t)y0 * (size_t)(n1 / h) : 0, r2 = rm2 ? (size_t)y0 * (size_t)(n2 / h) : 0;
    const size_t ro = (size_t)y0 * (size_t)(n / h);
    if (op == 2) r50_bcast_init(&pm.bc, nd1, b1, nd2, b2);
    else r50_bcast_init(&pa.bc, nd1, b1, nd2, b2);
    if (op == 0) r50_add_s8_dsp(&pa, src1 + r1, g_w + r2, dst + ro);
    else if (op == 1) r50_sub_s8_dsp(&pa, src1 + r1, g_w + r2, dst + ro);
    else r50_mul_s8_dsp(&pm, src1 + r1, g_w + r2, dst + ro);
  }
  check(bands ? "eltwise(bands)" : "eltwise", n, g_out_ref, g_out_dsp, desc);
}

/* MAX_POOL_2D: q_mode 2 narrow clamp, else 1 in 2 a RELU-like lower bound; bands: row slices
 * as op eval_rows passes them (r50_rowband). */
static void pool_case(int32_t batch, int32_t ih, int32_t iw, int32_t c, int32_t fh, int32_t fw,
                      int32_t sh, int32_t sw, int same, int data_mode, int q_mode, int bands) {
  r50_pool_params p;
  memset(&p, 0, sizeof p);
  p.batch = batch;
  p.in_h = ih;
  p.in_w = iw;
  p.channels = c;
  p.filter_h = fh;
  p.filter_w = fw;
  p.stride_h = sh;
  p.stride_w = sw;
  const int32_t pad = same ? 0 : 1;
  p.out_h = (int32_t)r50_tfl_out_size(pad, ih, fh, sh, 1);
  p.out_w = (int32_t)r50_tfl_out_size(pad, iw, fw, sw, 1);
  if (p.out_h < 1 || p.out_w < 1) return;
  p.pad_top = (int32_t)r50_tfl_padding(sh, 1, ih, fh, p.out_h, NULL);
  p.pad_left = (int32_t)r50_tfl_padding(sw, 1, iw, fw, p.out_w, NULL);
  const int32_t n_in = batch * ih * iw * c, n_out = batch * p.out_h * p.out_w * c;
  if (n_in > IN_MAX || n_out > OUT_MAX) return;
  p.act_min = -128;
  p.act_max = 127;
  if (q_mode == 2) {
    p.act_min = rnd_range(-128, 0);
    p.act_max = rnd_range(p.act_min, 127);
  } else if (rnd() & 1) {
    p.act_min = rnd_range(-128, 10);
  }
  fill(g_in, n_in, data_mode);
  char desc[128];
  snprintf(desc, sizeof desc, "b%d %dx%dx%d f%dx%d s%d,%d %s data%d q%d [%d,%d]", (int)batch,
           (int)ih, (int)iw, (int)c, (int)fh, (int)fw, (int)sh, (int)sw, same ? "SAME" : "VALID",
           data_mode, q_mode, (int)p.act_min, (int)p.act_max);
  r50_maxpool_s8_ref(&p, g_in, g_out_ref);
  memset(g_out_dsp, 0x5A, (size_t)n_out);
  if (bands && batch == 1) {
    for (int32_t y0 = 0; y0 < p.out_h;) {
      const int32_t y1 = y0 + 1 + (int32_t)(rnd() % 3) < p.out_h ? y0 + 1 + (int32_t)(rnd() % 3) : p.out_h;
      int32_t lo = y0 * sh - p.pad_top, hi = (y1 - 1) * sh - p.pad_top + fh;
      if (lo < 0) lo = 0;
      if (hi > ih) hi = ih;
      r50_pool_params q = p;
      q.in_h = hi - lo;
      q.out_h = y1 - y0;
      q.pad_top = p.pad_top - y0 * sh + lo;
      r50_maxpool_s8_dsp(&q, g_in + (size_t)lo * iw * c, g_out_dsp + (size_t)y0 * p.out_w * c);
      y0 = y1;
    }
  } else {
    r50_maxpool_s8_dsp(&p, g_in, g_out_dsp);
  }
  check(bands ? "maxpool(bands)" : "maxpool", n_out, g_out_ref, g_out_dsp, desc);
}

int main(void) {
  /* fixed cases: the model shapes in small */
  static const int32_t fs[][2] = {{1, 1}, {3, 3}, {5, 5}, {7, 7}, {1, 3}, {3, 1}};
  for (int f = 0; f < 6; f++)
    for (int s = 1; s <= 2; s++)
      for (int same = 0; same <= 1; same++)
        for (int ic = 1; ic <= 9; ic += 4)
          for (int mode = 0; mode < 3; mode++) {
            conv_case(1, 9, 11, ic, 5, fs[f][0], fs[f][1], s, s, 1, 1, same, mode == 1, mode, 0);
            conv_case(1, 8, 7, ic * 4, 8, fs[f][0], fs[f][1], s, s, 1, 1, same, 0, mode, 1);
            dw_case(1, 9, 11, ic * 2 + 1, fs[f][0], fs[f][1], s, s, 1, 1, same, mode == 1, mode);
          }
  conv_case(1, 16, 16, 3, 16, 7, 7, 2, 2, 1, 1, 1, 0, 0, 0);   /* stem-like, in_c 3 */
  conv_case(1, 7, 7, 64, 32, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1);    /* 7x7 map, odd out_w */
  conv_case(1, 8, 8, 16, 16, 3, 3, 1, 1, 2, 2, 1, 0, 0, 1);    /* dilation */
  conv_case(3, 5, 6, 12, 7, 3, 3, 1, 1, 1, 1, 1, 0, 0, 0);     /* batch 3 */
  /* several 64-channel blocks (odd last block), K across 128-byte chunks with a K % 4 tail */
  conv_case(1, 6, 7, 8, 131, 3, 3, 1, 1, 1, 1, 1, 0, 0, 1);
  conv_case(1, 5, 9, 33, 70, 3, 3, 1, 1, 1, 1, 0, 0, 1, 0);
  conv_case(2, 4, 5, 129, 65, 1, 1, 1, 1, 1, 1, 1, 1, 2, 0);
  conv_case(1, 9, 9, 7, 96, 3, 3, 2, 2, 2, 2, 1, 0, 0, 1);
  /* the assembly requantization (every channel fast, full clamp): channel pairs, odd out_c,
   * several blocks, small and wide maps (1- / 2-pixel tails), one and several chunks */
  for (int i = 0; i < 60; i++) {
    const int32_t f = rnd_range(1, 3);
    conv_case(rnd_range(1, 2), rnd_range(1, 9), rnd_range(1, 9), rnd_range(1, 80),
              rnd_range(1, 70), f, f, rnd_range(1, 2), rnd_range(1, 2), 1, 1, (int)(rnd() & 1),
              (rnd() % 4) == 0, 4, (int)(rnd() & 1));
  }
  fc_case(1, 256, 10, 0, 0);
  fc_case(1, 1, 1, 1, 1);
  fc_case(3, 37, 11, 0, 2);
  fc_case(2, 2048, 5, 1, 1);
  /* random sweep */
  for (int i = 0; i < 400; i++) {
    const int32_t f = rnd_range(1, 4), fw2 = (rnd() & 3) ? f : rnd_range(1, 4);
    conv_case(rnd_range(1, 2), rnd_range(1, 12), rnd_range(1, 12), rnd_range(1, 40),
              rnd_range(1, 20), f, fw2, rnd_range(1, 3), rnd_range(1, 3), rnd_range(1, 2),
              rnd_range(1, 2), (int)(rnd() & 1), (rnd() % 8) == 0, (int)(rnd() % 3),
              (int)(rnd() & 1));
    dw_case(rnd_range(1, 2), rnd_range(1, 12), rnd_range(1, 12), rnd_range(1, 40), f, fw2,
            rnd_range(1, 3), rnd_range(1, 3), rnd_range(1, 2), rnd_range(1, 2), (int)(rnd() & 1),
            (rnd() % 8) == 0, (int)(rnd() % 3));
    fc_case(rnd_range(1, 4), rnd_range(1, 300), rnd_range(1, 40), (rnd() % 8) == 0, (int)(rnd() % 3));
  }
  /* elementwise: every op x broadcast kind x quant mode, then random shapes */
  for (int op = 0; op < 3; op++)
    for (int kind = 0; kind < 7; kind++)
      for (int mode = 0; mode < 3; mode++) {
        eltwise_case(op, kind, 5, 7, 13, mode == 1, mode, 0, 0);
        eltwise_case(op, kind, 3, 4, 64, 0, mode, kind == 0 || kind == 1 || kind == 2 || kind == 5, 0);
        eltwise_case(op, kind, 1, 1, 1, 0, mode, 0, 0);
        /* the fast paths' [C] constants across chunks of 256 channels (C % 4 tails, a last
         * chunk of 2 or 5 channels), in place, whole and in row bands */
        eltwise_case(op, kind, 2, 3, 258, mode == 1, mode, 1, 0);
        eltwise_case(op, kind, 4, 2, 517, 0, mode, kind != 3 && kind != 4, 1);
        eltwise_case(op, kind, 6, 5, 4 + mode, 0, mode, 0, 1);
      }
  for (int i = 0; i < 600; i++)
    eltwise_case((int)(rnd() % 3), (int)(rnd() % 7), rnd_range(1, 9), rnd_range(1, 9),
                 rnd_range(1, 70), (rnd() % 8) == 0, (int)(rnd() % 3), (int)(rnd() & 1),
                 (int)(rnd() & 1));
  /* MAX_POOL_2D: filters, strides, SAME / VALID, channel counts of every residue mod 4,
   * batch 2, narrow clamps, band calls; then random shapes */
  static const int32_t pf[][2] = {{1, 1}, {2, 2}, {3, 3}, {3, 2}, {1, 3}, {5, 5}};
  for (int f = 0; f < 6; f++)
    for (int32_t st = 1; st <= 3; st++)
      for (int same = 0; same <= 1; same++)
        for (int mode = 0; mode < 3; mode++)
          pool_case(1 + (mode == 2), 9, 8, 4 + f + 8 * mode, pf[f][0], pf[f][1], st, st, same,
                    mode == 1, mode, st == 2);
  pool_case(1, 114, 9, 64, 3, 3, 2, 2, 0, 0, 0, 1); /* pool1: 3x3/2 VALID after its PAD */
  pool_case(1, 16, 16, 256, 1, 1, 2, 2, 1, 0, 0, 1); /* the shortcut pools: 1x1/2 */
  for (int i = 0; i < 300; i++)
    pool_case(rnd_range(1, 2), rnd_range(1, 12), rnd_range(1, 12), rnd_range(1, 70),
              rnd_range(1, 4), rnd_range(1, 4), rnd_range(1, 3), rnd_range(1, 3), (int)(rnd() & 1),
              (rnd() % 8) == 0, (int)(rnd() % 3), (int)(rnd() & 1));
  /* depthwise: MobileNetV2's 3x3 stride 1 / 2 SAME layers in small (channel counts of
   * every residue mod 4, interior and border pixels, runs longer than the kernel's 32-pixel
   * accumulator run), maps of 1..N pixels, then random shapes with band calls */
  static const int32_t mb[][3] = {{7, 64, 1}, {7, 96, 1}, {14, 36, 1}, {14, 36, 2}, {9, 33, 2},
                                  {5, 70, 1}, {40, 8, 1}, {40, 12, 2}, {1, 16, 1}, {2, 7, 2}};
  for (int i = 0; i < 10; i++)
    for (int mode = 0; mode < 4; mode++) {
      dw_run(1, mb[i][0], mb[i][0], mb[i][1], 3, 3, mb[i][2], mb[i][2], 1, 1, 1, mode == 1, mode, 0);
      dw_run(1, mb[i][0], mb[i][0] + 1, mb[i][1] + 1, 3, 3, mb[i][2], mb[i][2], 1, 1, 1, 0, mode, 1);
    }
  /* rows wider than the kernel's column segments (64 outputs at stride 1, 32 at stride 2),
   * stride_h != stride_w */
  for (int mode = 0; mode < 4; mode++)
    for (int32_t s = 1; s <= 2; s++) {
      dw_run(1, 3, 135, 8, 3, 3, s, s, 1, 1, 1, 0, mode, 0);
      dw_run(1, 4, 66 * s + 1, 4 + mode, 3, 3, s, s, 1, 1, mode & 1, mode == 1, mode, 1);
      dw_run(2, 7, 70, 12, 3, 3, 3 - s, s, 1, 1, 1, 0, mode, 0);
      dw_run(1, 9, 33, 8, 3, 3, 3, s, 1, 1, mode & 1, 0, mode, 1);
    }
  for (int32_t w = 1; w <= 6; w++)
    for (int32_t h = 1; h <= 3; h++) {
      dw_run(1, h, w, 4 + w % 4, 3, 3, 1, 1, 1, 1, 1, 0, 0, 0);
      dw_run(1, w, h, 8, 3, 3, 2, 2, 1, 1, 1, 0, 3, 1);
    }
  for (int i = 0; i < 300; i++) {
    const int32_t f = (rnd() & 1) ? 3 : rnd_range(1, 5), fw2 = (rnd() & 3) ? f : rnd_range(1, 5);
    dw_run(rnd_range(1, 2), rnd_range(1, 16), rnd_range(1, 16), rnd_range(1, 70), f, fw2,
           rnd_range(1, 3), rnd_range(1, 2), (rnd() & 3) ? 1 : 2, (rnd() & 3) ? 1 : 2,
           (int)(rnd() & 1), (rnd() % 8) == 0, (int)(rnd() % 4), (int)(rnd() & 1));
  }
  sh_printf("cortexm dsp kernels: %d cases, %d mismatches\n", g_cases, g_fail);
  return g_fail > 250 ? 250 : g_fail;
}

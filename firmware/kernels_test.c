/* Bit-exactness sweep of the Cortex-M DSP kernels (src/kernels/cortexm) against
 * the reference kernels, on the Cortex-M7 under QEMU (make -C firmware
 * kernels-test). Random shapes and data plus fixed cases: odd channel counts,
 * 1x1 / 3x3 / 5x5 / 7x7 filters, strides 1 and 2, SAME and VALID padding,
 * dilation, batch > 1, band calls (row slices with adjusted in_h / out_h /
 * pad_top as op eval_rows passes them), extreme zero points (-128, 127),
 * extreme multipliers (shift -31 .. +8, mult 2^30 .. 2^31-1) and clamps.
 * Exit status (QEMU's, via semihosting): the number of mismatching cases. */
#include <stdint.h>
#include <stdio.h> /* snprintf only: firmware/fmt.c */
#include <string.h>

#include "kernels/cortexm/conv_s8_dsp.h"
#include "kernels/ref/conv.h"
#include "kernels/ref/dwconv.h"
#include "kernels/ref/fc.h"
#include "semihost.h"

#if !defined(R50_CORTEXM_DSP_KERNELS)
#error "kernels_test needs KERNELS=dsp (R50_CORTEXM_DSP) and a DSP Cortex-M target"
#endif

#define IN_MAX (24 * 1024)
#define W_MAX (40 * 1024)
#define OUT_MAX (24 * 1024)
#define CH_MAX 512

static int8_t g_in[IN_MAX + 4], g_w[W_MAX + 4], g_out_ref[OUT_MAX], g_out_dsp[OUT_MAX];
static int32_t g_bias[CH_MAX], g_mult[CH_MAX], g_shift[CH_MAX];
static uint32_t g_scratch[CH_MAX];
static uint32_t rng = 0x12345678u;

static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}
static int32_t rnd_range(int32_t lo, int32_t hi) { return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1)); }

static int g_cases, g_fail;

static void fill(int8_t *p, int32_t n, int mode) {
  for (int32_t i = 0; i < n; i++) {
    const uint32_t r = rnd();
    p[i] = mode == 1 ? (int8_t)((r & 1) ? 127 : -128) : (int8_t)(r & 0xFF);
  }
}

/* Requantization and clamps: mode 0 realistic, 1 extreme multipliers, 2 narrow clamp. */
static void quant(r50_requant_s8 *q, int32_t n, int mode) {
  const int32_t zps[] = {0, -128, 127, 5, -3};
  q->input_offset = -zps[rnd() % 5];
  q->output_offset = zps[rnd() % 5];
  for (int32_t c = 0; c < n; c++) {
    g_bias[c] = (int32_t)rnd() % (mode == 1 ? 2000000000 : 20000);
    g_mult[c] = (int32_t)(0x40000000u + (rnd() & 0x3FFFFFFFu));
    g_shift[c] = mode == 1 ? rnd_range(-31, 8) : rnd_range(-12, 0);
  }
  q->out_mult = g_mult;
  q->out_shift = g_shift;
  if (mode == 2) {
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
      r50_conv2d_s8_dsp(&q, g_in + (size_t)lo * iw * ic, g_w, bias,
                        g_out_dsp + (size_t)y0 * p.out_w * oc);
      y0 = y1;
    }
  } else {
    r50_conv2d_s8_dsp(&p, g_in, g_w, bias, g_out_dsp);
  }
  check(bands ? "conv(bands)" : "conv", n_out, g_out_ref, g_out_dsp, desc);
  return 1;
}

static void dw_case(int32_t batch, int32_t ih, int32_t iw, int32_t c, int32_t fh, int32_t fw,
                    int32_t sh, int32_t sw, int32_t dh, int32_t dwl, int same, int data_mode,
                    int q_mode) {
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
  quant(&p.q, c, q_mode);
  const int32_t *bias = (rnd() % 4) ? g_bias : NULL;
  char desc[160];
  snprintf(desc, sizeof desc, "b%d %dx%dx%d f%dx%d s%d,%d d%d,%d %s data%d q%d", (int)batch,
           (int)ih, (int)iw, (int)c, (int)fh, (int)fw, (int)sh, (int)sw, (int)dh, (int)dwl,
           same ? "SAME" : "VALID", data_mode, q_mode);
  r50_dwconv2d_s8_ref(&p, g_in, g_w, bias, g_out_ref, g_scratch);
  memset(g_out_dsp, 0x5A, (size_t)n_out);
  r50_dwconv2d_s8_dsp(&p, g_in, g_w, bias, g_out_dsp);
  check("dwconv", n_out, g_out_ref, g_out_dsp, desc);
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
  r50_fc_s8_dsp(&p, g_in, g_w, bias, g_out_dsp);
  check("fc", batch * out, g_out_ref, g_out_dsp, desc);
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
  sh_printf("cortexm dsp kernels: %d cases, %d mismatches\n", g_cases, g_fail);
  return g_fail > 250 ? 250 : g_fail;
}

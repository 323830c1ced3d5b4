/* CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED through their op prepare +
 * eval (tests/tgraph.h one-op graphs), against plain-math oracles written
 * here independently of the kernels: naive nested loops over every tap with
 * int64 accumulation (float: the TFLite summation order), TFLite's padding
 * formulas restated, then requantization with r50_quantize_multiplier +
 * r50_mbqm (both checked on their own in test_ops_requant.c).
 * Seeded random sweeps over shapes, strides, paddings, dilations, channel
 * counts, kernel sizes, depth multipliers, batch, per-tensor / per-channel
 * weights, extreme zero points, multiplier magnitudes and all fused
 * activations; then refusal tests (status + message phrase). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#define TRAND_SEED 0x9E3779B97F4A7C15ull
#include "trand.h"
#include "oracle_act.h"
#include "kernels/quant.h"
#include "tgraph.h"

/* ---- deterministic random ---- */
static float rfloat(float lo, float hi) { return lo + (hi - lo) * (float)(rnd() & 0xFFFFFF) / 16777216.0f; }
static int32_t pick(const int32_t *v, int n) { return v[rnd() % (uint32_t)n]; }

static tgraph *new_tg(int32_t type) {
  tgraph *tg = (tgraph *)malloc(sizeof *tg);
  tg_init(tg, type);
  return tg;
}

/* ---- oracle pieces (restated from TFLite, not shared with src/) ---- */
static int64_t o_out_size(int valid, int64_t in, int64_t f, int64_t s, int64_t d) {
  int64_t eff = (f - 1) * d + 1;
  return valid ? (in - eff + s) / s : (in + s - 1) / s;
}
static int64_t o_pad(int64_t in, int64_t f, int64_t s, int64_t d, int64_t out) {
  int64_t eff = (f - 1) * d + 1, t = (out - 1) * s + eff - in;
  return t > 0 ? t / 2 : 0;
}
static int8_t o_requant(int64_t acc, double eff, int32_t out_zp, int32_t lo, int32_t hi) {
  int32_t m, s;
  r50_quantize_multiplier(eff, &m, &s);
  int32_t v = r50_mbqm((int32_t)acc, m, s) + out_zp;
  return (int8_t)(v < lo ? lo : (v > hi ? hi : v));
}
static float o_clampf(float v, float lo, float hi) {
  v = v < lo ? lo : v;
  return hi < v ? hi : v;
}

static const int32_t k_chans[] = {1, 3, 5, 17};
static const int32_t k_ksizes[] = {1, 3, 5, 7};
static const int32_t k_acts[] = {R50_ACT_NONE, R50_ACT_RELU, R50_ACT_RELU6, R50_ACT_RELU_N1_TO_1};

typedef struct {
  int dw;                   /* depthwise */
  int is_float;
  int32_t batch, in_h, in_w, in_c, out_c, fh, fw, groups, dm;
  int32_t stride_h, stride_w, dil_h, dil_w, valid, act, has_bias, per_channel;
  int32_t in_zp, out_zp;
  float in_s, out_s, w_s[64];
} conv_case;

static void random_case(conv_case *c, int dw, int is_float) {
  memset(c, 0, sizeof *c);
  c->dw = dw;
  c->is_float = is_float;
  c->batch = rnd_range(1, 2);
  c->in_h = rnd_range(1, 11);
  c->in_w = rnd_range(1, 11);
  c->in_c = pick(k_chans, 4);
  c->fh = pick(k_ksizes, 4);
  c->fw = rnd() % 3 ? c->fh : pick(k_ksizes, 4);
  c->stride_h = rnd_range(1, 3);
  c->stride_w = rnd() % 2 ? c->stride_h : rnd_range(1, 3);
  c->dil_h = rnd_range(1, 2);
  c->dil_w = rnd() % 2 ? c->dil_h : rnd_range(1, 2);
  c->valid = (int32_t)(rnd() % 2);
  c->act = pick(k_acts, 4);
  c->has_bias = rnd() % 4 != 0;
  c->per_channel = (int32_t)(rnd() % 2);
  c->groups = 1;
  if (dw) {
    c->dm = rnd_range(1, 2);
    c->out_c = c->in_c * c->dm;
  } else {
    c->out_c = pick(k_chans, 4);
    if (rnd() % 8 == 0 && c->in_c > 1) { /* grouped conv */
      c->groups = c->in_c;
      c->out_c = c->in_c * rnd_range(1, 2);
    }
  }
  static const int32_t zps[] = {-128, 127, 0, -5, 33};
  c->in_zp = pick(zps, 5);
  c->out_zp = pick(zps, 5);
  /* multiplier magnitude: tiny, around 1, above 1 */
  int mag = (int)(rnd() % 4);
  c->in_s = rfloat(0.005f, 0.1f);
  float target = mag == 0 ? rfloat(1e-6f, 1e-4f) : mag == 1 ? rfloat(0.5f, 1.5f)
                           : mag == 2 ? rfloat(1.5f, 40.0f) : rfloat(0.001f, 0.05f);
  float w0 = rfloat(0.001f, 0.05f);
  c->out_s = c->in_s * w0 / target;
  for (int i = 0; i < 64; i++) c->w_s[i] = c->per_channel ? w0 * rfloat(0.25f, 2.0f) : w0;
}

/* Runs one conv/dwconv case through the op and the oracle. Returns 1 if it ran. */
static int run_conv_case(const conv_case *c) {
  const int64_t oh64 = o_out_size(c->valid, c->in_h, c->fh, c->stride_h, c->dil_h);
  const int64_t ow64 = o_out_size(c->valid, c->in_w, c->fw, c->stride_w, c->dil_w);
  const int32_t fic = c->dw ? 1 : c->in_c / c->groups;
  tgraph *tg = new_tg(c->dw ? R50_OP_DEPTHWISE_CONV_2D : R50_OP_CONV_2D);
  const r50_dtype dt = c->is_float ? R50_DTYPE_FLOAT32 : R50_DTYPE_INT8;
  const int32_t oh = oh64 < 1 ? 1 : (int32_t)oh64, ow = ow64 < 1 ? 1 : (int32_t)ow64;
  const int32_t in_dims[4] = {c->batch, c->in_h, c->in_w, c->in_c};
  const int32_t w_dims_conv[4] = {c->out_c, c->fh, c->fw, fic};
  const int32_t w_dims_dw[4] = {1, c->fh, c->fw, c->out_c};
  const int32_t b_dims[1] = {c->out_c};
  const int32_t out_dims[4] = {c->batch, oh, ow, c->out_c};
  const size_t n_in = (size_t)c->batch * c->in_h * c->in_w * c->in_c;
  const size_t n_w = (size_t)c->out_c * c->fh * c->fw * fic;
  const size_t n_out = (size_t)c->batch * oh * ow * c->out_c;
  const size_t es = c->is_float ? 4 : 1;
  void *in = malloc(n_in * es), *w = malloc(n_w * es), *out = malloc(n_out * es + 1);
  void *expect = malloc(n_out * es + 1);
  void *bias = malloc((size_t)c->out_c * 4);
  for (size_t i = 0; i < n_in; i++) {
    if (c->is_float) ((float *)in)[i] = rfloat(-2.0f, 2.0f);
    else ((int8_t *)in)[i] = (int8_t)rnd_range(-128, 127);
  }
  for (size_t i = 0; i < n_w; i++) {
    if (c->is_float) ((float *)w)[i] = rfloat(-1.0f, 1.0f);
    else ((int8_t *)w)[i] = (int8_t)(rnd() % 50 == 0 ? -128 : rnd_range(-127, 127));
  }
  for (int32_t i = 0; i < c->out_c; i++) {
    if (c->is_float) ((float *)bias)[i] = rfloat(-1.0f, 1.0f);
    else ((int32_t *)bias)[i] = rnd_range(-60000, 60000);
  }
  float w_scales[64];
  int64_t w_zps[64];
  for (int i = 0; i < 64; i++) {
    w_scales[i] = c->w_s[i];
    w_zps[i] = 0;
  }
  tg_tensor(tg, 0, dt, 4, in_dims, NULL);
  tg_tensor(tg, 1, dt, 4, c->dw ? w_dims_dw : w_dims_conv, w);
  tg_tensor(tg, 2, c->is_float ? R50_DTYPE_FLOAT32 : R50_DTYPE_INT32, 1, b_dims, bias);
  tg_tensor(tg, 3, dt, 4, out_dims, NULL);
  if (!c->is_float) {
    tg_quant(tg, 0, c->in_s, c->in_zp);
    tg_quant(tg, 3, c->out_s, c->out_zp);
    if (c->per_channel) tg_quant_pc(tg, 1, c->out_c, c->dw ? 3 : 0, w_scales, w_zps);
    else tg_quant(tg, 1, c->w_s[0], 0);
  }
  int32_t ins[3] = {0, 1, c->has_bias ? 2 : -1}, outs[1] = {3};
  tg_io(tg, rnd() % 2 && !c->has_bias ? 2 : 3, ins, 1, outs);
  r50_conv_options *o = &tg->op.opt.conv;
  o->padding = c->valid ? R50_PAD_VALID : R50_PAD_SAME;
  o->stride_h = c->stride_h;
  o->stride_w = c->stride_w;
  o->dilation_h = c->dil_h;
  o->dilation_w = c->dil_w;
  o->depth_multiplier = c->dw ? (rnd() % 2 ? c->dm : 0) : 0;
  o->activation = c->act;
  void *bufs[4] = {in, NULL, NULL, out};
  ((uint8_t *)out)[n_out * es] = 0xA5; /* canary */
  r50_status st = tg_run(tg, c->dw ? &r50_op_depthwise_conv_2d : &r50_op_conv_2d, bufs);
  int ran = 0;
  if (oh64 < 1 || ow64 < 1) {
    CHECK_MSG(st == R50_ERR_MODEL && strstr(tg->err.msg, "does not fit"), "status %d msg %s", st,
              tg->err.msg);
  } else {
    CHECK_MSG(st == R50_OK, "prepare failed: %s", tg->err.msg);
    ran = st == R50_OK;
  }
  if (ran) {
    const int32_t pt = (int32_t)o_pad(c->in_h, c->fh, c->stride_h, c->dil_h, oh);
    const int32_t pl = (int32_t)o_pad(c->in_w, c->fw, c->stride_w, c->dil_w, ow);
    int32_t qlo, qhi;
    float flo, fhi;
    o_act_q(c->act, c->out_s, c->out_zp, &qlo, &qhi);
    o_act_f(c->act, &flo, &fhi);
    const int32_t per_group = c->out_c / c->groups;
    for (int32_t b = 0; b < c->batch; b++)
      for (int32_t y = 0; y < oh; y++)
        for (int32_t x = 0; x < ow; x++)
          for (int32_t oc = 0; oc < c->out_c; oc++) {
            int64_t acc = 0;
            float total = 0.0f;
            for (int32_t ky = 0; ky < c->fh; ky++)
              for (int32_t kx = 0; kx < c->fw; kx++) {
                const int32_t iy = y * c->stride_h - pt + ky * c->dil_h;
                const int32_t ix = x * c->stride_w - pl + kx * c->dil_w;
                if (iy < 0 || iy >= c->in_h || ix < 0 || ix >= c->in_w) continue;
                for (int32_t ic = 0; ic < fic; ic++) {
                  int32_t in_ch;
                  size_t wi;
                  if (c->dw) {
                    in_ch = oc / c->dm;
                    wi = ((size_t)ky * c->fw + kx) * c->out_c + oc;
                  } else {
                    in_ch = (oc / per_group) * fic + ic;
                    wi = (((size_t)oc * c->fh + ky) * c->fw + kx) * fic + ic;
                  }
                  const size_t ii = (((size_t)b * c->in_h + iy) * c->in_w + ix) * c->in_c + in_ch;
                  if (c->is_float)
                    total += ((float *)in)[ii] * ((float *)w)[wi];
                  else
                    acc += (int64_t)((int8_t *)w)[wi] * (((int8_t *)in)[ii] - c->in_zp);
                }
              }
            const size_t oi = (((size_t)b * oh + y) * ow + x) * c->out_c + oc;
            if (c->is_float) {
              float v = total + (c->has_bias ? ((float *)bias)[oc] : 0.0f);
              ((float *)expect)[oi] = o_clampf(v, flo, fhi);
            } else {
              if (c->has_bias) acc += ((int32_t *)bias)[oc];
              const double eff =
                  (double)c->in_s * (double)c->w_s[c->per_channel ? oc : 0] / (double)c->out_s;
              ((int8_t *)expect)[oi] = o_requant(acc, eff, c->out_zp, qlo, qhi);
            }
          }
    int same = memcmp(out, expect, n_out * es) == 0;
    CHECK_MSG(same,
              "%s %s b%d %dx%dx%d -> oc %d k%dx%d s%d,%d d%d,%d %s g%d dm%d act%d bias%d pc%d zp%d,%d",
              c->dw ? "dw" : "conv", c->is_float ? "f32" : "s8", c->batch, c->in_h, c->in_w,
              c->in_c, c->out_c, c->fh, c->fw, c->stride_h, c->stride_w, c->dil_h, c->dil_w,
              c->valid ? "VALID" : "SAME", c->groups, c->dm, c->act, c->has_bias, c->per_channel,
              c->in_zp, c->out_zp);
    CHECK(((uint8_t *)out)[n_out * es] == 0xA5);
  }
  free(in);
  free(w);
  free(out);
  free(expect);
  free(bias);
  free(tg);
  return ran;
}

static void sweep_conv(void) {
  int ran = 0, n = 0;
  for (int i = 0; i < 700; i++) {
    conv_case c;
    random_case(&c, 0, i % 5 == 4);
    ran += run_conv_case(&c);
    n++;
  }
  for (int i = 0; i < 500; i++) {
    conv_case c;
    random_case(&c, 1, i % 5 == 4);
    ran += run_conv_case(&c);
    n++;
  }
  /* every stride/dilation/kernel/padding combination at least once, int8 per-channel */
  for (int k = 0; k < 4; k++)
    for (int s = 1; s <= 3; s++)
      for (int d = 1; d <= 2; d++)
        for (int v = 0; v < 2; v++)
          for (int dw = 0; dw < 2; dw++) {
            conv_case c;
            random_case(&c, dw, 0);
            c.fh = c.fw = k_ksizes[k];
            c.stride_h = c.stride_w = s;
            c.dil_h = c.dil_w = d;
            c.valid = v;
            c.in_h = 13;
            c.in_w = 14;
            ran += run_conv_case(&c);
            n++;
          }
  printf("conv/dwconv sweep: %d cases, %d ran\n", n, ran);
  CHECK(ran > n / 2);
}

/* ---- FULLY_CONNECTED ---- */
static void run_fc_case(int is_float, int keep, int per_channel, int has_bias, int32_t act,
                        int32_t in_zp, int32_t out_zp, int mag) {
  const int32_t batch = rnd_range(1, 3), depth = pick(k_chans, 4) * rnd_range(1, 20);
  const int32_t units = pick(k_chans, 4) * rnd_range(1, 3);
  const r50_dtype dt = is_float ? R50_DTYPE_FLOAT32 : R50_DTYPE_INT8;
  const size_t es = is_float ? 4 : 1;
  tgraph *tg = new_tg(R50_OP_FULLY_CONNECTED);
  int32_t in_dims[3], in_nd;
  if (keep) { in_nd = 3; in_dims[0] = batch; in_dims[1] = 2; in_dims[2] = depth; }
  else if (rnd() % 2) { in_nd = 2; in_dims[0] = batch; in_dims[1] = depth; }
  else { in_nd = 3; in_dims[0] = batch; in_dims[1] = 1; in_dims[2] = depth; }
  const int32_t rows = keep ? batch * 2 : batch;
  const int32_t w_dims[2] = {units, depth}, b_dims[1] = {units};
  int32_t out_dims[3], out_nd;
  if (keep) { out_nd = 3; out_dims[0] = batch; out_dims[1] = 2; out_dims[2] = units; }
  else { out_nd = 2; out_dims[0] = rows; out_dims[1] = units; }
  const size_t n_in = (size_t)rows * depth, n_w = (size_t)units * depth, n_out = (size_t)rows * units;
  void *in = malloc(n_in * es), *w = malloc(n_w * es), *out = malloc(n_out * es);
  void *expect = malloc(n_out * es), *bias = malloc((size_t)units * 4);
  for (size_t i = 0; i < n_in; i++) {
    if (is_float) ((float *)in)[i] = rfloat(-2, 2);
    else ((int8_t *)in)[i] = (int8_t)rnd_range(-128, 127);
  }
  for (size_t i = 0; i < n_w; i++) {
    if (is_float) ((float *)w)[i] = rfloat(-1, 1);
    else ((int8_t *)w)[i] = (int8_t)rnd_range(-127, 127);
  }
  for (int32_t i = 0; i < units; i++) {
    if (is_float) ((float *)bias)[i] = rfloat(-1, 1);
    else ((int32_t *)bias)[i] = rnd_range(-30000, 30000);
  }
  float in_s = rfloat(0.01f, 0.1f), w0 = rfloat(0.002f, 0.03f);
  float target = mag == 0 ? rfloat(1e-6f, 1e-4f) : mag == 1 ? rfloat(0.5f, 1.5f) : rfloat(1.5f, 30.f);
  float out_s = in_s * w0 / target;
  float ws[64];
  int64_t wz[64];
  for (int i = 0; i < 64; i++) {
    ws[i] = per_channel ? w0 * rfloat(0.3f, 2.0f) : w0;
    wz[i] = 0;
  }
  tg_tensor(tg, 0, dt, in_nd, in_dims, NULL);
  tg_tensor(tg, 1, dt, 2, w_dims, w);
  tg_tensor(tg, 2, is_float ? R50_DTYPE_FLOAT32 : R50_DTYPE_INT32, 1, b_dims, bias);
  tg_tensor(tg, 3, dt, out_nd, out_dims, NULL);
  if (!is_float) {
    tg_quant(tg, 0, in_s, in_zp);
    tg_quant(tg, 3, out_s, out_zp);
    if (per_channel) tg_quant_pc(tg, 1, units, 0, ws, wz);
    else tg_quant(tg, 1, w0, 0);
    /* a converter-style bias scale: input_scale * weights_scale */
    if (has_bias && !per_channel) tg_quant(tg, 2, in_s * w0, 0);
  }
  int32_t ins[3] = {0, 1, has_bias ? 2 : -1}, outs[1] = {3};
  tg_io(tg, 3, ins, 1, outs);
  tg->op.opt.fc.activation = act;
  tg->op.opt.fc.keep_num_dims = keep;
  void *bufs[4] = {in, NULL, NULL, out};
  r50_status st = tg_run(tg, &r50_op_fully_connected, bufs);
  CHECK_MSG(st == R50_OK, "fc prepare: %s", tg->err.msg);
  if (st == R50_OK) {
    int32_t qlo, qhi;
    float flo, fhi;
    o_act_q(act, out_s, out_zp, &qlo, &qhi);
    o_act_f(act, &flo, &fhi);
    for (int32_t b = 0; b < rows; b++)
      for (int32_t u = 0; u < units; u++) {
        int64_t acc = 0;
        float total = 0.0f;
        for (int32_t d = 0; d < depth; d++) {
          size_t ii = (size_t)b * depth + d, wi = (size_t)u * depth + d;
          if (is_float) total += ((float *)in)[ii] * ((float *)w)[wi];
          else acc += (int64_t)((int8_t *)w)[wi] * (((int8_t *)in)[ii] - in_zp);
        }
        size_t oi = (size_t)b * units + u;
        if (is_float) {
          ((float *)expect)[oi] = o_clampf(total + (has_bias ? ((float *)bias)[u] : 0.0f), flo, fhi);
        } else {
          if (has_bias) acc += ((int32_t *)bias)[u];
          /* per-tensor: TFLite rounds the scale product to float first */
          double eff = per_channel ? (double)in_s * (double)ws[u] / (double)out_s
                                   : (double)(float)(in_s * w0) / (double)out_s;
          ((int8_t *)expect)[oi] = o_requant(acc, eff, out_zp, qlo, qhi);
        }
      }
    CHECK_MSG(memcmp(out, expect, n_out * es) == 0,
              "fc %s keep%d pc%d bias%d act%d zp%d,%d mag%d rows%d depth%d units%d",
              is_float ? "f32" : "s8", keep, per_channel, has_bias, act, in_zp, out_zp, mag, rows,
              depth, units);
  }
  free(in);
  free(w);
  free(out);
  free(expect);
  free(bias);
  free(tg);
}

static void sweep_fc(void) {
  static const int32_t zps[] = {-128, 127, 0, 9};
  for (int i = 0; i < 300; i++)
    run_fc_case(i % 4 == 3, (int)(rnd() % 3 == 0), (int)(rnd() % 2), (int)(rnd() % 4 != 0),
                pick(k_acts, 4), pick(zps, 4), pick(zps, 4), (int)(rnd() % 3));
}

/* The per-tensor FC multiplier uses the float-rounded product of scales
 * (GetQuantizedConvolutionMultipler). The two candidate multipliers differ by
 * about one unit in 2^30, too little to show in int8 outputs, so this checks
 * the (mult, shift) prepare stores. White-box: mirrors op_fc.c's state. */
#include "kernels/ref/fc.h"
typedef struct {
  int32_t is_float;
  int32_t isa; /* (without it the mirror only matched where pointers are 8-byte aligned) */
  r50_fc_params k;
} fc_state_mirror;

static void fc_float_product_rule(void) {
  int found = 0;
  for (int i = 0; i < 20000 && found < 5; i++) {
    float a = rfloat(0.001f, 0.1f), b = rfloat(0.001f, 0.1f), o = rfloat(0.01f, 1.0f);
    int32_t m1, s1, m2, s2;
    r50_quantize_multiplier((double)(float)(a * b) / (double)o, &m1, &s1);
    r50_quantize_multiplier((double)a * (double)b / (double)o, &m2, &s2);
    if (m1 == m2 && s1 == s2) continue;
    found++;
    for (int pc = 0; pc < 2; pc++) {
      tgraph *tg = new_tg(R50_OP_FULLY_CONNECTED);
      const int32_t in_dims[2] = {1, 1}, w_dims[2] = {1, 1}, out_dims[2] = {1, 1};
      static const int8_t wv = 1;
      int64_t zp0 = 0;
      tg_tensor(tg, 0, R50_DTYPE_INT8, 2, in_dims, NULL);
      tg_tensor(tg, 1, R50_DTYPE_INT8, 2, w_dims, &wv);
      tg_tensor(tg, 2, R50_DTYPE_INT8, 2, out_dims, NULL);
      tg_quant(tg, 0, a, 0);
      tg_quant(tg, 1, b, 0);
      if (pc) tg_quant_pc(tg, 1, 1, 0, &b, &zp0); /* one channel: still per-tensor in TFLite */
      tg_quant(tg, 2, o, 0);
      int32_t ins[2] = {0, 1}, outs[1] = {2};
      tg_io(tg, 2, ins, 1, outs);
      r50_prep p;
      memset(&p, 0, sizeof p);
      p.g = &tg->g;
      p.op = &tg->op;
      p.err = &tg->err;
      p.mem = &tg->mem;
      CHECK(r50_op_fully_connected.prepare(&p) == R50_OK);
      const fc_state_mirror *st = (const fc_state_mirror *)p.state;
      CHECK_MSG(st && st->k.q.out_mult[0] == m1 && st->k.q.out_shift[0] == s1,
                "per-tensor FC multiplier: got (%d,%d), want float-product (%d,%d), double (%d,%d)",
                st ? st->k.q.out_mult[0] : 0, st ? st->k.q.out_shift[0] : 0, m1, s1, m2, s2);
      free(tg);
    }
  }
  CHECK(found == 5);
}

/* ---- refusals ---- */
static int has(const tgraph *tg, const char *phrase) { return strstr(tg->err.msg, phrase) != NULL; }

typedef struct {
  tgraph *tg;
  int8_t w[3 * 3 * 3 * 4];
  int32_t bias[8];
  float ws[4];
  int64_t wz[4];
} conv_fixture;

/* A valid int8 3x3 conv 1x5x5x3 -> 1x5x5x4 SAME; tests break one thing. */
static void fixture(conv_fixture *f, int32_t type) {
  memset(f, 0, sizeof *f);
  f->tg = new_tg(type);
  const int32_t in_dims[4] = {1, 5, 5, 3}, w_dims[4] = {4, 3, 3, 3}, b_dims[1] = {4},
                out_dims[4] = {1, 5, 5, 4};
  for (int i = 0; i < 4; i++) {
    f->ws[i] = 0.01f;
    f->wz[i] = 0;
  }
  tg_tensor(f->tg, 0, R50_DTYPE_INT8, 4, in_dims, NULL);
  tg_tensor(f->tg, 1, R50_DTYPE_INT8, 4, w_dims, f->w);
  tg_tensor(f->tg, 2, R50_DTYPE_INT32, 1, b_dims, f->bias);
  tg_tensor(f->tg, 3, R50_DTYPE_INT8, 4, out_dims, NULL);
  tg_quant(f->tg, 0, 0.05f, -3);
  tg_quant_pc(f->tg, 1, 4, 0, f->ws, f->wz);
  tg_quant(f->tg, 3, 0.1f, 5);
  int32_t ins[3] = {0, 1, 2}, outs[1] = {3};
  tg_io(f->tg, 3, ins, 1, outs);
  r50_conv_options *o = &f->tg->op.opt.conv;
  o->padding = R50_PAD_SAME;
  o->stride_h = o->stride_w = o->dilation_h = o->dilation_w = 1;
}

static r50_status fx_prepare(conv_fixture *f) {
  int8_t in[75], out[100];
  void *bufs[4] = {in, NULL, NULL, out};
  memset(in, 0, sizeof in);
  return tg_run(f->tg, &r50_op_conv_2d, bufs);
}

static void refusals_conv(void) {
  conv_fixture f;
  fixture(&f, R50_OP_CONV_2D);
  CHECK_MSG(fx_prepare(&f) == R50_OK, "fixture: %s", f.tg->err.msg);
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* wrong output shape */
  f.tg->t[3].dims[1] = 4;
  CHECK(fx_prepare(&f) == R50_ERR_MODEL && has(f.tg, "the op computes [1,5,5,4]") &&
        has(f.tg, "op 0 CONV_2D"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* VALID: output must shrink */
  f.tg->op.opt.conv.padding = R50_PAD_VALID;
  CHECK(fx_prepare(&f) == R50_ERR_MODEL && has(f.tg, "[1,3,3,4]"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* bias wrong length */
  f.tg->t[2].dims[0] = 3;
  f.tg->t[2].n_elems = 3;
  CHECK(fx_prepare(&f) == R50_ERR_MODEL && has(f.tg, "bias tensor"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* bias wrong type */
  f.tg->t[2].type = R50_DTYPE_INT8;
  CHECK(fx_prepare(&f) == R50_ERR_UNSUPPORTED && has(f.tg, "bias"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* missing input quantization */
  f.tg->t[0].q_count = 0;
  CHECK(fx_prepare(&f) == R50_ERR_UNSUPPORTED && has(f.tg, "no quantization"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* missing weights quantization */
  f.tg->t[1].q_count = 0;
  CHECK(fx_prepare(&f) == R50_ERR_UNSUPPORTED && has(f.tg, "no quantization"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* per-channel count != output channels */
  f.tg->t[1].q_count = 3;
  CHECK(fx_prepare(&f) == R50_ERR_MODEL && has(f.tg, "expected 1 or 4"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* per-channel along the wrong dimension */
  f.tg->t[1].q_dim = 3;
  CHECK(fx_prepare(&f) == R50_ERR_MODEL && has(f.tg, "dimension 3"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* asymmetric weights */
  f.wz[2] = 1;
  CHECK(fx_prepare(&f) == R50_ERR_UNSUPPORTED && has(f.tg, "symmetric"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* uint8 legacy model */
  f.tg->t[0].type = f.tg->t[1].type = f.tg->t[3].type = R50_DTYPE_UINT8;
  CHECK(fx_prepare(&f) == R50_ERR_UNSUPPORTED && has(f.tg, "uint8 models not supported yet"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* int16 activations */
  f.tg->t[0].type = f.tg->t[3].type = R50_DTYPE_INT16;
  CHECK(fx_prepare(&f) == R50_ERR_UNSUPPORTED && has(f.tg, "int16"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* hybrid: float input, int8 weights */
  f.tg->t[0].type = f.tg->t[3].type = R50_DTYPE_FLOAT32;
  CHECK(fx_prepare(&f) == R50_ERR_UNSUPPORTED && has(f.tg, "hybrid"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* filter input channels do not divide input channels */
  f.tg->t[0].dims[3] = 4;
  CHECK(fx_prepare(&f) == R50_ERR_MODEL && has(f.tg, "multiple"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* stride 0 */
  f.tg->op.opt.conv.stride_w = 0;
  CHECK(fx_prepare(&f) == R50_ERR_MODEL && has(f.tg, "strides"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* dilation 0 */
  f.tg->op.opt.conv.dilation_h = 0;
  CHECK(fx_prepare(&f) == R50_ERR_MODEL && has(f.tg, "dilations"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* unknown padding */
  f.tg->op.opt.conv.padding = 7;
  CHECK(fx_prepare(&f) == R50_ERR_MODEL && has(f.tg, "padding"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* unsupported activation */
  f.tg->op.opt.conv.activation = R50_ACT_TANH;
  CHECK(fx_prepare(&f) == R50_ERR_UNSUPPORTED && has(f.tg, "activation"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* wrong input count */
  f.tg->op.n_inputs = 1;
  CHECK(fx_prepare(&f) == R50_ERR_MODEL && has(f.tg, "inputs"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* 3-D input */
  f.tg->t[0].ndim = 3;
  CHECK(fx_prepare(&f) == R50_ERR_MODEL && has(f.tg, "expected 4"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* output type differs */
  f.tg->t[3].type = R50_DTYPE_FLOAT32;
  CHECK(fx_prepare(&f) != R50_OK && has(f.tg, "output"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* per-channel activations */
  f.tg->t[0].q_count = 2;
  CHECK(fx_prepare(&f) == R50_ERR_UNSUPPORTED && has(f.tg, "per-tensor"));
  free(f.tg);

  fixture(&f, R50_OP_CONV_2D); /* multiplier too large: tiny output scale */
  f.tg->scales[3][0] = 1e-30f;
  CHECK(fx_prepare(&f) != R50_OK && has(f.tg, "multiplier"));
  free(f.tg);

  /* depthwise: inconsistent depth multiplier, dim0 != 1 */
  {
    tgraph *tg = new_tg(R50_OP_DEPTHWISE_CONV_2D);
    const int32_t in_dims[4] = {1, 4, 4, 3}, w_dims[4] = {1, 3, 3, 6}, out_dims[4] = {1, 4, 4, 6};
    static int8_t wdata[54];
    tg_tensor(tg, 0, R50_DTYPE_INT8, 4, in_dims, NULL);
    tg_tensor(tg, 1, R50_DTYPE_INT8, 4, w_dims, wdata);
    tg_tensor(tg, 2, R50_DTYPE_INT8, 4, out_dims, NULL);
    tg_quant(tg, 0, 0.1f, 0);
    tg_quant(tg, 1, 0.1f, 0);
    tg_quant(tg, 2, 0.1f, 0);
    int32_t ins[2] = {0, 1}, outs[1] = {2};
    tg_io(tg, 2, ins, 1, outs);
    r50_conv_options *o = &tg->op.opt.conv;
    o->stride_h = o->stride_w = o->dilation_h = o->dilation_w = 1;
    o->depth_multiplier = 2;
    int8_t in[48], out[96];
    memset(in, 0, sizeof in);
    void *bufs[3] = {in, NULL, out};
    CHECK_MSG(tg_run(tg, &r50_op_depthwise_conv_2d, bufs) == R50_OK, "%s", tg->err.msg);
    o->depth_multiplier = 3;
    CHECK(tg_run(tg, &r50_op_depthwise_conv_2d, bufs) == R50_ERR_MODEL && has(tg, "depth_multiplier"));
    o->depth_multiplier = 2;
    tg->t[0].dims[3] = 4;
    CHECK(tg_run(tg, &r50_op_depthwise_conv_2d, bufs) == R50_ERR_MODEL && has(tg, "multiple"));
    tg->t[0].dims[3] = 3;
    tg->t[1].dims[0] = 2;
    CHECK(tg_run(tg, &r50_op_depthwise_conv_2d, bufs) == R50_ERR_MODEL && has(tg, "expected 1"));
    tg->t[1].dims[0] = 1;
    tg->t[0].type = tg->t[1].type = tg->t[2].type = R50_DTYPE_UINT8;
    CHECK(tg_run(tg, &r50_op_depthwise_conv_2d, bufs) == R50_ERR_UNSUPPORTED &&
          has(tg, "uint8 models not supported yet"));
    free(tg);
  }
}

static void refusals_fc(void) {
  tgraph *tg = new_tg(R50_OP_FULLY_CONNECTED);
  const int32_t in_dims[2] = {2, 8}, w_dims[2] = {3, 8}, b_dims[1] = {3}, out_dims[2] = {2, 3};
  static int8_t w[24];
  static int32_t b[3];
  tg_tensor(tg, 0, R50_DTYPE_INT8, 2, in_dims, NULL);
  tg_tensor(tg, 1, R50_DTYPE_INT8, 2, w_dims, w);
  tg_tensor(tg, 2, R50_DTYPE_INT32, 1, b_dims, b);
  tg_tensor(tg, 3, R50_DTYPE_INT8, 2, out_dims, NULL);
  tg_quant(tg, 0, 0.1f, 0);
  tg_quant(tg, 1, 0.01f, 0);
  tg_quant(tg, 3, 0.1f, 0);
  int32_t ins[3] = {0, 1, 2}, outs[1] = {3};
  tg_io(tg, 3, ins, 1, outs);
  int8_t in[16], out[6];
  memset(in, 0, sizeof in);
  void *bufs[4] = {in, NULL, NULL, out};
  CHECK_MSG(tg_run(tg, &r50_op_fully_connected, bufs) == R50_OK, "%s", tg->err.msg);
  tg->op.opt.fc.weights_format = 1;
  CHECK(tg_run(tg, &r50_op_fully_connected, bufs) == R50_ERR_UNSUPPORTED && has(tg, "weights_format"));
  tg->op.opt.fc.weights_format = 0;
  tg->t[3].dims[0] = 1;
  CHECK(tg_run(tg, &r50_op_fully_connected, bufs) == R50_ERR_MODEL && has(tg, "the op computes [2,3]"));
  tg->t[3].dims[0] = 2;
  tg->t[2].dims[0] = 4;
  CHECK(tg_run(tg, &r50_op_fully_connected, bufs) == R50_ERR_MODEL && has(tg, "bias tensor"));
  tg->t[2].dims[0] = 3;
  tg->t[0].dims[1] = 7;
  tg->t[0].n_elems = 14;
  CHECK(tg_run(tg, &r50_op_fully_connected, bufs) == R50_ERR_MODEL && has(tg, "multiple"));
  tg->t[0].dims[1] = 8;
  tg->t[0].n_elems = 16;
  tg->t[1].q_count = 0;
  CHECK(tg_run(tg, &r50_op_fully_connected, bufs) == R50_ERR_UNSUPPORTED && has(tg, "no quantization"));
  tg_quant(tg, 1, 0.01f, 0);
  tg_quant(tg, 2, 0.5f, 0); /* bias scale far from input*weights scale: TFLite refuses */
  CHECK(tg_run(tg, &r50_op_fully_connected, bufs) == R50_ERR_MODEL && has(tg, "bias scale"));
  tg_quant(tg, 2, 0.001f, 0); /* == 0.1 * 0.01 */
  CHECK_MSG(tg_run(tg, &r50_op_fully_connected, bufs) == R50_OK, "%s", tg->err.msg);
  tg_quant(tg, 1, 0.01f, 2);
  CHECK(tg_run(tg, &r50_op_fully_connected, bufs) == R50_ERR_UNSUPPORTED && has(tg, "symmetric"));
  tg_quant(tg, 1, 0.01f, 0);
  tg->t[0].type = tg->t[1].type = tg->t[3].type = R50_DTYPE_UINT8;
  CHECK(tg_run(tg, &r50_op_fully_connected, bufs) == R50_ERR_UNSUPPORTED &&
        has(tg, "uint8 models not supported yet"));
  tg->t[0].type = tg->t[3].type = R50_DTYPE_FLOAT32;
  tg->t[1].type = R50_DTYPE_INT8;
  CHECK(tg_run(tg, &r50_op_fully_connected, bufs) == R50_ERR_UNSUPPORTED && has(tg, "hybrid"));
  free(tg);
}

int main(void) {
  sweep_conv();
  sweep_fc();
  fc_float_product_rule();
  refusals_conv();
  refusals_fc();
  return test_finish("test_ops_conv");
}

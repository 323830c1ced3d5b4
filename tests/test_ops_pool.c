/* MAX_POOL_2D, AVERAGE_POOL_2D, MEAN, PAD and PADV2 through op prepare +
 * eval, against naive oracles written here (seeded random sweeps), plus
 * refusals, plus golden cross-checks: where the shared TFLite Micro layer
 * dumps contain both an op's input and output (these ops need no weights),
 * the op must reproduce the reference output byte for byte. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#define TRAND_SEED 0x243F6A8885A308D3ull
#include "trand.h"
#include "oracle_act.h"
#include "kernels/quant.h"
#include "tgraph.h"

static float rfloat(float lo, float hi) { return lo + (hi - lo) * (float)(rnd() & 0xFFFFFF) / 16777216.0f; }

static tgraph *new_tg(int32_t type) {
  tgraph *tg = (tgraph *)malloc(sizeof *tg);
  tg_init(tg, type);
  return tg;
}
static int has(const tgraph *tg, const char *phrase) { return strstr(tg->err.msg, phrase) != NULL; }

static const int32_t k_acts[] = {R50_ACT_NONE, R50_ACT_RELU, R50_ACT_RELU6, R50_ACT_RELU_N1_TO_1};


/* ---- pooling ---- */
static void run_pool_case(int is_max, int is_float) {
  const int32_t batch = rnd_range(1, 2), H = rnd_range(1, 12), W = rnd_range(1, 12);
  static const int32_t chans[] = {1, 3, 5, 17};
  const int32_t C = chans[rnd() % 4];
  const int32_t fh = rnd() % 5 == 0 ? 7 : rnd_range(1, 4), fw = rnd() % 2 ? fh : rnd_range(1, 4);
  const int32_t sh = rnd_range(1, 3), sw = rnd() % 2 ? sh : rnd_range(1, 3);
  const int valid = (int)(rnd() % 2);
  const int32_t act = k_acts[rnd() % 4];
  static const int32_t zps[] = {-128, 127, 0, 3};
  const int32_t zp = zps[rnd() % 4];
  const float scale = rfloat(0.005f, 0.2f);
  const int64_t oh64 = valid ? (H - fh + sh) / sh : (H + sh - 1) / sh;
  const int64_t ow64 = valid ? (W - fw + sw) / sw : (W + sw - 1) / sw;
  const int32_t oh = oh64 < 1 ? 1 : (int32_t)oh64, ow = ow64 < 1 ? 1 : (int32_t)ow64;
  const r50_dtype dt = is_float ? R50_DTYPE_FLOAT32 : R50_DTYPE_INT8;
  const size_t es = is_float ? 4 : 1;
  const size_t n_in = (size_t)batch * H * W * C, n_out = (size_t)batch * oh * ow * C;
  void *in = malloc(n_in * es), *out = malloc(n_out * es), *expect = malloc(n_out * es);
  for (size_t i = 0; i < n_in; i++) {
    if (is_float) ((float *)in)[i] = rfloat(-8.0f, 8.0f);
    else ((int8_t *)in)[i] = (int8_t)rnd_range(-128, 127);
  }
  tgraph *tg = new_tg(is_max ? R50_OP_MAX_POOL_2D : R50_OP_AVERAGE_POOL_2D);
  const int32_t in_dims[4] = {batch, H, W, C}, out_dims[4] = {batch, oh, ow, C};
  tg_tensor(tg, 0, dt, 4, in_dims, NULL);
  tg_tensor(tg, 1, dt, 4, out_dims, NULL);
  if (!is_float) {
    tg_quant(tg, 0, scale, zp);
    tg_quant(tg, 1, scale, zp);
  }
  int32_t ins[1] = {0}, outs[1] = {1};
  tg_io(tg, 1, ins, 1, outs);
  r50_pool_options *o = &tg->op.opt.pool;
  o->padding = valid ? R50_PAD_VALID : R50_PAD_SAME;
  o->stride_h = sh;
  o->stride_w = sw;
  o->filter_h = fh;
  o->filter_w = fw;
  o->activation = act;
  void *bufs[2] = {in, out};
  r50_status st = tg_run(tg, is_max ? &r50_op_max_pool_2d : &r50_op_average_pool_2d, bufs);
  if (oh64 < 1 || ow64 < 1) {
    CHECK_MSG(st == R50_ERR_MODEL, "pool should refuse a window larger than the input: %s",
              tg->err.msg);
  } else {
    CHECK_MSG(st == R50_OK, "pool prepare: %s", tg->err.msg);
  }
  if (st == R50_OK) {
    int64_t th = (oh - 1) * (int64_t)sh + fh - H, tw = (ow - 1) * (int64_t)sw + fw - W;
    const int32_t pt = th > 0 ? (int32_t)(th / 2) : 0, pl = tw > 0 ? (int32_t)(tw / 2) : 0;
    int32_t qlo, qhi;
    float flo, fhi;
    o_act_q(act, scale, zp, &qlo, &qhi);
    o_act_f(act, &flo, &fhi);
    for (int32_t b = 0; b < batch; b++)
      for (int32_t y = 0; y < oh; y++)
        for (int32_t x = 0; x < ow; x++)
          for (int32_t c = 0; c < C; c++) {
            int32_t mx = -128, sum = 0, cnt = 0;
            float fmx = -FLT_MAX, fsum = 0.0f;
            for (int32_t ky = 0; ky < fh; ky++)
              for (int32_t kx = 0; kx < fw; kx++) {
                int32_t iy = y * sh - pt + ky, ix = x * sw - pl + kx;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                size_t ii = (((size_t)b * H + iy) * W + ix) * C + c;
                cnt++;
                if (is_float) {
                  float v = ((float *)in)[ii];
                  fmx = fmx < v ? v : fmx;
                  fsum += v;
                } else {
                  int32_t v = ((int8_t *)in)[ii];
                  mx = v > mx ? v : mx;
                  sum += v;
                }
              }
            size_t oi = (((size_t)b * oh + y) * ow + x) * C + c;
            if (is_float) {
              float v = is_max ? fmx : fsum / (float)cnt;
              v = v < flo ? flo : v;
              v = fhi < v ? fhi : v;
              ((float *)expect)[oi] = v;
            } else {
              int32_t v = is_max ? mx : (sum > 0 ? (sum + cnt / 2) / cnt : (sum - cnt / 2) / cnt);
              v = v < qlo ? qlo : (v > qhi ? qhi : v);
              ((int8_t *)expect)[oi] = (int8_t)v;
            }
          }
    CHECK_MSG(memcmp(out, expect, n_out * es) == 0, "%s %s b%d %dx%dx%d f%dx%d s%d,%d %s act%d zp%d",
              is_max ? "maxpool" : "avgpool", is_float ? "f32" : "s8", batch, H, W, C, fh, fw, sh,
              sw, valid ? "VALID" : "SAME", act, zp);
  }
  free(in);
  free(out);
  free(expect);
  free(tg);
}

/* ---- MEAN ---- */
static void run_mean_case(int is_float, int mode_hint) {
  int32_t nd = rnd_range(1, 4);
  int32_t dims[4];
  for (int d = 0; d < nd; d++) dims[d] = rnd_range(1, 6);
  int32_t axes[6], n_axes;
  int keep = (int)(rnd() % 2);
  if (mode_hint == 0) { /* 4-D over H,W: the global-average-pool shape of CNNs */
    nd = 4;
    for (int d = 0; d < 4; d++) dims[d] = rnd_range(1, 9);
    n_axes = 2;
    axes[0] = rnd() % 2 ? 1 : 2;
    axes[1] = 3 - axes[0];
    keep = (int)(rnd() % 4 != 0);
  } else {
    n_axes = rnd_range(1, 3);
    for (int i = 0; i < n_axes; i++) axes[i] = rnd_range(-nd, nd - 1); /* negatives, duplicates */
  }
  int red[4] = {0, 0, 0, 0};
  for (int i = 0; i < n_axes; i++) red[axes[i] < 0 ? axes[i] + nd : axes[i]] = 1;
  int32_t out_dims[4], ond = 0;
  int64_t n = 1;
  for (int d = 0; d < nd; d++) {
    if (red[d]) n *= dims[d];
    if (!red[d]) out_dims[ond++] = dims[d];
    else if (keep) out_dims[ond++] = 1;
  }
  size_t n_in = 1, n_out = 1;
  for (int d = 0; d < nd; d++) n_in *= (size_t)dims[d];
  for (int d = 0; d < ond; d++) n_out *= (size_t)out_dims[d];
  const r50_dtype dt = is_float ? R50_DTYPE_FLOAT32 : R50_DTYPE_INT8;
  const size_t es = is_float ? 4 : 1;
  void *in = malloc(n_in * es), *out = malloc(n_out * es), *expect = malloc(n_out * es);
  for (size_t i = 0; i < n_in; i++) {
    if (is_float) ((float *)in)[i] = rfloat(-3.0f, 3.0f);
    else ((int8_t *)in)[i] = (int8_t)rnd_range(-128, 127);
  }
  static const int32_t zps[] = {-128, 127, 0, -7};
  int32_t in_zp = zps[rnd() % 4], out_zp = zps[rnd() % 4];
  float in_s = rfloat(0.01f, 0.2f), out_s = in_s * rfloat(0.2f, 3.0f);
  if (mode_hint == 1) { /* same quantization path */
    out_zp = in_zp;
    out_s = in_s;
  }
  tgraph *tg = new_tg(R50_OP_MEAN);
  const int32_t ax_dims[1] = {n_axes};
  tg_tensor(tg, 0, dt, nd, dims, NULL);
  tg_tensor(tg, 1, R50_DTYPE_INT32, 1, ax_dims, axes);
  tg_tensor(tg, 2, dt, ond, out_dims, NULL);
  if (!is_float) {
    tg_quant(tg, 0, in_s, in_zp);
    tg_quant(tg, 2, out_s, out_zp);
  }
  int32_t ins[2] = {0, 1}, outs[1] = {2};
  tg_io(tg, 2, ins, 1, outs);
  tg->op.opt.reducer.keep_dims = keep;
  void *bufs[3] = {in, NULL, out};
  r50_status st = tg_run(tg, &r50_op_mean, bufs);
  CHECK_MSG(st == R50_OK, "mean prepare: %s", tg->err.msg);
  if (st == R50_OK) {
    /* naive: for each output, walk all inputs mapping to it (row-major order) */
    int64_t *isum = (int64_t *)calloc(n_out, sizeof(int64_t));
    float *fsum = (float *)calloc(n_out, sizeof(float));
    for (size_t i = 0; i < n_in; i++) {
      size_t rem = i, idx[4] = {0, 0, 0, 0};
      for (int d = nd - 1; d >= 0; d--) {
        idx[d] = rem % (size_t)dims[d];
        rem /= (size_t)dims[d];
      }
      size_t o = 0;
      for (int d = 0; d < nd; d++)
        if (!red[d]) o = o * (size_t)dims[d] + idx[d];
      if (is_float) fsum[o] += ((float *)in)[i];
      else isum[o] += ((int8_t *)in)[i];
    }
    int32_t m, s;
    r50_quantize_multiplier((double)in_s / (double)out_s, &m, &s);
    for (size_t o = 0; o < n_out; o++) {
      if (is_float) {
        ((float *)expect)[o] = fsum[o] / (float)n;
        continue;
      }
      int32_t v;
      if (in_zp == out_zp && in_s == out_s) {
        v = (int32_t)(isum[o] / n);
      } else {
        int sh = 0;
        while ((1LL << (sh + 1)) <= n) sh++;
        if (sh > 31 + s) sh = 31 + s;
        int32_t m2 = (int32_t)(((int64_t)m << sh) / n);
        v = r50_mbqm((int32_t)(isum[o] - (int64_t)in_zp * n), m2, s - sh) + out_zp;
      }
      ((int8_t *)expect)[o] = (int8_t)(v < -128 ? -128 : (v > 127 ? 127 : v));
    }
    CHECK_MSG(memcmp(out, expect, n_out * es) == 0, "mean %s nd%d n_axes%d keep%d hint%d",
              is_float ? "f32" : "s8", nd, n_axes, keep, mode_hint);
    free(isum);
    free(fsum);
  }
  free(in);
  free(out);
  free(expect);
  free(tg);
}

/* ---- PAD / PADV2 ---- */
static void run_pad_case(int v2, int type_sel) {
  const r50_dtype dt = type_sel == 0 ? R50_DTYPE_INT8 : type_sel == 1 ? R50_DTYPE_FLOAT32 : R50_DTYPE_INT32;
  const size_t es = dt == R50_DTYPE_INT8 ? 1 : 4;
  const int32_t nd = rnd_range(1, 5);
  int32_t dims[5], pads[10], out_dims[5];
  size_t n_in = 1, n_out = 1;
  for (int d = 0; d < nd; d++) {
    dims[d] = rnd_range(1, 5);
    pads[2 * d] = rnd() % 3 ? rnd_range(0, 3) : 0;
    pads[2 * d + 1] = rnd() % 3 ? rnd_range(0, 3) : 0;
  }
  /* a third of the cases leave trailing dims unpadded (the kernel merges them
   * into longer rows, e.g. NHWC padded in H and W only) */
  const int32_t unpadded = rnd() % 3 == 0 ? rnd_range(1, nd) : 0;
  for (int d = nd - unpadded; d < nd; d++) pads[2 * d] = pads[2 * d + 1] = 0;
  for (int d = 0; d < nd; d++) {
    out_dims[d] = dims[d] + pads[2 * d] + pads[2 * d + 1];
    n_in *= (size_t)dims[d];
    n_out *= (size_t)out_dims[d];
  }
  const int64_t pads64[10] = {pads[0], pads[1], pads[2], pads[3], pads[4],
                              pads[5], pads[6], pads[7], pads[8], pads[9]};
  uint8_t *in = (uint8_t *)malloc(n_in * es), *out = (uint8_t *)malloc(n_out * es);
  uint8_t *expect = (uint8_t *)malloc(n_out * es);
  for (size_t i = 0; i < n_in * es; i++) in[i] = (uint8_t)rnd();
  const int32_t out_zp = rnd_range(-128, 127);
  const float scale = 0.05f;
  uint8_t value[4] = {0, 0, 0, 0};
  const int with_value = v2 && rnd() % 3 != 0;
  uint8_t cv[4];
  for (int i = 0; i < 4; i++) cv[i] = (uint8_t)rnd();
  if (with_value) memcpy(value, cv, es);
  else if (dt == R50_DTYPE_INT8) value[0] = (uint8_t)(int8_t)out_zp;
  tgraph *tg = new_tg(v2 ? R50_OP_PADV2 : R50_OP_PAD);
  const int32_t p_dims[2] = {nd, 2}, one[1] = {1};
  const int p64 = (int)(rnd() % 4 == 0);
  tg_tensor(tg, 0, dt, nd, dims, NULL);
  tg_tensor(tg, 1, p64 ? R50_DTYPE_INT64 : R50_DTYPE_INT32, 2, p_dims, p64 ? (const void *)pads64 : (const void *)pads);
  tg_tensor(tg, 2, dt, 1, one, NULL); /* constant_values: an activation here */
  tg_tensor(tg, 3, dt, nd, out_dims, NULL);
  if (dt == R50_DTYPE_INT8) {
    tg_quant(tg, 0, scale, out_zp);
    tg_quant(tg, 2, scale, out_zp);
    tg_quant(tg, 3, scale, out_zp);
  }
  int32_t ins[3] = {0, 1, 2}, outs[1] = {3};
  tg_io(tg, with_value ? 3 : 2, ins, 1, outs);
  void *bufs[4] = {in, NULL, cv, out};
  r50_status st = tg_run(tg, v2 ? &r50_op_padv2 : &r50_op_pad, bufs);
  CHECK_MSG(st == R50_OK, "pad prepare: %s", tg->err.msg);
  if (st == R50_OK) {
    for (size_t o = 0; o < n_out; o++) {
      size_t rem = o, idx[5];
      for (int d = nd - 1; d >= 0; d--) {
        idx[d] = rem % (size_t)out_dims[d];
        rem /= (size_t)out_dims[d];
      }
      int inside = 1;
      size_t ii = 0;
      for (int d = 0; d < nd; d++) {
        int64_t j = (int64_t)idx[d] - pads[2 * d];
        if (j < 0 || j >= dims[d]) inside = 0;
        ii = ii * (size_t)dims[d] + (size_t)(j < 0 ? 0 : j);
      }
      memcpy(expect + o * es, inside ? in + ii * es : value, es);
    }
    CHECK_MSG(memcmp(out, expect, n_out * es) == 0, "pad v2=%d type%d nd%d value%d", v2, type_sel,
              nd, with_value);
  }
  free(in);
  free(out);
  free(expect);
  free(tg);
}

static void sweeps(void) {
  for (int i = 0; i < 400; i++) run_pool_case(i % 2, (i / 2) % 4 == 3);
  for (int i = 0; i < 300; i++) run_mean_case(i % 5 == 4, i % 3);
  for (int i = 0; i < 300; i++) run_pad_case(i % 2, i % 3);
}

/* ---- refusals ---- */
static void refusals(void) {
  { /* pooling */
    tgraph *tg = new_tg(R50_OP_MAX_POOL_2D);
    const int32_t in_dims[4] = {1, 4, 4, 2}, out_dims[4] = {1, 2, 2, 2};
    tg_tensor(tg, 0, R50_DTYPE_INT8, 4, in_dims, NULL);
    tg_tensor(tg, 1, R50_DTYPE_INT8, 4, out_dims, NULL);
    tg_quant(tg, 0, 0.1f, 0);
    tg_quant(tg, 1, 0.1f, 0);
    int32_t ins[1] = {0}, outs[1] = {1};
    tg_io(tg, 1, ins, 1, outs);
    r50_pool_options *o = &tg->op.opt.pool;
    o->padding = R50_PAD_VALID;
    o->stride_h = o->stride_w = o->filter_h = o->filter_w = 2;
    int8_t in[32], out[8];
    memset(in, 0, sizeof in);
    void *bufs[2] = {in, out};
    CHECK_MSG(tg_run(tg, &r50_op_max_pool_2d, bufs) == R50_OK, "%s", tg->err.msg);
    tg_quant(tg, 1, 0.2f, 0);
    CHECK(tg_run(tg, &r50_op_max_pool_2d, bufs) == R50_ERR_UNSUPPORTED && has(tg, "quantization differ"));
    tg_quant(tg, 1, 0.1f, 1);
    CHECK(tg_run(tg, &r50_op_average_pool_2d, bufs) == R50_ERR_UNSUPPORTED && has(tg, "quantization differ"));
    tg_quant(tg, 1, 0.1f, 0);
    tg->t[1].dims[2] = 3;
    CHECK(tg_run(tg, &r50_op_max_pool_2d, bufs) == R50_ERR_MODEL && has(tg, "the op computes [1,2,2,2]"));
    tg->t[1].dims[2] = 2;
    o->filter_w = 0;
    CHECK(tg_run(tg, &r50_op_max_pool_2d, bufs) == R50_ERR_MODEL && has(tg, "filter size"));
    o->filter_w = 2;
    o->stride_h = 0;
    CHECK(tg_run(tg, &r50_op_max_pool_2d, bufs) == R50_ERR_MODEL && has(tg, "strides"));
    o->stride_h = 2;
    tg->t[0].q_count = 0;
    CHECK(tg_run(tg, &r50_op_max_pool_2d, bufs) == R50_ERR_UNSUPPORTED && has(tg, "no quantization"));
    tg_quant(tg, 0, 0.1f, 0);
    tg->t[0].type = tg->t[1].type = R50_DTYPE_UINT8;
    CHECK(tg_run(tg, &r50_op_max_pool_2d, bufs) == R50_ERR_UNSUPPORTED &&
          has(tg, "uint8 models not supported yet"));
    free(tg);
  }
  { /* MEAN */
    tgraph *tg = new_tg(R50_OP_MEAN);
    static const int32_t axes[2] = {1, 2};
    const int32_t in_dims[4] = {1, 3, 3, 4}, ax_dims[1] = {2}, out_dims[2] = {1, 4};
    tg_tensor(tg, 0, R50_DTYPE_INT8, 4, in_dims, NULL);
    tg_tensor(tg, 1, R50_DTYPE_INT32, 1, ax_dims, axes);
    tg_tensor(tg, 2, R50_DTYPE_INT8, 2, out_dims, NULL);
    tg_quant(tg, 0, 0.1f, 0);
    tg_quant(tg, 2, 0.05f, -3);
    int32_t ins[2] = {0, 1}, outs[1] = {2};
    tg_io(tg, 2, ins, 1, outs);
    int8_t in[36], out[4];
    memset(in, 0, sizeof in);
    void *bufs[3] = {in, NULL, out};
    CHECK_MSG(tg_run(tg, &r50_op_mean, bufs) == R50_OK, "%s", tg->err.msg);
    tg->op.opt.reducer.keep_dims = 1;
    CHECK(tg_run(tg, &r50_op_mean, bufs) == R50_ERR_MODEL && has(tg, "the op computes [1,1,1,4]"));
    tg->op.opt.reducer.keep_dims = 0;
    tg->t[1].data = NULL;
    CHECK(tg_run(tg, &r50_op_mean, bufs) == R50_ERR_UNSUPPORTED && has(tg, "not a constant"));
    static const int32_t bad_axes[2] = {1, 4};
    tg->t[1].data = bad_axes;
    CHECK(tg_run(tg, &r50_op_mean, bufs) == R50_ERR_MODEL && has(tg, "out of range"));
    tg->t[1].data = axes;
    tg->t[2].q_count = 0;
    CHECK(tg_run(tg, &r50_op_mean, bufs) == R50_ERR_UNSUPPORTED && has(tg, "no quantization"));
    tg_quant(tg, 2, 0.05f, -3);
    tg->t[0].type = tg->t[2].type = R50_DTYPE_UINT8;
    CHECK(tg_run(tg, &r50_op_mean, bufs) == R50_ERR_UNSUPPORTED &&
          has(tg, "uint8 models not supported yet"));
    free(tg);
  }
  { /* PAD / PADV2 */
    tgraph *tg = new_tg(R50_OP_PAD);
    static const int32_t pads[8] = {0, 0, 1, 1, 2, 0, 0, 0};
    static const int32_t neg[8] = {0, 0, -1, 1, 2, 0, 0, 0};
    const int32_t in_dims[4] = {1, 2, 2, 3}, p_dims[2] = {4, 2}, out_dims[4] = {1, 4, 4, 3};
    const int32_t six[6] = {1, 1, 1, 1, 1, 1}, one[1] = {1};
    tg_tensor(tg, 0, R50_DTYPE_INT8, 4, in_dims, NULL);
    tg_tensor(tg, 1, R50_DTYPE_INT32, 2, p_dims, pads);
    tg_tensor(tg, 2, R50_DTYPE_INT8, 4, out_dims, NULL);
    tg_tensor(tg, 3, R50_DTYPE_INT8, 1, one, NULL);
    tg_quant(tg, 0, 0.1f, 2);
    tg_quant(tg, 2, 0.1f, 2);
    tg_quant(tg, 3, 0.1f, 2);
    int32_t ins[3] = {0, 1, 3}, outs[1] = {2};
    tg_io(tg, 2, ins, 1, outs);
    int8_t in[12], out[48], cv = 5;
    memset(in, 0, sizeof in);
    void *bufs[4] = {in, NULL, out, &cv};
    CHECK_MSG(tg_run(tg, &r50_op_pad, bufs) == R50_OK, "%s", tg->err.msg);
    CHECK(out[0] == 2); /* PAD int8 pads with the output zero point */
    tg->t[2].dims[2] = 5;
    CHECK(tg_run(tg, &r50_op_pad, bufs) == R50_ERR_MODEL && has(tg, "the op computes [1,4,4,3]"));
    tg->t[2].dims[2] = 4;
    tg->t[1].data = neg;
    CHECK(tg_run(tg, &r50_op_pad, bufs) == R50_ERR_UNSUPPORTED && has(tg, "negative"));
    tg->t[1].data = NULL;
    CHECK(tg_run(tg, &r50_op_pad, bufs) == R50_ERR_UNSUPPORTED && has(tg, "not a constant"));
    tg->t[1].data = pads;
    tg->t[1].dims[0] = 3;
    CHECK(tg_run(tg, &r50_op_pad, bufs) == R50_ERR_MODEL && has(tg, "shape [4, 2]"));
    tg->t[1].dims[0] = 4;
    tg_io(tg, 3, ins, 1, outs);
    CHECK(tg_run(tg, &r50_op_pad, bufs) == R50_ERR_MODEL && has(tg, "inputs")); /* PAD: 2 inputs */
    tg->op.type = R50_OP_PADV2;
    CHECK_MSG(tg_run(tg, &r50_op_padv2, bufs) == R50_OK, "%s", tg->err.msg);
    CHECK(out[0] == 5); /* PADV2 pads with constant_values */
    tg_quant(tg, 3, 0.1f, 3);
    CHECK(tg_run(tg, &r50_op_padv2, bufs) == R50_ERR_MODEL && has(tg, "constant_values"));
    tg_quant(tg, 3, 0.1f, 2);
    tg->t[3].dims[0] = 2;
    tg->t[3].n_elems = 2;
    CHECK(tg_run(tg, &r50_op_padv2, bufs) == R50_ERR_MODEL && has(tg, "expected 1"));
    /* 6-D input refused */
    tg_tensor(tg, 0, R50_DTYPE_INT8, 6, six, NULL);
    CHECK(tg_run(tg, &r50_op_padv2, bufs) == R50_ERR_UNSUPPORTED && has(tg, "dims"));
    free(tg);
  }
}

/* ---- golden layer dumps (TFLite Micro reference outputs) ---- */
static void *read_file(const char *dir, const char *name, size_t want) {
  char path[512];
  snprintf(path, sizeof path, "%s/golden/%s/%s", R50_SHARED_DIR, dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  void *buf = malloc(want + 1);
  size_t n = fread(buf, 1, want + 1, f);
  fclose(f);
  if (n != want) {
    fprintf(stderr, "%s: %zu bytes, expected %zu\n", path, n, want);
    free(buf);
    return NULL;
  }
  return buf;
}

typedef struct {
  const char *dir, *in_file, *out_file;
  int32_t op;
  int32_t in_dims[4], out_nd, out_dims[4];
  float in_s, out_s;
  int32_t in_zp, out_zp;
  int32_t k, stride, pad; /* pooling: filter, stride; PAD: symmetric spatial pad */
  int32_t keep;           /* MEAN keep_dims */
} golden_case;

static int run_golden(const golden_case *gc) {
  size_t n_in = 1, n_out = 1;
  for (int d = 0; d < 4; d++) n_in *= (size_t)gc->in_dims[d];
  for (int d = 0; d < gc->out_nd; d++) n_out *= (size_t)gc->out_dims[d];
  int8_t *in = (int8_t *)read_file(gc->dir, gc->in_file, n_in);
  int8_t *want = (int8_t *)read_file(gc->dir, gc->out_file, n_out);
  int ran = 0;
  if (in && want) {
    tgraph *tg = new_tg(gc->op);
    int8_t *out = (int8_t *)malloc(n_out);
    static const int32_t axes[2] = {1, 2};
    int32_t pads[8] = {0, 0, gc->pad, gc->pad, gc->pad, gc->pad, 0, 0};
    const int32_t ax_dims[1] = {2}, p_dims[2] = {4, 2};
    tg_tensor(tg, 0, R50_DTYPE_INT8, 4, gc->in_dims, NULL);
    tg_tensor(tg, 1, R50_DTYPE_INT8, gc->out_nd, gc->out_dims, NULL);
    tg_quant(tg, 0, gc->in_s, gc->in_zp);
    tg_quant(tg, 1, gc->out_s, gc->out_zp);
    int32_t ins[2] = {0, 2}, outs[1] = {1};
    const r50_op_impl *impl;
    if (gc->op == R50_OP_MEAN) {
      tg_tensor(tg, 2, R50_DTYPE_INT32, 1, ax_dims, axes);
      tg_io(tg, 2, ins, 1, outs);
      tg->op.opt.reducer.keep_dims = gc->keep;
      impl = &r50_op_mean;
    } else if (gc->op == R50_OP_PAD) {
      tg_tensor(tg, 2, R50_DTYPE_INT32, 2, p_dims, pads);
      tg_io(tg, 2, ins, 1, outs);
      impl = &r50_op_pad;
    } else {
      tg_io(tg, 1, ins, 1, outs);
      r50_pool_options *o = &tg->op.opt.pool;
      o->padding = R50_PAD_VALID;
      o->filter_h = o->filter_w = gc->k;
      o->stride_h = o->stride_w = gc->stride;
      impl = gc->op == R50_OP_MAX_POOL_2D ? &r50_op_max_pool_2d : &r50_op_average_pool_2d;
    }
    void *bufs[3] = {in, out, NULL};
    r50_status st = tg_run(tg, impl, bufs);
    CHECK_MSG(st == R50_OK, "golden %s %s: %s", gc->dir, gc->out_file, tg->err.msg);
    if (st == R50_OK) {
      size_t diff = 0;
      for (size_t i = 0; i < n_out; i++) diff += out[i] != want[i];
      CHECK_MSG(diff == 0, "golden %s %s: %zu of %zu bytes differ", gc->dir, gc->out_file, diff, n_out);
      ran = 1;
    }
    free(out);
    free(tg);
  }
  free(in);
  free(want);
  return ran;
}

static void goldens(void) {
  const char *r50 = "resnet50v2_224_int8/grace_hopper.layers";
  const golden_case cases[] = {
      {r50, "000_QUANTIZE.bin", "001_PAD.bin", R50_OP_PAD, {1, 224, 224, 3}, 4, {1, 230, 230, 3},
       0.00784313772f, 0.00784313772f, 0, 0, 0, 0, 3, 0},
      {r50, "002_CONV_2D.bin", "003_PAD.bin", R50_OP_PAD, {1, 112, 112, 64}, 4, {1, 114, 114, 64},
       0.0431621335f, 0.0431621335f, 4, 4, 0, 0, 1, 0},
      {r50, "003_PAD.bin", "004_MAX_POOL_2D.bin", R50_OP_MAX_POOL_2D, {1, 114, 114, 64}, 4,
       {1, 56, 56, 64}, 0.0431621335f, 0.0431621335f, 4, 4, 3, 2, 0, 0},
      {r50, "019_ADD.bin", "022_MAX_POOL_2D.bin", R50_OP_MAX_POOL_2D, {1, 56, 56, 256}, 4,
       {1, 28, 28, 256}, 0.0963706225f, 0.0963706225f, 1, 1, 1, 2, 0, 0},
      {r50, "049_ADD.bin", "052_MAX_POOL_2D.bin", R50_OP_MAX_POOL_2D, {1, 28, 28, 512}, 4,
       {1, 14, 14, 512}, 0.130440369f, 0.130440369f, 1, 1, 1, 2, 0, 0},
      {r50, "093_ADD.bin", "096_MAX_POOL_2D.bin", R50_OP_MAX_POOL_2D, {1, 14, 14, 1024}, 4,
       {1, 7, 7, 1024}, 0.17928645f, 0.17928645f, 14, 14, 1, 2, 0, 0},
      {r50, "125_ADD.bin", "126_MEAN.bin", R50_OP_MEAN, {1, 7, 7, 2048}, 2, {1, 2048, 0, 0},
       0.149390355f, 0.0841052309f, -128, -128, 0, 0, 0, 0},
      {"tf2_mobilenet_v2_1.0_224_ptq/cat.layers", "062_CONV_2D.bin", "063_MEAN.bin", R50_OP_MEAN,
       {1, 7, 7, 1280}, 4, {1, 1, 1, 1280}, 0.0235294122f, 0.0190778319f, -128, -128, 0, 0, 0, 1},
      {"pretrainedResnet_quant/cat.layers", "011_ADD.bin", "012_AVERAGE_POOL_2D.bin",
       R50_OP_AVERAGE_POOL_2D, {1, 8, 8, 64}, 4, {1, 1, 1, 64}, 0.127069145f, 0.127069145f, -128,
       -128, 8, 8, 0, 0},
  };
  int ran = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) ran += run_golden(&cases[i]);
  printf("golden layer checks: %d of %zu ran (missing files are skipped)\n", ran,
         sizeof cases / sizeof cases[0]);
}

int main(void) {
  sweeps();
  refusals();
  goldens();
  return test_finish("test_ops_pool");
}

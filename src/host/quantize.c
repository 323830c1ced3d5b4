/* Post-training full-integer quantizer. See quantize.h. */
#define _POSIX_C_SOURCE 200809L
#include "quantize.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/tflite.h"
#include "../runtime/error.h"
#include "hgraph.h"
#include "resnet50v2.h"

double r50_quant_round(double x) {
  if (!(x == x)) return 0.0;
  if (x >= 4503599627370496.0 || x <= -4503599627370496.0) return x; /* already integral */
  double t = (double)(int64_t)x; /* truncation toward zero */
  double f = x - t;
  if (f >= 0.5) t += 1.0;
  else if (f <= -0.5) t -= 1.0;
  return t;
}

void r50_quant_asym_params(float min, float max, float *scale, int32_t *zero_point) {
  const float qmin = -128.0f, qmax = 127.0f;
  if (min > 0.0f) min = 0.0f;
  if (max < 0.0f) max = 0.0f;
  float s = (max - min) / (qmax - qmin);
  float zp_from_min = qmin;
  if (s != 0.0f) zp_from_min = qmin - min / s;
  int32_t zp;
  if (zp_from_min < qmin) zp = -128;
  else if (zp_from_min > qmax) zp = 127;
  else zp = (int32_t)r50_quant_round((double)zp_from_min);
  if (s == 0.0f) s = 1.0f; /* all-zero tensor: any scale represents it; 0 is refused by kernels */
  *scale = s;
  *zero_point = zp;
}

float r50_quant_sym_scale(float max_abs) { return max_abs > 0.0f ? max_abs / 127.0f : 1.0f; }

/* Dead leaves (occluding disks whose radii follow the scale-invariant r^-3 law,
 * drawn back to front) have the edge and 1/f statistics of photos, which the
 * smooth images of calibration version 1 lacked: their activation ranges were
 * exceeded by every photo (docs/report.md). Only +,-,*,/ and sqrt on doubles,
 * so the images, and the int8 files calibrated on them, are the same on any
 * machine. */
static double synth_clamp01(double v) { return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v); }

/* triangle wave of period 1, values in [-1, 1] (a grating without libm) */
static double synth_tri(double t) {
  double f = t - (double)(int64_t)t;
  if (f < 0.0) f += 1.0;
  return f < 0.5 ? 4.0 * f - 1.0 : 3.0 - 4.0 * f;
}

void r50_synth_image(uint64_t seed, int32_t i, int32_t h, int32_t w, int32_t c, float lo, float hi, float *dst) {
  enum { CMAX = 16 };
  r50_rng r;
  r50_rng_seed(&r, seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull * (uint64_t)(i + 1));
  const size_t npx = (size_t)h * (size_t)w;
  const int32_t cc = c < CMAX ? c : CMAX;
  const double side = (double)(h < w ? h : w);
  const double rmin = side / 150.0 > 1.0 ? side / 150.0 : 1.0, rmax = side > rmin ? side : rmin;
  const double a = 1.0 / (rmin * rmin), b = 1.0 / (rmax * rmax);
  double col[CMAX];
  /* background colour, then disks; leaves cover the image many times over */
  for (int32_t k = 0; k < cc; k++) col[k] = r50_rng_uniform(&r);
  for (size_t p = 0; p < npx; p++)
    for (int32_t k = 0; k < c; k++) dst[p * (size_t)c + (size_t)k] = (float)col[k % cc];
  const int32_t n = (int32_t)(3000.0 * (double)npx / (224.0 * 224.0)) + 8;
  for (int32_t d = 0; d < n; d++) {
    const double rad = 1.0 / sqrt(a - r50_rng_uniform(&r) * (a - b)); /* inverse CDF of r^-3 */
    const double cy = r50_rng_uniform(&r) * (double)h, cx = r50_rng_uniform(&r) * (double)w;
    /* correlated channels as in photos: a luminance plus a small tint */
    const double lum = r50_rng_uniform(&r);
    for (int32_t k = 0; k < cc; k++) col[k] = synth_clamp01(lum + 0.25 * (r50_rng_uniform(&r) - 0.5));
    /* a third of the leaves carry a grating (texture) */
    const int textured = r50_rng_uniform(&r) < 0.33;
    const double amp = 0.35 * r50_rng_uniform(&r), fy = 0.3 * (r50_rng_uniform(&r) - 0.5),
                 fx = 0.3 * (r50_rng_uniform(&r) - 0.5);
    int32_t y0 = (int32_t)(cy - rad), y1 = (int32_t)(cy + rad) + 1, x0 = (int32_t)(cx - rad),
            x1 = (int32_t)(cx + rad) + 1;
    if (y0 < 0) y0 = 0;
    if (x0 < 0) x0 = 0;
    if (y1 > h) y1 = h;
    if (x1 > w) x1 = w;
    for (int32_t y = y0; y < y1; y++)
      for (int32_t x = x0; x < x1; x++) {
        const double dy = (double)y + 0.5 - cy, dx = (double)x + 0.5 - cx;
        if (dy * dy + dx * dx > rad * rad) continue;
        const double t = textured ? amp * synth_tri(fy * (double)y + fx * (double)x) : 0.0;
        float *px = dst + ((size_t)y * (size_t)w + (size_t)x) * (size_t)c;
        for (int32_t k = 0; k < c; k++) px[k] = (float)synth_clamp01(col[k % cc] + t);
      }
  }
  /* per image exposure, contrast and colour cast (photos differ globally: the
   * pooled features follow them), sensor-like noise, then [0, 1] -> [lo, hi] */
  const double contrast = 0.4 + 0.9 * r50_rng_uniform(&r), bright = 0.6 * (r50_rng_uniform(&r) - 0.5);
  double cast[CMAX];
  for (int32_t k = 0; k < cc; k++) cast[k] = 0.3 * (r50_rng_uniform(&r) - 0.5);
  for (size_t p = 0; p < npx * (size_t)c; p++) {
    const double g = 0.5 + contrast * ((double)dst[p] - 0.5) + bright + cast[(int32_t)(p % (size_t)c) % cc];
    const double v = synth_clamp01(g + 0.04 * (r50_rng_uniform(&r) - 0.5));
    dst[p] = (float)(lo + (hi - lo) * v);
  }
}

/* ---- calibration ---- */
typedef struct {
  const r50_graph *g;
  float *mn, *mx;
  uint8_t *seen;
} calib;

static void observe(calib *c, int32_t t, const float *v, size_t n) {
  float a = c->seen[t] ? c->mn[t] : FLT_MAX, b = c->seen[t] ? c->mx[t] : -FLT_MAX;
  for (size_t i = 0; i < n; i++) {
    if (v[i] < a) a = v[i];
    if (v[i] > b) b = v[i];
  }
  c->mn[t] = a;
  c->mx[t] = b;
  c->seen[t] = 1;
}

static void hook(void *user, int32_t op, const void *data, size_t bytes) {
  calib *c = user;
  const r50_op *o = &c->g->ops[op];
  if (o->n_outputs < 1 || o->outputs[0] < 0) return;
  int32_t t = o->outputs[0];
  if (c->g->tensors[t].type != R50_DTYPE_FLOAT32) return;
  observe(c, t, data, bytes / sizeof(float));
}

static int same_scale_op(int32_t type) {
  return type == R50_OP_PAD || type == R50_OP_PADV2 || type == R50_OP_MAX_POOL_2D ||
         type == R50_OP_AVERAGE_POOL_2D || type == R50_OP_RESHAPE || type == R50_OP_SQUEEZE;
}

static int32_t int8_version(int32_t type) {
  switch (type) {
    case R50_OP_CONV_2D: return 3;
    case R50_OP_DEPTHWISE_CONV_2D: return 3;
    case R50_OP_FULLY_CONNECTED: return 4;
    case R50_OP_RESHAPE: return 1;
    case R50_OP_SQUEEZE: return 1;
    default: return 2;
  }
}

typedef struct {
  const r50_graph *g;
  r50_hgraph *h;
  const r50_quant_options *o;
  const calib *c;
  float *scale;   /* per tensor of g (activations / asym constants) */
  int32_t *zp;
  uint8_t *done;
} qctx;

/* Symmetric scales of float weights t: per channel along qdim, or one. */
static r50_status weight_scales(qctx *q, int32_t t, int32_t qdim, int per_channel, float **scales_out,
                                int32_t *n_out, r50_error *err) {
  const r50_tensor *T = &q->g->tensors[t];
  if (T->type != R50_DTYPE_FLOAT32 || !T->data || T->ndim < 1 || qdim >= T->ndim)
    return r50_fail(err, R50_ERR_UNSUPPORTED, "tensor '%s': expected float32 constant weights", T->name);
  int32_t nch = per_channel ? T->dims[qdim] : 1;
  size_t inner = 1;
  for (int32_t d = qdim + 1; d < T->ndim; d++) inner *= (size_t)T->dims[d];
  size_t dimsz = (size_t)T->dims[qdim];
  float *sc = r50_hg_alloc(q->h, (size_t)nch * sizeof(float));
  if (!sc) return r50_fail(err, R50_ERR_NOMEM, "out of memory");
  const float *w = T->data;
  for (int32_t k = 0; k < nch; k++) sc[k] = 0.0f;
  for (size_t i = 0; i < T->n_elems; i++) {
    int32_t ch = per_channel ? (int32_t)((i / inner) % dimsz) : 0;
    float a = w[i] < 0 ? -w[i] : w[i];
    if (a > sc[ch]) sc[ch] = a;
  }
  for (int32_t k = 0; k < nch; k++) sc[k] = r50_quant_sym_scale(sc[k]);
  *scales_out = sc;
  *n_out = nch;
  return R50_OK;
}

static r50_status quant_weights(qctx *q, int32_t t, int32_t qdim, int per_channel, float **scales_out,
                                int32_t *n_out, r50_error *err) {
  const r50_tensor *T = &q->g->tensors[t];
  float *sc = *scales_out;
  int32_t nch = *n_out;
  if (!sc) {
    r50_status s = weight_scales(q, t, qdim, per_channel, &sc, &nch, err);
    if (s != R50_OK) return s;
  }
  size_t inner = 1;
  for (int32_t d = qdim + 1; d < T->ndim; d++) inner *= (size_t)T->dims[d];
  size_t dimsz = (size_t)T->dims[qdim];
  int8_t *qd = r50_hg_alloc(q->h, T->n_elems);
  if (!qd) return r50_fail(err, R50_ERR_NOMEM, "out of memory");
  const float *w = T->data;
  for (size_t i = 0; i < T->n_elems; i++) {
    int32_t ch = per_channel ? (int32_t)((i / inner) % dimsz) : 0;
    float inv = 1.0f / sc[ch];
    double v = r50_quant_round((double)(w[i] * inv));
    if (v > 127) v = 127;
    if (v < -127) v = -127;
    qd[i] = (int8_t)v;
  }
  int32_t nt = r50_hg_tensor(q->h, T->name, R50_DTYPE_INT8, T->ndim, T->dims, qd);
  if (nt != t) return r50_fail(err, R50_ERR_NOMEM, "out of memory");
  if (per_channel) r50_hg_quant_pc(q->h, t, qdim, sc, nch);
  else r50_hg_quant(q->h, t, sc[0], 0);
  *scales_out = sc;
  *n_out = nch;
  return R50_OK;
}

static r50_status quant_bias(qctx *q, int32_t t, float in_scale, const float *ws, int32_t nws, int32_t qdim_pc,
                             r50_error *err) {
  const r50_tensor *T = &q->g->tensors[t];
  if (T->type != R50_DTYPE_FLOAT32 || !T->data || T->ndim != 1)
    return r50_fail(err, R50_ERR_UNSUPPORTED, "tensor '%s': expected a float32 constant bias", T->name);
  int32_t n = T->dims[0];
  if (nws != 1 && nws != n) return r50_fail(err, R50_ERR_UNSUPPORTED, "bias '%s': size mismatch", T->name);
  int32_t *qd = r50_hg_alloc(q->h, (size_t)n * sizeof(int32_t));
  float *bs = r50_hg_alloc(q->h, (size_t)n * sizeof(float));
  if (!qd || !bs) return r50_fail(err, R50_ERR_NOMEM, "out of memory");
  const float *b = T->data;
  for (int32_t i = 0; i < n; i++) {
    bs[i] = in_scale * ws[nws > 1 ? i : 0];
    double inv = bs[i] != 0.0f ? 1.0 / (double)bs[i] : 0.0;
    double v = r50_quant_round((double)b[i] * inv);
    if (v > 2147483647.0) v = 2147483647.0;
    if (v < -2147483647.0) v = -2147483647.0;
    qd[i] = (int32_t)v;
  }
  int32_t nt = r50_hg_tensor(q->h, T->name, R50_DTYPE_INT32, 1, T->dims, qd);
  if (nt != t) return r50_fail(err, R50_ERR_NOMEM, "out of memory");
  if (nws > 1) r50_hg_quant_pc(q->h, t, qdim_pc, bs, n);
  else r50_hg_quant(q->h, t, bs[0], 0);
  return R50_OK;
}

/* Asymmetric int8 per-tensor constant (MUL/ADD operands...). */
static r50_status quant_const_asym(qctx *q, int32_t t, r50_error *err) {
  const r50_tensor *T = &q->g->tensors[t];
  const float *v = T->data;
  float mn = 0.0f, mx = 0.0f;
  for (size_t i = 0; i < T->n_elems; i++) {
    if (v[i] < mn) mn = v[i];
    if (v[i] > mx) mx = v[i];
  }
  float s;
  int32_t zp;
  r50_quant_asym_params(mn, mx, &s, &zp);
  int8_t *qd = r50_hg_alloc(q->h, T->n_elems ? T->n_elems : 1);
  if (!qd) return r50_fail(err, R50_ERR_NOMEM, "out of memory");
  float inv = 1.0f / s;
  for (size_t i = 0; i < T->n_elems; i++) {
    double r = r50_quant_round((double)(v[i] * inv)) + zp;
    if (r > 127) r = 127;
    if (r < -128) r = -128;
    qd[i] = (int8_t)r;
  }
  int32_t nt = r50_hg_tensor(q->h, T->name, R50_DTYPE_INT8, T->ndim, T->dims, qd);
  if (nt != t) return r50_fail(err, R50_ERR_NOMEM, "out of memory");
  r50_hg_quant(q->h, t, s, zp);
  q->scale[t] = s;
  q->zp[t] = zp;
  return R50_OK;
}

/* Activation tensor t of g as int8 with (scale, zp). */
static r50_status act_tensor(qctx *q, int32_t t, float s, int32_t zp, r50_error *err) {
  const r50_tensor *T = &q->g->tensors[t];
  int32_t nt = r50_hg_tensor(q->h, T->name, R50_DTYPE_INT8, T->ndim, T->dims, NULL);
  if (nt != t) return r50_fail(err, R50_ERR_NOMEM, "out of memory");
  r50_hg_quant(q->h, t, s, zp);
  q->scale[t] = s;
  q->zp[t] = zp;
  return R50_OK;
}

static r50_status calib_params(qctx *q, int32_t t, float *s, int32_t *zp, r50_error *err) {
  if (!q->c->seen[t])
    return r50_fail(err, R50_ERR_UNSUPPORTED, "tensor '%s': no calibration range (not the output 0 of an op)",
                    q->g->tensors[t].name);
  r50_quant_asym_params(q->c->mn[t], q->c->mx[t], s, zp);
  return R50_OK;
}

static r50_status build_int8(qctx *q, r50_error *err) {
  const r50_graph *g = q->g;
  r50_hgraph *h = q->h;
  r50_status s;
  if (g->n_inputs != 1 || g->n_outputs != 1)
    return r50_fail(err, R50_ERR_UNSUPPORTED, "quantize: models with one input and one output only");
  int32_t gin = g->inputs[0], gout = g->outputs[0];
  if (g->tensors[gin].type != R50_DTYPE_FLOAT32 || g->tensors[gout].type != R50_DTYPE_FLOAT32)
    return r50_fail(err, R50_ERR_UNSUPPORTED, "quantize: the model's input and output must be float32");
  /* Decide every tensor, in index order (the new graph keeps the indices). */
  /* Pass 1: activations' parameters in op order (same-scale ops follow their input). */
  uint8_t *is_act = calloc((size_t)g->n_tensors, 1);
  int32_t *role = calloc((size_t)g->n_tensors, sizeof(int32_t)); /* 0 act/other, 1 weights, 2 bias, 3 asym const */
  int32_t *owner = calloc((size_t)g->n_tensors, sizeof(int32_t));
  if (!is_act || !role || !owner) {
    free(is_act), free(role), free(owner);
    return r50_fail(err, R50_ERR_NOMEM, "out of memory");
  }
  s = R50_OK;
  {
    float sc = 1.0f;
    int32_t z = 0;
    if (q->o->fix_input) sc = q->o->input_scale, z = q->o->input_zp;
    else if ((s = calib_params(q, gin, &sc, &z, err)) != R50_OK) goto done;
    q->scale[gin] = sc, q->zp[gin] = z, q->done[gin] = 1, is_act[gin] = 1;
  }
  for (int32_t i = 0; i < g->n_ops && s == R50_OK; i++) {
    const r50_op *o = &g->ops[i];
    for (int32_t k = 0; k < o->n_inputs; k++) {
      int32_t t = o->inputs[k];
      if (t < 0 || !g->tensors[t].data || g->tensors[t].type != R50_DTYPE_FLOAT32) continue;
      int is_wb = (o->type == R50_OP_CONV_2D || o->type == R50_OP_DEPTHWISE_CONV_2D ||
                   o->type == R50_OP_FULLY_CONNECTED) && (k == 1 || k == 2);
      int r = is_wb ? k : 3;
      if (role[t] && role[t] != r) {
        s = r50_fail(err, R50_ERR_UNSUPPORTED, "tensor '%s' is used in two roles", g->tensors[t].name);
        break;
      }
      role[t] = r;
      owner[t] = i;
    }
    for (int32_t k = 0; k < o->n_outputs && s == R50_OK; k++) {
      int32_t t = o->outputs[k];
      if (t < 0 || g->tensors[t].type != R50_DTYPE_FLOAT32 || g->tensors[t].data) continue;
      float sc = 1.0f;
      int32_t z = 0;
      int32_t in0 = o->n_inputs > 0 ? o->inputs[0] : -1;
      if (same_scale_op(o->type) && in0 >= 0 && q->done[in0]) sc = q->scale[in0], z = q->zp[in0];
      else if (o->type == R50_OP_SOFTMAX || o->type == R50_OP_LOGISTIC) sc = 1.0f / 256.0f, z = -128;
      else if ((s = calib_params(q, t, &sc, &z, err)) != R50_OK) break;
      q->scale[t] = sc, q->zp[t] = z, q->done[t] = 1, is_act[t] = 1;
    }
  }
  if (s != R50_OK) goto done;
  /* Pass 2: create tensors in index order. Weights first need their op's input scale. */
  float **wscales = calloc((size_t)g->n_tensors, sizeof(float *));
  int32_t *wn = calloc((size_t)g->n_tensors, sizeof(int32_t));
  if (!wscales || !wn) {
    free(wscales), free(wn);
    s = r50_fail(err, R50_ERR_NOMEM, "out of memory");
    goto done;
  }
  for (int32_t t = 0; t < g->n_tensors && s == R50_OK; t++) {
    const r50_tensor *T = &g->tensors[t];
    if (is_act[t]) {
      s = act_tensor(q, t, q->scale[t], q->zp[t], err);
    } else if (role[t] == 1) {
      const r50_op *o = &g->ops[owner[t]];
      int pc = !q->o->per_tensor && o->type != R50_OP_FULLY_CONNECTED;
      int32_t qdim = o->type == R50_OP_DEPTHWISE_CONV_2D ? 3 : 0;
      s = quant_weights(q, t, qdim, pc, &wscales[t], &wn[t], err);
    } else if (role[t] == 2) {
      const r50_op *o = &g->ops[owner[t]];
      int32_t wt = o->inputs[1], it = o->inputs[0];
      if (wt < 0 || role[wt] != 1 || it < 0 || !q->done[it]) {
        s = r50_fail(err, R50_ERR_UNSUPPORTED, "bias '%s': no float weights beside it", T->name);
      } else {
        if (!wscales[wt]) { /* the weights come later in index order: their scales now */
          int pc = !q->o->per_tensor && o->type != R50_OP_FULLY_CONNECTED;
          int32_t qdim = o->type == R50_OP_DEPTHWISE_CONV_2D ? 3 : 0;
          s = weight_scales(q, wt, qdim, pc, &wscales[wt], &wn[wt], err);
        }
        if (s == R50_OK) s = quant_bias(q, t, q->scale[it], wscales[wt], wn[wt], 0, err);
      }
    } else if (role[t] == 3) {
      s = quant_const_asym(q, t, err);
    } else {
      /* int32 constants (paddings, axes, shapes) and anything else: as is */
      int32_t nt = r50_hg_tensor(h, T->name, T->type, T->ndim, T->dims, T->data);
      if (nt != t) s = r50_fail(err, R50_ERR_NOMEM, "out of memory");
      else if (T->type == R50_DTYPE_FLOAT32 && !T->data)
        s = r50_fail(err, R50_ERR_UNSUPPORTED, "tensor '%s': float activation with no calibration", T->name);
    }
  }
  free(wscales);
  free(wn);
  if (s != R50_OK) goto done;
  /* I/O tensors and ops. */
  {
    const r50_tensor *TI = &g->tensors[gin], *TO = &g->tensors[gout];
    int32_t new_in = gin, new_out = gout;
    char nm[256];
    if (q->o->input_type != R50_DTYPE_INT8) {
      new_in = r50_hg_tensor(h, TI->name, q->o->input_type, TI->ndim, TI->dims, NULL);
      if (q->o->input_type == R50_DTYPE_UINT8) r50_hg_quant(h, new_in, q->scale[gin], q->zp[gin] + 128);
      snprintf(nm, sizeof nm, "%s_int8", TI->name);
      if (new_in >= 0) h->g.tensors[gin].name = r50_hg_strdup(h, nm);
      r50_hg_op(h, R50_OP_QUANTIZE, 2, NULL, 1, &new_in, 1, (int32_t[]){gin});
    }
    for (int32_t i = 0; i < g->n_ops; i++) {
      const r50_op *o = &g->ops[i];
      r50_hg_op(h, o->type, int8_version(o->type), &o->opt, o->n_inputs, o->inputs, o->n_outputs, o->outputs);
    }
    if (q->o->output_type != R50_DTYPE_INT8) {
      new_out = r50_hg_tensor(h, TO->name, q->o->output_type, TO->ndim, TO->dims, NULL);
      snprintf(nm, sizeof nm, "%s_int8", TO->name);
      if (new_out >= 0) h->g.tensors[gout].name = r50_hg_strdup(h, nm);
      if (q->o->output_type == R50_DTYPE_UINT8) {
        r50_hg_quant(h, new_out, q->scale[gout], q->zp[gout] + 128);
        r50_hg_op(h, R50_OP_QUANTIZE, 2, NULL, 1, (int32_t[]){gout}, 1, &new_out);
      } else {
        r50_hg_op(h, R50_OP_DEQUANTIZE, 2, NULL, 1, (int32_t[]){gout}, 1, &new_out);
      }
    }
    r50_hg_set_io(h, 1, &new_in, 1, &new_out);
    h->g.description = g->description && g->description[0] ? g->description : "r50 quantize";
    if (h->oom) s = r50_fail(err, R50_ERR_NOMEM, "out of memory");
  }
done:
  free(is_act);
  free(role);
  free(owner);
  return s;
}

r50_status r50_quantize(const void *float_tflite, size_t len, const r50_quant_options *opt, int32_t n_samples,
                        r50_calib_fn fn, void *user, void **out, size_t *out_len, r50_error *err) {
  if (!float_tflite || !opt || !out || !out_len || (n_samples > 0 && !fn))
    return r50_fail(err, R50_ERR_ARG, "r50_quantize: NULL argument");
  *out = NULL;
  *out_len = 0;
  if (opt->input_type != R50_DTYPE_UINT8 && opt->input_type != R50_DTYPE_INT8 && opt->input_type != R50_DTYPE_FLOAT32)
    return r50_fail(err, R50_ERR_ARG, "quantize: input type must be uint8, int8 or float32");
  if (opt->output_type != R50_DTYPE_UINT8 && opt->output_type != R50_DTYPE_INT8 &&
      opt->output_type != R50_DTYPE_FLOAT32)
    return r50_fail(err, R50_ERR_ARG, "quantize: output type must be float32, int8 or uint8");
  if (n_samples < 1 && !opt->fix_input)
    return r50_fail(err, R50_ERR_ARG, "quantize: at least one calibration sample is needed");
  r50_status s;
  /* Read the float graph (descriptors in a malloc'd bump). */
  r50_limits lim = {10000, 100000, (uint64_t)1 << 31, (uint64_t)1 << 30};
  size_t msz = (size_t)1 << 20;
  void *mem = NULL;
  r50_graph g;
  r50_bump b;
  for (;;) {
    if (posix_memalign(&mem, 16, msz) != 0) return r50_fail(err, R50_ERR_NOMEM, "out of memory");
    b.base = mem, b.size = msz, b.used = 0;
    s = r50_tflite_read(float_tflite, len, &lim, &b, &g, err);
    if (s != R50_ERR_ARENA || msz > ((size_t)1 << 30)) break;
    free(mem);
    msz *= 4;
  }
  if (s != R50_OK) {
    free(mem);
    return s;
  }
  /* Run the float model for calibration. */
  calib c = {&g, calloc((size_t)g.n_tensors, sizeof(float)), calloc((size_t)g.n_tensors, sizeof(float)),
             calloc((size_t)g.n_tensors, 1)};
  float *scale = calloc((size_t)g.n_tensors, sizeof(float));
  int32_t *zp = calloc((size_t)g.n_tensors, sizeof(int32_t));
  uint8_t *done = calloc((size_t)g.n_tensors, 1);
  void *arena = NULL;
  r50_hgraph h;
  r50_hg_init(&h);
  if (!c.mn || !c.mx || !c.seen || !scale || !zp || !done) {
    s = r50_fail(err, R50_ERR_NOMEM, "out of memory");
    goto out;
  }
  if (n_samples > 0) {
    size_t need = 0;
    r50_model *m = NULL;
    /* The calibration hook must see every op's output: no streamed regions. */
    r50_options ropt = r50_options_default();
    ropt.flags |= R50_OPT_NO_STREAM;
    if ((s = r50_arena_size_ex(float_tflite, len, &ropt, &need, err)) != R50_OK) goto out;
    if (posix_memalign(&arena, R50_ARENA_ALIGN, need + R50_ARENA_ALIGN) != 0) {
      s = r50_fail(err, R50_ERR_NOMEM, "cannot allocate the calibration arena");
      goto out;
    }
    if ((s = r50_model_init_ex(&m, float_tflite, len, arena, need + R50_ARENA_ALIGN, &ropt, err)) !=
        R50_OK)
      goto out;
    if (r50_model_op_count(m) != g.n_ops) {
      s = r50_fail(err, R50_ERR_UNSUPPORTED, "quantize: runtime and graph op counts differ");
      goto out;
    }
    r50_model_set_hook(m, hook, &c);
    r50_tensor_info ti;
    r50_model_input(m, 0, &ti);
    for (int32_t i = 0; i < n_samples; i++) {
      if ((s = fn(user, i, ti.data, ti.bytes / sizeof(float), err)) != R50_OK) goto out;
      observe(&c, g.inputs[0], ti.data, ti.bytes / sizeof(float));
      if ((s = r50_model_invoke(m, err)) != R50_OK) goto out;
    }
  }
  qctx q = {&g, &h, opt, &c, scale, zp, done};
  if ((s = build_int8(&q, err)) != R50_OK) goto out;
  s = r50_hg_serialize(&h, out, out_len, err);
  if (s == R50_OK) {
    /* Verify the result loads. */
    size_t need = 0;
    s = r50_arena_size(*out, *out_len, &need, err);
    if (s != R50_OK) {
      free(*out);
      *out = NULL;
      *out_len = 0;
    }
  }
out:
  r50_hg_free(&h);
  free(arena);
  free(c.mn), free(c.mx), free(c.seen), free(scale), free(zp), free(done);
  free(mem);
  return s;
}

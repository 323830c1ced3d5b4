/* Keras ResNet50V2 builder: see resnet50v2.h for the topology and the init. */
#include "resnet50v2.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../runtime/error.h"

const int32_t r50_rn50v2_stacks[R50_RN50V2_STACKS][3] = {
    {64, 3, 2}, {128, 4, 2}, {256, 6, 2}, {512, 3, 1}};

static const double k_bn_eps = 1.001e-5;
static const double k_pi = 3.14159265358979323846;
static const double k_branch_gain = 0.25; /* residual branch (last conv) std relative to He */
static const double k_dense_gain = 10.0; /* dense std = k_dense_gain / sqrt(fan_in): logit spread ~1-2 */

void r50_rng_seed(r50_rng *r, uint64_t seed) { r->s = seed; }

uint64_t r50_rng_next(r50_rng *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double r50_rng_uniform(r50_rng *r) { return (double)(r50_rng_next(r) >> 11) * (1.0 / 9007199254740992.0); }

double r50_rng_normal(r50_rng *r) {
  double s = 0.0;
  for (int i = 0; i < 12; i++) s += r50_rng_uniform(r);
  return s - 6.0;
}

/* Builder state. */
typedef struct {
  r50_hgraph *h;
  uint64_t seed;
  uint32_t salt; /* one PRNG stream per parameter tensor */
  int32_t cur;   /* current activation tensor */
  int32_t H, W, C;
  double bn_jitter; /* 1: random BN statistics; 0: exact normalization */
} bld;

static void stream(bld *b, r50_rng *r) {
  r50_rng_seed(r, b->seed ^ (0xD1B54A32D192ED03ull * (uint64_t)(++b->salt)));
  r50_rng_next(r);
}

static int32_t act(bld *b, const char *name, int32_t H, int32_t W, int32_t C) {
  int32_t d[4] = {1, H, W, C};
  return r50_hg_tensor(b->h, name, R50_DTYPE_FLOAT32, 4, d, NULL);
}

static int32_t const_f32(bld *b, const char *name, int32_t ndim, const int32_t *dims, float **data) {
  size_t n = 1;
  for (int32_t i = 0; i < ndim; i++) n *= (size_t)dims[i];
  *data = r50_hg_alloc(b->h, n * sizeof(float));
  if (!*data) return -1;
  return r50_hg_tensor(b->h, name, R50_DTYPE_FLOAT32, ndim, dims, *data);
}

/* BatchNorm statistics for `c` channels whose input second moment is S:
 * per channel multiplier m = gamma / sqrt(var + eps) and offset a = beta - mean * m. */
static int bn_params(bld *b, int32_t c, double S, double *m, double *a) {
  r50_rng r;
  stream(b, &r);
  double jit = b->bn_jitter;
  for (int32_t i = 0; i < c; i++) {
    double gamma = 1.0 + 0.1 * jit * r50_rng_normal(&r);
    double beta = 0.1 * jit * r50_rng_normal(&r);
    double mean = 0.1 * jit * r50_rng_normal(&r) * sqrt(S);
    double var = S * (1.0 + jit * (0.4 * r50_rng_uniform(&r) - 0.2));
    m[i] = gamma / sqrt(var + k_bn_eps);
    a[i] = beta - mean * m[i];
  }
  return 0;
}

static void pad_op(bld *b, const char *name, int32_t p) {
  char nm[96];
  int32_t pd[2] = {4, 2};
  int32_t *pads = r50_hg_alloc(b->h, 8 * sizeof(int32_t));
  if (!pads) return;
  pads[2] = pads[3] = pads[4] = pads[5] = p;
  snprintf(nm, sizeof nm, "%s/paddings", name);
  int32_t tp = r50_hg_tensor(b->h, nm, R50_DTYPE_INT32, 2, pd, pads);
  int32_t out = act(b, name, b->H + 2 * p, b->W + 2 * p, b->C);
  int32_t in[2] = {b->cur, tp};
  r50_hg_op(b->h, R50_OP_PAD, 1, NULL, 2, in, 1, &out);
  b->cur = out;
  b->H += 2 * p;
  b->W += 2 * p;
}

/* CONV_2D VALID from `in` (H, W, cin) -> tensor named `name`.
 * bn_S > 0: followed by BN (input second moment bn_S) + RELU, folded and fused;
 * otherwise plain conv with bias (use_bias), no activation. gain scales the
 * He-normal std; centre: the input is a ReLU output, centre each output
 * channel's weights (resnet50v2.h). Returns the output tensor; *oh, *ow
 * receive its size. */
static int32_t conv(bld *b, const char *layer, const char *out_name, int32_t in, int32_t H, int32_t W,
                    int32_t cin, int32_t cout, int32_t k, int32_t stride, double bn_S, double gain,
                    int centre, int32_t *oh, int32_t *ow) {
  char nm[96];
  int32_t wd[4] = {cout, k, k, cin}, bd[1] = {cout};
  float *w, *bias;
  snprintf(nm, sizeof nm, "%s/weights", layer);
  int32_t tw = const_f32(b, nm, 4, wd, &w);
  snprintf(nm, sizeof nm, "%s/bias", layer);
  int32_t tb = const_f32(b, nm, 1, bd, &bias);
  if (tw < 0 || tb < 0) return -1;
  size_t per = (size_t)k * (size_t)k * (size_t)cin;
  /* centred weights drop the ReLU input's mean: Var(ReLU(z)) = (1/2 - 1/(2 pi)) E[z^2] */
  double std = gain * sqrt((centre ? 2.0 / (1.0 - 1.0 / k_pi) : 2.0) / (double)per);
  r50_rng r;
  stream(b, &r);
  double m[2048], a[2048], row[4608];
  if (bn_S > 0.0) bn_params(b, cout, bn_S, m, a);
  for (int32_t o = 0; o < cout; o++) {
    double mo = bn_S > 0.0 ? m[o] : 1.0, mean = 0.0;
    for (size_t i = 0; i < per; i++) mean += (row[i] = r50_rng_normal(&r) * std);
    mean = centre ? mean / (double)per : 0.0;
    for (size_t i = 0; i < per; i++) w[(size_t)o * per + i] = (float)((row[i] - mean) * mo);
  }
  r50_rng rb;
  stream(b, &rb);
  for (int32_t o = 0; o < cout; o++)
    bias[o] = bn_S > 0.0 ? (float)a[o] : (float)(0.01 * r50_rng_normal(&rb));
  *oh = (H - k) / stride + 1;
  *ow = (W - k) / stride + 1;
  int32_t out = act(b, out_name, *oh, *ow, cout);
  r50_op_options opt;
  memset(&opt, 0, sizeof opt);
  opt.conv.padding = R50_PAD_VALID;
  opt.conv.stride_w = opt.conv.stride_h = stride;
  opt.conv.dilation_w = opt.conv.dilation_h = 1;
  opt.conv.activation = bn_S > 0.0 ? R50_ACT_RELU : R50_ACT_NONE;
  int32_t ins[3] = {in, tw, tb};
  r50_hg_op(b->h, R50_OP_CONV_2D, 1, &opt, 3, ins, 1, &out);
  return out;
}

/* BN (input second moment S) + ReLU as MUL + ADD(RELU) on b->cur. */
static int32_t preact(bld *b, const char *bn, const char *mul_name, const char *relu_name, double S) {
  char nm[96];
  int32_t cd[1] = {b->C};
  float *mv, *av;
  snprintf(nm, sizeof nm, "%s/mul", bn);
  int32_t tm = const_f32(b, nm, 1, cd, &mv);
  snprintf(nm, sizeof nm, "%s/add", bn);
  int32_t ta = const_f32(b, nm, 1, cd, &av);
  if (tm < 0 || ta < 0) return -1;
  double m[2048], a[2048];
  bn_params(b, b->C, S, m, a);
  for (int32_t c = 0; c < b->C; c++) {
    mv[c] = (float)m[c];
    av[c] = (float)a[c];
  }
  r50_op_options opt;
  memset(&opt, 0, sizeof opt);
  int32_t t1 = act(b, mul_name, b->H, b->W, b->C);
  int32_t in1[2] = {b->cur, tm};
  r50_hg_op(b->h, R50_OP_MUL, 1, &opt, 2, in1, 1, &t1);
  opt.eltwise.activation = R50_ACT_RELU;
  int32_t t2 = act(b, relu_name, b->H, b->W, b->C);
  int32_t in2[2] = {t1, ta};
  r50_hg_op(b->h, R50_OP_ADD, 1, &opt, 2, in2, 1, &t2);
  return t2;
}

static int32_t max_pool(bld *b, const char *name, int32_t in, int32_t H, int32_t W, int32_t C, int32_t k,
                        int32_t s, int32_t *oh, int32_t *ow) {
  r50_op_options opt;
  memset(&opt, 0, sizeof opt);
  opt.pool.padding = R50_PAD_VALID;
  opt.pool.stride_w = opt.pool.stride_h = s;
  opt.pool.filter_w = opt.pool.filter_h = k;
  *oh = (H - k) / s + 1;
  *ow = (W - k) / s + 1;
  int32_t out = act(b, name, *oh, *ow, C);
  r50_hg_op(b->h, R50_OP_MAX_POOL_2D, 1, &opt, 1, &in, 1, &out);
  return out;
}

r50_status r50_rn50v2_build(const r50_rn50v2_config *cfg, r50_hgraph *h, r50_error *err) {
  if (!cfg || cfg->height < 32 || cfg->width < 32 || cfg->height > 4096 || cfg->width > 4096 ||
      cfg->classes < 1 || cfg->classes > 100000)
    return r50_fail(err, R50_ERR_ARG, "resnet50v2: input must be 32..4096 pixels per side and classes 1..100000");
  bld b;
  memset(&b, 0, sizeof b);
  b.h = h;
  b.seed = cfg->seed;
  b.bn_jitter = 1.0;
  h->g.description = "r50 build resnet50v2 (Keras ResNet50V2 topology, seeded synthetic weights)";
  char nm[96], nm2[96], nm3[96];
  b.H = cfg->height;
  b.W = cfg->width;
  b.C = 3;
  int32_t input = act(&b, "input", b.H, b.W, 3);
  b.cur = input;
  /* Stem. Input x/127.5-1 in [-1,1]: second moment about 1/3. */
  double S = 1.0 / 3.0;
  pad_op(&b, "conv1_pad", 3);
  int32_t oh = 0, ow = 0;
  b.cur = conv(&b, "conv1_conv", "conv1_conv", b.cur, b.H, b.W, 3, 64, 7, 2, 0.0, 1.0, 0, &oh, &ow);
  b.H = oh, b.W = ow, b.C = 64;
  S = 2.0 * S;
  pad_op(&b, "pool1_pad", 1);
  b.cur = max_pool(&b, "pool1_pool", b.cur, b.H, b.W, b.C, 3, 2, &oh, &ow);
  b.H = oh, b.W = ow;
  S = 2.0 * S; /* the max of 9 values has a larger second moment */
  for (int32_t st = 0; st < R50_RN50V2_STACKS; st++) {
    int32_t f = r50_rn50v2_stacks[st][0], nb = r50_rn50v2_stacks[st][1];
    for (int32_t bi = 1; bi <= nb; bi++) {
      int32_t stride = bi == nb ? r50_rn50v2_stacks[st][2] : 1;
      char blk[48];
      snprintf(blk, sizeof blk, "conv%d_block%d", (int)st + 2, (int)bi);
      int32_t x = b.cur, H = b.H, W = b.W, C = b.C;
      snprintf(nm, sizeof nm, "%s_preact_bn", blk);
      snprintf(nm2, sizeof nm2, "%s_preact_bn_mul", blk);
      snprintf(nm3, sizeof nm3, "%s_preact_relu", blk);
      int32_t pre = preact(&b, nm, nm2, nm3, S);
      int32_t shortcut;
      double S_short;
      int32_t sh = 0, sw = 0;
      if (bi == 1) {
        snprintf(nm, sizeof nm, "%s_0_conv", blk);
        shortcut = conv(&b, nm, nm, pre, H, W, C, 4 * f, 1, stride, 0.0, 1.0, 1, &sh, &sw);
        S_short = 1.0; /* He conv of a normalized ReLU output */
      } else if (stride > 1) {
        snprintf(nm, sizeof nm, "%s_shortcut_pool", blk);
        shortcut = max_pool(&b, nm, x, H, W, C, 1, stride, &sh, &sw);
        S_short = S;
      } else {
        shortcut = x;
        S_short = S;
        sh = H, sw = W;
      }
      snprintf(nm, sizeof nm, "%s_1_conv", blk);
      snprintf(nm2, sizeof nm2, "%s_1_relu", blk);
      b.cur = conv(&b, nm, nm2, pre, H, W, C, f, 1, 1, 1.0, 1.0, 1, &oh, &ow);
      b.H = oh, b.W = ow, b.C = f;
      snprintf(nm, sizeof nm, "%s_2_pad", blk);
      pad_op(&b, nm, 1);
      snprintf(nm, sizeof nm, "%s_2_conv", blk);
      snprintf(nm2, sizeof nm2, "%s_2_relu", blk);
      b.cur = conv(&b, nm, nm2, b.cur, b.H, b.W, f, f, 3, stride, 1.0, 1.0, 1, &oh, &ow);
      b.H = oh, b.W = ow;
      snprintf(nm, sizeof nm, "%s_3_conv", blk);
      int32_t r = conv(&b, nm, nm, b.cur, b.H, b.W, f, 4 * f, 1, 1, 0.0, k_branch_gain, 1, &oh, &ow);
      b.C = 4 * f;
      snprintf(nm, sizeof nm, "%s_out", blk);
      int32_t out = act(&b, nm, b.H, b.W, b.C);
      int32_t ins[2] = {shortcut, r};
      r50_op_options opt;
      memset(&opt, 0, sizeof opt);
      r50_hg_op(h, R50_OP_ADD, 1, &opt, 2, ins, 1, &out);
      b.cur = out;
      S = S_short + k_branch_gain * k_branch_gain;
      if (sh != b.H || sw != b.W) return r50_fail(err, R50_ERR_ARG, "resnet50v2: internal shape mismatch");
    }
  }
  b.bn_jitter = 0.0; /* post BN normalizes exactly: pooled features centred on a common level */
  b.cur = preact(&b, "post_bn", "post_bn_mul", "post_relu", S);
  /* MEAN over H, W. */
  int32_t ad[1] = {2};
  int32_t *axes = r50_hg_alloc(h, 2 * sizeof(int32_t));
  if (axes) axes[0] = 1, axes[1] = 2;
  int32_t ta = r50_hg_tensor(h, "avg_pool/reduction_indices", R50_DTYPE_INT32, 1, ad, axes);
  int32_t pd[2] = {1, b.C};
  int32_t pooled = r50_hg_tensor(h, "avg_pool", R50_DTYPE_FLOAT32, 2, pd, NULL);
  r50_op_options opt;
  memset(&opt, 0, sizeof opt);
  int32_t mi[2] = {b.cur, ta};
  r50_hg_op(h, R50_OP_MEAN, 1, &opt, 2, mi, 1, &pooled);
  /* Dense. */
  int32_t P = cfg->classes;
  int32_t wd[2] = {P, b.C}, bd[1] = {P};
  float *w, *bias;
  int32_t tw = const_f32(&b, "predictions_dense/weights", 2, wd, &w);
  int32_t tb = const_f32(&b, "predictions_dense/bias", 1, bd, &bias);
  if (tw < 0 || tb < 0) return r50_fail(err, R50_ERR_NOMEM, "resnet50v2: out of memory");
  r50_rng r;
  stream(&b, &r);
  double std = k_dense_gain * sqrt(1.0 / (double)b.C), row[2048];
  for (int32_t p = 0; p < P; p++) {
    double mean = 0.0;
    for (int32_t c = 0; c < b.C; c++) mean += (row[c] = r50_rng_normal(&r) * std);
    mean /= (double)b.C;
    for (int32_t c = 0; c < b.C; c++) w[(size_t)p * (size_t)b.C + (size_t)c] = (float)(row[c] - mean);
  }
  int32_t od[2] = {1, P};
  int32_t logits = r50_hg_tensor(h, "predictions_dense", R50_DTYPE_FLOAT32, 2, od, NULL);
  int32_t fi[3] = {pooled, tw, tb};
  r50_hg_op(h, R50_OP_FULLY_CONNECTED, 1, &opt, 3, fi, 1, &logits);
  int32_t probs = r50_hg_tensor(h, "predictions", R50_DTYPE_FLOAT32, 2, od, NULL);
  opt.softmax.beta = 1.0f;
  r50_hg_op(h, R50_OP_SOFTMAX, 1, &opt, 1, &logits, 1, &probs);
  r50_hg_set_io(h, 1, &input, 1, &probs);
  if (h->oom) return r50_fail(err, R50_ERR_NOMEM, "resnet50v2: out of memory");
  return R50_OK;
}

r50_status r50_rn50v2_tflite(const r50_rn50v2_config *cfg, void **buf, size_t *len, r50_error *err) {
  r50_hgraph h;
  r50_hg_init(&h);
  r50_status s = r50_rn50v2_build(cfg, &h, err);
  if (s == R50_OK) s = r50_hg_serialize(&h, buf, len, err);
  r50_hg_free(&h);
  return s;
}

/* Instructions per output element of the Cortex-M DSP ADD / MUL / MAX_POOL_2D
 * kernels on ResNet50V2's shapes, beside the reference, on mps2-an500 under
 * `-icount shift=0` (make -C firmware eltwise-bench): instructions = CMSDK
 * timer ticks (25 MHz) x 40. QEMU has no cycle counter: these are instructions.
 * Kinds: residual ADD (two same-shape tensors), the pre-activation batch norm's
 * MUL by a per-channel constant [C] and ADD of a per-channel constant [C], all
 * in place as in the default plan; "band": 2-row bands as a streamed region
 * calls them (the broadcast rebuilt per band, as op_eltwise.c's eval_rows
 * does); MAX_POOL_2D 3x3/2 VALID (pool1, after its PAD) and 1x1/2 (the
 * shortcut pools). Outputs compared byte for byte (exit status: mismatches). */
#include <stdint.h>
#include <string.h>

#include "kernels/cortexm/eltwise_s8_dsp.h"
#include "kernels/cortexm/pool_s8_dsp.h"
#include "kernels/quant.h"
#include "kernels/ref/eltwise.h"
#include "kernels/ref/pool.h"
#include "semihost.h"

#if !defined(R50_CORTEXM_DSP_ELTWISE)
#error "eltwise_bench needs KERNELS=dsp"
#endif

static volatile uint32_t *const k_timer = (volatile uint32_t *)0x40002000u;
/* PSRAM (16 MiB; the bench links no weights): inputs and the two outputs */
static int8_t *const g_a = (int8_t *)0x60000000u;
static int8_t *const g_b = (int8_t *)0x60400000u;
static int8_t *const g_out_dsp = (int8_t *)0x60800000u;
static int8_t *const g_out_ref = (int8_t *)0x60C00000u;
static uint32_t rng = 0x2468ACE1u;
static uint64_t g_ins[3][2], g_n[3]; /* per kind (add, mul, pool): dsp / ref totals, weighted */

static uint32_t ticks(void) { return k_timer[1]; }

static void timer_start(void) {
  k_timer[2] = 0;
  k_timer[0] = 0xFFFFFFFFu;
  k_timer[2] = 0x82u; /* enable, 32-bit, free-running down-counter */
}

static void fill(int8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    rng = rng * 1103515245u + 12345u;
    p[i] = (int8_t)(rng >> 24);
  }
}

/* instructions per element x 1000 */
static unsigned long milli(uint64_t ins, uint64_t n) { return (unsigned long)(ins * 1000u / n); }

static void report(const char *name, int kind, int32_t h, int32_t w, int32_t c, int32_t count,
                   uint64_t dsp, uint64_t ref, size_t n, int bad) {
  g_ins[kind][0] += dsp * (uint64_t)count;
  g_ins[kind][1] += ref * (uint64_t)count;
  g_n[kind] += (uint64_t)n * (uint64_t)count;
  const unsigned long a = milli(dsp, n), b = milli(ref, n);
  sh_printf("%-14s %3dx%3dx%4d (x%2d) %8lu ins  dsp %2lu.%03lu /elem  ref %2lu.%03lu /elem%s\n", name,
            (int)h, (int)w, (int)c, (int)count, (unsigned long)dsp, a / 1000u, a % 1000u, b / 1000u,
            b % 1000u, bad ? "  MISMATCH" : "");
}

/* ResNet50V2-like quantization: input / constant / output scales, zero points */
static void addsub_params(r50_addsub_s8_params *p, float s1, float s2, float so, int32_t z1,
                          int32_t z2, int32_t zo, int relu) {
  memset(p, 0, sizeof *p);
  p->in1_offset = -z1;
  p->in2_offset = -z2;
  p->out_offset = zo;
  p->left_shift = 20;
  const double twice_max = 2 * (double)(s1 > s2 ? s1 : s2);
  r50_quantize_multiplier((double)s1 / twice_max, &p->in1_mult, &p->in1_shift);
  r50_quantize_multiplier((double)s2 / twice_max, &p->in2_mult, &p->in2_shift);
  r50_quantize_multiplier(twice_max / ((double)(1 << 20) * (double)so), &p->out_mult, &p->out_shift);
  p->act_min = relu && zo > -128 ? zo : -128;
  p->act_max = 127;
}

/* kind 0: residual ADD (same shape), 1: MUL by [C], 2: ADD of [C] (RELU); bands: 2-row calls */
static int elt(int kind, int32_t h, int32_t w, int32_t c, int32_t count, int band) {
  const size_t n = (size_t)h * w * c;
  const int32_t d1[4] = {1, h, w, c}, dc[1] = {c};
  const int32_t nd2 = kind == 0 ? 4 : 1;
  const int32_t *d2 = kind == 0 ? d1 : dc;
  fill(g_a, n);
  fill(g_b, kind == 0 ? n : (size_t)c);
  r50_addsub_s8_params pa;
  r50_mul_s8_params pm;
  if (kind == 0) addsub_params(&pa, 0.0963f, 0.0799f, 0.1279f, 1, 7, -1, 0);
  else addsub_params(&pa, 0.0487f, 0.0213f, 0.0293f, -31, -5, -128, 1);
  memset(&pm, 0, sizeof pm);
  pm.in1_offset = -6;
  pm.in2_offset = 3;
  pm.out_offset = -31;
  r50_quantize_multiplier(0.1223 * 0.0031 / 0.0487, &pm.out_mult, &pm.out_shift);
  pm.act_min = -128;
  pm.act_max = 127;
  /* reference, out of place */
  r50_bcast_init(kind == 1 ? &pm.bc : &pa.bc, 4, d1, nd2, d2);
  timer_start();
  uint32_t t0 = ticks();
  if (kind == 1) r50_mul_s8_ref(&pm, g_a, g_b, g_out_ref);
  else r50_add_s8_ref(&pa, g_a, g_b, g_out_ref);
  const uint64_t ref = (uint64_t)(t0 - ticks()) * 40u;
  /* DSP, in place (out == input 1), whole or in 2-row bands */
  memcpy(g_out_dsp, g_a, n);
  const int32_t rows = band ? 2 : h;
  timer_start();
  t0 = ticks();
  for (int32_t y = 0; y < h; y += rows) {
    const int32_t r = h - y < rows ? h - y : rows;
    const int32_t db[4] = {1, r, w, c};
    int8_t *o = g_out_dsp + (size_t)y * w * c;
    const int8_t *in2 = kind == 0 ? g_b + (size_t)y * w * c : g_b;
    if (kind == 1) {
      r50_bcast_init(&pm.bc, 4, db, nd2, kind == 0 ? db : dc);
      r50_mul_s8_dsp(&pm, o, in2, o);
    } else {
      r50_bcast_init(&pa.bc, 4, db, nd2, kind == 0 ? db : dc);
      r50_add_s8_dsp(&pa, o, in2, o);
    }
  }
  const uint64_t dsp = (uint64_t)(t0 - ticks()) * 40u;
  const int bad = memcmp(g_out_dsp, g_out_ref, n) != 0;
  static const char *names[3][2] = {{"add", "add band"}, {"mul [C]", "mul [C] band"},
                                    {"add [C] relu", "add [C] band"}};
  report(names[kind][band], kind == 1, h, w, c, count, dsp, ref, n, bad);
  return bad;
}

static void maxpool_dsp(const r50_pool_params *p, const int8_t *in, int8_t *out) {
#if defined(R50_CORTEXM_DSP_POOL)
  r50_maxpool_s8_dsp(p, in, out);
#else
  r50_maxpool_s8_ref(p, in, out); /* what the op runs without a DSP pool kernel */
#endif
}

/* MAX_POOL_2D f x f / 2 VALID on an ih x ih x c input (ResNet50V2 pads explicitly) */
static int pool(int32_t ih, int32_t c, int32_t f, int32_t count) {
  r50_pool_params p;
  memset(&p, 0, sizeof p);
  p.batch = 1;
  p.in_h = p.in_w = ih;
  p.channels = c;
  p.filter_h = p.filter_w = f;
  p.stride_h = p.stride_w = 2;
  p.out_h = p.out_w = (ih - f) / 2 + 1;
  p.act_min = -128;
  p.act_max = 127;
  fill(g_a, (size_t)ih * ih * c);
  const size_t n = (size_t)p.out_h * p.out_w * c;
  timer_start();
  uint32_t t0 = ticks();
  r50_maxpool_s8_ref(&p, g_a, g_out_ref);
  const uint64_t ref = (uint64_t)(t0 - ticks()) * 40u;
  memset(g_out_dsp, 0x5A, n);
  timer_start();
  t0 = ticks();
  maxpool_dsp(&p, g_a, g_out_dsp);
  const uint64_t dsp = (uint64_t)(t0 - ticks()) * 40u;
  const int bad = memcmp(g_out_dsp, g_out_ref, n) != 0;
  report(f == 3 ? "maxpool 3x3/2" : "maxpool 1x1/2", 2, p.out_h, p.out_w, c, count, dsp, ref, n, bad);
  return bad;
}

int main(void) {
  int bad = 0;
  /* residual ADD: ResNet50V2's 16 (stage 1: 2 at 56x56x256 + the stride-2 block's 28x28x256) */
  bad += elt(0, 56, 56, 256, 2, 0);
  bad += elt(0, 56, 56, 256, 0, 1);
  bad += elt(0, 28, 28, 256, 1, 0);
  bad += elt(0, 28, 28, 512, 3, 0);
  bad += elt(0, 14, 14, 512, 1, 0);
  bad += elt(0, 14, 14, 1024, 5, 0);
  bad += elt(0, 7, 7, 1024, 1, 0);
  bad += elt(0, 7, 7, 2048, 3, 0);
  /* pre-activation MUL / ADD by [C] (17 each) */
  for (int kind = 1; kind <= 2; kind++) {
    bad += elt(kind, 56, 56, 64, 1, 0);
    bad += elt(kind, 56, 56, 64, 0, 1);
    bad += elt(kind, 56, 56, 256, 2, 0);
    bad += elt(kind, 56, 56, 256, 0, 1);
    bad += elt(kind, 28, 28, 256, 1, 0);
    bad += elt(kind, 28, 28, 512, 3, 0);
    bad += elt(kind, 14, 14, 512, 1, 0);
    bad += elt(kind, 14, 14, 1024, 5, 0);
    bad += elt(kind, 7, 7, 1024, 1, 0);
    bad += elt(kind, 7, 7, 2048, 3, 0);
  }
  /* MAX_POOL_2D: pool1 3x3/2 on the padded 114x114x64; shortcut pools 1x1/2 */
  bad += pool(114, 64, 3, 1);
  bad += pool(56, 256, 1, 1);
  bad += pool(28, 512, 1, 1);
  bad += pool(14, 1024, 1, 1);
  static const char *kn[3] = {"ADD (33 ops)", "MUL (17 ops)", "MAX_POOL_2D (4 ops)"};
  for (int k = 0; k < 3; k++) {
    const unsigned long a = milli(g_ins[k][0], g_n[k]), b = milli(g_ins[k][1], g_n[k]);
    sh_printf("ResNet50V2 %-20s %9lu elements  dsp %lu.%03lu /elem (%lu M ins)  ref %lu.%03lu /elem\n",
              kn[k], (unsigned long)g_n[k], a / 1000u, a % 1000u,
              (unsigned long)(g_ins[k][0] / 1000000u), b / 1000u, b % 1000u);
  }
  sh_printf("%d mismatching\n", bad);
  return bad;
}

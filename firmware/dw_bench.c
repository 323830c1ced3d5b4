/* Instructions per MAC of the Cortex-M DSP DEPTHWISE_CONV_2D kernel on the
 * MobileNetV2 depthwise layers (3x3, SAME, depth multiplier 1, full maps and
 * channel counts), beside the reference kernel, on mps2-an500 under
 * `-icount shift=0` (make -C firmware dw-bench): instructions = CMSDK timer
 * ticks (25 MHz) x 40. QEMU has no cycle counter: these are instructions.
 * Also compares the two outputs byte for byte (exit status: mismatching layers). */
#include <stdint.h>
#include <string.h>

#include "kernels/cortexm/dwconv_s8_dsp.h"
#include "kernels/ref/dwconv.h"
#include "semihost.h"

#if !defined(R50_CORTEXM_DSP_DWCONV)
#error "dw_bench needs KERNELS=dsp"
#endif

static volatile uint32_t *const k_timer = (volatile uint32_t *)0x40002000u;
/* PSRAM (16 MiB; the bench links no weights): input, and the two outputs */
static int8_t *const g_in = (int8_t *)0x60000000u;
static int8_t *const g_out_dsp = (int8_t *)0x60400000u;
static int8_t *const g_out_ref = (int8_t *)0x60800000u;
static int8_t g_w[9 * 960];
static int32_t g_bias[960], g_mult[960], g_shift[960];
static uint32_t g_scratch[960];
static uint64_t g_ins_dsp, g_ins_ref, g_macs;

static uint32_t ticks(void) { return k_timer[1]; }

static void timer_start(void) {
  k_timer[2] = 0;
  k_timer[0] = 0xFFFFFFFFu;
  k_timer[2] = 0x82u; /* enable, 32-bit, free-running down-counter */
}

/* instructions per MAC x 1000 */
static unsigned long milli(uint64_t ins, uint64_t macs) { return (unsigned long)(ins * 1000u / macs); }

/* `count`: how many layers of this shape MobileNetV2 has (weights the total) */
static int bench(int32_t hw, int32_t c, int32_t stride, int32_t count) {
  r50_dwconv_params p;
  memset(&p, 0, sizeof p);
  p.batch = 1;
  p.in_h = p.in_w = hw;
  p.in_c = p.out_c = c;
  p.depth_multiplier = 1;
  p.filter_h = p.filter_w = 3;
  p.stride_h = p.stride_w = stride;
  p.dilation_h = p.dilation_w = 1;
  p.out_h = p.out_w = (hw + stride - 1) / stride; /* SAME */
  const int32_t pad = ((p.out_h - 1) * stride + 3 - hw) / 2;
  p.pad_top = p.pad_left = pad > 0 ? pad : 0;
  p.q.input_offset = 128; /* zero point -128 (ReLU6 outputs) */
  p.q.output_offset = -3;
  p.q.act_min = -128;
  p.q.act_max = 127;
  p.q.out_mult = g_mult;
  p.q.out_shift = g_shift;
  uint32_t r = (uint32_t)(hw * 7919 + c);
  for (int32_t i = 0; i < hw * hw * c; i++) g_in[i] = (int8_t)((r = r * 1103515245u + 12345u) >> 24);
  for (int32_t i = 0; i < 9 * c; i++) g_w[i] = (int8_t)((r = r * 1103515245u + 12345u) >> 24);
  for (int32_t i = 0; i < c; i++) {
    g_bias[i] = (int32_t)((r = r * 1103515245u + 12345u) >> 16) % 20000 - 10000;
    g_mult[i] = (int32_t)(0x40000000u + ((r = r * 1103515245u + 12345u) >> 2));
    g_shift[i] = -8 - (int32_t)(r >> 30);
  }
  const size_t n_out = (size_t)p.out_h * p.out_w * c;
  memset(g_out_dsp, 0x5A, n_out);
  timer_start();
  uint32_t t0 = ticks();
  r50_dwconv2d_s8_dsp(&p, g_in, g_w, g_bias, g_out_dsp);
  const uint64_t dsp = (uint64_t)(t0 - ticks()) * 40u;
  timer_start();
  t0 = ticks();
  r50_dwconv2d_s8_ref(&p, g_in, g_w, g_bias, g_out_ref, g_scratch);
  const uint64_t ref = (uint64_t)(t0 - ticks()) * 40u;
  const uint64_t macs = (uint64_t)n_out * 9u;
  const int bad = memcmp(g_out_dsp, g_out_ref, n_out) != 0;
  g_ins_dsp += dsp * (uint64_t)count;
  g_ins_ref += ref * (uint64_t)count;
  g_macs += macs * (uint64_t)count;
  const unsigned long a = milli(dsp, macs), b = milli(ref, macs);
  sh_printf("3x3/%d %3dx%3dx%3d (x%d) %8lu MACs  dsp %9lu ins %2lu.%03lu /MAC  ref %2lu.%03lu /MAC%s\n",
            (int)stride, (int)hw, (int)hw, (int)c, (int)count, (unsigned long)macs,
            (unsigned long)dsp, a / 1000u, a % 1000u, b / 1000u, b % 1000u,
            bad ? "  MISMATCH" : "");
  return bad;
}

int main(void) {
  int bad = 0;
  bad += bench(112, 32, 1, 1);
  bad += bench(112, 96, 2, 1);
  bad += bench(56, 144, 1, 1);
  bad += bench(56, 144, 2, 1);
  bad += bench(28, 192, 1, 2);
  bad += bench(28, 192, 2, 1);
  bad += bench(14, 384, 1, 4);
  bad += bench(14, 576, 1, 2);
  bad += bench(14, 576, 2, 1);
  bad += bench(7, 960, 1, 3);
  const unsigned long a = milli(g_ins_dsp, g_macs), b = milli(g_ins_ref, g_macs);
  sh_printf("MobileNetV2 depthwise layers (17): %lu MACs  dsp %lu.%03lu /MAC  ref %lu.%03lu /MAC, "
            "%d mismatching\n",
            (unsigned long)g_macs, a / 1000u, a % 1000u, b / 1000u, b % 1000u, bad);
  return bad;
}

/* Instructions per MAC of the Cortex-M DSP CONV_2D kernel on ResNet50V2-shaped
 * layers (full channel counts, smaller maps, but the tiling op prepare gives the
 * real layer: its scratch budget depends on the map; `band`: the tiling of a
 * streamed region's row bands, one call per output row), run on mps2-an500 under
 * `-icount shift=0` (make -C firmware conv-bench): instructions = CMSDK timer
 * ticks (25 MHz) x 40. QEMU has no cycle counter: these are instructions. */
#include <stdint.h>
#include <string.h>

#include "kernels/cortexm/conv_s8_dsp.h"
#include "kernels/ref/conv.h"
#include "semihost.h"

#if !defined(R50_CORTEXM_DSP_KERNELS)
#error "conv_bench needs KERNELS=dsp"
#endif

static volatile uint32_t *const k_timer = (volatile uint32_t *)0x40002000u;
static int8_t *const g_w = (int8_t *)0x60000000u; /* PSRAM: the bench links no weights */
static int8_t g_in[200 * 1024], g_out[200 * 1024];
static int32_t g_bias[2048], g_mult[2048], g_shift[2048];
static uint32_t g_scratch[160 * 1024 / 4]; /* the kernel's arena scratch (tiling bytes) */
static const char *g_only; /* -append "only=TEXT": only the layers whose name contains TEXT */

static void bench(const char *name, int32_t ih, int32_t iw, int32_t ic, int32_t oc, int32_t f,
                  int32_t stride, int32_t real_hw, int band) {
  if (g_only && !strstr(name, g_only)) return;
  r50_conv_params p;
  memset(&p, 0, sizeof p);
  p.batch = 1;
  p.in_h = ih;
  p.in_w = iw;
  p.in_c = p.filter_in_c = ic;
  p.out_c = oc;
  p.filter_h = p.filter_w = f;
  p.groups = 1;
  p.stride_h = p.stride_w = stride;
  p.dilation_h = p.dilation_w = 1;
  p.out_h = (ih - f) / stride + 1; /* VALID: ResNet50V2 pads explicitly */
  if (p.out_h < 1) return;
  p.out_w = (iw - f) / stride + 1;
  p.q.input_offset = 5;
  p.q.output_offset = -3;
  p.q.act_min = -128;
  p.q.act_max = 127;
  p.q.out_mult = g_mult;
  p.q.out_shift = g_shift;
  uint32_t r = 1;
  for (int32_t i = 0; i < ih * iw * ic; i++) g_in[i] = (int8_t)((r = r * 1103515245u + 12345u) >> 24);
  for (int32_t i = 0; i < oc * f * f * ic; i++) g_w[i] = (int8_t)((r = r * 1103515245u + 12345u) >> 24);
  for (int32_t c = 0; c < oc; c++) {
    g_bias[c] = (int32_t)(r % 2000u) - 1000;
    g_mult[c] = 0x50000000;
    g_shift[c] = -9;
  }
  k_timer[2] = 0;
  k_timer[0] = 0xFFFFFFFFu;
  k_timer[2] = 0x82u;
  const uint32_t t0 = k_timer[1];
  r50_conv_dsp_tiling t;
  r50_conv_params real = p;
  real.in_h = real.in_w = real_hw; /* square */
  real.out_h = real.out_w = (real_hw - f) / stride + 1;
  if (band)
    r50_conv2d_s8_dsp_band_tiling(&real, &t);
  else
    r50_conv2d_s8_dsp_tiling(&real, &t);
  if (t.bytes > sizeof g_scratch) {
    sh_printf("%s: scratch %lu bytes > %lu\n", name, (unsigned long)t.bytes,
              (unsigned long)sizeof g_scratch);
    return;
  }
  if (band) { /* op eval_rows: one output row a call (VALID: no padding to adjust) */
    for (int32_t y = 0; y < p.out_h; y++) {
      r50_conv_params q = p;
      q.in_h = f;
      q.out_h = 1;
      r50_conv2d_s8_dsp(&q, &t, g_in + (size_t)y * stride * iw * ic, g_w, g_bias,
                        g_out + (size_t)y * p.out_w * oc, g_scratch);
    }
  } else {
    r50_conv2d_s8_dsp(&p, &t, g_in, g_w, g_bias, g_out, g_scratch);
  }
  const uint32_t t1 = k_timer[1];
  const uint64_t ins = (uint64_t)(t0 - t1) * 40u;
  const uint64_t macs = (uint64_t)p.out_h * p.out_w * oc * f * f * ic;
  const uint32_t milli = (uint32_t)(ins * 1000u / macs);
  sh_printf("%-30s %9lu MACs %9lu instructions  %lu.%03lu /MAC  scratch %lu B\n", name,
            (unsigned long)macs, (unsigned long)ins, (unsigned long)(milli / 1000u),
            (unsigned long)(milli % 1000u), (unsigned long)t.bytes);
}

int main(void) {
  static char cmd[256];
  if (sh_cmdline(cmd, sizeof cmd) == 0 && (g_only = strstr(cmd, "only=")) != NULL) g_only += 5;
  /* name, map, in_c, out_c, filter, stride, the real layer's input size, band calls */
  bench("1x1 14x14x256 -> 64", 14, 14, 256, 64, 1, 1, 56, 0);
  bench("1x1 4x56x256 -> 64 band", 4, 56, 256, 64, 1, 1, 56, 1);
  bench("1x1 14x14x64 -> 256", 14, 14, 64, 256, 1, 1, 56, 0);
  bench("1x1 4x56x64 -> 256 band", 4, 56, 64, 256, 1, 1, 56, 1);
  bench("3x3 16x16x64 -> 64", 16, 16, 64, 64, 3, 1, 58, 0);
  bench("3x3 6x58x64 -> 64 band", 6, 58, 64, 64, 3, 1, 58, 1);
  bench("3x3 30x30x128 -> 128 (full)", 30, 30, 128, 128, 3, 1, 30, 0);
  bench("3x3 16x16x256 -> 256 (full)", 16, 16, 256, 256, 3, 1, 16, 0);
  bench("3x3 9x9x256 -> 256", 9, 9, 256, 256, 3, 1, 16, 0);
  bench("3x3 9x9x512 -> 512", 9, 9, 512, 512, 3, 1, 9, 0);
  bench("1x1 7x7x2048 -> 512", 7, 7, 2048, 512, 1, 1, 7, 0);
  bench("1x1 7x7x512 -> 2048", 7, 7, 512, 2048, 1, 1, 7, 0);
  bench("7x7/2 stem 37x37x3 -> 64", 37, 37, 3, 64, 7, 2, 230, 0);
  bench("7x7/2 stem 9x229x3 -> 64 band", 9, 229, 3, 64, 7, 2, 229, 1);
  return 0;
}

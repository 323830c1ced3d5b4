/* Cortex-M DSP int8 DEPTHWISE_CONV_2D (see dwconv_s8_dsp.h). */
#include "dwconv_s8_dsp.h"

#if defined(R50_CORTEXM_DSP_DWCONV)

#include <arm_acle.h>
#include <stddef.h>
#include <string.h>

#include "../quant.h"

static inline uint32_t ld32(const int8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4); /* LDR: unaligned loads are allowed on ARMv7-M normal memory */
  return v;
}

static inline int32_t sxtb16_lo(uint32_t x) { return (int32_t)__sxtb16((int32_t)x); }

static inline int32_t sxtb16_hi(uint32_t x) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}

/* r50_mbqm without its branches for shift <= 0, exact (derivation: conv_s8_dsp.c). */
static inline int32_t mbqm_dsp(int32_t acc, int32_t m, int32_t shift) {
  if (shift > 0) return r50_mbqm(acc, m, shift);
  const int32_t e = -shift;
  if (e == 0) return (int32_t)(((int64_t)acc * m + (1 << 30)) >> 31);
  int64_t c = (int64_t)((uint64_t)(e >= 2 ? 1u << (e - 2) : 0u) << 32) +
              (e == 1 ? 0xC0000000LL : 0x40000000LL);
  if (acc < 0) c -= 0x80000000LL;
  return (int32_t)((uint64_t)((int64_t)acc * m + c) >> 32) >> (e - 1);
}

static inline int8_t requant(const r50_requant_s8 *q, int32_t acc, int32_t c) {
  const int32_t v = mbqm_dsp(acc, q->out_mult[c], q->out_shift[c]);
  return (int8_t)r50_clamp_i32(v + q->output_offset, q->act_min, q->act_max);
}

/* DEPTHWISE_CONV_2D, depth multiplier 1: per output pixel, 4 channels at a
 * time (x + off by SXTB16 + SADD16, products by SMLABB / SMLATT on the even
 * and odd channel halves), taps outside the image skipped as the reference. */
void r50_dwconv2d_s8_dsp(const r50_dwconv_params *p, const int8_t *input, const int8_t *filter,
                         const int32_t *bias, int8_t *output) {
  const int32_t in_h = p->in_h, in_w = p->in_w, C = p->out_c;
  const int32_t out_h = p->out_h, out_w = p->out_w, fw = p->filter_w;
  const int32_t off = p->q.input_offset;
  const int32_t offs = (int32_t)(((uint32_t)off & 0xFFFFu) | ((uint32_t)off << 16));
  const size_t in_row = (size_t)in_w * C;
  for (int32_t b = 0; b < p->batch; b++) {
    const int8_t *in_b = input + (size_t)b * in_h * in_row;
    for (int32_t oy = 0; oy < out_h; oy++) {
      const int32_t iy0 = oy * p->stride_h - p->pad_top;
      int32_t ky0, ky1;
      r50_tap_range(iy0, p->dilation_h, in_h, p->filter_h, &ky0, &ky1);
      for (int32_t ox = 0; ox < out_w; ox++) {
        const int32_t ix0 = ox * p->stride_w - p->pad_left;
        int32_t kx0, kx1;
        r50_tap_range(ix0, p->dilation_w, in_w, fw, &kx0, &kx1);
        int8_t *out = output + (((size_t)b * out_h + oy) * out_w + ox) * C;
        int32_t c = 0;
        for (; c + 4 <= C; c += 4) {
          int32_t a0 = bias ? bias[c] : 0, a1 = bias ? bias[c + 1] : 0;
          int32_t a2 = bias ? bias[c + 2] : 0, a3 = bias ? bias[c + 3] : 0;
          for (int32_t ky = ky0; ky < ky1; ky++) {
            const int8_t *xr = in_b + (size_t)(iy0 + ky * p->dilation_h) * in_row + c;
            const int8_t *wr = filter + (size_t)ky * fw * C + c;
            for (int32_t kx = kx0; kx < kx1; kx++) {
              const uint32_t v = ld32(xr + (size_t)(ix0 + kx * p->dilation_w) * C);
              const uint32_t u = ld32(wr + (size_t)kx * C);
              const int32_t xe = __sadd16(sxtb16_lo(v), offs), xo = __sadd16(sxtb16_hi(v), offs);
              const int32_t we = sxtb16_lo(u), wo = sxtb16_hi(u);
              a0 = __smlabb(xe, we, a0);
              a2 = __smlatt(xe, we, a2);
              a1 = __smlabb(xo, wo, a1);
              a3 = __smlatt(xo, wo, a3);
            }
          }
          out[c] = requant(&p->q, a0, c);
          out[c + 1] = requant(&p->q, a1, c + 1);
          out[c + 2] = requant(&p->q, a2, c + 2);
          out[c + 3] = requant(&p->q, a3, c + 3);
        }
        for (; c < C; c++) {
          uint32_t a = bias ? (uint32_t)bias[c] : 0u;
          for (int32_t ky = ky0; ky < ky1; ky++)
            for (int32_t kx = kx0; kx < kx1; kx++) {
              const int32_t xv = in_b[(size_t)(iy0 + ky * p->dilation_h) * in_row +
                                      (size_t)(ix0 + kx * p->dilation_w) * C + c];
              a += (uint32_t)((xv + off) * filter[((size_t)ky * fw + kx) * C + c]);
            }
          out[c] = requant(&p->q, (int32_t)a, c);
        }
      }
    }
  }
}

#else
typedef int r50_cortexm_dwconv_s8_dsp_unused; /* not a DSP Cortex-M build */
#endif

/* Cortex-M DSP int8 kernels (see conv_s8_dsp.h): CONV_2D / FULLY_CONNECTED as
 * a GEMM over output-channel pairs x pixel pairs, DEPTHWISE_CONV_2D per 4
 * channels.
 *
 * CONV_2D, for each pair of output channels (c0, c1):
 *   sw[c] = sum of the filter of c (SMLAD with 0x00010001), once per pair;
 *   pixels whose whole window lies in the image ("interior") go in pairs
 *   (p0, p1, also across output rows) through the 2x2 tile
 *     acc = bias + input_offset * sw + sum w * x
 *   (the offset trick: sum w (x + off) = sum w x + off sum w, modulo 2^32 like
 *   the reference's wrapping int32 accumulator), reading per filter row one
 *   contiguous run of filter_w * in_c bytes (dilation_w 1) or in_c bytes per
 *   tap, input and OHWI weights in place. Inner step: 4 bytes of p0, p1, c0,
 *   c1 -> SXTB16 and SXTB16 ROR #8 (even / odd bytes as int16 pairs) -> 8 SMLAD
 *   into 4 accumulators.
 *   Border pixels (window partly outside: skipped taps, as the reference) and a
 *   leftover single pixel: 1 pixel x 2 channels with x + off formed by SADD16.
 * Requantization: r50_mbqm, clamp, exactly as the reference.
 */
#include "conv_s8_dsp.h"

#if defined(R50_CORTEXM_DSP_KERNELS)

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

static inline int32_t smlad(int32_t a, int32_t b, int32_t acc) { return __smlad(a, b, acc); }

/* sum of n weights (wrapping) */
static uint32_t wsum(const int8_t *w, int32_t n) {
  int32_t s = 0;
  const int32_t ones = 0x00010001;
  for (; n >= 4; n -= 4, w += 4) {
    const uint32_t v = ld32(w);
    s = smlad(sxtb16_lo(v), ones, s);
    s = smlad(sxtb16_hi(v), ones, s);
  }
  uint32_t t = (uint32_t)s;
  for (; n > 0; n--) t += (uint32_t)(int32_t)*w++;
  return t;
}

/* acc[2*p + c] += sum_i w_c[i] * x_p[i]   (2 pixels x 2 channels) */
static inline void dot2x2(const int8_t *x0, const int8_t *x1, const int8_t *w0, const int8_t *w1,
                          int32_t n, int32_t *acc) {
  int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
  for (; n >= 4; n -= 4) {
    const uint32_t va = ld32(x0), vb = ld32(x1), u0 = ld32(w0), u1 = ld32(w1);
    x0 += 4;
    x1 += 4;
    w0 += 4;
    w1 += 4;
    const int32_t ae = sxtb16_lo(va), ao = sxtb16_hi(va);
    const int32_t be = sxtb16_lo(vb), bo = sxtb16_hi(vb);
    const int32_t ue = sxtb16_lo(u0), uo = sxtb16_hi(u0);
    const int32_t ve = sxtb16_lo(u1), vo = sxtb16_hi(u1);
    a00 = smlad(ae, ue, a00);
    a01 = smlad(ae, ve, a01);
    a10 = smlad(be, ue, a10);
    a11 = smlad(be, ve, a11);
    a00 = smlad(ao, uo, a00);
    a01 = smlad(ao, vo, a01);
    a10 = smlad(bo, uo, a10);
    a11 = smlad(bo, vo, a11);
  }
  for (; n > 0; n--) {
    const int32_t xa = *x0++, xb = *x1++, wa = *w0++, wb = *w1++;
    a00 = (int32_t)((uint32_t)a00 + (uint32_t)(xa * wa));
    a01 = (int32_t)((uint32_t)a01 + (uint32_t)(xa * wb));
    a10 = (int32_t)((uint32_t)a10 + (uint32_t)(xb * wa));
    a11 = (int32_t)((uint32_t)a11 + (uint32_t)(xb * wb));
  }
  acc[0] = a00;
  acc[1] = a01;
  acc[2] = a10;
  acc[3] = a11;
}

/* acc[c] += sum_i w_c[i] * (x[i] + off)   (1 pixel x 2 channels) */
static inline void dot1x2_off(const int8_t *x, const int8_t *w0, const int8_t *w1, int32_t n,
                              int32_t off, int32_t *acc) {
  int32_t a0 = acc[0], a1 = acc[1];
  const int32_t offs = (int32_t)(((uint32_t)off & 0xFFFFu) | ((uint32_t)off << 16));
  for (; n >= 4; n -= 4) {
    const uint32_t v = ld32(x), u0 = ld32(w0), u1 = ld32(w1);
    x += 4;
    w0 += 4;
    w1 += 4;
    /* |x + off| <= 255: no 16-bit lane overflow */
    const int32_t xe = __sadd16(sxtb16_lo(v), offs), xo = __sadd16(sxtb16_hi(v), offs);
    a0 = smlad(xe, sxtb16_lo(u0), a0);
    a1 = smlad(xe, sxtb16_lo(u1), a1);
    a0 = smlad(xo, sxtb16_hi(u0), a0);
    a1 = smlad(xo, sxtb16_hi(u1), a1);
  }
  for (; n > 0; n--) {
    const int32_t xv = *x++ + off;
    a0 = (int32_t)((uint32_t)a0 + (uint32_t)(xv * *w0++));
    a1 = (int32_t)((uint32_t)a1 + (uint32_t)(xv * *w1++));
  }
  acc[0] = a0;
  acc[1] = a1;
}

static inline int8_t requant(const r50_requant_s8 *q, int32_t acc, int32_t c) {
  const int32_t v = r50_mbqm(acc, q->out_mult[c], q->out_shift[c]);
  return (int8_t)r50_clamp_i32(v + q->output_offset, q->act_min, q->act_max);
}

typedef struct {
  const r50_conv_params *p;
  const int8_t *w0, *w1;     /* filters of the channel pair */
  int32_t row_len;           /* bytes of one filter row read as one run (dilation_w 1) */
  int32_t runs;              /* runs per filter row: 1 or filter_w */
  int32_t run_len;           /* bytes per run */
  size_t in_row;             /* bytes of one input row */
} conv_ctx;

/* Interior pixel pair: acc[4] (pixel-major) += sum w * x over the whole window. */
static void pair_interior(const conv_ctx *c, const int8_t *b0, const int8_t *b1, int32_t *acc) {
  const r50_conv_params *p = c->p;
  const size_t dy = (size_t)p->dilation_h * c->in_row;
  const size_t dx = (size_t)p->dilation_w * (size_t)p->in_c;
  const int8_t *w0 = c->w0, *w1 = c->w1;
  for (int32_t ky = 0; ky < p->filter_h; ky++) {
    const int8_t *r0 = b0 + ky * dy, *r1 = b1 + ky * dy;
    for (int32_t r = 0; r < c->runs; r++) {
      dot2x2(r0 + r * dx, r1 + r * dx, w0, w1, c->run_len, acc);
      w0 += c->run_len;
      w1 += c->run_len;
    }
  }
}

/* Any pixel with its tap range: acc[2] += sum w * (x + off) over the taps in the image. */
static void single(const conv_ctx *c, const int8_t *in_b, int32_t iy0, int32_t ix0, int32_t ky0,
                   int32_t ky1, int32_t kx0, int32_t kx1, int32_t *acc) {
  const r50_conv_params *p = c->p;
  const int32_t in_c = p->in_c, fw = p->filter_w, off = p->q.input_offset;
  for (int32_t ky = ky0; ky < ky1; ky++) {
    const int8_t *row = in_b + (size_t)(iy0 + ky * p->dilation_h) * c->in_row;
    const size_t wrow = (size_t)ky * fw * in_c;
    if (p->dilation_w == 1) {
      if (kx1 > kx0)
        dot1x2_off(row + (size_t)(ix0 + kx0) * in_c, c->w0 + wrow + (size_t)kx0 * in_c,
                   c->w1 + wrow + (size_t)kx0 * in_c, (kx1 - kx0) * in_c, off, acc);
    } else {
      for (int32_t kx = kx0; kx < kx1; kx++)
        dot1x2_off(row + (size_t)(ix0 + kx * p->dilation_w) * in_c,
                   c->w0 + wrow + (size_t)kx * in_c, c->w1 + wrow + (size_t)kx * in_c, in_c, off,
                   acc);
    }
  }
}

void r50_conv2d_s8_dsp(const r50_conv_params *p, const int8_t *input, const int8_t *filter,
                       const int32_t *bias, int8_t *output) {
  const int32_t in_h = p->in_h, in_w = p->in_w, in_c = p->in_c;
  const int32_t out_h = p->out_h, out_w = p->out_w, out_c = p->out_c;
  const int32_t fh = p->filter_h, fw = p->filter_w;
  const int32_t K = fh * fw * in_c, off = p->q.input_offset;
  conv_ctx c;
  c.p = p;
  c.in_row = (size_t)in_w * in_c;
  c.runs = p->dilation_w == 1 ? 1 : fw;
  c.run_len = p->dilation_w == 1 ? fw * in_c : in_c;
  c.row_len = fw * in_c;
  for (int32_t oc = 0; oc < out_c; oc += 2) {
    const int32_t oc1 = oc + 1 < out_c ? oc + 1 : oc; /* odd out_c: last pair is (oc, oc) */
    c.w0 = filter + (size_t)oc * K;
    c.w1 = filter + (size_t)oc1 * K;
    const uint32_t b0 = bias ? (uint32_t)bias[oc] : 0u, b1 = bias ? (uint32_t)bias[oc1] : 0u;
    const int32_t i0 = (int32_t)(b0 + (uint32_t)off * wsum(c.w0, K));
    const int32_t i1 = (int32_t)(b1 + (uint32_t)off * wsum(c.w1, K));
    const int8_t *pend = NULL; /* interior pixel waiting for a partner */
    int8_t *pend_out = NULL;
    for (int32_t b = 0; b < p->batch; b++) {
      const int8_t *in_b = input + (size_t)b * in_h * c.in_row;
      for (int32_t oy = 0; oy < out_h; oy++) {
        const int32_t iy0 = oy * p->stride_h - p->pad_top;
        int32_t ky0, ky1;
        r50_tap_range(iy0, p->dilation_h, in_h, fh, &ky0, &ky1);
        const int row_in = ky0 == 0 && ky1 == fh;
        int8_t *out_row = output + ((size_t)b * out_h + oy) * out_w * out_c + oc;
        for (int32_t ox = 0; ox < out_w; ox++) {
          const int32_t ix0 = ox * p->stride_w - p->pad_left;
          int32_t kx0, kx1;
          r50_tap_range(ix0, p->dilation_w, in_w, fw, &kx0, &kx1);
          int8_t *o = out_row + (size_t)ox * out_c;
          if (row_in && kx0 == 0 && kx1 == fw) {
            const int8_t *base = in_b + (size_t)iy0 * c.in_row + (size_t)ix0 * in_c;
            if (!pend) {
              pend = base;
              pend_out = o;
              continue;
            }
            int32_t acc[4] = {i0, i1, i0, i1};
            pair_interior(&c, pend, base, acc);
            pend_out[0] = requant(&p->q, acc[0], oc);
            if (oc1 != oc) pend_out[1] = requant(&p->q, acc[1], oc1);
            o[0] = requant(&p->q, acc[2], oc);
            if (oc1 != oc) o[1] = requant(&p->q, acc[3], oc1);
            pend = NULL;
          } else {
            int32_t acc[2] = {(int32_t)b0, (int32_t)b1};
            single(&c, in_b, iy0, ix0, ky0, ky1, kx0, kx1, acc);
            o[0] = requant(&p->q, acc[0], oc);
            if (oc1 != oc) o[1] = requant(&p->q, acc[1], oc1);
          }
        }
      }
    }
    if (pend) { /* leftover interior pixel: the whole window with x + off */
      int32_t acc[2] = {(int32_t)b0, (int32_t)b1};
      const size_t dy = (size_t)p->dilation_h * c.in_row;
      const size_t dx = (size_t)p->dilation_w * (size_t)in_c;
      const int8_t *w0 = c.w0, *w1 = c.w1;
      for (int32_t ky = 0; ky < fh; ky++)
        for (int32_t r = 0; r < c.runs; r++) {
          dot1x2_off(pend + ky * dy + r * dx, w0, w1, c.run_len, off, acc);
          w0 += c.run_len;
          w1 += c.run_len;
        }
      pend_out[0] = requant(&p->q, acc[0], oc);
      if (oc1 != oc) pend_out[1] = requant(&p->q, acc[1], oc1);
    }
  }
}

void r50_fc_s8_dsp(const r50_fc_params *p, const int8_t *input, const int8_t *weights,
                   const int32_t *bias, int8_t *output) {
  r50_conv_params c;
  memset(&c, 0, sizeof c);
  c.batch = 1;
  c.in_h = c.out_h = 1;
  c.in_w = c.out_w = p->batch;
  c.in_c = c.filter_in_c = p->in;
  c.out_c = p->out;
  c.filter_h = c.filter_w = 1;
  c.groups = c.stride_h = c.stride_w = c.dilation_h = c.dilation_w = 1;
  c.q = p->q;
  r50_conv2d_s8_dsp(&c, input, weights, bias, output);
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
typedef int r50_cortexm_conv_s8_dsp_unused; /* not a DSP Cortex-M build */
#endif

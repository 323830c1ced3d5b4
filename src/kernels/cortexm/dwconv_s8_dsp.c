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

/* Scalar channels (the last in_c % 4), any pixel: the reference's sum, x + off per tap. */
static void tail_channels(const r50_dwconv_params *p, const int8_t *input, const int8_t *filter,
                          const int32_t *bias, int8_t *output, int32_t c0) {
  const int32_t in_h = p->in_h, in_w = p->in_w, C = p->out_c, fw = p->filter_w;
  const int32_t off = p->q.input_offset;
  const size_t in_row = (size_t)in_w * C;
  for (int32_t b = 0; b < p->batch; b++) {
    const int8_t *in_b = input + (size_t)b * in_h * in_row;
    for (int32_t oy = 0; oy < p->out_h; oy++) {
      const int32_t iy0 = oy * p->stride_h - p->pad_top;
      int32_t ky0, ky1;
      r50_tap_range(iy0, p->dilation_h, in_h, p->filter_h, &ky0, &ky1);
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        const int32_t ix0 = ox * p->stride_w - p->pad_left;
        int32_t kx0, kx1;
        r50_tap_range(ix0, p->dilation_w, in_w, fw, &kx0, &kx1);
        int8_t *out = output + (((size_t)b * p->out_h + oy) * p->out_w + ox) * C;
        for (int32_t c = c0; c < C; c++) {
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

/* Groups of 4 channels. Per group (and band of output rows), the weights are
 * sign-extended once onto the stack (per tap: channels 0, 2 and 1, 3 as int16
 * pairs, read back with one LDRD), and the constants derived once: init =
 * bias + input_offset * sum(w) (the input offset folded in: exact modulo 2^32
 * like the reference's wrapping sum) and the requantization's. A pixel whose
 * window lies inside the image then costs per tap LDR + 2 SXTB16 + LDRD +
 * 4 SMLAxy (4 MACs); a border pixel sums its inside taps with x + off
 * (SADD16) from the bias, as the reference. The 4 accumulators of up to DW_RUN
 * pixels are requantized per channel with its constants in registers. */
enum { DW_TAPS = 25, DW_RUN = 32, DW_BAND = 128 }; /* stack ~0.8 KiB */

typedef struct {
  uint32_t w[DW_TAPS][2]; /* per tap: SXTB16 (ch 0, 2) and SXTB16 ROR 8 (ch 1, 3) weights */
  int32_t init[4];        /* bias + off * sum(w): pixels with every tap inside the image */
  int32_t bias[4];        /* border pixels: bias + sum over inside taps of w (x + off) */
  int32_t m2[4], rc[4], e[4]; /* fast requantization (see requant_run) */
  int fast;               /* all 4 channels take the fast requantization */
} dw_group;

static void group_setup(const r50_dwconv_params *p, const int8_t *filter, const int32_t *bias,
                        int32_t c0, dw_group *g) {
  const int32_t taps = p->filter_h * p->filter_w, C = p->out_c, off = p->q.input_offset;
  int32_t se = 0, so = 0;
  for (int32_t t = 0; t < taps; t++) {
    const uint32_t u = ld32(filter + (size_t)t * C + c0);
    const int32_t we = sxtb16_lo(u), wo = sxtb16_hi(u);
    g->w[t][0] = (uint32_t)we;
    g->w[t][1] = (uint32_t)wo;
    se = __sadd16(se, we); /* |sum| <= 25 * 128: no int16 overflow */
    so = __sadd16(so, wo);
  }
  const int32_t sum[4] = {(int16_t)se, (int16_t)so, se >> 16, so >> 16};
  g->fast = 1;
  for (int ch = 0; ch < 4; ch++) {
    const int32_t c = c0 + ch, bs = bias ? bias[c] : 0;
    g->bias[ch] = bs;
    g->init[ch] = (int32_t)((uint32_t)bs + (uint32_t)off * (uint32_t)sum[ch]);
    /* Fast requantization (requant_run) when m >= 2^30, 1 <= e <= 21 and |bias| <= 2^29:
     * then |acc| <= 2^29 + 25 * 128 * 255 (no wrap: acc is the true sum), |h| <= |acc| and
     * |h| + 2^(e-1) + 128 * 2^e + 1 < 2^29 + 2^20 + 259 * 2^20 < 2^31 (nothing overflows). */
    const int32_t m = p->q.out_mult[c], e = -p->q.out_shift[c];
    if (m >= 0x40000000 && e >= 1 && e <= 21 && bs <= (1 << 29) && bs >= -(1 << 29)) {
      g->m2[ch] = (int32_t)((uint32_t)m << 1);
      g->e[ch] = e;
      g->rc[ch] = (int32_t)((1u << (e - 1)) + (uint32_t)p->q.output_offset * (1u << e));
    } else {
      g->fast = 0;
    }
  }
}

#define DW_TAP(ptr, wp)                                   \
  do {                                                    \
    const uint32_t v_ = ld32(ptr);                        \
    const int32_t xe_ = sxtb16_lo(v_), xo_ = sxtb16_hi(v_); \
    const int32_t we_ = (int32_t)(wp)[0], wo_ = (int32_t)(wp)[1]; \
    a0 = __smlabb(xe_, we_, a0);                          \
    a2 = __smlatt(xe_, we_, a2);                          \
    a1 = __smlabb(xo_, wo_, a1);                          \
    a3 = __smlatt(xo_, wo_, a3);                          \
  } while (0)

/* n pixels of one row with every tap inside the image, 3x3, dilation 1: x is the first
 * window's top-left tap (channel c0), pixels step bytes apart. Inline assembly (GCC spread
 * the weights over the stack and reloaded them word by word): per tap LDR + LDRD + 2 SXTB16
 * + 4 SMLAxy, 12 registers. */
#define DW_T(addr, woff)                                  \
  "ldr %[xo], " addr "\n\t"                               \
  "ldrd %[we], %[wo], [%[w], #" woff "]\n\t"              \
  "sxtb16 %[xe], %[xo]\n\t"                               \
  "sxtb16 %[xo], %[xo], ror #8\n\t"                       \
  "smlabb %[a0], %[xe], %[we], %[a0]\n\t"                 \
  "smlatt %[a2], %[xe], %[we], %[a2]\n\t"                 \
  "smlabb %[a1], %[xo], %[wo], %[a1]\n\t"                 \
  "smlatt %[a3], %[xo], %[wo], %[a3]\n\t"
#define DW_ROW(o0, o1, o2) DW_T("[%[x]]", o0) DW_T("[%[x], %[C]]", o1) DW_T("[%[x], %[C], lsl #1]", o2)
_Static_assert(sizeof(((dw_group *)0)->w) == 200, "init follows the weights at byte 200");

static void run3x3(const int8_t *x, int32_t n, int32_t step, int32_t C, int32_t in_row,
                   const dw_group *g, int32_t (*acc)[4]) {
  const uint32_t *w = &g->w[0][0];
  const int32_t adv = step - 2 * in_row;
  for (; n > 0; n--, acc++, x += adv) {
    int32_t a0, a1, a2, a3;
    uint32_t xe, xo, we, wo;
    __asm__("ldrd %[a0], %[a1], [%[w], #200]\n\t" /* init[0..3] */
            "ldrd %[a2], %[a3], [%[w], #208]\n\t"
            DW_ROW("0", "8", "16")
            "add %[x], %[x], %[row]\n\t"
            DW_ROW("24", "32", "40")
            "add %[x], %[x], %[row]\n\t"
            DW_ROW("48", "56", "64")
            : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [xe] "=&r"(xe),
              [xo] "=&r"(xo), [we] "=&r"(we), [wo] "=&r"(wo), [x] "+r"(x)
            : [w] "r"(w), [C] "r"(C), [row] "r"(in_row)
            : "memory");
    acc[0][0] = a0;
    acc[0][1] = a1;
    acc[0][2] = a2;
    acc[0][3] = a3;
  }
}
#undef DW_T
#undef DW_ROW

/* The same for any filter and dilation. */
static void run_any(const r50_dwconv_params *p, const int8_t *x, int32_t n, int32_t step,
                    int32_t in_row, const dw_group *g, int32_t (*acc)[4]) {
  const int32_t fh = p->filter_h, fw = p->filter_w;
  const size_t dy = (size_t)p->dilation_h * in_row, dx = (size_t)p->dilation_w * p->out_c;
  for (; n > 0; n--, x += step, acc++) {
    int32_t a0 = g->init[0], a1 = g->init[1], a2 = g->init[2], a3 = g->init[3];
    const uint32_t(*w)[2] = g->w;
    const int8_t *r = x;
    for (int32_t ky = 0; ky < fh; ky++, r += dy) {
      const int8_t *q = r;
      for (int32_t kx = 0; kx < fw; kx++, q += dx, w++) DW_TAP(q, *w);
    }
    acc[0][0] = a0;
    acc[0][1] = a1;
    acc[0][2] = a2;
    acc[0][3] = a3;
  }
}

/* One border pixel: taps [ky0, ky1) x [kx0, kx1) inside the image, x + off each (byte
 * offset org of the window origin from base, possibly outside the image; only inside taps are
 * addressed). */
static void border_pixel(const r50_dwconv_params *p, const int8_t *base, ptrdiff_t org,
                         int32_t in_row, int32_t ky0, int32_t ky1, int32_t kx0, int32_t kx1,
                         const dw_group *g, int32_t *acc) {
  const int32_t fw = p->filter_w, off = p->q.input_offset, nx = kx1 - kx0;
  const int32_t offs = (int32_t)(((uint32_t)off & 0xFFFFu) | ((uint32_t)off << 16));
  const ptrdiff_t dy = (ptrdiff_t)p->dilation_h * in_row, dx = (ptrdiff_t)p->dilation_w * p->out_c;
  int32_t a0 = g->bias[0], a1 = g->bias[1], a2 = g->bias[2], a3 = g->bias[3];
  if (nx > 0) {
    const int8_t *r = base + (org + ky0 * dy + kx0 * dx); /* first inside tap */
    const uint32_t(*w)[2] = &g->w[ky0 * fw + kx0];
    for (int32_t ky = ky0; ky < ky1; ky++, r += dy, w += fw) {
      const int8_t *q = r;
      for (int32_t i = 0; i < nx; i++, q += dx) {
        const uint32_t v = ld32(q);
        const int32_t xe = __sadd16(sxtb16_lo(v), offs), xo = __sadd16(sxtb16_hi(v), offs);
        const int32_t we = (int32_t)w[i][0], wo = (int32_t)w[i][1];
        a0 = __smlabb(xe, we, a0);
        a2 = __smlatt(xe, we, a2);
        a1 = __smlabb(xo, wo, a1);
        a3 = __smlatt(xo, wo, a3);
      }
    }
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

/* Requantize n pixels x 4 channels (out: channel c0 of the first pixel, pixels C bytes
 * apart). Fast form, per channel: h = SMMLAR(a, 2m - 2^32, a) = SRDHM(a, m) (exact for
 * m >= 2^30, see conv_s8_dsp.c's tile_out), then RoundingDivideByPOT(h, e) + zo =
 * (h + 2^(e-1) + zo 2^e - [a < 0]) >> e, exact while nothing overflows (group_setup's bound;
 * [a < 0] for [h < 0]: they differ only at h = 0, where the result is 0 either way), SSAT
 * to int8, then the activation bounds. */
static void requant_run(const r50_dwconv_params *p, const dw_group *g, const int32_t (*acc)[4],
                        int32_t n, int8_t *out, int32_t c0) {
  const int32_t C = p->out_c, lo = p->q.act_min, hi = p->q.act_max;
  if (g->fast && lo <= -128 && hi >= 127) { /* SSAT is the whole clamp */
    for (int ch = 0; ch < 4; ch++) {
      const int32_t m2 = g->m2[ch], rc = g->rc[ch], e = g->e[ch];
      const int32_t *a = &acc[0][ch];
      int8_t *o = out + ch;
      int32_t k = n;
      for (; k >= 2; k -= 2) {
        int32_t x0, x1, t0, t1;
        __asm__("ldr %[x0], [%[a]], #16\n\t"
                "ldr %[x1], [%[a]], #16\n\t"
                "smmlar %[t0], %[x0], %[m2], %[x0]\n\t"
                "smmlar %[t1], %[x1], %[m2], %[x1]\n\t"
                "add %[t0], %[t0], %[rc]\n\t"
                "add %[t1], %[t1], %[rc]\n\t"
                "add %[t0], %[t0], %[x0], asr #31\n\t"
                "add %[t1], %[t1], %[x1], asr #31\n\t"
                "asr %[t0], %[t0], %[e]\n\t"
                "asr %[t1], %[t1], %[e]\n\t"
                "ssat %[t0], #8, %[t0]\n\t"
                "ssat %[t1], #8, %[t1]\n\t"
                "strb %[t0], [%[o]]\n\t"
                "strb %[t1], [%[o], %[C]]\n\t"
                "add %[o], %[o], %[C], lsl #1\n\t"
                : [x0] "=&r"(x0), [x1] "=&r"(x1), [t0] "=&r"(t0), [t1] "=&r"(t1), [a] "+r"(a),
                  [o] "+r"(o)
                : [m2] "r"(m2), [rc] "r"(rc), [e] "r"(e), [C] "r"(C)
                : "memory");
      }
      if (k) {
        int32_t h;
        __asm__("smmlar %0, %1, %2, %1" : "=r"(h) : "r"(*a), "r"(m2));
        *o = (int8_t)__ssat((h + rc + (*a >> 31)) >> e, 8);
      }
    }
  } else if (g->fast) {
    for (int ch = 0; ch < 4; ch++) {
      const int32_t m2 = g->m2[ch], rc = g->rc[ch], e = g->e[ch];
      int8_t *o = out + ch;
      for (int32_t j = 0; j < n; j++, o += C) {
        const int32_t a = acc[j][ch];
        int32_t h;
        __asm__("smmlar %0, %1, %2, %1" : "=r"(h) : "r"(a), "r"(m2));
        int32_t v = __ssat((h + rc + (a >> 31)) >> e, 8);
        v = v < lo ? lo : v;
        v = v > hi ? hi : v;
        *o = (int8_t)v;
      }
    }
  } else {
    for (int ch = 0; ch < 4; ch++)
      for (int32_t j = 0; j < n; j++)
        out[(size_t)j * C + ch] = requant(&p->q, acc[j][ch], c0 + ch);
  }
}

void r50_dwconv2d_s8_dsp(const r50_dwconv_params *p, const int8_t *input, const int8_t *filter,
                         const int32_t *bias, int8_t *output) {
  const int32_t in_h = p->in_h, in_w = p->in_w, C = p->out_c;
  const int32_t out_h = p->out_h, out_w = p->out_w, fh = p->filter_h, fw = p->filter_w;
  const int32_t sw = p->stride_w, dw = p->dilation_w;
  const int32_t c4 = fh * fw <= DW_TAPS ? C & ~3 : 0;
  if (c4 < C) tail_channels(p, input, filter, bias, output, c4);
  if (c4 == 0 || out_w <= 0) return;
  const int32_t in_row = in_w * C;
  /* output columns whose window is inside horizontally: [oxa, oxb) */
  int32_t oxa = 0, oxb = 0;
  for (int32_t ox = 0; ox < out_w; ox++) {
    const int32_t ix0 = ox * sw - p->pad_left;
    if (ix0 >= 0 && ix0 + (fw - 1) * dw < in_w) {
      if (oxb == 0) oxa = ox;
      oxb = ox + 1;
    }
  }
  const int is3x3 = fh == 3 && fw == 3 && dw == 1 && p->dilation_h == 1;
  const int32_t band = (DW_BAND + out_w - 1) / out_w; /* output rows per weight setup */
  dw_group g;
  int32_t acc[DW_RUN][4];
  for (int32_t b = 0; b < p->batch; b++) {
    const int8_t *in_b = input + (size_t)b * in_h * in_row;
    for (int32_t y0 = 0; y0 < out_h; y0 += band) {
      const int32_t y1 = y0 + band < out_h ? y0 + band : out_h;
      for (int32_t c0 = 0; c0 < c4; c0 += 4) {
        group_setup(p, filter, bias, c0, &g);
        for (int32_t oy = y0; oy < y1; oy++) {
          const int32_t iy0 = oy * p->stride_h - p->pad_top;
          int32_t ky0, ky1;
          r50_tap_range(iy0, p->dilation_h, in_h, fh, &ky0, &ky1);
          const int row_in = ky0 == 0 && ky1 == fh;
          const ptrdiff_t x_row = (ptrdiff_t)iy0 * in_row + c0; /* offset in in_b, may be < 0 */
          int8_t *out_row = output + ((size_t)b * out_h + oy) * out_w * C + c0;
          for (int32_t r0 = 0; r0 < out_w; r0 += DW_RUN) {
            const int32_t n = out_w - r0 < DW_RUN ? out_w - r0 : DW_RUN;
            for (int32_t j = 0; j < n;) {
              const int32_t ox = r0 + j, ix0 = ox * sw - p->pad_left;
              const ptrdiff_t xo = x_row + (ptrdiff_t)ix0 * C;
              if (row_in && ox >= oxa && ox < oxb) {
                const int8_t *x = in_b + xo; /* the window is inside the image */
                const int32_t k = (oxb - ox < n - j ? oxb - ox : n - j);
                if (is3x3)
                  run3x3(x, k, sw * C, C, in_row, &g, acc + j);
                else
                  run_any(p, x, k, sw * C, in_row, &g, acc + j);
                j += k;
              } else {
                int32_t kx0, kx1;
                r50_tap_range(ix0, dw, in_w, fw, &kx0, &kx1);
                border_pixel(p, in_b, xo, in_row, ky0, ky1, kx0, kx1, &g, acc[j]);
                j++;
              }
            }
            requant_run(p, &g, (const int32_t(*)[4])acc, n, out_row + (size_t)r0 * C, c0);
          }
        }
      }
    }
  }
}

#else
typedef int r50_cortexm_dwconv_s8_dsp_unused; /* not a DSP Cortex-M build */
#endif

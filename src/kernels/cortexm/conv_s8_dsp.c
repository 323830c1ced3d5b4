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

/* r50_mbqm (MultiplyByQuantizedMultiplier, double rounding) without its branches
 * for shift <= 0, exact: with e = -shift >= 1,
 *   RoundingDivideByPOT(SRDHM(acc, m), e) = (acc * m + C) >> (31 + e),
 *   C = 2^30 + 2^(30+e) - [acc < 0] 2^31
 * (SRDHM = floor((acc m + 2^30) / 2^31) for either sign since m >= 0; RDBYPOT =
 * floor((q + 2^(e-1) - [q < 0]) / 2^e), [acc < 0] standing in for [q < 0]: acc < 0 <= q
 * only when q == 0, giving 0 either way; two floors of divisions nest into one). The
 * 64-bit sum is one SMLAL; >> (31 + e) is the high word >> (e - 1). */
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

/* Interior pixels go through a 4-pixel x 1-channel tile over input bytes
 * sign-extended once per chunk of K (and reused by every channel of the block):
 * per 4 k, one LDR + 2 SXTB16 of weights, 4 LDRD of extended input, 8 SMLAD. */
enum { CB = 64, KC = 128 }; /* channels per block, bytes of K per chunk (stack: ~2.8 KiB) */

typedef struct {
  const r50_conv_params *p;
  const int8_t *filter;
  int32_t K;
  int32_t runs;    /* runs per filter row: 1 (dilation_w 1) or filter_w */
  int32_t run_len; /* bytes per run */
  size_t in_row, dy, dx;
} conv_ctx;

/* Window bytes [k0, k0 + n) (OHWI order) of the pixel whose window starts at base. */
static void gather(const conv_ctx *c, const int8_t *base, int32_t k0, int32_t n, int8_t *dst) {
  int32_t run = k0 / c->run_len, o = k0 - run * c->run_len;
  while (n > 0) {
    const int32_t take = n < c->run_len - o ? n : c->run_len - o;
    memcpy(dst, base + (size_t)(run / c->runs) * c->dy + (size_t)(run % c->runs) * c->dx + o,
           (size_t)take);
    dst += take;
    n -= take;
    run++;
    o = 0;
  }
}

/* acc[j] += sum over g groups of 4 k: w * x_j (xb: per group, pixel j's SXTB16 even and odd
 * words at 2j, 2j + 1). Inline assembly: GCC split the LDRDs into 2 LDRs (8 more
 * instructions per group). Per group: LDR + 2 SXTB16 + 4 LDRD + 8 SMLAD for 16 MACs. */
#define DOT4X1_GROUP                             \
  "ldr %[u], [%[w]], #4\n\t"                     \
  "sxtb16 %[ue], %[u]\n\t"                       \
  "sxtb16 %[u], %[u], ror #8\n\t"                \
  "ldrd %[e], %[o], [%[x]], #8\n\t"              \
  "smlad %[a0], %[e], %[ue], %[a0]\n\t"          \
  "smlad %[a0], %[o], %[u], %[a0]\n\t"           \
  "ldrd %[e], %[o], [%[x]], #8\n\t"              \
  "smlad %[a1], %[e], %[ue], %[a1]\n\t"          \
  "smlad %[a1], %[o], %[u], %[a1]\n\t"           \
  "ldrd %[e], %[o], [%[x]], #8\n\t"              \
  "smlad %[a2], %[e], %[ue], %[a2]\n\t"          \
  "smlad %[a2], %[o], %[u], %[a2]\n\t"           \
  "ldrd %[e], %[o], [%[x]], #8\n\t"              \
  "smlad %[a3], %[e], %[ue], %[a3]\n\t"          \
  "smlad %[a3], %[o], %[u], %[a3]\n\t"

static inline void dot4x1(const uint32_t *xb, const int8_t *w, int32_t g, int32_t *acc) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  uint32_t u, ue, e, o;
  for (; g >= 2; g -= 2)
    __asm__(DOT4X1_GROUP DOT4X1_GROUP
            : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [w] "+r"(w),
              [x] "+r"(xb), [u] "=&r"(u), [ue] "=&r"(ue), [e] "=&r"(e), [o] "=&r"(o)
            :
            : "memory");
  if (g)
    __asm__(DOT4X1_GROUP
            : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [w] "+r"(w),
              [x] "+r"(xb), [u] "=&r"(u), [ue] "=&r"(ue), [e] "=&r"(e), [o] "=&r"(o)
            :
            : "memory");
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}
#undef DOT4X1_GROUP

/* Four interior pixels (window bases base[0..3]) x channels [oc0, oc0 + nc):
 * acc[ch][j] = init[ch] + sum w * x over the whole window. */
static void quad(const conv_ctx *c, const int8_t *const base[4], int32_t oc0, int32_t nc,
                 const int32_t *init, int32_t (*acc)[4]) {
  uint32_t xb[KC / 4 * 8];
  int8_t stage[4][KC + 4];
  for (int32_t ch = 0; ch < nc; ch++) acc[ch][0] = acc[ch][1] = acc[ch][2] = acc[ch][3] = init[ch];
  for (int32_t k0 = 0; k0 < c->K; k0 += KC) {
    const int32_t n = c->K - k0 < KC ? c->K - k0 : KC, g = n / 4;
    for (int j = 0; j < 4; j++) gather(c, base[j], k0, n, stage[j]);
    for (int32_t i = 0; i < g; i++)
      for (int j = 0; j < 4; j++) {
        const uint32_t v = ld32(stage[j] + 4 * i);
        xb[8 * i + 2 * j] = (uint32_t)sxtb16_lo(v);
        xb[8 * i + 2 * j + 1] = (uint32_t)sxtb16_hi(v);
      }
    const int8_t *w = c->filter + (size_t)oc0 * c->K + k0;
    for (int32_t ch = 0; ch < nc; ch++, w += c->K) {
      dot4x1(xb, w, g, acc[ch]);
      for (int32_t k = 4 * g; k < n; k++) /* K % 4 tail, last chunk only */
        for (int j = 0; j < 4; j++)
          acc[ch][j] = (int32_t)((uint32_t)acc[ch][j] + (uint32_t)(stage[j][k] * w[k]));
    }
  }
}

/* Any pixel with its tap range: acc[2] += sum w * (x + off) over the taps in the image. */
static void single(const conv_ctx *c, const int8_t *w0, const int8_t *w1, const int8_t *in_b,
                   int32_t iy0, int32_t ix0, int32_t ky0, int32_t ky1, int32_t kx0, int32_t kx1,
                   int32_t *acc) {
  const r50_conv_params *p = c->p;
  const int32_t in_c = p->in_c, fw = p->filter_w, off = p->q.input_offset;
  for (int32_t ky = ky0; ky < ky1; ky++) {
    const int8_t *row = in_b + (size_t)(iy0 + ky * p->dilation_h) * c->in_row;
    const size_t wrow = (size_t)ky * fw * in_c;
    if (p->dilation_w == 1) {
      if (kx1 > kx0)
        dot1x2_off(row + (size_t)(ix0 + kx0) * in_c, w0 + wrow + (size_t)kx0 * in_c,
                   w1 + wrow + (size_t)kx0 * in_c, (kx1 - kx0) * in_c, off, acc);
    } else {
      for (int32_t kx = kx0; kx < kx1; kx++)
        dot1x2_off(row + (size_t)(ix0 + kx * p->dilation_w) * in_c, w0 + wrow + (size_t)kx * in_c,
                   w1 + wrow + (size_t)kx * in_c, in_c, off, acc);
    }
  }
}

/* Pixel with its tap range, channels [oc0, oc0 + nc) in pairs (odd count: last pair (c, c)). */
static void single_block(const conv_ctx *c, const int32_t *bias, const int8_t *in_b, int32_t iy0,
                         int32_t ix0, int32_t ky0, int32_t ky1, int32_t kx0, int32_t kx1,
                         int32_t oc0, int32_t nc, int8_t *o) {
  for (int32_t ch = 0; ch < nc; ch += 2) {
    const int32_t c0 = oc0 + ch, c1 = ch + 1 < nc ? c0 + 1 : c0;
    int32_t acc[2] = {bias ? bias[c0] : 0, bias ? bias[c1] : 0};
    single(c, c->filter + (size_t)c0 * c->K, c->filter + (size_t)c1 * c->K, in_b, iy0, ix0, ky0,
           ky1, kx0, kx1, acc);
    o[c0] = requant(&c->p->q, acc[0], c0);
    if (c1 != c0) o[c1] = requant(&c->p->q, acc[1], c1);
  }
}

void r50_conv2d_s8_dsp(const r50_conv_params *p, const int8_t *input, const int8_t *filter,
                       const int32_t *bias, int8_t *output) {
  const int32_t in_h = p->in_h, in_w = p->in_w, in_c = p->in_c;
  const int32_t out_h = p->out_h, out_w = p->out_w, out_c = p->out_c;
  const int32_t fh = p->filter_h, fw = p->filter_w;
  const int32_t off = p->q.input_offset;
  conv_ctx c;
  c.p = p;
  c.filter = filter;
  c.K = fh * fw * in_c;
  c.in_row = (size_t)in_w * in_c;
  c.runs = p->dilation_w == 1 ? 1 : fw;
  c.run_len = p->dilation_w == 1 ? fw * in_c : in_c;
  c.dy = (size_t)p->dilation_h * c.in_row;
  c.dx = (size_t)p->dilation_w * (size_t)in_c;
  if (c.K <= 0) return;
  int32_t init[CB], acc[CB][4];
  for (int32_t oc0 = 0; oc0 < out_c; oc0 += CB) {
    const int32_t nc = out_c - oc0 < CB ? out_c - oc0 : CB;
    /* offset trick: sum w (x + off) = sum w x + off sum w, modulo 2^32 like the reference */
    for (int32_t ch = 0; ch < nc; ch++)
      init[ch] = (int32_t)((bias ? (uint32_t)bias[oc0 + ch] : 0u) +
                           (uint32_t)off * wsum(filter + (size_t)(oc0 + ch) * c.K, c.K));
    const int8_t *qb[4]; /* interior pixels waiting for a full quad */
    int8_t *qo[4];
    int nq = 0;
    for (int32_t b = 0; b < p->batch; b++) {
      const int8_t *in_b = input + (size_t)b * in_h * c.in_row;
      for (int32_t oy = 0; oy < out_h; oy++) {
        const int32_t iy0 = oy * p->stride_h - p->pad_top;
        int32_t ky0, ky1;
        r50_tap_range(iy0, p->dilation_h, in_h, fh, &ky0, &ky1);
        const int row_in = ky0 == 0 && ky1 == fh;
        int8_t *out_row = output + ((size_t)b * out_h + oy) * out_w * out_c;
        for (int32_t ox = 0; ox < out_w; ox++) {
          const int32_t ix0 = ox * p->stride_w - p->pad_left;
          int32_t kx0, kx1;
          r50_tap_range(ix0, p->dilation_w, in_w, fw, &kx0, &kx1);
          int8_t *o = out_row + (size_t)ox * out_c;
          if (!(row_in && kx0 == 0 && kx1 == fw)) { /* border: skipped taps, as the reference */
            single_block(&c, bias, in_b, iy0, ix0, ky0, ky1, kx0, kx1, oc0, nc, o);
            continue;
          }
          qb[nq] = in_b + (size_t)iy0 * c.in_row + (size_t)ix0 * in_c;
          qo[nq++] = o;
          if (nq < 4) continue;
          quad(&c, qb, oc0, nc, init, acc);
          for (int32_t ch = 0; ch < nc; ch++) {
            const int32_t cc = oc0 + ch;
            for (int j = 0; j < 4; j++) qo[j][cc] = requant(&p->q, acc[ch][j], cc);
          }
          nq = 0;
        }
      }
    }
    /* leftover interior pixels (< 4): the whole window, x + off per byte */
    for (int j = 0; j < nq; j++) {
      for (int32_t ch = 0; ch < nc; ch += 2) {
        const int32_t c0 = oc0 + ch, c1 = ch + 1 < nc ? c0 + 1 : c0;
        int32_t a[2] = {bias ? bias[c0] : 0, bias ? bias[c1] : 0};
        const int8_t *w0 = filter + (size_t)c0 * c.K, *w1 = filter + (size_t)c1 * c.K;
        for (int32_t r = 0; r < fh * c.runs; r++) {
          dot1x2_off(qb[j] + (size_t)(r / c.runs) * c.dy + (size_t)(r % c.runs) * c.dx, w0, w1,
                     c.run_len, off, a);
          w0 += c.run_len;
          w1 += c.run_len;
        }
        qo[j][c0] = requant(&p->q, a[0], c0);
        if (c1 != c0) qo[j][c1] = requant(&p->q, a[1], c1);
      }
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

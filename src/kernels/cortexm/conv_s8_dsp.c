/* Cortex-M DSP int8 kernels (see conv_s8_dsp.h): CONV_2D / FULLY_CONNECTED as
 * a GEMM over blocks of 64 output channels x tiles of 6 output pixels
 * (DEPTHWISE_CONV_2D: dwconv_s8_dsp.c).
 *
 * CONV_2D, per block of channels:
 *   init[c] = bias[c] + input_offset * sum(w_c) (the offset trick: sum w (x + off)
 *   = sum w x + off sum w, modulo 2^32 like the reference's wrapping int32 sum);
 *   output pixels are taken 6 at a time (across rows and batches; a last 1..5
 *   pixels as 2, 4 or 6). For each 192-byte chunk of the window (OHWI order,
 *   K = fh * fw * in_c), the pixels' bytes are gathered (or read in place) and
 *   sign-extended once (SXTB16 / SXTB16 ROR #8: even and odd bytes as int16
 *   pairs), then every channel of the block runs the 6x1 tile: per 4 k, one
 *   weight word (LDR, in place) -> 2 SXTB16, 6 LDRD of the extended pixels,
 *   12 SMLAD (21 instructions, 24 MACs). A tap outside the image (padding,
 *   borders) is gathered as the input zero point, so x + off = 0 there and it
 *   adds nothing: exactly the reference, which skips those taps.
 * Requantization: exact, branch-free for shift <= 0 (mbqm_dsp), clamp.
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
enum { CB = 64, KC = 192, NP = 6 }; /* channels per block, bytes of K per chunk, pixels per tile
                                     (stack: ~4.3 KiB) */

typedef struct {
  const r50_conv_params *p;
  const int8_t *filter;
  int32_t K;
  int32_t runs;    /* runs per filter row: 1 (dilation_w 1: the row's taps are contiguous) or fw */
  int32_t run_len; /* bytes per run */
  size_t in_row;
  int8_t zp;       /* input zero point (-input_offset): the value of a tap outside the image */
} conv_ctx;

typedef struct {
  const int8_t *in_b; /* image of the pixel's batch */
  int32_t iy0, ix0;   /* window origin (may be outside the image) */
  int32_t ky0, ky1, kx0, kx1; /* taps inside the image */
  int8_t *out;        /* the pixel's output (channel 0) */
} pix_t;

/* Window bytes [k0, k0 + n) (OHWI order) of pixel q: a pointer into the input when they
 * are one stretch inside the image (no copy), else copied into dst with taps outside the
 * image read as the zero point. */
static const int8_t *gather(const conv_ctx *c, const pix_t *q, int32_t k0, int32_t n,
                            int8_t *dst) {
  const r50_conv_params *p = c->p;
  const int32_t in_c = p->in_c;
  int32_t run = k0 / c->run_len, o = k0 - run * c->run_len;
  int8_t *const dst0 = dst;
  int first = 1;
  while (n > 0) {
    const int32_t take = n < c->run_len - o ? n : c->run_len - o;
    const int32_t ky = run / c->runs;
    /* valid bytes [lo, hi) of this run, and the address of its byte 0 */
    int32_t lo = 0, hi = 0;
    const int8_t *row = NULL;
    ptrdiff_t at = 0; /* image offset (from row) of the run's byte 0; may be negative */
    if (ky >= q->ky0 && ky < q->ky1) {
      row = q->in_b + (size_t)(q->iy0 + ky * p->dilation_h) * c->in_row;
      if (c->runs == 1) {
        lo = q->kx0 * in_c;
        hi = q->kx1 * in_c;
        at = (ptrdiff_t)q->ix0 * in_c;
      } else {
        const int32_t kx = run - ky * c->runs;
        if (kx >= q->kx0 && kx < q->kx1) {
          hi = in_c;
          at = (ptrdiff_t)(q->ix0 + kx * p->dilation_w) * in_c;
        }
      }
    }
    if (lo < o) lo = o;
    if (hi > o + take) hi = o + take;
    if (first && take == n && lo == o && hi == o + take) return row + (at + lo); /* in place */
    first = 0;
    if (hi <= lo) {
      memset(dst, c->zp, (size_t)take);
    } else {
      if (lo > o) memset(dst, c->zp, (size_t)(lo - o));
      memcpy(dst + (lo - o), row + (at + lo), (size_t)(hi - lo));
      if (o + take > hi) memset(dst + (hi - o), c->zp, (size_t)(o + take - hi));
    }
    dst += take;
    n -= take;
    run++;
    o = 0;
  }
  return dst0;
}

/* acc[j] += sum over g groups of 4 k: w * x_j for np = 2, 4 or 6 pixels (xb: per group,
 * pixel j's SXTB16 even and odd words at 2j, 2j + 1). Inline assembly: GCC split the
 * LDRDs into LDRs. Per group: LDR + 2 SXTB16 + NP LDRD + 2 NP SMLAD for 4 NP MACs
 * (6 pixels: 21 instructions for 24 MACs; 6 accumulators + 7 other registers). */
#define TILE_HEAD                                \
  "ldr %[u], [%[w]], #4\n\t"                     \
  "sxtb16 %[ue], %[u]\n\t"                       \
  "sxtb16 %[u], %[u], ror #8\n\t"
#define TILE_PIX(A)                              \
  "ldrd %[e], %[o], [%[x]], #8\n\t"              \
  "smlad %[" A "], %[e], %[ue], %[" A "]\n\t"    \
  "smlad %[" A "], %[o], %[u], %[" A "]\n\t"
#define GROUP2 TILE_HEAD TILE_PIX("a0") TILE_PIX("a1")
#define GROUP4 TILE_HEAD TILE_PIX("a0") TILE_PIX("a1") TILE_PIX("a2") TILE_PIX("a3")
#define GROUP6 GROUP4 TILE_PIX("a4") TILE_PIX("a5")
#define TILE_OPS                                                                      \
  : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [a4] "+r"(a4),        \
    [a5] "+r"(a5), [w] "+r"(w), [x] "+r"(xb), [u] "=&r"(u), [ue] "=&r"(ue),           \
    [e] "=&r"(e), [o] "=&r"(o)                                                         \
  :                                                                                    \
  : "memory"

/* inlined into the channel loop (the call cost ~10 instructions per channel and chunk) */
static inline __attribute__((always_inline)) void dot_tile(const uint32_t *xb, const int8_t *w,
                                                           int32_t g, int np, int32_t *acc) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], a4 = 0, a5 = 0;
  uint32_t u, ue, e, o;
  if (np == 6) {
    a4 = acc[4];
    a5 = acc[5];
    for (; g >= 4; g -= 4) __asm__(GROUP6 GROUP6 GROUP6 GROUP6 TILE_OPS); /* 96 MACs a trip */
    if (g >= 2) __asm__(GROUP6 GROUP6 TILE_OPS);
    if (g & 1) __asm__(GROUP6 TILE_OPS);
    acc[4] = a4;
    acc[5] = a5;
  } else if (np == 4) {
    for (; g >= 2; g -= 2) __asm__(GROUP4 GROUP4 TILE_OPS);
    if (g) __asm__(GROUP4 TILE_OPS);
  } else {
    for (; g >= 2; g -= 2) __asm__(GROUP2 GROUP2 TILE_OPS);
    if (g) __asm__(GROUP2 TILE_OPS);
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}
#undef TILE_HEAD
#undef TILE_PIX
#undef GROUP2
#undef GROUP4
#undef GROUP6
#undef TILE_OPS

/* np pixels (2, 4 or 6) x channels [oc0, oc0 + nc): acc[ch][j] = init[ch] + sum w * x over
 * the window. */
static void tile(const conv_ctx *c, const pix_t *q, int np, int32_t oc0, int32_t nc,
                 const int32_t *init, int32_t (*acc)[NP]) {
  uint32_t xb[KC / 4 * 2 * NP];
  int8_t stage[KC + 4];   /* one pixel's gathered chunk at a time */
  int8_t tail[NP][4];     /* K % 4 tail bytes of each pixel (last chunk only) */
  for (int32_t ch = 0; ch < nc; ch++)
    for (int j = 0; j < np; j++) acc[ch][j] = init[ch];
  for (int32_t k0 = 0; k0 < c->K; k0 += KC) {
    const int32_t n = c->K - k0 < KC ? c->K - k0 : KC, g = n / 4;
    for (int j = 0; j < np; j++) {
      const int8_t *sp = gather(c, &q[j], k0, n, stage);
      for (int32_t k = 4 * g; k < n; k++) tail[j][k - 4 * g] = sp[k];
      uint32_t *x = xb + 2 * j;
      for (int32_t i = 0; i < g; i++, sp += 4, x += 2 * np) {
        const uint32_t v = ld32(sp);
        x[0] = (uint32_t)sxtb16_lo(v);
        x[1] = (uint32_t)sxtb16_hi(v);
      }
    }
    const int8_t *w = c->filter + (size_t)oc0 * c->K + k0;
    for (int32_t ch = 0; ch < nc; ch++, w += c->K) {
      dot_tile(xb, w, g, np, acc[ch]);
      for (int32_t k = 4 * g; k < n; k++) /* K % 4 tail, last chunk only */
        for (int j = 0; j < np; j++)
          acc[ch][j] = (int32_t)((uint32_t)acc[ch][j] + (uint32_t)(tail[j][k - 4 * g] * w[k]));
    }
  }
}

/* Pixels q[0..nq) (nq <= NP): the 6-, 4- or 2-pixel tile (a last odd pixel count
 * repeats q[0] in the spare slot: computed, dropped). Outputs of channels [oc0, oc0 + nc). */
static void tile_out(const conv_ctx *c, pix_t *q, int nq, int32_t oc0, int32_t nc,
                     const int32_t *init, int32_t (*acc)[NP]) {
  const int np = nq <= 2 ? 2 : nq <= 4 ? 4 : NP;
  for (int j = nq; j < np; j++) q[j] = q[0];
  tile(c, q, np, oc0, nc, init, acc);
  const r50_requant_s8 *rq = &c->p->q;
  const int32_t zo = rq->output_offset, lo = rq->act_min, hi = rq->act_max;
  const int full = lo <= -128 && hi >= 127;
  int8_t *o[NP];
  for (int j = 0; j < nq; j++) o[j] = q[j].out + oc0;
  for (int32_t ch = 0; ch < nc; ch++) {
    const int32_t cc = oc0 + ch, m = rq->out_mult[cc], sh = rq->out_shift[cc];
    if (sh < 0 && sh >= -30 && m >= 0x40000000) {
      /* Exact in 32 bits for 1 <= e <= 30 and m >= 2^30 (QuantizeMultiplier's normal form):
       * with m2 = 2m - 2^32 (as int32), SMMLAR(a, m2, a) = a + floor((2am + 2^31) / 2^32) - a
       * = floor((am + 2^30) / 2^31) = h = SRDHM(a, m) for any int32 a; RoundingDivideByPOT(h, e)
       * = floor((h + 2^(e-1) - [a < 0]) / 2^e) (see mbqm_dsp), split as (h >> e) + (((h & mask)
       * + 2^(e-1) - [a < 0]) >> e) so nothing overflows ((h & mask) + 2^(e-1) < 2^31). */
      const int32_t m2 = (int32_t)((uint32_t)m << 1), e = -sh, mask = (int32_t)((1u << e) - 1u);
      const int32_t r = (int32_t)(1u << (e - 1));
      for (int j = 0; j < nq; j++) {
        const int32_t a = acc[ch][j];
        int32_t h;
        __asm__("smmlar %0, %1, %2, %1" : "=r"(h) : "r"(a), "r"(m2));
        /* SSAT to int8 first (= the clamp when the activation range is the whole int8 range,
         * e.g. no fused activation), then the activation bounds without branches */
        int32_t v = __ssat((h >> e) + (((h & mask) + r + (a >> 31)) >> e) + zo, 8);
        if (!full) {
          v = v < lo ? lo : v;
          v = v > hi ? hi : v;
        }
        o[j][ch] = (int8_t)v;
      }
    } else {
      for (int j = 0; j < nq; j++)
        o[j][ch] = (int8_t)r50_clamp_i32(mbqm_dsp(acc[ch][j], m, sh) + zo, lo, hi);
    }
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
  c.zp = (int8_t)-off; /* int8 zero point: input_offset in [-127, 128] */
  if (c.K <= 0) return;
  int32_t init[CB], acc[CB][NP];
  for (int32_t oc0 = 0; oc0 < out_c; oc0 += CB) {
    const int32_t nc = out_c - oc0 < CB ? out_c - oc0 : CB;
    for (int32_t ch = 0; ch < nc; ch++)
      init[ch] = (int32_t)((bias ? (uint32_t)bias[oc0 + ch] : 0u) +
                           (uint32_t)off * wsum(filter + (size_t)(oc0 + ch) * c.K, c.K));
    pix_t q[NP];
    int nq = 0;
    for (int32_t b = 0; b < p->batch; b++) {
      const int8_t *in_b = input + (size_t)b * in_h * c.in_row;
      for (int32_t oy = 0; oy < out_h; oy++) {
        const int32_t iy0 = oy * p->stride_h - p->pad_top;
        int32_t ky0, ky1;
        r50_tap_range(iy0, p->dilation_h, in_h, fh, &ky0, &ky1);
        int8_t *out_row = output + ((size_t)b * out_h + oy) * out_w * out_c;
        for (int32_t ox = 0; ox < out_w; ox++) {
          pix_t *t = &q[nq++];
          t->in_b = in_b;
          t->iy0 = iy0;
          t->ix0 = ox * p->stride_w - p->pad_left;
          t->ky0 = ky0;
          t->ky1 = ky1;
          r50_tap_range(t->ix0, p->dilation_w, in_w, fw, &t->kx0, &t->kx1);
          t->out = out_row + (size_t)ox * out_c;
          if (nq == NP) {
            tile_out(&c, q, NP, oc0, nc, init, acc);
            nq = 0;
          }
        }
      }
    }
    if (nq) tile_out(&c, q, nq, oc0, nc, init, acc);
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

#else
typedef int r50_cortexm_conv_s8_dsp_unused; /* not a DSP Cortex-M build */
#endif

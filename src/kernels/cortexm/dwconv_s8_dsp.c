/* Cortex-M DSP int8 DEPTHWISE_CONV_2D (see dwconv_s8_dsp.h), depth multiplier 1:
 *  - 3x3, dilation 1, stride_w 1 or 2 (MobileNetV2's layers; any stride_h, padding, band):
 *    dw3x3_planar, input rows sign-extended once into int16 planes, SMLAD on tap pairs;
 *  - other filters up to DW_TAPS taps: dw_generic, SMLABB / SMLATT per 4 channels;
 *  - the last in_c % 4 channels and larger filters: tail_channels, scalar.
 * Both vector paths fold the input offset into a per-channel init (bias + off * sum(w),
 * exact modulo 2^32 like the reference's wrapping sum) and requantize with the exact 32-bit
 * SMMLAR + QADD form where the multiplier allows (requant_run), else r50_mbqm's. */
#include "dwconv_s8_dsp.h"

#if defined(R50_CORTEXM_DSP_DWCONV)

#include <arm_acle.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../quant.h"
#include "dsp_util.h"

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

/* dw_generic: groups of 4 channels. Per group (and band of output rows), the weights are
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

/* Channel c's fast requantization constants (requant_run: m >= 2^30, 1 <= e <= 23); 0 when
 * it has none (then r50_mbqm's general form). */
static int rq_consts(const r50_requant_s8 *q, int32_t c, int32_t *m2, int32_t *rc, int32_t *e) {
  const int32_t m = q->out_mult[c], sh = -q->out_shift[c];
  if (m < 0x40000000 || sh < 1 || sh > 23) return 0;
  *m2 = (int32_t)((uint32_t)m << 1);
  *e = sh;
  *rc = (int32_t)((1u << (sh - 1)) + (uint32_t)q->output_offset * (1u << sh));
  return 1;
}

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
    g->fast &= rq_consts(&p->q, c, &g->m2[ch], &g->rc[ch], &g->e[ch]);
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
#define DW_ROW(o0, o1, o2) \
  DW_T("[%[x]]", o0) DW_T("[%[x], %[C]]", o1) DW_T("[%[x], %[C], lsl #1]", o2)
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
 * apart). Fast form, per channel (m >= 2^30, 1 <= e <= 23; the derivation of conv_s8_dsp.c's
 * rq_fast): with m2 = 2m - 2^32 as int32, h = SMMLAR(a, m2, a) = floor((am + 2^30) / 2^31) =
 * SRDHM(a, m) for any int32 a; RoundingDivideByPOT(h, e) + zo = floor((h + 2^(e-1) - [h < 0])
 * / 2^e) + zo = (h + rc - [a < 0]) >> e, rc = 2^(e-1) + zo 2^e ([a < 0] for [h < 0]: they
 * differ only at h = 0, where the result is 0 either way). The sum is QADD-saturated: when it
 * saturates, the true value is beyond +-2^31, so both shifted values are beyond +-2^(31-e)
 * - 1 >= 255 and SSAT gives the same -128 or 127. Then SSAT to int8, the activation bounds. */
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
                "add %[x0], %[rc], %[x0], asr #31\n\t"
                "add %[x1], %[rc], %[x1], asr #31\n\t"
                "qadd %[t0], %[t0], %[x0]\n\t"
                "qadd %[t1], %[t1], %[x1]\n\t"
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
        *o = (int8_t)__ssat(__qadd(h, rc + (*a >> 31)) >> e, 8);
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
        int32_t v = __ssat(__qadd(h, rc + (a >> 31)) >> e, 8);
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

/* ---- 3x3, dilation 1, stride_w 1 or 2: planar int16 rows, SMLAD over tap pairs ----
 *
 * Per group of 4 channels and segment of up to DW_SEG1 / DW_SEG2 output columns, the input
 * rows the segment reads are sign-extended once into a ring of 3 rows per channel (int16, one
 * plane per channel: SXTB16 and PKHBT / PKHTB turn 2 pixels x 4 channels into 4 words of
 * 2 pixels x 1 channel); columns and rows outside the image hold the input zero point
 * (x + off = 0: adds nothing, like the reference's skipped taps; no border path). Per channel
 * and output row, a pair of output pixels then costs per filter row one LDRD
 * [x_j, x_j+1], [x_j+2, x_j+3] and 4 multiplies with the weight pairs W01 = [w0, w1],
 * W12 = [w1, w2] held in registers:
 *   out_j   += SMLAD([x_j, x_j+1], W01) + SMLABT([x_j+2, .], W12)
 *   out_j+1 += SMLATB([., x_j+1], W01) + SMLAD([x_j+2, x_j+3], W12)
 * (stride 2: out_j += SMLAD([x_2j, x_2j+1], W01) + SMLABT([x_2j+2, .], W12), 2 loads per
 * pixel and filter row), starting from init = bias + off * sum(w) (the offset folded in,
 * exact modulo 2^32). The ring's row order rotates, so each row kernel exists for the 3
 * rotations (row offsets are immediates). */
enum { DW_COLS = 66, DW_ROWB = DW_COLS * 2, DW_CHS = 3 * DW_COLS / 2 }; /* ring: 4 x 3 x 132 B */
enum { DW_SEG1 = 64, DW_SEG2 = 32 }; /* output columns per segment: 2 n + 2, 4 n + 2 <= 66 */

/* Row kernels, one channel: r0 plane (the channel's slot 0 at the segment's first column),
 * r1 job. They accumulate the segment's pixel pairs into job->acc, then, when job->fast,
 * requantize the n outputs into job->out, job->out + C, ... (SMMLAR + QADD + SSAT, see
 * requant_run; 16 instructions per 2 outputs); else the C code requantizes job->acc. */
typedef struct {
  int32_t init, w[6];   /* init; W01, W12 of filter rows 0, 1, 2 (byte 0) */
  int32_t m2, rc, e;    /* fast requantization (byte 28) */
  int32_t *acc;         /* DW_SEG1 accumulators (byte 40) */
  int32_t pairs, n;     /* pixel pairs computed, outputs stored (bytes 44, 48) */
  int8_t *out;          /* the channel's output at the segment's first pixel (byte 52) */
  int32_t C, fast;      /* bytes 56, 60 */
} dw3_job;
_Static_assert(sizeof(dw3_job) == 64, "the assembly's dw3_job offsets");
#define DW_FN_BEGIN(name)                                                            \
  ".section .text." name ",\"ax\",%progbits\n\t.balign 4\n\t.global " name           \
  "\n\t.type " name ", %function\n\t.thumb_func\n" name ":\n\t"                      \
  "push {r1, r4-r11, lr}\n\t"                                                        \
  "ldr r2, [r1, #44]\n\t"                                                            \
  "ldm r1, {r3-r9}\n\t"   /* r3 init, r4..r9 W01_0, W12_0, W01_1, W12_1, W01_2, W12_2 */ \
  "ldr r1, [r1, #40]\n\t" /* acc */                                                  \
  "subs r2, #2\n\t"                                                                  \
  "blt 5f\n"                                                                         \
  "1:\n\t"
/* two outputs: r8 / r9 from [r1], to [r3], [r3 + C] */
#define DW_RQ2                                                                       \
  "ldrd r8, r9, [r1], #8\n\t"                                                        \
  "smmlar r10, r8, r5, r8\n\t"                                                       \
  "smmlar r11, r9, r5, r9\n\t"                                                       \
  "add r8, r6, r8, asr #31\n\t"                                                      \
  "add r9, r6, r9, asr #31\n\t"                                                      \
  "qadd r10, r10, r8\n\t"                                                            \
  "qadd r11, r11, r9\n\t"                                                            \
  "asr r10, r10, r7\n\t"                                                             \
  "asr r11, r11, r7\n\t"                                                             \
  "ssat r10, #8, r10\n\t"                                                            \
  "ssat r11, #8, r11\n\t"                                                            \
  "strb r10, [r3]\n\t"                                                               \
  "strb r11, [r3, r4]\n\t"                                                           \
  "add r3, r3, r4, lsl #1\n\t"
/* requantize job->n accumulators when job->fast (the job pointer saved at [sp]): 4 outputs
 * per loop trip (30 instructions), then 2, then 1 */
#define DW_FN_END(name)                                                              \
  "ldr r0, [sp]\n\t"                                                                 \
  "ldr r1, [r0, #60]\n\t"                                                            \
  "cmp r1, #0\n\t"                                                                   \
  "beq 4f\n\t"                                                                       \
  "ldr r1, [r0, #40]\n\t"                                                            \
  "ldr r2, [r0, #48]\n\t"                                                            \
  "ldr r3, [r0, #52]\n\t"                                                            \
  "ldr r4, [r0, #56]\n\t"                                                            \
  "ldr r5, [r0, #28]\n\t"                                                            \
  "ldrd r6, r7, [r0, #32]\n\t"                                                       \
  "subs r2, #4\n\t"                                                                  \
  "blt 7f\n"                                                                         \
  "2:\n\t" DW_RQ2 DW_RQ2                                                             \
  "subs r2, #4\n\t"                                                                  \
  "bge 2b\n"                                                                         \
  "7:\n\t"                                                                           \
  "adds r2, #4\n\t" /* 0..3 left */                                                  \
  "cmp r2, #2\n\t"                                                                   \
  "blt 3f\n\t" DW_RQ2                                                                \
  "subs r2, #2\n"                                                                    \
  "3:\n\t"                                                                           \
  "cmp r2, #1\n\t"                                                                   \
  "bne 4f\n\t"                                                                       \
  "ldr r8, [r1]\n\t"                                                                 \
  "smmlar r10, r8, r5, r8\n\t"                                                       \
  "add r8, r6, r8, asr #31\n\t"                                                      \
  "qadd r10, r10, r8\n\t"                                                            \
  "asr r10, r10, r7\n\t"                                                             \
  "ssat r10, #8, r10\n\t"                                                            \
  "strb r10, [r3]\n"                                                                 \
  "4:\n\t"                                                                           \
  "pop {r1, r4-r11, pc}\n\t.size " name ", .-" name "\n\t"
/* one filter row for the pixel pair: accumulators r12 / lr from A0 / A1 (r3 = init first) */
#define DW_S1_ROW(O, W01, W12, A0, A1)                                               \
  "ldrd r10, r11, [r0, #" O "]\n\t"                                                  \
  "smlad r12, r10, " W01 ", " A0 "\n\t"                                              \
  "smlatb lr, r10, " W01 ", " A1 "\n\t"                                              \
  "smlabt r12, r11, " W12 ", r12\n\t"                                                \
  "smlad lr, r11, " W12 ", lr\n\t"
#define DW_S2_ROW(O, O8, W01, W12, A0, A1)                                           \
  "ldrd r10, r11, [r0, #" O "]\n\t"                                                  \
  "smlad r12, r10, " W01 ", " A0 "\n\t"                                              \
  "smlabt r12, r11, " W12 ", r12\n\t"                                                \
  "smlad lr, r11, " W01 ", " A1 "\n\t"                                               \
  "ldr r10, [r0, #" O8 "]\n\t"                                                       \
  "smlabt lr, r10, " W12 ", lr\n\t"
/* a pixel pair: filter rows at byte offsets O0, O1, O2 from r0 */
#define DW_S1_PAIR(O0, O1, O2)                                                       \
  DW_S1_ROW(O0, "r4", "r5", "r3", "r3")                                              \
  DW_S1_ROW(O1, "r6", "r7", "r12", "lr")                                             \
  DW_S1_ROW(O2, "r8", "r9", "r12", "lr")                                             \
  "strd r12, lr, [r1], #8\n\t"
#define DW_S2_PAIR(O0, O1, O2, P0, P1, P2)                                           \
  DW_S2_ROW(O0, P0, "r4", "r5", "r3", "r3")                                          \
  DW_S2_ROW(O1, P1, "r6", "r7", "r12", "lr")                                         \
  DW_S2_ROW(O2, P2, "r8", "r9", "r12", "lr")                                         \
  "strd r12, lr, [r1], #8\n\t"
/* 2 pixel pairs per loop trip (35 instructions for 36 MACs at stride 1), then an odd pair;
 * Q*: the second pair's offsets (stride 1: + 4 bytes, stride 2: + 8) */
#define DW_S1_FN(name, O0, O1, O2, Q0, Q1, Q2)                                       \
  DW_FN_BEGIN(name)                                                                  \
  DW_S1_PAIR(O0, O1, O2) DW_S1_PAIR(Q0, Q1, Q2)                                      \
  "adds r0, #8\n\tsubs r2, #2\n\tbge 1b\n5:\n\tadds r2, #2\n\tbeq 6f\n\t"            \
  DW_S1_PAIR(O0, O1, O2) "6:\n\t" DW_FN_END(name)
#define DW_S2_FN(name, O0, O1, O2, P0, P1, P2, Q0, Q1, Q2, R0, R1, R2)               \
  DW_FN_BEGIN(name)                                                                  \
  DW_S2_PAIR(O0, O1, O2, P0, P1, P2) DW_S2_PAIR(Q0, Q1, Q2, R0, R1, R2)              \
  "adds r0, #16\n\tsubs r2, #2\n\tbge 1b\n5:\n\tadds r2, #2\n\tbeq 6f\n\t"           \
  DW_S2_PAIR(O0, O1, O2, P0, P1, P2) "6:\n\t" DW_FN_END(name)
/* rotation k: filter row ky is ring slot (k + ky) % 3, at byte slot * 132 */
/* the 4 channels of the group in one call (planes 396 B, jobs 64 B apart), each job fast */
#define DW_X4_FN(name, one)                                                          \
  ".section .text." name ",\"ax\",%progbits\n\t.balign 4\n\t.global " name           \
  "\n\t.type " name ", %function\n\t.thumb_func\n" name ":\n\t"                      \
  "push {r4, r5, r6, lr}\n\tmov r4, r0\n\tmov r5, r1\n\tmovs r6, #4\n"              \
  "1:\n\tmov r0, r4\n\tmov r1, r5\n\tbl " one "\n\t"                                 \
  "add r4, r4, #396\n\tadds r5, #64\n\tsubs r6, #1\n\tbne 1b\n\t"                     \
  "pop {r4, r5, r6, pc}\n\t.size " name ", .-" name "\n\t"
__asm__(".syntax unified\n\t.thumb\n\t"
        DW_S1_FN("r50_dw3_s1_k0", "0", "132", "264", "4", "136", "268")
        DW_S1_FN("r50_dw3_s1_k1", "132", "264", "0", "136", "268", "4")
        DW_S1_FN("r50_dw3_s1_k2", "264", "0", "132", "268", "4", "136")
        DW_S2_FN("r50_dw3_s2_k0", "0", "132", "264", "8", "140", "272",
                 "8", "140", "272", "16", "148", "280")
        DW_S2_FN("r50_dw3_s2_k1", "132", "264", "0", "140", "272", "8",
                 "140", "272", "8", "148", "280", "16")
        DW_S2_FN("r50_dw3_s2_k2", "264", "0", "132", "272", "8", "140",
                 "272", "8", "140", "280", "16", "148")
        DW_X4_FN("r50_dw3_s1_k0_x4", "r50_dw3_s1_k0")
        DW_X4_FN("r50_dw3_s1_k1_x4", "r50_dw3_s1_k1")
        DW_X4_FN("r50_dw3_s1_k2_x4", "r50_dw3_s1_k2")
        DW_X4_FN("r50_dw3_s2_k0_x4", "r50_dw3_s2_k0")
        DW_X4_FN("r50_dw3_s2_k1_x4", "r50_dw3_s2_k1")
        DW_X4_FN("r50_dw3_s2_k2_x4", "r50_dw3_s2_k2")
        ".text\n\t");
_Static_assert(DW_ROWB == 132, "the assembly's row offsets are 0, 132, 264");
typedef void dw3_row_fn(const uint32_t *plane, const dw3_job *job);
dw3_row_fn r50_dw3_s1_k0, r50_dw3_s1_k1, r50_dw3_s1_k2, r50_dw3_s2_k0, r50_dw3_s2_k1,
    r50_dw3_s2_k2, r50_dw3_s1_k0_x4, r50_dw3_s1_k1_x4, r50_dw3_s1_k2_x4, r50_dw3_s2_k0_x4,
    r50_dw3_s2_k1_x4, r50_dw3_s2_k2_x4;

static inline uint32_t pkhtb16(int32_t hi, int32_t lo) { /* [lo.top, hi.top] */
  uint32_t r;
  __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(hi), "r"(lo));
  return r;
}

/* Columns k, k + 1 of the slot from the 4-channel words u0, u1. */
static inline void pack_pair(uint32_t *q, uint32_t u0, uint32_t u1) {
  const int32_t e0 = sxtb16_lo(u0), e1 = sxtb16_lo(u1), o0 = sxtb16_hi(u0), o1 = sxtb16_hi(u1);
  q[0] = pkhbt16(e0, e1);          /* channel 0 */
  q[DW_CHS] = pkhbt16(o0, o1);     /* channel 1 */
  q[2 * DW_CHS] = pkhtb16(e1, e0); /* channel 2 */
  q[3 * DW_CHS] = pkhtb16(o1, o0); /* channel 3 */
}

/* Column k of the slot from the 4-channel word u (halfword stores). */
static inline void pack_one(uint32_t *d, int32_t k, uint32_t u) {
  const int32_t e = sxtb16_lo(u), o = sxtb16_hi(u);
  const uint16_t v[4] = {(uint16_t)e, (uint16_t)o, (uint16_t)((uint32_t)e >> 16),
                         (uint16_t)((uint32_t)o >> 16)};
  for (int ch = 0; ch < 4; ch++) memcpy((char *)(d + ch * DW_CHS) + 2 * k, &v[ch], 2);
}

/* Input row `row` (channel c0 of image column 0, or NULL: outside the image) into a ring
 * slot (d[ch * DW_CHS + i]: channel ch, columns 2i, 2i + 1), image columns ix0 ..
 * ix0 + ncols - 1 (ncols even). Only the columns inside the image are written: the others
 * keep the zero point of the segment's fill; a row outside the image is all zero point
 * (zp2: two int16 zero points). Column pairs: 18 instructions per 8 values (assembly). */
static void pack_row(uint32_t *d, const int8_t *row, int32_t ix0, int32_t ncols, int32_t in_w,
                     int32_t C, uint32_t zp2) {
  if (!row) {
    for (int ch = 0; ch < 4; ch++)
      for (int32_t i = 0; i < ncols / 2; i++) d[ch * DW_CHS + i] = zp2;
    return;
  }
  int32_t ka = ix0 >= 0 ? 0 : -ix0, kb = in_w - ix0 < ncols ? in_w - ix0 : ncols;
  if (kb <= ka) return;
  if (ka & 1) {
    pack_one(d, ka, ld32(row + (ptrdiff_t)(ix0 + ka) * C));
    ka++;
  }
  if ((kb - ka) & 1) {
    kb--;
    pack_one(d, kb, ld32(row + (ptrdiff_t)(ix0 + kb) * C));
  }
  if (kb == ka) return;
  const int8_t *x = row + (ptrdiff_t)(ix0 + ka) * C;
  uint32_t *q = d + ka / 2;
  int32_t n = (kb - ka) / 2;
  uint32_t u0, u1, e0, e1, t;
  __asm__ volatile(
      "1:\n\t"
      "ldr %[u0], [%[x]]\n\t"
      "ldr %[u1], [%[x], %[C]]\n\t"
      "add %[x], %[x], %[C], lsl #1\n\t"
      "sxtb16 %[e0], %[u0]\n\t"
      "sxtb16 %[e1], %[u1]\n\t"
      "sxtb16 %[u0], %[u0], ror #8\n\t"
      "sxtb16 %[u1], %[u1], ror #8\n\t"
      "pkhbt %[t], %[e0], %[e1], lsl #16\n\t"
      "str %[t], [%[q]]\n\t"
      "pkhtb %[t], %[e1], %[e0], asr #16\n\t"
      "str %[t], [%[q], #792]\n\t"
      "pkhbt %[t], %[u0], %[u1], lsl #16\n\t"
      "str %[t], [%[q], #396]\n\t"
      "pkhtb %[t], %[u1], %[u0], asr #16\n\t"
      "str %[t], [%[q], #1188]\n\t"
      "add %[q], %[q], #4\n\t"
      "subs %[n], %[n], #1\n\t"
      "bne 1b\n\t"
      : [u0] "=&r"(u0), [u1] "=&r"(u1), [e0] "=&r"(e0), [e1] "=&r"(e1), [t] "=&r"(t),
        [x] "+r"(x), [q] "+r"(q), [n] "+r"(n)
      : [C] "r"(C)
      : "memory", "cc");
}
_Static_assert(DW_CHS * 4 == 396, "pack_row's assembly stores the channel planes 396 B apart");

/* Requantize n accumulators of one channel (contiguous) into o, o + C, ... when the row
 * kernel did not (narrow activation range, or a channel without the fast form: fast = 0). */
static void requant_line(const r50_dwconv_params *p, const dw3_job *j, int fast, int32_t c,
                         const int32_t *a, int32_t n, int8_t *o) {
  const int32_t C = p->out_c, lo = p->q.act_min, hi = p->q.act_max;
  if (fast) {
    const int32_t m2 = j->m2, rc = j->rc, e = j->e;
    for (int32_t i = 0; i < n; i++, o += C) {
      int32_t h;
      __asm__("smmlar %0, %1, %2, %1" : "=r"(h) : "r"(a[i]), "r"(m2));
      int32_t v = __ssat(__qadd(h, rc + (a[i] >> 31)) >> e, 8);
      v = v < lo ? lo : v;
      v = v > hi ? hi : v;
      *o = (int8_t)v;
    }
  } else {
    for (int32_t i = 0; i < n; i++, o += C) *o = requant(&p->q, a[i], c);
  }
}

static int mod3(int32_t v) { return (int)(((v % 3) + 3) % 3); }

/* Channels [0, c4) of a 3x3, dilation 1, stride_w 1 or 2 depthwise convolution (stack:
 * ring 1.5 KiB + accumulators, weights, constants ~0.7 KiB). */
__attribute__((noinline)) static void dw3x3_planar(const r50_dwconv_params *p,
                                                   const int8_t *input, const int8_t *filter,
                                                   const int32_t *bias, int8_t *output,
                                                   int32_t c4) {
  const int32_t in_h = p->in_h, in_w = p->in_w, C = p->out_c, out_h = p->out_h;
  const int32_t out_w = p->out_w, sw = p->stride_w;
  const int32_t seg = sw == 1 ? DW_SEG1 : DW_SEG2;
  const uint32_t zp4 = (uint32_t)(uint8_t)(int8_t)-p->q.input_offset * 0x01010101u;
  const uint32_t zp2 = (uint32_t)sxtb16_lo(zp4); /* two int16 zero points */
  static dw3_row_fn *const fns[2][3] = {{r50_dw3_s1_k0, r50_dw3_s1_k1, r50_dw3_s1_k2},
                                        {r50_dw3_s2_k0, r50_dw3_s2_k1, r50_dw3_s2_k2}};
  static dw3_row_fn *const fns4[2][3] = {
      {r50_dw3_s1_k0_x4, r50_dw3_s1_k1_x4, r50_dw3_s1_k2_x4},
      {r50_dw3_s2_k0_x4, r50_dw3_s2_k1_x4, r50_dw3_s2_k2_x4}};
  dw3_row_fn *const *fn = fns[sw - 1], *const *fn4 = fns4[sw - 1];
  uint32_t ring[4 * DW_CHS];
  int32_t acc[DW_SEG1];
  dw3_job job[4];
  int rq[4]; /* the channel has the fast requantization */
  const int full = p->q.act_min <= -128 && p->q.act_max >= 127; /* SSAT is the whole clamp */
  for (int32_t b = 0; b < p->batch; b++) {
    const int8_t *in_b = input + (size_t)b * in_h * in_w * C;
    for (int32_t c0 = 0; c0 < c4; c0 += 4) {
      int fast4 = full; /* all 4 requantized by the row kernels */
      for (int ch = 0; ch < 4; ch++) {
        const int32_t c = c0 + ch;
        const int8_t *f = filter + c;
        dw3_job *j = &job[ch];
        int32_t sum = 0;
        for (int ky = 0; ky < 3; ky++) {
          const int32_t w0 = f[(3 * ky) * C], w1 = f[(3 * ky + 1) * C], w2 = f[(3 * ky + 2) * C];
          j->w[2 * ky] = (int32_t)pkhbt16(w0, w1);
          j->w[2 * ky + 1] = (int32_t)pkhbt16(w1, w2);
          sum += w0 + w1 + w2;
        }
        /* bias + off * sum(w), wrapping like the reference's int32 sum */
        j->init = (int32_t)((bias ? (uint32_t)bias[c] : 0u) +
                            (uint32_t)p->q.input_offset * (uint32_t)sum);
        rq[ch] = rq_consts(&p->q, c, &j->m2, &j->rc, &j->e);
        j->acc = acc;
        j->C = C;
        j->fast = rq[ch] && full;
        fast4 &= j->fast;
      }
      for (int32_t ox0 = 0; ox0 < out_w; ox0 += seg) {
        const int32_t n = out_w - ox0 < seg ? out_w - ox0 : seg, pairs = (n + 1) / 2;
        for (int ch = 0; ch < 4; ch++) {
          job[ch].pairs = pairs;
          job[ch].n = n;
        }
        const int32_t ix0 = ox0 * sw - p->pad_left;
        const int32_t ncols = sw == 1 ? 2 * pairs + 2 : 4 * pairs + 2; /* columns read */
        int32_t have[3] = {INT32_MIN, INT32_MIN, INT32_MIN}; /* input row in each ring slot */
        for (int i = 0; i < 4 * 3; i++) /* padding columns: the zero point (pack_row) */
          for (int32_t k = 0; k < ncols / 2; k++) ring[i * (DW_COLS / 2) + k] = zp2;
        for (int32_t oy = 0; oy < out_h; oy++) {
          const int32_t iy0 = oy * p->stride_h - p->pad_top;
          for (int32_t ky = 0; ky < 3; ky++) {
            const int32_t iy = iy0 + ky, sl = mod3(iy);
            if (have[sl] == iy) continue;
            have[sl] = iy;
            const int8_t *row = iy >= 0 && iy < in_h ? in_b + (size_t)iy * in_w * C + c0 : NULL;
            pack_row(ring + sl * (DW_COLS / 2), row, ix0, ncols, in_w, C, zp2);
          }
          int8_t *o = output + (((size_t)b * out_h + oy) * out_w + ox0) * C + c0;
          for (int ch = 0; ch < 4; ch++) job[ch].out = o + ch;
          if (fast4) {
            fn4[mod3(iy0)](ring, job);
          } else {
            dw3_row_fn *const rf = fn[mod3(iy0)];
            for (int ch = 0; ch < 4; ch++) {
              rf(ring + ch * DW_CHS, &job[ch]);
              if (!job[ch].fast) requant_line(p, &job[ch], rq[ch], c0 + ch, acc, n, o + ch);
            }
          }
        }
      }
    }
  }
}

/* Channels [0, c4) of any other depthwise convolution (filters up to DW_TAPS taps). Not
 * inlined, so its buffers are not on the stack during dw3x3_planar. */
__attribute__((noinline)) static void dw_generic(const r50_dwconv_params *p, const int8_t *input,
                                                 const int8_t *filter, const int32_t *bias,
                                                 int8_t *output, int32_t c4) {
  const int32_t in_h = p->in_h, in_w = p->in_w, C = p->out_c;
  const int32_t out_h = p->out_h, out_w = p->out_w, fh = p->filter_h, fw = p->filter_w;
  const int32_t sw = p->stride_w, dw = p->dilation_w;
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

void r50_dwconv2d_s8_dsp(const r50_dwconv_params *p, const int8_t *input, const int8_t *filter,
                         const int32_t *bias, int8_t *output) {
  const int32_t C = p->out_c, fh = p->filter_h, fw = p->filter_w;
  const int32_t c4 = fh * fw <= DW_TAPS ? C & ~3 : 0;
  if (c4 < C) tail_channels(p, input, filter, bias, output, c4);
  if (c4 == 0 || p->out_w <= 0) return;
  if (fh == 3 && fw == 3 && p->dilation_h == 1 && p->dilation_w == 1 && p->stride_w <= 2)
    dw3x3_planar(p, input, filter, bias, output, c4);
  else
    dw_generic(p, input, filter, bias, output, c4);
}

#else
typedef int r50_cortexm_dwconv_s8_dsp_unused; /* not a DSP Cortex-M build */
#endif

/* Cortex-M DSP int8 CONV_2D / FULLY_CONNECTED (see conv_s8_dsp.h) as a GEMM of
 * K = fh * fw * in_c (OHWI order) over int16 operands extended once, with a
 * 3-pixel x 2-channel register tile (DEPTHWISE_CONV_2D: dwconv_s8_dsp.c).
 *
 * Loop nest (tiling from r50_conv_dsp_tiling_of): blocks of cb output channels
 *   > blocks of npb output pixels (across rows and batches)
 *     > chunks of kw bytes of K: the block's weights for the chunk are
 *       sign-extended into the scratch (once per block when K is one chunk)
 *       > tiles of 3 pixels: their chunk bytes are gathered (or read in place)
 *         and extended once with the input offset added (SXTAB16 / SXTAB16 ROR #8:
 *         even and odd bytes as int16 pairs x + off, in [-255, 255]), then tile3x2 runs
 *         every channel pair of the block: per 4 k, LDM of 4 weight words + 3 LDRD of
 *         inputs + 12 SMLAD = 16 instructions for 24 MACs (a last 1 or 2 pixels:
 *         tile1x2 / tile2x2). The last chunk's tiles requantize in the assembly
 *         (tile3x2_rq) when every channel of the block has the fast form.
 * A chunk's K % 4 tail is zero-padded to a group of 4 k in the weights (it multiplies
 * zero weights), so the assembly has no tail code; it runs 32 groups a loop trip,
 * entered through a TBH table at any group (stem: K = 147 as 37 groups, not 40).
 * The sums start at the bias: the offset is in the inputs (sum w (x + off), the reference's
 * own formula, modulo 2^32 like its wrapping int32 sum), so no weight sums per call. A tap
 * outside the image (padding, borders) is gathered as the input zero point, so
 * x + off = 0 there and it adds nothing: exactly the reference, which skips it.
 * Requantization: SMMLAR + QADD + ASR + SSAT per output (rq_fast), exact; other
 * multipliers: mbqm_dsp, clamp.
 */
#include "conv_s8_dsp.h"

#if defined(R50_CORTEXM_DSP_KERNELS)

#include <arm_acle.h>
#include <stddef.h>
#include <string.h>

#include "../quant.h"
#include "dsp_util.h"

static inline int32_t smlad(int32_t a, int32_t b, int32_t acc) { return __smlad(a, b, acc); }

typedef struct {
  const r50_conv_params *p;
  const int8_t *filter;
  int32_t K;
  int32_t runs;    /* runs per filter row: 1 (dilation_w 1: the row's taps are contiguous) or fw */
  int32_t run_len; /* bytes per run */
  size_t in_row;
  int8_t zp;       /* input zero point (-input_offset): the value of a tap outside the image */
  int32_t iy_max, ix_max; /* window origins whose taps are all inside the image: 0 .. max */
  uint32_t off2;   /* the input offset in both int16 halves (SXTAB16) */
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


/* The channel pairs p < npairs of a 3-pixel tile over G groups of 4 k: acc = src + the pair's
 * dot products with the 3 pixels. x: per group, pixel j's even and odd int16 pair words at 2j,
 * 2j + 1 (24 bytes); w: per pair, per group, channel 0 even, odd, channel 1 even, odd (16
 * bytes), pairs contiguous; src / dst per pair: channel 0 pixels 0..2, channel 1 pixels 0..2.
 * Any G >= 1. src is the block's initial values (first chunk: init6) or the accumulators
 * themselves (src == dst). Assembly: the tile needs 6 accumulators + 4 weight + 2 input
 * registers + 2 pointers = 14, every register but SP and PC, so the other arguments live on
 * the stack (copied from tile_args). tile3x2_rq: on the last chunk, requantizes the 6 sums in
 * registers (rq_fast's SMMLAR + QADD + ASR + SSAT, per channel {m2, e, rr} from rq, 3 words)
 * and stores the bytes at out + ch, out + out_c + ch, out + 2 out_c + ch (3 consecutive pixels)
 * instead of the accumulators: no accumulator store, reload and C loop. tile2x2 / tile1x2: the
 * first 2 / 1 pixels only (a layer's last tile; the other dst words are src's). */
typedef struct {
  const int32_t *src;  /* per pair 6 initial values (advanced by the assembly) */
  const uint32_t *x;
  const uint32_t *x_end; /* x + 6 G words */
  int32_t npairs;
  int32_t entry;       /* TBH entry: (N - G % N) % N for N groups a loop trip */
  void *dst;           /* int32_t acc (store) or const rq_c * (tile3x2_rq) */
  int8_t *out;         /* tile3x2_rq: first pixel's output, channel oc0 */
  int32_t out_c;       /* tile3x2_rq: output pixel stride */
  const uint32_t *w;
} tile_args;

#define ARG __attribute__((unused)) /* read by the assembly from r0-r3 and the stack */
#define T_W "ldm r2!, {r8-r11}\n\t" /* the pair's 4 weight words of the group */
#define T_PIX(POST, A, B)                   \
  "ldrd r12, lr, [r1], #" POST "\n\t"       \
  "smlad " A ", r12, r8, " A "\n\t"         \
  "smlad " A ", lr, r9, " A "\n\t"          \
  "smlad " B ", r12, r10, " B "\n\t"        \
  "smlad " B ", lr, r11, " B "\n\t"
#define T_GROUP3 T_W T_PIX("8", "r0", "r5") T_PIX("8", "r3", "r6") T_PIX("8", "r4", "r7")
#define T_GROUP2 T_W T_PIX("8", "r0", "r5") T_PIX("16", "r3", "r6")
#define T_GROUP1 T_W T_PIX("24", "r0", "r5")
/* stack: [sp] src, +4 x, +8 x end, +12 pairs left, +16 entry, +20 dst, +24 out, +28 out_c */
#define T_TBH4 ".hword (10f - 0b) / 2, (11f - 0b) / 2, (12f - 0b) / 2, (13f - 0b) / 2\n\t"
#define T_LOOP4(G) "10:\n\t" G "11:\n\t" G "12:\n\t" G "13:\n\t" G
#define T_TBH16                                                                            \
      ".hword (10f - 0b) / 2, (11f - 0b) / 2, (12f - 0b) / 2, (13f - 0b) / 2\n\t"          \
      ".hword (14f - 0b) / 2, (15f - 0b) / 2, (16f - 0b) / 2, (17f - 0b) / 2\n\t"          \
      ".hword (18f - 0b) / 2, (19f - 0b) / 2, (20f - 0b) / 2, (21f - 0b) / 2\n\t"          \
      ".hword (22f - 0b) / 2, (23f - 0b) / 2, (24f - 0b) / 2, (25f - 0b) / 2\n\t"
#define T_TBH32 T_TBH16                                                                    \
      ".hword (26f - 0b) / 2, (27f - 0b) / 2, (28f - 0b) / 2, (29f - 0b) / 2\n\t"          \
      ".hword (30f - 0b) / 2, (31f - 0b) / 2, (32f - 0b) / 2, (33f - 0b) / 2\n\t"          \
      ".hword (34f - 0b) / 2, (35f - 0b) / 2, (36f - 0b) / 2, (37f - 0b) / 2\n\t"          \
      ".hword (38f - 0b) / 2, (39f - 0b) / 2, (40f - 0b) / 2, (41f - 0b) / 2\n\t"
#define T_LOOP16(G)                                                                        \
      "10:\n\t" G "11:\n\t" G "12:\n\t" G "13:\n\t" G "14:\n\t" G "15:\n\t" G              \
      "16:\n\t" G "17:\n\t" G "18:\n\t" G "19:\n\t" G "20:\n\t" G "21:\n\t" G              \
      "22:\n\t" G "23:\n\t" G "24:\n\t" G "25:\n\t" G
#define T_LOOP32(G) T_LOOP16(G)                                                            \
      "26:\n\t" G "27:\n\t" G "28:\n\t" G "29:\n\t" G "30:\n\t" G "31:\n\t" G              \
      "32:\n\t" G "33:\n\t" G "34:\n\t" G "35:\n\t" G "36:\n\t" G "37:\n\t" G              \
      "38:\n\t" G "39:\n\t" G "40:\n\t" G "41:\n\t" G
/* N = 4 or 32 groups a loop trip (tile3x2 / tile3x2_rq: 32; the 1- / 2-pixel tails, rare: 4,
 * small code) */
#define T_HEAD(GROUP, N)                                                                   \
      "push {r4-r11, lr}\n\t"                                                              \
      "sub sp, sp, #32\n\t"                                                                \
      "ldm r0, {r1-r9}\n\t"                                                                \
      "stm sp, {r1-r8}\n\t"                                                                \
      "mov r2, r9\n\t"                                                                     \
      "1:\n\t"                                                                             \
      "ldr lr, [sp]\n\t"                                                                   \
      "ldm lr!, {r0, r3, r4, r5, r6, r7}\n\t"                                              \
      "str lr, [sp]\n\t"                                                                   \
      "ldr r1, [sp, #4]\n\t"                                                               \
      "ldr r12, [sp, #16]\n\t"                                                             \
      "tbh [pc, r12, lsl #1]\n\t"                                                          \
      "0:\n\t"                                                                             \
      T_TBH##N T_LOOP##N(GROUP)                                                            \
      "ldr r12, [sp, #8]\n\t"                                                              \
      "cmp r1, r12\n\t"                                                                    \
      "bne 10b\n\t"
#define T_TAIL                                                                             \
      "ldr r12, [sp, #12]\n\t"                                                             \
      "subs r12, r12, #1\n\t"                                                              \
      "str r12, [sp, #12]\n\t"                                                             \
      "bne 1b\n\t"                                                                         \
      "add sp, sp, #32\n\t"                                                                \
      "pop {r4-r11, pc}\n\t"
#define T_BODY(GROUP, N)                                                                   \
  __asm__ volatile(T_HEAD(GROUP, N)                                                           \
      "ldr lr, [sp, #20]\n\t"                                                              \
      "stm lr!, {r0, r3, r4, r5, r6, r7}\n\t"                                              \
      "str lr, [sp, #20]\n\t" T_TAIL)
/* rq_fast of accumulator A into byte [ADDR]: r8 m2, r9 e, r10 rr, r12 scratch */
#define T_RQ(A, ADDR)                                                                      \
      "add r12, r10, " A ", asr #31\n\t"                                                   \
      "smmlar " A ", " A ", r8, " A "\n\t"                                                 \
      "qadd " A ", " A ", r12\n\t"                                                         \
      "asr " A ", " A ", r9\n\t"                                                           \
      "ssat " A ", #8, " A "\n\t"                                                          \
      "strb " A ", " ADDR "\n\t"

typedef void tile_fn(const tile_args *a);

__attribute__((naked, noinline)) static void tile3x2(ARG const tile_args *a) {
  T_BODY(T_GROUP3, 32);
}
__attribute__((naked, noinline)) static void tile2x2(ARG const tile_args *a) {
  T_BODY(T_GROUP2, 4);
}
__attribute__((naked, noinline)) static void tile1x2(ARG const tile_args *a) {
  T_BODY(T_GROUP1, 4);
}
__attribute__((naked, noinline)) static void tile3x2_rq(ARG const tile_args *a) {
  __asm__ volatile(T_HEAD(T_GROUP3, 32)
      "ldr lr, [sp, #20]\n\t"       /* rq: channel 0's m2, e, rr */
      "ldm lr!, {r8-r10}\n\t"
      "ldr r1, [sp, #24]\n\t"       /* out */
      "ldr r11, [sp, #28]\n\t"      /* out_c */
      T_RQ("r0", "[r1]") T_RQ("r3", "[r1, r11]") T_RQ("r4", "[r1, r11, lsl #1]")
      "ldm lr!, {r8-r10}\n\t"       /* channel 1 */
      "str lr, [sp, #20]\n\t"
      "adds r1, r1, #1\n\t"
      T_RQ("r5", "[r1]") T_RQ("r6", "[r1, r11]") T_RQ("r7", "[r1, r11, lsl #1]")
      "adds r1, r1, #1\n\t"
      "str r1, [sp, #24]\n\t" T_TAIL);
}
#undef T_W
#undef T_PIX
#undef T_GROUP3
#undef T_GROUP2
#undef T_GROUP1
#undef T_BODY
#undef T_TBH4
#undef T_LOOP4
#undef T_TBH16
#undef T_TBH32
#undef T_LOOP16
#undef T_LOOP32
#undef T_HEAD
#undef T_TAIL
#undef T_RQ

/* g4 >= 1 groups of 4 bytes of two channels (s0, s1: any alignment) -> d: per group
 * s0 even, odd, s1 even, odd (tile3x2's weight layout): 2 LDR + 4 SXTB16 + STM. */
__attribute__((naked, noinline)) static void ext_pair(ARG const int8_t *s0, ARG const int8_t *s1,
                                                      ARG uint32_t *d, ARG int32_t g4) {
  __asm__ volatile(
      "push {r4-r7}\n\t"
      "1:\n\t"
      "ldr r4, [r0], #4\n\t"
      "ldr r6, [r1], #4\n\t"
      "sxtb16 r5, r4, ror #8\n\t"
      "sxtb16 r4, r4\n\t"
      "sxtb16 r7, r6, ror #8\n\t"
      "sxtb16 r6, r6\n\t"
      "stm r2!, {r4-r7}\n\t"
      "subs r3, r3, #1\n\t"
      "bne 1b\n\t"
      "pop {r4-r7}\n\t"
      "bx lr\n\t");
}

/* g4 >= 1 groups of 4 bytes of three pixels -> d: per group pixel 0 even, odd, pixel 1 even,
 * odd, pixel 2 even, odd (tile3x2's input layout), each int16 plus the input offset (off2: the
 * offset in both halves): 3 LDR + 6 SXTAB16 + STM, as many as a plain extension. */
__attribute__((naked, noinline)) static void ext_x3(ARG const int8_t *s0, ARG const int8_t *s1,
                                                    ARG const int8_t *s2, ARG uint32_t *d,
                                                    ARG int32_t g4, ARG uint32_t off2) {
  __asm__ volatile(
      "push {r4-r10}\n\t"
      "ldr r12, [sp, #28]\n\t" /* g4 (5th argument) */
      "ldr r10, [sp, #32]\n\t" /* off2 (6th) */
      "1:\n\t"
      "ldr r4, [r0], #4\n\t"
      "ldr r6, [r1], #4\n\t"
      "ldr r8, [r2], #4\n\t"
      "sxtab16 r5, r10, r4, ror #8\n\t"
      "sxtab16 r4, r10, r4\n\t"
      "sxtab16 r7, r10, r6, ror #8\n\t"
      "sxtab16 r6, r10, r6\n\t"
      "sxtab16 r9, r10, r8, ror #8\n\t"
      "sxtab16 r8, r10, r8\n\t"
      "stm r3!, {r4-r9}\n\t"
      "subs r12, r12, #1\n\t"
      "bne 1b\n\t"
      "pop {r4-r10}\n\t"
      "bx lr\n\t");
}
#undef ARG

/* The n & 3 tail bytes at s as one zero-padded word's even and odd int16 pairs, plus off2
 * (inputs: the offset; the padding meets zero weights). */
static inline void ext_tail(const int8_t *s, int32_t n3, uint32_t *d, uint32_t off2) {
  uint32_t v = 0, hi;
  for (int32_t i = 0; i < n3; i++) v |= (uint32_t)(uint8_t)s[i] << (8 * i);
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(hi) : "r"(off2), "r"(v));
  d[0] = __sxtab16(off2, v);
  d[1] = hi;
}

/* Output pixel idx (0 .. batch * out_h * out_w) of the call as batch, row, column: set once
 * per pixel block, then advanced pixel by pixel (no divisions per pixel). */
typedef struct {
  int32_t idx, b, oy, ox;
} cursor;

static void cur_set(const r50_conv_params *p, int32_t idx, cursor *u) {
  const int32_t hw = p->out_h * p->out_w;
  u->idx = idx;
  u->b = idx / hw;
  const int32_t r = idx - u->b * hw;
  u->oy = r / p->out_w;
  u->ox = r - u->oy * p->out_w;
}

static inline void cur_next(const r50_conv_params *p, cursor *u) {
  u->idx++;
  if (++u->ox == p->out_w) {
    u->ox = 0;
    if (++u->oy == p->out_h) {
      u->oy = 0;
      u->b++;
    }
  }
}

/* The cursor's pixel: window origin, taps inside the image (all of them unless the window
 * crosses a border: no division then). */
static void pixel(const conv_ctx *c, const int8_t *input, int8_t *output, const cursor *u,
                  pix_t *q) {
  const r50_conv_params *p = c->p;
  q->in_b = input + (size_t)u->b * p->in_h * c->in_row;
  q->iy0 = u->oy * p->stride_h - p->pad_top;
  q->ix0 = u->ox * p->stride_w - p->pad_left;
  if (q->iy0 >= 0 && q->iy0 <= c->iy_max) {
    q->ky0 = 0;
    q->ky1 = p->filter_h;
  } else {
    r50_tap_range(q->iy0, p->dilation_h, p->in_h, p->filter_h, &q->ky0, &q->ky1);
  }
  if (q->ix0 >= 0 && q->ix0 <= c->ix_max) {
    q->kx0 = 0;
    q->kx1 = p->filter_w;
  } else {
    r50_tap_range(q->ix0, p->dilation_w, p->in_w, p->filter_w, &q->kx0, &q->kx1);
  }
  q->out = output + (size_t)u->idx * p->out_c;
}

/* Channels [oc0, oc0 + nc) of the chunk [k0, k0 + n) as int16 pairs into w (tile3x2's
 * layout, G groups; the K % 4 tail, the padding to G groups and an odd block's last
 * channel are zeros). */
static void extend_w(const conv_ctx *c, int32_t oc0, int32_t nc, int32_t k0, int32_t n,
                     int32_t G, uint32_t *w) {
  const int32_t g4 = n / 4, gn = (n + 3) / 4, npairs = (nc + 1) / 2;
  for (int32_t pr = 0; pr < npairs; pr++) {
    uint32_t *d = w + (size_t)pr * G * 4;
    const int8_t *s0 = c->filter + (size_t)(oc0 + 2 * pr) * c->K + k0;
    if (2 * pr + 1 < nc) {
      const int8_t *s1 = s0 + c->K;
      if (g4) ext_pair(s0, s1, d, g4);
      if (n & 3) {
        ext_tail(s0 + 4 * g4, n & 3, d + 4 * g4, 0);
        ext_tail(s1 + 4 * g4, n & 3, d + 4 * g4 + 2, 0);
      }
    } else { /* an odd block's last channel; its partner is zero */
      for (int32_t g = 0; g < g4; g++) {
        const uint32_t v = ld32(s0 + 4 * g);
        d[4 * g] = (uint32_t)sxtb16_lo(v);
        d[4 * g + 1] = (uint32_t)sxtb16_hi(v);
        d[4 * g + 2] = d[4 * g + 3] = 0;
      }
      if (n & 3) {
        ext_tail(s0 + 4 * g4, n & 3, d + 4 * g4, 0);
        d[4 * g4 + 2] = d[4 * g4 + 3] = 0;
      }
    }
    memset(d + 4 * gn, 0, (size_t)(G - gn) * 16); /* padding: zero weights */
  }
}

/* The 3 pixels' chunk [k0, k0 + n) as int16 pairs into x (tile3x2's layout; groups past
 * ceil(n / 4) are left as they are: they meet zero weights). */
static void extend_x(const conv_ctx *c, const pix_t *q, int32_t k0, int32_t n, uint32_t *x,
                     int8_t *stage, size_t stage_bytes) {
  const int32_t g4 = n / 4;
  const int8_t *s[3];
  for (int j = 0; j < 3; j++) s[j] = gather(c, &q[j], k0, n, stage + (size_t)j * stage_bytes);
  if (g4) ext_x3(s[0], s[1], s[2], x, g4, c->off2);
  if (n & 3)
    for (int j = 0; j < 3; j++) ext_tail(s[j] + 4 * g4, n & 3, x + 6 * g4 + 2 * j, c->off2);
}

/* Requantization constants of one output channel (rq_prep), or e = 0: the general path. */
typedef struct {
  int32_t m2; /* 2 m - 2^32 as int32 (SMMLAR form of m) */
  int32_t e;  /* right shift, 1..23 */
  int32_t rr; /* 2^(e-1) + output_offset * 2^e */
} rq_c;

/* Exact in 32 bits for 1 <= e <= 23 and m >= 2^30 (QuantizeMultiplier's normal form): with
 * m2 = 2m - 2^32 (as int32), SMMLAR(a, m2, a) = a + floor((2am + 2^31) / 2^32) - a =
 * floor((am + 2^30) / 2^31) = h = SRDHM(a, m) for any int32 a; RoundingDivideByPOT(h, e) + zo
 * = floor((h + 2^(e-1) - [a < 0]) / 2^e) + zo (see mbqm_dsp) = (h + rr - [a < 0]) >> e. The
 * sum is QADD-saturated: when it saturates, |true value| >= 2^(31-e) >= 256, and so is
 * |saturated >> e|, so SSAT to int8 gives the same -128 or 127. */
static int rq_prep(const r50_requant_s8 *rq, int32_t oc0, int32_t nc, rq_c *r) {
  int all = 1;
  for (int32_t ch = 0; ch < nc; ch++) {
    const int32_t m = rq->out_mult[oc0 + ch], sh = rq->out_shift[oc0 + ch];
    r[ch].e = 0;
    if (sh <= -1 && sh >= -23 && m >= 0x40000000) {
      r[ch].m2 = (int32_t)((uint32_t)m << 1);
      r[ch].e = -sh;
      r[ch].rr = (int32_t)((1u << (-sh - 1)) + ((uint32_t)rq->output_offset << -sh));
    }
    all &= r[ch].e != 0;
  }
  return all; /* every channel has the fast form */
}

static inline int32_t rq_fast(int32_t m2, int32_t e, int32_t rr, int32_t a) {
  int32_t h;
  __asm__("smmlar %0, %1, %2, %1" : "=r"(h) : "r"(a), "r"(m2));
  return __ssat(__qadd(h, rr + (a >> 31)) >> e, 8);
}

/* Outputs of the tile's nq pixels (q) for channels [oc0, oc0 + nc) from tile3x2's acc. */
static void requant_tile(const r50_requant_s8 *rq, const rq_c *rc, int all_fast, const pix_t *q,
                         int nq, int32_t oc0, int32_t nc, const int32_t *acc) {
  const int32_t zo = rq->output_offset, lo = rq->act_min, hi = rq->act_max;
  const int full = lo <= -128 && hi >= 127;
  int8_t *const o0 = q[0].out + oc0, *const o1 = q[1].out + oc0, *const o2 = q[2].out + oc0;
  int32_t ch = 0;
  if (all_fast && full && nq == 3) { /* the common case, a channel pair (6 outputs) a trip */
    const int32_t *a = acc;
    const rq_c *r = rc;
    for (; ch + 1 < nc; ch += 2, a += 6, r += 2) {
      const int32_t m2 = r[0].m2, e = r[0].e, rr = r[0].rr;
      const int32_t n2 = r[1].m2, f = r[1].e, ss = r[1].rr;
      const int32_t v0 = rq_fast(m2, e, rr, a[0]), v1 = rq_fast(m2, e, rr, a[1]);
      const int32_t v2 = rq_fast(m2, e, rr, a[2]), w0 = rq_fast(n2, f, ss, a[3]);
      const int32_t w1 = rq_fast(n2, f, ss, a[4]), w2 = rq_fast(n2, f, ss, a[5]);
      o0[ch] = (int8_t)v0;
      o1[ch] = (int8_t)v1;
      o2[ch] = (int8_t)v2;
      o0[ch + 1] = (int8_t)w0;
      o1[ch + 1] = (int8_t)w1;
      o2[ch + 1] = (int8_t)w2;
    }
  }
  for (; ch < nc; ch++) {
    const int32_t *a3 = acc + (ch >> 1) * 6 + (ch & 1) * 3;
    /* constants and accumulators into locals before the byte stores (which may alias them) */
    const int32_t m2 = rc[ch].m2, e = rc[ch].e, rr = rc[ch].rr;
    const int32_t a0 = a3[0], a1 = a3[1], a2 = a3[2];
    if (e && nq < 3 && full) { /* a last 1 or 2 pixels */
      const int32_t v0 = rq_fast(m2, e, rr, a0), v1 = rq_fast(m2, e, rr, a1);
      o0[ch] = (int8_t)v0;
      if (nq == 2) o1[ch] = (int8_t)v1;
    } else if (e && nq == 3 && full) { /* no fused activation: SSAT is the clamp */
      const int32_t v0 = rq_fast(m2, e, rr, a0), v1 = rq_fast(m2, e, rr, a1);
      const int32_t v2 = rq_fast(m2, e, rr, a2);
      o0[ch] = (int8_t)v0;
      o1[ch] = (int8_t)v1;
      o2[ch] = (int8_t)v2;
    } else if (e && nq == 3) {
      int32_t v0 = rq_fast(m2, e, rr, a0), v1 = rq_fast(m2, e, rr, a1);
      int32_t v2 = rq_fast(m2, e, rr, a2);
      v0 = v0 < lo ? lo : v0 > hi ? hi : v0;
      v1 = v1 < lo ? lo : v1 > hi ? hi : v1;
      v2 = v2 < lo ? lo : v2 > hi ? hi : v2;
      o0[ch] = (int8_t)v0;
      o1[ch] = (int8_t)v1;
      o2[ch] = (int8_t)v2;
    } else {
      const int32_t cc = oc0 + ch, m = rq->out_mult[cc], sh = rq->out_shift[cc];
      for (int j = 0; j < nq; j++)
        q[j].out[cc] = (int8_t)r50_clamp_i32(mbqm_dsp(a3[j], m, sh) + zo, lo, hi);
    }
  }
}

void r50_conv2d_s8_dsp(const r50_conv_params *p, const r50_conv_dsp_tiling *t,
                       const int8_t *input, const int8_t *filter, const int32_t *bias,
                       int8_t *output, void *scratch) {
  const int32_t fh = p->filter_h, fw = p->filter_w, out_c = p->out_c;
  const int32_t off = p->q.input_offset;
  conv_ctx c;
  c.p = p;
  c.filter = filter;
  c.K = fh * fw * p->in_c;
  c.in_row = (size_t)p->in_w * p->in_c;
  c.runs = p->dilation_w == 1 ? 1 : fw;
  c.run_len = p->dilation_w == 1 ? fw * p->in_c : p->in_c;
  c.zp = (int8_t)-off; /* int8 zero point: input_offset in [-127, 128] */
  c.off2 = ((uint32_t)off & 0xFFFFu) * 0x10001u;
  c.iy_max = p->in_h - 1 - (fh - 1) * p->dilation_h;
  c.ix_max = p->in_w - 1 - (fw - 1) * p->dilation_w;
  const int32_t npix = p->batch * p->out_h * p->out_w;
  if (c.K <= 0 || npix <= 0) return;
  uint8_t *const s8 = (uint8_t *)scratch;
  uint32_t *const W = (uint32_t *)(s8 + t->w_off), *const X = (uint32_t *)(s8 + t->x_off);
  int32_t *const ACC = (int32_t *)(s8 + t->acc_off);
  int8_t *const stage = (int8_t *)(s8 + t->st_off);
  const size_t stage_bytes = ((size_t)t->kw + 4u + 3u) / 4u * 4u;
  const int one_chunk = t->kw >= c.K;
  const int full = p->q.act_min <= -128 && p->q.act_max >= 127;
  int32_t init6[3 * R50_DSP_CB_MAX]; /* per pair: channel 0's init x 3, channel 1's x 3 */
  rq_c rc[R50_DSP_CB_MAX];
  tile_args ta;
  ta.out_c = out_c;
  for (int32_t oc0 = 0; oc0 < out_c; oc0 += t->cb) {
    const int32_t nc = out_c - oc0 < t->cb ? out_c - oc0 : t->cb, npairs = (nc + 1) / 2;
    for (int32_t ch = 0; ch < 2 * npairs; ch++) {
      const int32_t v = ch < nc && bias ? bias[oc0 + ch] : 0;
      int32_t *const d = init6 + 6 * (ch >> 1) + 3 * (ch & 1);
      d[0] = d[1] = d[2] = v;
    }
    const int all_fast = rq_prep(&p->q, oc0, nc, rc);
    /* the 3-pixel tiles of the last chunk requantize in the assembly */
    const int rq_asm = all_fast && full && !(nc & 1);
    ta.npairs = npairs;
    for (int32_t pix0 = 0; pix0 < npix; pix0 += t->npb) {
      const int32_t npx = npix - pix0 < t->npb ? npix - pix0 : t->npb;
      for (int32_t k0 = 0; k0 < c.K; k0 += t->kw) {
        const int32_t n = c.K - k0 < t->kw ? c.K - k0 : t->kw, G = (n + 3) / 4;
        if (!one_chunk || pix0 == 0) extend_w(&c, oc0, nc, k0, n, G, W);
        const int last = k0 + n >= c.K;
        ta.x = X;
        ta.x_end = X + 6 * G;
        ta.entry = (32 - G % 32) & 31;
        cursor u;
        cur_set(p, pix0, &u);
        for (int32_t j0 = 0; j0 < npx; j0 += 3) {
          const int nq = npx - j0 < 3 ? (int)(npx - j0) : 3;
          pix_t q[3];
          for (int j = 0; j < nq; j++, cur_next(p, &u)) pixel(&c, input, output, &u, &q[j]);
          for (int j = nq; j < 3; j++) q[j] = q[0]; /* a last 1 or 2 pixels: spare slots */
          int32_t *acc = ACC + (size_t)j0 * 2 * npairs; /* (j0 / 3) * npairs * 6 */
          extend_x(&c, q, k0, n, X, stage, stage_bytes);
          ta.src = k0 == 0 ? init6 : acc;
          ta.w = W;
          if (last && rq_asm && nq == 3) {
            ta.dst = rc;
            ta.out = q[0].out + oc0;
            tile3x2_rq(&ta);
            continue;
          }
          ta.dst = acc;
          tile_fn *const run = nq == 3 ? tile3x2 : nq == 2 ? tile2x2 : tile1x2;
          if (nq < 3) ta.entry = (4 - G % 4) & 3;
          run(&ta);
          if (last) requant_tile(&p->q, rc, all_fast, q, nq, oc0, nc, acc);
        }
      }
    }
  }
}

/* FULLY_CONNECTED with one input row (batch 1): each weight is used once, so extending the
 * weights to int16 (and summing them) would cost more than the MACs; instead the input is
 * extended once with the offset added (x + off in [-255, 255] as int16 pairs, SXTB16 +
 * SADD16: no weight sums) and the int8 weights are read in place, 4 channels a pass:
 * per 4 k one LDRD of x, then per channel LDR + 2 SXTB16 + 2 SMLAD (21 per 16 MACs). */
static void fc1(const r50_fc_params *p, const int8_t *input, const int8_t *weights,
                const int32_t *bias, int8_t *output, uint32_t *xs) {
  const int32_t in = p->in, n4 = in / 4, off = p->q.input_offset;
  const uint32_t off2 = ((uint32_t)off & 0xFFFFu) * 0x10001u;
  for (int32_t g = 0; g < n4; g++) {
    const uint32_t v = ld32(input + 4 * g);
    xs[2 * g] = __sadd16((uint32_t)sxtb16_lo(v), off2);
    xs[2 * g + 1] = __sadd16((uint32_t)sxtb16_hi(v), off2);
  }
  const r50_requant_s8 *rq = &p->q;
  const int32_t lo = rq->act_min, hi = rq->act_max;
  rq_c rc[4];
  for (int32_t o0 = 0; o0 < p->out; o0 += 4) {
    const int32_t nc = p->out - o0 < 4 ? p->out - o0 : 4;
    int32_t acc[4];
    for (int32_t ch = 0; ch < nc; ch++) {
      const int8_t *w = weights + (size_t)(o0 + ch) * in;
      int32_t a = bias ? bias[o0 + ch] : 0;
      for (int32_t k = 4 * n4; k < in; k++) a += (int32_t)w[k] * ((int32_t)input[k] + off);
      acc[ch] = a;
    }
    if (nc == 4) {
      const int8_t *w0 = weights + (size_t)o0 * in, *w1 = w0 + in, *w2 = w1 + in, *w3 = w2 + in;
      int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
      for (int32_t g = 0; g < n4; g++) {
        const int32_t xe = (int32_t)xs[2 * g], xo = (int32_t)xs[2 * g + 1];
        const uint32_t v0 = ld32(w0 + 4 * g), v1 = ld32(w1 + 4 * g);
        const uint32_t v2 = ld32(w2 + 4 * g), v3 = ld32(w3 + 4 * g);
        a0 = smlad(sxtb16_hi(v0), xo, smlad(sxtb16_lo(v0), xe, a0));
        a1 = smlad(sxtb16_hi(v1), xo, smlad(sxtb16_lo(v1), xe, a1));
        a2 = smlad(sxtb16_hi(v2), xo, smlad(sxtb16_lo(v2), xe, a2));
        a3 = smlad(sxtb16_hi(v3), xo, smlad(sxtb16_lo(v3), xe, a3));
      }
      acc[0] = a0;
      acc[1] = a1;
      acc[2] = a2;
      acc[3] = a3;
    } else {
      for (int32_t ch = 0; ch < nc; ch++) {
        const int8_t *w = weights + (size_t)(o0 + ch) * in;
        int32_t a = acc[ch];
        for (int32_t g = 0; g < n4; g++) {
          const uint32_t v = ld32(w + 4 * g);
          a = smlad(sxtb16_hi(v), (int32_t)xs[2 * g + 1], smlad(sxtb16_lo(v), (int32_t)xs[2 * g], a));
        }
        acc[ch] = a;
      }
    }
    rq_prep(rq, o0, nc, rc);
    for (int32_t ch = 0; ch < nc; ch++) {
      int32_t v;
      if (rc[ch].e) {
        v = rq_fast(rc[ch].m2, rc[ch].e, rc[ch].rr, acc[ch]);
      } else {
        v = mbqm_dsp(acc[ch], rq->out_mult[o0 + ch], rq->out_shift[o0 + ch]) + rq->output_offset;
      }
      output[o0 + ch] = (int8_t)r50_clamp_i32(v, lo, hi);
    }
  }
}

void r50_fc_s8_dsp(const r50_fc_params *p, const r50_conv_dsp_tiling *t, const int8_t *input,
                   const int8_t *weights, const int32_t *bias, int8_t *output, void *scratch) {
  if (p->batch == 1 && p->in >= 4 && (uint32_t)p->in * 2u <= t->bytes) {
    fc1(p, input, weights, bias, output, (uint32_t *)scratch);
    return;
  }
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
  r50_conv2d_s8_dsp(&c, t, input, weights, bias, output, scratch);
}

#else
typedef int r50_cortexm_conv_s8_dsp_unused; /* not a DSP Cortex-M build */
#endif

/* int8 CONV_2D / FULLY_CONNECTED as GEMM with baseline NEON (AArch64
 * Cortex-A35/A53 without dot product, and Armv7-A NEON Cortex-A7), bit-exact
 * with r50_conv2d_s8_ref. See conv_s8_arm.h.
 *
 * Micro-kernel: MR rows x 4 channels; per 16 k: SMULL of the low 8 bytes,
 * SMLAL of the high 8 bytes (or a second SMULL + SADALP when a weight is -128)
 * and SADALP into one int32x4 per (row, channel); the four lanes of each are
 * summed pairwise at the end. MR = 4 on AArch64 (16 accumulators of 32
 * registers), 2 on Armv7 (16 q registers). Packed weights: per panel of 4
 * channels, per 16 k: 4 x 16 bytes. */
#if defined(__ARM_NEON) && (defined(__aarch64__) || defined(__arm__))
#include "conv_s8_arm_impl.h"

#define NR 4
#if defined(__aarch64__)
#define MR 4
#else
#define MR 2
#endif

void r50_requant4__neon(const int32_t *acc, const int32_t *mult, const int32_t *shift, int32_t off,
                        int32_t lo, int32_t hi, int32_t *out) {
  int32_t l[4], r[4];
  for (int i = 0; i < 4; i++) {
    l[i] = shift[i] > 0 ? shift[i] : 0;
    r[i] = shift[i] > 0 ? 0 : shift[i];
  }
  vst1q_s32(out, arm_requant(vld1q_s32(acc), vld1q_s32(mult), vld1q_s32(l), vld1q_s32(r),
                             vdupq_n_s32(off), vdupq_n_s32(lo), vdupq_n_s32(hi)));
}

size_t r50_conv_s8_arm_mem__neon(const r50_conv_params *p) {
  r50_conv_s8_arm c;
  return arm_conv_geometry(&c, p, NR);
}

size_t r50_conv_s8_arm_prepare__neon(r50_conv_s8_arm *c, const r50_conv_params *p,
                                     const int8_t *filter, const int32_t *bias, void *mem) {
  arm_conv_geometry(c, p, NR);
  const size_t sb = arm_conv_arrays(c, filter, bias, mem, MR);
  int8_t *w = (int8_t *)mem + (size_t)c->Np * 16;
  const int32_t kc = c->Kp / 16;
  for (int32_t j = 0; j < c->Np / NR; j++)
    for (int32_t g = 0; g < kc; g++) {
      int8_t *d = w + ((size_t)j * kc + g) * NR * 16;
      for (int32_t n = 0; n < NR; n++)
        for (int32_t t = 0; t < 16; t++) {
          const int32_t oc = j * NR + n, k = g * 16 + t;
          d[n * 16 + t] = oc < p->out_c && k < c->K ? filter[(size_t)oc * c->K + k] : 0;
        }
    }
  c->w = w;
  return sb;
}

static inline int32x4_t hsum4(int32x4_t a, int32x4_t b, int32x4_t c, int32x4_t d) {
#if defined(__aarch64__)
  return vpaddq_s32(vpaddq_s32(a, b), vpaddq_s32(c, d));
#else
  const int32x2_t ab = vpadd_s32(vadd_s32(vget_low_s32(a), vget_high_s32(a)),
                                 vadd_s32(vget_low_s32(b), vget_high_s32(b)));
  const int32x2_t cd = vpadd_s32(vadd_s32(vget_low_s32(c), vget_high_s32(c)),
                                 vadd_s32(vget_low_s32(d), vget_high_s32(d)));
  return vcombine_s32(ab, cd);
#endif
}

static inline int16x8_t mul_pair(int8x16_t a, int8x16_t w) {
  const int16x8_t p = vmull_s8(vget_low_s8(a), vget_low_s8(w));
#if defined(__aarch64__)
  return vmlal_high_s8(p, a, w);
#else
  return vmlal_s8(p, vget_high_s8(a), vget_high_s8(w));
#endif
}

static inline int16x8_t mul_hi(int8x16_t a, int8x16_t w) {
#if defined(__aarch64__)
  return vmull_high_s8(a, w);
#else
  return vmull_s8(vget_high_s8(a), vget_high_s8(w));
#endif
}

/* Accumulators as named variables (GCC 12 kept a 2-D array of them on the stack). */
#define ZERO4(r) int32x4_t a##r##0 = z, a##r##1 = z, a##r##2 = z, a##r##3 = z
#define ROW_FAST(r)                                           \
  do {                                                        \
    const int8x16_t x = vld1q_s8(a[r] + k);                   \
    a##r##0 = vpadalq_s16(a##r##0, mul_pair(x, w0));          \
    a##r##1 = vpadalq_s16(a##r##1, mul_pair(x, w1));          \
    a##r##2 = vpadalq_s16(a##r##2, mul_pair(x, w2));          \
    a##r##3 = vpadalq_s16(a##r##3, mul_pair(x, w3));          \
  } while (0)
#define ONE_SLOW(acc, x, w)                                                     \
  acc = vpadalq_s16(vpadalq_s16(acc, vmull_s8(vget_low_s8(x), vget_low_s8(w))), \
                    mul_hi(x, w))
#define ROW_SLOW(r)                                           \
  do {                                                        \
    const int8x16_t x = vld1q_s8(a[r] + k);                   \
    ONE_SLOW(a##r##0, x, w0);                                 \
    ONE_SLOW(a##r##1, x, w1);                                 \
    ONE_SLOW(a##r##2, x, w2);                                 \
    ONE_SLOW(a##r##3, x, w3);                                 \
  } while (0)
#define STORE_ROW(r)                                                                           \
  if (r < mr)                                                                                  \
    arm_store4(out + (size_t)r * out_c + ch,                                                   \
               arm_requant(vaddq_s32(hsum4(a##r##0, a##r##1, a##r##2, a##r##3), bias), mult,   \
                           lsh, rshn, off, lo, hi),                                            \
               left)

static void tile(const r50_conv_s8_arm *c, const int8_t *const *a, int32_t mr, int8_t *out) {
  const int32_t out_c = c->p.out_c, kp = c->Kp;
  const int32x4_t off = vdupq_n_s32(c->p.q.output_offset);
  const int32x4_t lo = vdupq_n_s32(c->p.q.act_min), hi = vdupq_n_s32(c->p.q.act_max);
  const int32x4_t z = vdupq_n_s32(0);
  for (int32_t j = 0; j < c->Np / NR; j++) {
    const int8_t *wp = c->w + (size_t)j * kp * NR;
    ZERO4(0);
    ZERO4(1);
#if MR == 4
    ZERO4(2);
    ZERO4(3);
#endif
    if (c->nomin) {
      for (int32_t k = 0; k < kp; k += 16, wp += NR * 16) {
        const int8x16_t w0 = vld1q_s8(wp), w1 = vld1q_s8(wp + 16), w2 = vld1q_s8(wp + 32),
                        w3 = vld1q_s8(wp + 48);
        ROW_FAST(0);
        ROW_FAST(1);
#if MR == 4
        ROW_FAST(2);
        ROW_FAST(3);
#endif
      }
    } else { /* some weight is -128: (-128)*(-128) twice would overflow int16 */
      for (int32_t k = 0; k < kp; k += 16, wp += NR * 16) {
        const int8x16_t w0 = vld1q_s8(wp), w1 = vld1q_s8(wp + 16), w2 = vld1q_s8(wp + 32),
                        w3 = vld1q_s8(wp + 48);
        ROW_SLOW(0);
        ROW_SLOW(1);
#if MR == 4
        ROW_SLOW(2);
        ROW_SLOW(3);
#endif
      }
    }
    const int32_t ch = j * NR, left = out_c - ch;
    const int32x4_t bias = vld1q_s32(c->bias + ch), mult = vld1q_s32(c->mult + ch);
    const int32x4_t lsh = vld1q_s32(c->lsh + ch), rshn = vld1q_s32(c->rshn + ch);
    STORE_ROW(0);
    STORE_ROW(1);
#if MR == 4
    STORE_ROW(2);
    STORE_ROW(3);
#endif
  }
}

void r50_conv2d_s8__neon(const r50_conv_s8_arm *c, const int8_t *input, int8_t *output,
                         void *scratch, const r50_parallel *par) {
  arm_conv_run(c, input, output, scratch, par, MR, tile);
}

#else
typedef int r50_conv_s8_neon_unused;
#endif

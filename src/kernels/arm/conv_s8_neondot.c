/* int8 CONV_2D / FULLY_CONNECTED as GEMM with the Armv8.2 dot product (SDOT,
 * signed x signed: the raw int8 values, no +128 shift), bit-exact with
 * r50_conv2d_s8_ref. See conv_s8_arm.h. Compiled with -march=armv8.2-a+dotprod
 * only (CMakeLists.txt); called only at R50_ISA_NEONDOT (HWCAP_ASIMDDP).
 *
 * Micro-kernel: 8 rows x 8 channels (16 int32x4 accumulators, lanes =
 * channels); per 16 k, 8 row vectors and per group of 4 k two weight vectors,
 * SDOT by lane. Packed weights: per panel of 8 channels, per 4 k: 8 x 4 bytes. */
#if defined(__aarch64__) && defined(__ARM_FEATURE_DOTPROD)
#include "conv_s8_arm_impl.h"

#define NR 8
#define MR 8

size_t r50_conv_s8_arm_mem__neondot(const r50_conv_params *p) {
  r50_conv_s8_arm c;
  return arm_conv_geometry(&c, p, NR);
}

size_t r50_conv_s8_arm_prepare__neondot(r50_conv_s8_arm *c, const r50_conv_params *p,
                                        const int8_t *filter, const int32_t *bias, void *mem) {
  arm_conv_geometry(c, p, NR);
  const size_t sb = arm_conv_arrays(c, filter, bias, mem, MR);
  int8_t *w = (int8_t *)mem + (size_t)c->Np * 16;
  const int32_t groups = c->Kp / 4;
  for (int32_t j = 0; j < c->Np / NR; j++)
    for (int32_t g = 0; g < groups; g++) {
      int8_t *d = w + ((size_t)j * groups + g) * NR * 4;
      for (int32_t n = 0; n < NR; n++)
        for (int32_t t = 0; t < 4; t++) {
          const int32_t oc = j * NR + n, k = g * 4 + t;
          d[n * 4 + t] = oc < p->out_c && k < c->K ? filter[(size_t)oc * c->K + k] : 0;
        }
    }
  c->w = w;
  return sb;
}

static void tile(const r50_conv_s8_arm *c, const int8_t *const *a, int32_t mr, int8_t *out) {
  const int32_t out_c = c->p.out_c, kp = c->Kp;
  const int32x4_t off = vdupq_n_s32(c->p.q.output_offset);
  const int32x4_t lo = vdupq_n_s32(c->p.q.act_min), hi = vdupq_n_s32(c->p.q.act_max);
  for (int32_t j = 0; j < c->Np / NR; j++) {
    const int8_t *wp = c->w + (size_t)j * kp * NR;
    int32x4_t acc[MR][2];
#pragma GCC unroll 8
    for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = vdupq_n_s32(0);
    for (int32_t k = 0; k < kp; k += 16) {
      int8x16_t x[MR];
#pragma GCC unroll 8
      for (int r = 0; r < MR; r++) x[r] = vld1q_s8(a[r] + k);
#define GROUP(g)                                                      \
  do {                                                                \
    const int8x16_t w0 = vld1q_s8(wp), w1 = vld1q_s8(wp + 16);        \
    wp += 32;                                                         \
    _Pragma("GCC unroll 8")                                           \
    for (int r = 0; r < MR; r++) {                                    \
      acc[r][0] = vdotq_laneq_s32(acc[r][0], w0, x[r], g);            \
      acc[r][1] = vdotq_laneq_s32(acc[r][1], w1, x[r], g);            \
    }                                                                 \
  } while (0)
      GROUP(0);
      GROUP(1);
      GROUP(2);
      GROUP(3);
#undef GROUP
    }
    for (int32_t h = 0; h < 2; h++) {
      const int32_t ch = j * NR + 4 * h;
      if (ch >= out_c) break;
      const int32_t left = out_c - ch;
      const int32x4_t bias = vld1q_s32(c->bias + ch), mult = vld1q_s32(c->mult + ch);
      const int32x4_t lsh = vld1q_s32(c->lsh + ch), rshn = vld1q_s32(c->rshn + ch);
      for (int32_t r = 0; r < mr; r++)
        arm_store4(out + (size_t)r * out_c + ch,
                   arm_requant(vaddq_s32(acc[r][h], bias), mult, lsh, rshn, off, lo, hi), left);
    }
  }
}

void r50_conv2d_s8__neondot(const r50_conv_s8_arm *c, const int8_t *input, int8_t *output,
                            void *scratch, const r50_parallel *par) {
  arm_conv_run(c, input, output, scratch, par, MR, tile);
}

#else
typedef int r50_conv_s8_neondot_unused;
#endif

/* int8 MAX_POOL_2D / AVERAGE_POOL_2D / MEAN with NEON (see pool_s8_arm.h).
 * AArch64 and Armv7-A NEON; the loops are in ../pool_s8_impl.h. */
#if defined(__ARM_NEON) && (defined(__aarch64__) || defined(__arm__))
#include <arm_neon.h>

#include "../../runtime/parallel.h"
#include "../quant.h"
#include "../ref/conv.h" /* r50_tap_range */
#include "pool_s8_arm.h"

#include "../pool_s8_impl.h"

static void max_pixel(const int8_t *x, size_t row, size_t col, int32_t nky, int32_t nkx,
                      int32_t C, int32_t lo, int32_t hi, int8_t *out) {
  const int8x16_t vlo = vdupq_n_s8((int8_t)lo), vhi = vdupq_n_s8((int8_t)hi);
  int32_t c = 0;
  for (; c + 16 <= C; c += 16) {
    int8x16_t m = vdupq_n_s8(INT8_MIN);
    for (int32_t ky = 0; ky < nky; ky++) {
      const int8_t *xr = x + (size_t)ky * row + (size_t)c;
      for (int32_t kx = 0; kx < nkx; kx++) m = vmaxq_s8(m, vld1q_s8(xr + (size_t)kx * col));
    }
    vst1q_s8(out + c, vminq_s8(vmaxq_s8(m, vlo), vhi));
  }
  if (c + 8 <= C) {
    int8x8_t m = vdup_n_s8(INT8_MIN);
    for (int32_t ky = 0; ky < nky; ky++) {
      const int8_t *xr = x + (size_t)ky * row + (size_t)c;
      for (int32_t kx = 0; kx < nkx; kx++) m = vmax_s8(m, vld1_s8(xr + (size_t)kx * col));
    }
    vst1_s8(out + c, vmin_s8(vmax_s8(m, vget_low_s8(vlo)), vget_low_s8(vhi)));
    c += 8;
  }
  pool_max_scalar(x, row, col, nky, nkx, c, C, lo, hi, out);
}

/* trunc(n / d) for |n| <= 128.5 d, 1 <= d <= 2^16 (rcp = 1.0f / d): see
 * ../pool_s8_impl.h (R50_POOL_AVG_MAX_TAPS) for why the float estimate is the
 * quotient or one short of it in magnitude; the exact remainder fixes that. */
static inline int32x4_t div_trunc(int32x4_t n, int32x4_t d, float32x4_t rcp) {
  const int32x4_t q = vcvtq_s32_f32(vmulq_f32(vcvtq_f32_s32(n), rcp)); /* rounds toward zero */
  const int32x4_t r = vmlsq_s32(n, q, d);                               /* n - q * d */
  /* r >= d: q one short (n > 0); r <= -d: one short (n < 0); true lanes are -1 */
  const int32x4_t up = vreinterpretq_s32_u32(vcgeq_s32(r, d));
  const int32x4_t down = vreinterpretq_s32_u32(vcleq_s32(r, vnegq_s32(d)));
  return vaddq_s32(vsubq_s32(q, up), down);
}

/* The reference's rounding: acc > 0 ? (acc + count/2) / count : (acc - count/2) / count */
static inline int32x4_t avg_round(int32x4_t acc, int32x4_t d, int32x4_t half, float32x4_t rcp) {
  const uint32x4_t pos = vcgtq_s32(acc, vdupq_n_s32(0));
  const int32x4_t n = vbslq_s32(pos, vaddq_s32(acc, half), vsubq_s32(acc, half));
  return div_trunc(n, d, rcp);
}

static void avg_pixel(const int8_t *x, size_t row, size_t col, int32_t nky, int32_t nkx,
                      int32_t C, int32_t count, int32_t lo, int32_t hi, int8_t *out) {
  const int32x4_t d = vdupq_n_s32(count), half = vdupq_n_s32(count / 2);
  const int32x4_t vlo = vdupq_n_s32(lo), vhi = vdupq_n_s32(hi);
  const float32x4_t rcp = vdupq_n_f32(1.0f / (float)count);
  int32_t c = 0;
  for (; c + 8 <= C; c += 8) {
    int32x4_t a0 = vdupq_n_s32(0), a1 = vdupq_n_s32(0);
    for (int32_t ky = 0; ky < nky; ky++) {
      const int8_t *xr = x + (size_t)ky * row + (size_t)c;
      for (int32_t kx = 0; kx < nkx; kx++) {
        const int16x8_t w = vmovl_s8(vld1_s8(xr + (size_t)kx * col));
        a0 = vaddw_s16(a0, vget_low_s16(w));
        a1 = vaddw_s16(a1, vget_high_s16(w));
      }
    }
    a0 = vminq_s32(vmaxq_s32(avg_round(a0, d, half, rcp), vlo), vhi);
    a1 = vminq_s32(vmaxq_s32(avg_round(a1, d, half, rcp), vlo), vhi);
    vst1_s8(out + c, vmovn_s16(vcombine_s16(vmovn_s32(a0), vmovn_s32(a1)))); /* in int8 range */
  }
  pool_avg_scalar(x, row, col, nky, nkx, c, C, count, lo, hi, out);
}

static void mean_add_row(uint32_t *sum, const int8_t *x, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const int8x16_t v = vld1q_s8(x + i);
    const int16x8_t l = vmovl_s8(vget_low_s8(v)), h = vmovl_s8(vget_high_s8(v));
    int32_t *s = (int32_t *)(sum + i); /* int32 lanes wrap like the uint32 sums */
    vst1q_s32(s, vaddw_s16(vld1q_s32(s), vget_low_s16(l)));
    vst1q_s32(s + 4, vaddw_s16(vld1q_s32(s + 4), vget_high_s16(l)));
    vst1q_s32(s + 8, vaddw_s16(vld1q_s32(s + 8), vget_low_s16(h)));
    vst1q_s32(s + 12, vaddw_s16(vld1q_s32(s + 12), vget_high_s16(h)));
  }
  for (; i < n; i++) sum[i] += (uint32_t)(int32_t)x[i];
}

void r50_maxpool_s8__neon(const r50_pool_params *p, const int8_t *input, int8_t *output,
                          const r50_parallel *par) {
  pool_run(p, input, output, 1, par);
}

void r50_avgpool_s8__neon(const r50_pool_params *p, const int8_t *input, int8_t *output,
                          const r50_parallel *par) {
  pool_run(p, input, output, 0, par);
}

void r50_mean_s8__neon(const r50_mean_params *p, const int8_t *input, int8_t *output,
                       void *scratch) {
  mean_run(p, input, output, scratch);
}

#else
typedef int r50_pool_s8_neon_unused;
#endif

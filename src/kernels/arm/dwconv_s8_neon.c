/* int8 DEPTHWISE_CONV_2D (depth multiplier 1) with NEON; see dwconv_s8_arm.h.
 * AArch64 and Armv7-A NEON. */
#if defined(__ARM_NEON) && (defined(__aarch64__) || defined(__arm__))
#include <arm_neon.h>
#include <string.h>

#include "../../runtime/parallel.h"
#include "../quant.h"
#include "conv_s8_arm_impl.h"
#include "dwconv_s8_arm.h"

typedef struct {
  const r50_dwconv_params *p;
  const int8_t *input, *filter;
  const int32_t *bias;
  int8_t *output;
  int32_t rows_per_task, rows; /* rows = batch * out_h */
} dw_job;

static void dw_row(const dw_job *j, int32_t row) {
  const r50_dwconv_params *p = j->p;
  const int32_t C = p->out_c, b = row / p->out_h, oy = row % p->out_h;
  const int8_t *in_b = j->input + (size_t)b * p->in_h * p->in_w * C;
  int8_t *out = j->output + (size_t)row * p->out_w * C;
  const int16x8_t off = vdupq_n_s16((int16_t)p->q.input_offset);
  const int32x4_t ooff = vdupq_n_s32(p->q.output_offset);
  const int32x4_t lo = vdupq_n_s32(p->q.act_min), hi = vdupq_n_s32(p->q.act_max);
  const int32x4_t zero = vdupq_n_s32(0);
  int32_t ky0, ky1;
  const int32_t iy0 = oy * p->stride_h - p->pad_top;
  r50_tap_range(iy0, p->dilation_h, p->in_h, p->filter_h, &ky0, &ky1);
  for (int32_t ox = 0; ox < p->out_w; ox++, out += C) {
    const int32_t ix0 = ox * p->stride_w - p->pad_left;
    int32_t kx0, kx1;
    r50_tap_range(ix0, p->dilation_w, p->in_w, p->filter_w, &kx0, &kx1);
    int32_t c = 0;
    for (; c + 8 <= C; c += 8) {
      int32x4_t a0 = zero, a1 = zero;
      for (int32_t ky = ky0; ky < ky1; ky++) {
        const int32_t iy = iy0 + ky * p->dilation_h;
        const int8_t *irow = in_b + (size_t)iy * p->in_w * C + c;
        const int8_t *wrow = j->filter + (size_t)ky * p->filter_w * C + c;
        for (int32_t kx = kx0; kx < kx1; kx++) {
          const int32_t ix = ix0 + kx * p->dilation_w;
          const int16x8_t x = vaddq_s16(vmovl_s8(vld1_s8(irow + (size_t)ix * C)), off);
          const int16x8_t w = vmovl_s8(vld1_s8(wrow + (size_t)kx * C));
          a0 = vmlal_s16(a0, vget_low_s16(x), vget_low_s16(w));
          a1 = vmlal_s16(a1, vget_high_s16(x), vget_high_s16(w));
        }
      }
      if (j->bias) {
        a0 = vaddq_s32(a0, vld1q_s32(j->bias + c));
        a1 = vaddq_s32(a1, vld1q_s32(j->bias + c + 4));
      }
      const int32x4_t s0 = vld1q_s32(p->q.out_shift + c), s1 = vld1q_s32(p->q.out_shift + c + 4);
      const int32x4_t r0 = arm_requant(a0, vld1q_s32(p->q.out_mult + c), vmaxq_s32(s0, zero),
                                       vminq_s32(s0, zero), ooff, lo, hi);
      const int32x4_t r1 = arm_requant(a1, vld1q_s32(p->q.out_mult + c + 4), vmaxq_s32(s1, zero),
                                       vminq_s32(s1, zero), ooff, lo, hi);
      vst1_s8(out + c, vqmovn_s16(vcombine_s16(vqmovn_s32(r0), vqmovn_s32(r1))));
    }
    for (; c < C; c++) { /* the reference's arithmetic, channel by channel */
      uint32_t acc = 0;
      for (int32_t ky = ky0; ky < ky1; ky++) {
        const int32_t iy = iy0 + ky * p->dilation_h;
        for (int32_t kx = kx0; kx < kx1; kx++) {
          const int32_t ix = ix0 + kx * p->dilation_w;
          const int32_t x = in_b[((size_t)iy * p->in_w + ix) * C + c] + p->q.input_offset;
          acc += (uint32_t)(x * j->filter[((size_t)ky * p->filter_w + kx) * C + c]);
        }
      }
      if (j->bias) acc += (uint32_t)j->bias[c];
      int32_t v = r50_mbqm((int32_t)acc, p->q.out_mult[c], p->q.out_shift[c]) + p->q.output_offset;
      out[c] = (int8_t)r50_clamp_i32(v, p->q.act_min, p->q.act_max);
    }
  }
}

static void dw_task(void *ctx, int32_t t) {
  const dw_job *j = (const dw_job *)ctx;
  const int32_t r0 = t * j->rows_per_task;
  const int32_t r1 = r0 + j->rows_per_task < j->rows ? r0 + j->rows_per_task : j->rows;
  for (int32_t r = r0; r < r1; r++) dw_row(j, r);
}

void r50_dwconv2d_s8__neon(const r50_dwconv_params *p, const int8_t *input, const int8_t *filter,
                           const int32_t *bias, int8_t *output, const r50_parallel *par) {
  dw_job j = {p, input, filter, bias, output, 0, p->batch * p->out_h};
  if (j.rows <= 0) return;
  const int32_t threads = r50_par_threads(par);
  int32_t tasks = threads > 1 ? threads * 4 : 1;
  if (tasks > j.rows) tasks = j.rows;
  j.rows_per_task = (j.rows + tasks - 1) / tasks;
  r50_par_run(par, (j.rows + j.rows_per_task - 1) / j.rows_per_task, dw_task, &j);
}

#else
typedef int r50_dwconv_s8_neon_unused;
#endif

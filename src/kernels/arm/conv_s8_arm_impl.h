/* Shared pieces of the Arm conv kernels (included by each ISA file, so
 * compiled with that file's flags and run only at that level). */
#ifndef R50_KERNELS_ARM_CONV_S8_ARM_IMPL_H
#define R50_KERNELS_ARM_CONV_S8_ARM_IMPL_H

#include <arm_neon.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../runtime/parallel.h"
#include "conv_s8_arm.h"

#define ARM_MC_BYTES (64 * 1024)

static inline int32_t arm_round_up(int32_t v, int32_t m) { return (v + m - 1) / m * m; }

/* clamp(mbqm(x, mult, shift) + off): x already left-shifted by max(shift, 0). */
static inline int32x4_t arm_mbqm(int32x4_t x, int32x4_t mult, int32x4_t rshn) {
  const int32x4_t h = vqrdmulhq_s32(x, mult);
  /* -1 on negative lanes whose shift is non-zero, then SRSHL (round half up) */
  const int32x4_t fix = vshrq_n_s32(vandq_s32(h, rshn), 31);
  return vrshlq_s32(vqaddq_s32(h, fix), rshn);
}

static inline int32x4_t arm_requant(int32x4_t acc, int32x4_t mult, int32x4_t lsh, int32x4_t rshn,
                                    int32x4_t off, int32x4_t lo, int32x4_t hi) {
  int32x4_t v = arm_mbqm(vshlq_s32(acc, lsh), mult, rshn);
  v = vaddq_s32(v, off);
  return vminq_s32(vmaxq_s32(v, lo), hi);
}

/* Geometry, packed-array layout, effective bias. kgroup 16, nr = tile width. */
static inline size_t arm_conv_geometry(r50_conv_s8_arm *c, const r50_conv_params *p, int32_t nr) {
  memset(c, 0, sizeof *c);
  c->p = *p;
  c->M = p->batch * p->out_h * p->out_w;
  c->K = p->filter_h * p->filter_w * p->filter_in_c;
  c->Kp = arm_round_up(c->K, 16);
  c->Np = arm_round_up(p->out_c, nr);
  c->direct = p->filter_h == 1 && p->filter_w == 1 && p->stride_h == 1 && p->stride_w == 1 &&
              p->pad_top == 0 && p->pad_left == 0 && p->out_h == p->in_h && p->out_w == p->in_w &&
              p->groups == 1 && c->K % 16 == 0;
  return (size_t)c->Np * 16 + (size_t)c->Np * c->Kp + 16;
}

static inline size_t arm_conv_arrays(r50_conv_s8_arm *c, const int8_t *filter, const int32_t *bias,
                                     void *mem, int32_t mr) {
  const r50_conv_params *p = &c->p;
  int32_t *arr = (int32_t *)mem;
  int32_t *b = arr, *mu = arr + c->Np, *ls = arr + 2 * c->Np, *rs = arr + 3 * c->Np;
  c->nomin = 1;
  for (int32_t n = 0; n < c->Np; n++) {
    b[n] = mu[n] = ls[n] = rs[n] = 0;
    if (n >= p->out_c) continue;
    uint32_t sw = 0;
    const int8_t *w = filter + (size_t)n * c->K;
    for (int32_t k = 0; k < c->K; k++) {
      sw += (uint32_t)(int32_t)w[k];
      if (w[k] == -128) c->nomin = 0;
    }
    b[n] = (int32_t)((bias ? (uint32_t)bias[n] : 0u) + (uint32_t)p->q.input_offset * sw);
    const int32_t s = p->q.out_shift[n];
    mu[n] = p->q.out_mult[n];
    ls[n] = s > 0 ? s : 0;
    rs[n] = s > 0 ? 0 : s;
  }
  c->bias = b;
  c->mult = mu;
  c->lsh = ls;
  c->rshn = rs;
  int32_t mc = ARM_MC_BYTES / c->Kp / mr * mr;
  if (mc < mr) mc = mr;
  if (mc > arm_round_up(c->M, mr)) mc = arm_round_up(c->M, mr);
  c->mc = mc;
  return c->direct ? 0 : (size_t)mc * c->Kp;
}

/* Store the first n (<= 4) lanes of v (already within int8) at dst. */
static inline void arm_store4(int8_t *dst, int32x4_t v, int32_t n) {
  const int16x4_t v16 = vqmovn_s32(v);
  const int8x8_t v8 = vqmovn_s16(vcombine_s16(v16, v16));
  if (n >= 4) {
    vst1_lane_s32((int32_t *)(void *)dst, vreinterpret_s32_s8(v8), 0);
  } else {
    int8_t t[8];
    vst1_s8(t, v8);
    memcpy(dst, t, (size_t)n);
  }
}

/* im2col of output row m (pixel) into dst[0..K) in OHWI order (ky, kx, ic);
 * taps outside the image hold fill (the input zero point). */
static inline void arm_gather_row(const r50_conv_params *p, const int8_t *input, int32_t m,
                                  int8_t *dst, int8_t fill) {
  const int32_t hw = p->out_h * p->out_w;
  const int32_t b = m / hw, r = m % hw, oy = r / p->out_w, ox = r % p->out_w;
  const int32_t fic = p->filter_in_c, fw = p->filter_w;
  const int32_t iy0 = oy * p->stride_h - p->pad_top, ix0 = ox * p->stride_w - p->pad_left;
  const int8_t *in_b = input + (size_t)b * p->in_h * p->in_w * p->in_c;
  for (int32_t ky = 0; ky < p->filter_h; ky++) {
    const int32_t iy = iy0 + ky * p->dilation_h;
    int8_t *d = dst + (size_t)ky * fw * fic;
    if (iy < 0 || iy >= p->in_h) {
      memset(d, fill, (size_t)fw * fic);
      continue;
    }
    const int8_t *row = in_b + (size_t)iy * p->in_w * p->in_c;
    if (p->dilation_w == 1 && ix0 >= 0 && ix0 + fw <= p->in_w) { /* one contiguous run */
      memcpy(d, row + (size_t)ix0 * p->in_c, (size_t)fw * fic);
      continue;
    }
    for (int32_t kx = 0; kx < fw; kx++) {
      const int32_t ix = ix0 + kx * p->dilation_w;
      if (ix < 0 || ix >= p->in_w)
        memset(d + (size_t)kx * fic, fill, (size_t)fic);
      else
        memcpy(d + (size_t)kx * fic, row + (size_t)ix * p->in_c, (size_t)fic);
    }
  }
}

/* The driver shared by both ISA files: chunks of mc rows, gather (unless
 * direct), then tiles of mr rows over all channel panels. */
typedef void (*arm_tile_fn)(const r50_conv_s8_arm *c, const int8_t *const *a, int32_t mr,
                            int8_t *out);
typedef struct {
  const r50_conv_s8_arm *c;
  const int8_t *input;
  int8_t *buf;
  int32_t rows, m0, per_task, mr;
  int8_t *out;
  arm_tile_fn tile;
} arm_job;

static void arm_gather_task(void *ctx, int32_t t) {
  const arm_job *jb = (const arm_job *)ctx;
  const r50_conv_s8_arm *c = jb->c;
  const int8_t fill = (int8_t)(-c->p.q.input_offset);
  const int32_t r0 = t * jb->per_task;
  const int32_t r1 = r0 + jb->per_task < jb->rows ? r0 + jb->per_task : jb->rows;
  for (int32_t r = r0; r < r1; r++) {
    int8_t *d = jb->buf + (size_t)r * c->Kp;
    arm_gather_row(&c->p, jb->input, jb->m0 + r, d, fill);
    memset(d + c->K, 0, (size_t)(c->Kp - c->K));
  }
}

static void arm_compute_task(void *ctx, int32_t t) {
  const arm_job *jb = (const arm_job *)ctx;
  const r50_conv_s8_arm *c = jb->c;
  const int32_t mr = jb->mr;
  const int32_t r0 = t * jb->per_task;
  const int32_t r1 = r0 + jb->per_task < jb->rows ? r0 + jb->per_task : jb->rows;
  for (int32_t r = r0; r < r1; r += mr) {
    const int32_t n = r1 - r < mr ? r1 - r : mr;
    const int8_t *a[8];
    for (int32_t i = 0; i < mr; i++) {
      const int32_t ri = r + (i < n ? i : n - 1);
      a[i] = c->direct ? jb->input + (size_t)(jb->m0 + ri) * c->K : jb->buf + (size_t)ri * c->Kp;
    }
    jb->tile(c, a, n, jb->out + (size_t)r * c->p.out_c);
  }
}

static inline void arm_conv_run(const r50_conv_s8_arm *c, const int8_t *input, int8_t *output,
                                void *scratch, const r50_parallel *par, int32_t mr,
                                arm_tile_fn tile) {
  const int32_t threads = r50_par_threads(par);
  arm_job jb;
  memset(&jb, 0, sizeof jb);
  jb.c = c;
  jb.input = input;
  jb.buf = (int8_t *)scratch;
  jb.mr = mr;
  jb.tile = tile;
  const int32_t chunk = c->direct ? c->M : c->mc;
  for (int32_t m0 = 0; m0 < c->M; m0 += chunk) {
    jb.rows = c->M - m0 < chunk ? c->M - m0 : chunk;
    jb.m0 = m0;
    jb.out = output + (size_t)m0 * c->p.out_c;
    if (!c->direct) {
      jb.per_task = (jb.rows + threads * 2 - 1) / (threads * 2);
      r50_par_run(par, (jb.rows + jb.per_task - 1) / jb.per_task, arm_gather_task, &jb);
    }
    const int32_t tiles = (jb.rows + mr - 1) / mr;
    int32_t want = threads > 1 ? threads * 4 : 1;
    if (want > tiles) want = tiles;
    jb.per_task = (tiles + want - 1) / want * mr;
    r50_par_run(par, (jb.rows + jb.per_task - 1) / jb.per_task, arm_compute_task, &jb);
  }
}

#endif

/* Body of the float32 conv kernels of conv_f32.h, written once with GCC/Clang
 * vector extensions and compiled once per ISA file with only that ISA's
 * flags. The including file defines:
 *   R50_F32_VL    floats per hardware vector (16 AVX-512, 8 AVX2, 4 NEON)
 *   R50_F32_PX    output pixels per register tile
 *   R50_F32_NAME  the kernel's name
 * Arithmetic per lane: see conv_f32.h (why it equals the reference). */
#include <string.h>

#include "conv_f32.h"

#define NV (R50_CONV_F32_BLOCK / R50_F32_VL) /* vectors per 16-channel block */

typedef float f32v __attribute__((vector_size(R50_F32_VL * 4)));
typedef int32_t i32v __attribute__((vector_size(R50_F32_VL * 4)));

static inline f32v ldv(const float *s) {
  f32v v;
  memcpy(&v, s, sizeof v);
  return v;
}

static inline void stv(float *d, f32v v) { memcpy(d, &v, sizeof v); }

static inline f32v splat(float x) {
  float a[R50_F32_VL];
  for (int i = 0; i < R50_F32_VL; i++) a[i] = x;
  return ldv(a);
}

/* v < lo ? lo : v; hi < v ? hi : v -- lane by lane, NaN passes through */
static inline f32v clampv(f32v v, float lo, float hi) {
  i32v m = v < splat(lo);
  v = (f32v)(((i32v)splat(lo) & m) | ((i32v)v & ~m));
  m = splat(hi) < v;
  return (f32v)(((i32v)splat(hi) & m) | ((i32v)v & ~m));
}

typedef struct {
  const r50_conv_params *p;
  const float *in, *w, *bias;
  float *out;
  int32_t nblk;    /* 16-channel blocks */
  int32_t bpt;     /* blocks per task */
  int32_t rows;    /* batch * out_h */
  int32_t rpt;     /* rows per task */
  int32_t nbt;     /* block tasks per row chunk */
} f32_job;

/* acc + bias, clamp, store the lanes < n of one block at out. */
static inline void f32_store(const f32_job *j, const f32v *acc, int32_t blk, float *out) {
  const r50_conv_params *p = j->p;
  const int32_t c0 = blk * R50_CONV_F32_BLOCK, n = p->out_c - c0;
  float bias[R50_CONV_F32_BLOCK] = {0}, tmp[R50_CONV_F32_BLOCK];
  if (j->bias) memcpy(bias, j->bias + c0, (size_t)(n < R50_CONV_F32_BLOCK ? n : R50_CONV_F32_BLOCK) * sizeof *bias);
  for (int v = 0; v < NV; v++) {
    const f32v r = clampv(acc[v] + ldv(bias + v * R50_F32_VL), p->act_min_f, p->act_max_f);
    stv(tmp + v * R50_F32_VL, r);
  }
  memcpy(out + c0, tmp, (size_t)(n < R50_CONV_F32_BLOCK ? n : R50_CONV_F32_BLOCK) * sizeof *tmp);
}

/* np pixels (np <= R50_F32_PX) of one output row whose taps are columns
 * [kx0, kx1) each (same range for all), input columns ix0[i]; rows [ky0, ky1). */
static inline void f32_tile(const f32_job *j, const float *in_b, int32_t iy0, int32_t ky0, int32_t ky1,
                            const int32_t *ix0, int32_t np, int32_t kx0, int32_t kx1, int32_t blk,
                            float *const *out) {
  const r50_conv_params *p = j->p;
  const int32_t fw = p->filter_w, fic = p->filter_in_c, in_w = p->in_w, in_c = p->in_c;
  const int32_t K = p->filter_h * fw * fic;
  const float *wb = j->w + (size_t)blk * (size_t)K * R50_CONV_F32_BLOCK;
  f32v acc[R50_F32_PX][NV];
  for (int32_t i = 0; i < R50_F32_PX; i++)
    for (int v = 0; v < NV; v++) acc[i][v] = (f32v){0};
  for (int32_t ky = ky0; ky < ky1; ky++) {
    const float *row = in_b + (size_t)(iy0 + ky * p->dilation_h) * in_w * in_c;
    for (int32_t kx = kx0; kx < kx1; kx++) {
      const float *wk = wb + (size_t)((ky * fw + kx) * fic) * R50_CONV_F32_BLOCK;
      const float *x[R50_F32_PX];
      for (int32_t i = 0; i < R50_F32_PX; i++)
        x[i] = row + (size_t)(ix0[i < np ? i : 0] + kx * p->dilation_w) * in_c;
      if (np == R50_F32_PX) {
        for (int32_t ic = 0; ic < fic; ic++) {
          const float *w = wk + (size_t)ic * R50_CONV_F32_BLOCK;
          for (int v = 0; v < NV; v++) {
            const f32v wv = ldv(w + v * R50_F32_VL);
            for (int32_t i = 0; i < R50_F32_PX; i++) acc[i][v] = acc[i][v] + wv * splat(x[i][ic]);
          }
        }
      } else {
        for (int32_t ic = 0; ic < fic; ic++) {
          const float *w = wk + (size_t)ic * R50_CONV_F32_BLOCK;
          for (int v = 0; v < NV; v++) {
            const f32v wv = ldv(w + v * R50_F32_VL);
            for (int32_t i = 0; i < np; i++) acc[i][v] = acc[i][v] + wv * splat(x[i][ic]);
          }
        }
      }
    }
  }
  for (int32_t i = 0; i < np; i++) f32_store(j, acc[i], blk, out[i]);
}

static void f32_task(void *ctx, int32_t task) {
  const f32_job *j = ctx;
  const r50_conv_params *p = j->p;
  const int32_t r0 = (task / j->nbt) * j->rpt, b0 = (task % j->nbt) * j->bpt;
  const int32_t r1 = r0 + j->rpt < j->rows ? r0 + j->rpt : j->rows;
  const int32_t b1 = b0 + j->bpt < j->nblk ? b0 + j->bpt : j->nblk;
  const int32_t out_w = p->out_w, out_c = p->out_c;
  for (int32_t r = r0; r < r1; r++) {
    const int32_t b = r / p->out_h, oy = r % p->out_h;
    const float *in_b = j->in + (size_t)b * p->in_h * p->in_w * p->in_c;
    const int32_t iy0 = oy * p->stride_h - p->pad_top;
    int32_t ky0, ky1;
    r50_tap_range(iy0, p->dilation_h, p->in_h, p->filter_h, &ky0, &ky1);
    float *orow = j->out + (size_t)r * out_w * out_c;
    for (int32_t ox = 0; ox < out_w;) {
      /* gather up to PX consecutive pixels with the same column tap range */
      int32_t ix0[R50_F32_PX], np = 0, kx0 = 0, kx1 = 0;
      float *o[R50_F32_PX];
      while (np < R50_F32_PX && ox < out_w) {
        const int32_t ix = ox * p->stride_w - p->pad_left;
        int32_t a, c;
        r50_tap_range(ix, p->dilation_w, p->in_w, p->filter_w, &a, &c);
        if (np > 0 && (a != kx0 || c != kx1)) break;
        kx0 = a, kx1 = c;
        ix0[np] = ix;
        o[np] = orow + (size_t)ox * out_c;
        np++, ox++;
      }
      for (int32_t blk = b0; blk < b1; blk++) f32_tile(j, in_b, iy0, ky0, ky1, ix0, np, kx0, kx1, blk, o);
    }
  }
}

void R50_F32_NAME(const r50_conv_params *p, const float *input, const float *packed, const float *bias,
                  float *output, const r50_parallel *par) {
  f32_job j = {p, input, packed, bias, output, 0, 0, 0, 0, 0};
  j.nblk = (p->out_c + R50_CONV_F32_BLOCK - 1) / R50_CONV_F32_BLOCK;
  j.rows = p->batch * p->out_h;
  if (j.rows <= 0 || j.nblk <= 0 || p->out_w <= 0) return;
  const int32_t th = r50_par_threads(par);
  /* about 4 tasks per thread: rows first, channel blocks when rows are few (FC) */
  const int32_t want = th > 1 ? 4 * th : 1;
  int32_t row_tasks = j.rows < want ? j.rows : want;
  j.rpt = (j.rows + row_tasks - 1) / row_tasks;
  row_tasks = (j.rows + j.rpt - 1) / j.rpt;
  int32_t blk_tasks = row_tasks >= want ? 1 : (want + row_tasks - 1) / row_tasks;
  if (blk_tasks > j.nblk) blk_tasks = j.nblk;
  j.bpt = (j.nblk + blk_tasks - 1) / blk_tasks;
  j.nbt = (j.nblk + j.bpt - 1) / j.bpt;
  r50_par_run(par, row_tasks * j.nbt, f32_task, &j);
}

#undef NV

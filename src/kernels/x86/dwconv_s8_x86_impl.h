/* Loops of the x86 int8 DEPTHWISE_CONV_2D kernels, shared by AVX2 and AVX-512
 * (they differ only by vector width; see dwconv_s8_x86.h). Define DW_L (int32
 * lanes: 8 or 16) and DW_NPIX, include after "../../runtime/parallel.h",
 * "../quant.h", "../ref/conv.h" and "dwconv_s8_x86.h", then define
 *   dw_pixel: one output pixel, all C channels; tap (ky, kx) (ky < nky,
 *     kx < nkx, both in the image) of channel c is x[ky*row + kx*col + c],
 *     its packed weights w + ky*wrow + kx*wcol (block b at b * 4 DW_L);
 *   dw_pixels: the same for DW_NPIX horizontally adjacent pixels (see below).
 * Defines static dw_mem / dw_prepare / dw_run. */
#ifndef R50_KERNELS_X86_DWCONV_S8_X86_IMPL_H
#define R50_KERNELS_X86_DWCONV_S8_X86_IMPL_H

#define DW_B (2 * DW_L) /* channels per block */

typedef struct {
  const r50_dwconv_s8_x86 *d;
  const r50_dwconv_params *p;
  const int8_t *input;
  int8_t *output;
  int32_t rows_per_task, rows; /* rows = batch * out_h */
} dw_job;

static void dw_pixel(const dw_job *j, const int8_t *x, size_t row, size_t col, const int16_t *w,
                     size_t wrow, size_t wcol, int32_t nky, int32_t nkx, int8_t *out);
/* DW_NPIX horizontally adjacent pixels whose windows are wholly inside the
 * image in x (pixel n's taps at x + n * step), sharing the weight loads and
 * giving the out-of-order core independent accumulator chains. fold: the
 * windows are wholly inside in y too: no offset add, bias_in instead of bias. */
static void dw_pixels(const dw_job *j, const int8_t *x, size_t step, size_t row, size_t col,
                      const int16_t *w, size_t wrow, size_t wcol, int32_t nky, int32_t nkx,
                      int8_t *out, int fold);

/* Channel of lane i (0 <= i < 2L) of a block: the accumulators hold channels
 * 2i (even) and 2i+1 (odd); unpacklo/hi per 128-bit lane put channels
 * 8k+0..3 / 8k+4..7 in lanes 4k..4k+3 of the low / high vector. */
static inline int32_t dw_lane_channel(int32_t i) {
  const int32_t h = i / DW_L, l = i % DW_L;
  return 8 * (l / 4) + 4 * h + l % 4;
}

static size_t dw_mem(const r50_dwconv_params *p) {
  const size_t Cp = (size_t)(p->out_c + DW_B - 1) / DW_B * DW_B;
  return (size_t)p->filter_h * p->filter_w * Cp * 2 * sizeof(int16_t) + 8 * Cp * sizeof(int32_t);
}

static void dw_prepare(r50_dwconv_s8_x86 *d, const r50_dwconv_params *p, const int8_t *filter,
                       const int32_t *bias, void *mem) {
  const int32_t C = p->out_c, Cp = (C + DW_B - 1) / DW_B * DW_B, taps = p->filter_h * p->filter_w;
  int32_t *arr = (int32_t *)mem;
  int32_t *b = arr, *mu = arr + Cp, *mo = arr + 2 * Cp, *ls = arr + 3 * Cp, *rs = arr + 4 * Cp;
  int32_t *mk = arr + 5 * Cp, *hf = arr + 6 * Cp, *bi = arr + 7 * Cp;
  int16_t *w = (int16_t *)(arr + 8 * Cp);
  d->C = C;
  d->Cp = Cp;
  d->taps = taps;
  d->sat = d->lsh_any = 0;
  for (int32_t c0 = 0; c0 < Cp; c0 += DW_B)
    for (int32_t i = 0; i < DW_B; i++) {
      const int32_t c = c0 + dw_lane_channel(i), in = c < C;
      const int32_t sh = in ? p->q.out_shift[c] : 0;
      b[c0 + i] = in && bias ? bias[c] : 0;
      mu[c0 + i] = in ? p->q.out_mult[c] : 0;
      ls[c0 + i] = sh > 0 ? sh : 0;
      rs[c0 + i] = sh > 0 ? 0 : -sh;
      mk[c0 + i] = rs[c0 + i] < 32 ? (int32_t)((1u << rs[c0 + i]) - 1u) : -1;
      hf[c0 + i] = (int32_t)((uint32_t)mk[c0 + i] >> 1);
      if (mu[c0 + i] == INT32_MIN) d->sat = 1;
      if (ls[c0 + i]) d->lsh_any = 1;
      uint32_t sw = 0;
      for (int32_t t = 0; in && t < taps; t++) sw += (uint32_t)(int32_t)filter[(size_t)t * C + c];
      bi[c0 + i] = (int32_t)((uint32_t)b[c0 + i] + (uint32_t)p->q.input_offset * sw);
    }
  for (int32_t i = 0; i < Cp; i += 2) {
    mo[i] = mu[i + 1];
    mo[i + 1] = 0;
  }
  for (int32_t t = 0; t < taps; t++)
    for (int32_t c0 = 0; c0 < Cp; c0 += DW_B) {
      int16_t *e = w + (size_t)t * Cp * 2 + (size_t)c0 * 2, *o = e + DW_B;
      for (int32_t i = 0; i < DW_B; i += 2) {
        const int32_t c = c0 + i;
        e[i] = c < C ? filter[(size_t)t * C + c] : 0;
        e[i + 1] = 0;
        o[i] = 0;
        o[i + 1] = c + 1 < C ? filter[(size_t)t * C + c + 1] : 0;
      }
    }
  d->w = w;
  d->bias = b;
  d->bias_in = bi;
  d->mult = mu;
  d->mo = mo;
  d->lsh = ls;
  d->rsh = rs;
  d->msk = mk;
  d->half = hf;
}

/* Lane of channel ch (0 <= ch < 2L) of a block: the inverse of dw_lane_channel. */
static inline int32_t dw_channel_lane(int32_t ch) {
  return (ch % 8) / 4 * DW_L + 4 * (ch / 8) + ch % 4;
}

/* The reference's arithmetic for channels [c0, C) of one pixel (AVX2 tail),
 * on the packed weights and constants (same arguments as dw_pixel). */
static inline void dw_scalar(const dw_job *j, const int8_t *x, size_t row, size_t col,
                             const int16_t *w, size_t wrow, size_t wcol, int32_t nky, int32_t nkx,
                             int32_t c0, int8_t *out) {
  const r50_dwconv_s8_x86 *d = j->d;
  const r50_dwconv_params *p = j->p;
  for (int32_t c = c0; c < d->C; c++) {
    const int32_t i = c % DW_B;
    /* channel c's int16 weight: even channels in the block's even vector, odd in the odd one */
    const size_t wc = (size_t)(c / DW_B) * 2 * DW_B + (size_t)(i % 2) * DW_B + (size_t)i;
    uint32_t acc = 0;
    for (int32_t ky = 0; ky < nky; ky++)
      for (int32_t kx = 0; kx < nkx; kx++) {
        const int32_t xv = (int32_t)x[(size_t)ky * row + (size_t)kx * col + (size_t)c] + p->q.input_offset;
        acc += (uint32_t)(xv * (int32_t)w[(size_t)ky * wrow + (size_t)kx * wcol + wc]);
      }
    const size_t k = (size_t)(c - i) + (size_t)dw_channel_lane(i);
    acc += (uint32_t)d->bias[k];
    const int32_t v = r50_mbqm((int32_t)acc, d->mult[k], d->lsh[k] - d->rsh[k]) + p->q.output_offset;
    out[c] = (int8_t)r50_clamp_i32(v, p->q.act_min, p->q.act_max);
  }
}

static void dw_row(const dw_job *j, int32_t r) {
  const r50_dwconv_params *p = j->p;
  const int32_t C = p->out_c, b = r / p->out_h, oy = r % p->out_h;
  const int8_t *in_b = j->input + (size_t)b * p->in_h * p->in_w * C;
  int8_t *out = j->output + (size_t)r * p->out_w * C;
  const size_t col = (size_t)p->dilation_w * C, row = (size_t)p->dilation_h * p->in_w * C;
  const size_t wcol = (size_t)j->d->Cp * 2, wrow = (size_t)p->filter_w * wcol;
  const int32_t iy0 = oy * p->stride_h - p->pad_top;
  int32_t ky0, ky1;
  r50_tap_range(iy0, p->dilation_h, p->in_h, p->filter_h, &ky0, &ky1);
  if (ky1 <= ky0) { /* the row's windows miss the image: bias only */
    for (int32_t ox = 0; ox < p->out_w; ox++, out += C)
      dw_pixel(j, in_b, row, col, j->d->w, wrow, wcol, 0, 0, out);
    return;
  }
  const int8_t *in_r = in_b + (size_t)(iy0 + ky0 * p->dilation_h) * p->in_w * C;
  const int16_t *w_r = j->d->w + (size_t)ky0 * wrow;
  /* [ox_lo, ox_hi): every tap of the window inside the image in x */
  const int32_t span = (p->filter_w - 1) * p->dilation_w;
  int32_t ox_lo = p->pad_left <= 0 ? 0 : (p->pad_left + p->stride_w - 1) / p->stride_w;
  int32_t ox_hi = p->in_w - span + p->pad_left <= 0 ? 0 : (p->in_w - span + p->pad_left - 1) / p->stride_w + 1;
  if (ox_hi > p->out_w) ox_hi = p->out_w;
  if (ox_lo > ox_hi) ox_lo = ox_hi;
  for (int32_t ox = 0; ox < p->out_w;) {
    const int32_t ix0 = ox * p->stride_w - p->pad_left;
    if (ox >= ox_lo && ox + DW_NPIX <= ox_hi) {
      dw_pixels(j, in_r + (size_t)ix0 * C, (size_t)p->stride_w * C, row, col, w_r, wrow, wcol,
                ky1 - ky0, p->filter_w, out + (size_t)ox * C, ky1 - ky0 == p->filter_h);
      ox += DW_NPIX;
      continue;
    }
    int32_t kx0, kx1;
    r50_tap_range(ix0, p->dilation_w, p->in_w, p->filter_w, &kx0, &kx1);
    if (kx1 <= kx0) /* the window misses the image: bias only */
      dw_pixel(j, in_b, row, col, j->d->w, wrow, wcol, 0, 0, out + (size_t)ox * C);
    else
      dw_pixel(j, in_r + (size_t)(ix0 + kx0 * p->dilation_w) * C, row, col,
               w_r + (size_t)kx0 * wcol, wrow, wcol, ky1 - ky0, kx1 - kx0, out + (size_t)ox * C);
    ox++;
  }
}

static void dw_task(void *ctx, int32_t t) {
  const dw_job *j = (const dw_job *)ctx;
  const int32_t r0 = t * j->rows_per_task;
  const int32_t r1 = r0 + j->rows_per_task < j->rows ? r0 + j->rows_per_task : j->rows;
  for (int32_t r = r0; r < r1; r++) dw_row(j, r);
}

static void dw_run(const r50_dwconv_s8_x86 *d, const r50_dwconv_params *p, const int8_t *input,
                   int8_t *output, const r50_parallel *par) {
  dw_job j = {d, p, input, output, 0, p->batch * p->out_h};
  if (j.rows <= 0 || p->out_w <= 0) return;
  const int32_t threads = r50_par_threads(par);
  int32_t tasks = threads > 1 ? threads * 4 : 1;
  if (tasks > j.rows) tasks = j.rows;
  j.rows_per_task = (j.rows + tasks - 1) / tasks;
  r50_par_run(par, (j.rows + j.rows_per_task - 1) / j.rows_per_task, dw_task, &j);
}

#endif

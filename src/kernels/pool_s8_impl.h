/* Loops of the SIMD int8 MAX_POOL_2D / AVERAGE_POOL_2D / MEAN kernels, shared
 * by x86 AVX2 / AVX-512 and Arm NEON (one copy of the window and index
 * arithmetic; each ISA file supplies only the per-pixel vector code).
 * Include after "../../runtime/parallel.h", "../quant.h", "../ref/conv.h",
 * "../ref/pool.h" and "../ref/mean.h", then define the three per-ISA
 * functions declared below:
 *   max_pixel / avg_pixel: one output pixel, all C channels (the last
 *     C % lanes with pool_max_scalar / pool_avg_scalar); tap (ky, kx) of the
 *     window, channel c, is x[ky*row + kx*col + c], ky < nky, kx < nkx;
 *     lo <= hi within [-128, 127];
 *   mean_add_row: sum[i] += x[i] for i < n, wrapping modulo 2^32 like the
 *     reference.
 * Defines static pool_run() and mean_run(). Every output value is computed by
 * the same integer arithmetic whatever the thread split, so results are
 * identical for any thread count. */
#ifndef R50_KERNELS_POOL_S8_IMPL_H
#define R50_KERNELS_POOL_S8_IMPL_H

static void max_pixel(const int8_t *x, size_t row, size_t col, int32_t nky, int32_t nkx,
                      int32_t C, int32_t lo, int32_t hi, int8_t *out);
static void avg_pixel(const int8_t *x, size_t row, size_t col, int32_t nky, int32_t nkx,
                      int32_t C, int32_t count, int32_t lo, int32_t hi, int8_t *out);
static void mean_add_row(uint32_t *sum, const int8_t *x, size_t n);

/* Reference arithmetic for channels [c0, C) of one pixel (ISA tails). */
static inline void pool_max_scalar(const int8_t *x, size_t row, size_t col, int32_t nky,
                                   int32_t nkx, int32_t c0, int32_t C, int32_t lo, int32_t hi,
                                   int8_t *out) {
  for (int32_t c = c0; c < C; c++) {
    int32_t m = INT8_MIN;
    for (int32_t ky = 0; ky < nky; ky++)
      for (int32_t kx = 0; kx < nkx; kx++) {
        const int32_t v = x[(size_t)ky * row + (size_t)kx * col + (size_t)c];
        m = v > m ? v : m;
      }
    out[c] = (int8_t)r50_clamp_i32(m, lo, hi);
  }
}

static inline void pool_avg_scalar(const int8_t *x, size_t row, size_t col, int32_t nky,
                                   int32_t nkx, int32_t c0, int32_t C, int32_t count, int32_t lo,
                                   int32_t hi, int8_t *out) {
  for (int32_t c = c0; c < C; c++) {
    int32_t acc = 0;
    for (int32_t ky = 0; ky < nky; ky++)
      for (int32_t kx = 0; kx < nkx; kx++) acc += x[(size_t)ky * row + (size_t)kx * col + (size_t)c];
    acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
    out[c] = (int8_t)r50_clamp_i32(acc, lo, hi);
  }
}

/* Largest window the vector average handles. The division n / count of the
 * reference's rounding (|n| <= 128.5 count) is estimated as trunc(fl(n * fl(1 /
 * count))): n < 2^24 is exact in float and the two roundings move the quotient
 * x by at most |x| 2^-23 <= 1.6e-5 < 1.05 / count, so the estimate can cross
 * an integer only when n is within 1 of a multiple of count. For every count
 * <= 65536 and every n within 3 of a multiple (checked exhaustively, 117 M
 * pairs) it is the quotient or one short of it in magnitude, never beyond;
 * the kernels add that one back from the exact remainder (r >= count or
 * r <= -count). Larger windows run the reference. */
#define R50_POOL_AVG_MAX_TAPS 65536

typedef struct {
  const r50_pool_params *p;
  const int8_t *in;
  int8_t *out;
  int32_t is_max, rows_per_task, rows;
} pool_job;

/* Output rows [r0, r1) of all batches (row r = b * out_h + oy). */
static void pool_rows_range(const pool_job *j, int32_t r0, int32_t r1) {
  const r50_pool_params *p = j->p;
  const int32_t C = p->channels;
  const size_t col = (size_t)C, row = (size_t)p->in_w * col;
  for (int32_t r = r0; r < r1; r++) {
    const int32_t b = r / p->out_h, oy = r % p->out_h;
    const int8_t *in_b = j->in + (size_t)b * p->in_h * row;
    const int32_t iy0 = oy * p->stride_h - p->pad_top;
    int32_t ky0, ky1;
    r50_tap_range(iy0, 1, p->in_h, p->filter_h, &ky0, &ky1);
    int8_t *out_row = j->out + ((size_t)b * p->out_h + oy) * p->out_w * col;
    for (int32_t ox = 0; ox < p->out_w; ox++) {
      const int32_t ix0 = ox * p->stride_w - p->pad_left;
      int32_t kx0, kx1;
      r50_tap_range(ix0, 1, p->in_w, p->filter_w, &kx0, &kx1);
      const int32_t nky = ky1 > ky0 ? ky1 - ky0 : 0, nkx = kx1 > kx0 ? kx1 - kx0 : 0;
      /* first tap; never read when the window is empty */
      const int8_t *x = nky && nkx ? in_b + (size_t)(iy0 + ky0) * row + (size_t)(ix0 + kx0) * col : in_b;
      int8_t *o = out_row + (size_t)ox * col;
      if (j->is_max) {
        max_pixel(x, row, col, nky, nkx, C, p->act_min, p->act_max, o);
      } else {
        int32_t count = (ky1 - ky0) * (kx1 - kx0); /* as the reference, incl. its guard */
        if (count < 1) count = 1;
        avg_pixel(x, row, col, nky, nkx, C, count, p->act_min, p->act_max, o);
      }
    }
  }
}

static void pool_task(void *ctx, int32_t t) {
  const pool_job *j = (const pool_job *)ctx;
  const int32_t r0 = t * j->rows_per_task;
  const int32_t r1 = r0 + j->rows_per_task < j->rows ? r0 + j->rows_per_task : j->rows;
  pool_rows_range(j, r0, r1);
}

/* 0: the vector kernels do not cover these parameters (the caller runs the
 * reference): activation bounds outside int8 or crossed, an average window
 * above R50_POOL_AVG_MAX_TAPS. Never for parameters op prepare produces
 * with windows up to 256x256. */
static int pool_vector_ok(const r50_pool_params *p, int is_max) {
  if (p->act_min < -128 || p->act_max > 127 || p->act_min > p->act_max) return 0;
  return is_max || (int64_t)p->filter_h * p->filter_w <= R50_POOL_AVG_MAX_TAPS;
}

static void pool_run(const r50_pool_params *p, const int8_t *in, int8_t *out, int is_max,
                     const r50_parallel *par) {
  if (!pool_vector_ok(p, is_max)) {
    (is_max ? r50_maxpool_s8_ref : r50_avgpool_s8_ref)(p, in, out);
    return;
  }
  const int32_t rows = p->batch * p->out_h;
  if (rows <= 0 || p->out_w <= 0 || p->channels <= 0) return;
  /* about 4 tasks per thread, each writing at least ~4 KB */
  int64_t tasks = r50_par_threads(par) > 1 ? (int64_t)r50_par_threads(par) * 4 : 1;
  const int64_t by_size = (int64_t)rows * p->out_w * p->channels / 4096 + 1;
  if (tasks > by_size) tasks = by_size;
  if (tasks > rows) tasks = rows;
  pool_job j = {p, in, out, is_max, 0, rows};
  j.rows_per_task = (int32_t)((rows + tasks - 1) / tasks);
  r50_par_run(par, (rows + j.rows_per_task - 1) / j.rows_per_task, pool_task, &j);
}

/* Rows of the innermost dimension added into their output sums (the
 * reference's order of additions per sum, and int32 sums wrap the same way
 * in any order), then the reference's finishing step. When the innermost
 * dimension is reduced the reference runs. */
static void mean_run(const r50_mean_params *p, const int8_t *in, int8_t *out, void *scratch) {
  const int32_t nd = p->ndim;
  if (p->out_stride[nd - 1] != 1) {
    r50_mean_s8_ref(p, in, out, scratch);
    return;
  }
  uint32_t *sum = (uint32_t *)scratch;
  for (size_t i = 0; i < p->n_out; i++) sum[i] = 0;
  const size_t n = (size_t)p->in_dims[nd - 1];
  const size_t rows = p->n_in / n;
  int32_t idx[R50_MEAN_MAX_DIMS] = {0};
  size_t o = 0;
  for (size_t r = 0; r < rows; r++) {
    mean_add_row(sum + o, in + r * n, n);
    for (int32_t d = nd - 2; d >= 0; d--) { /* next row: the reference's index walk */
      o += p->out_stride[d];
      if (++idx[d] < p->in_dims[d]) break;
      o -= p->out_stride[d] * (size_t)p->in_dims[d];
      idx[d] = 0;
    }
  }
  r50_mean_s8_finish(p, sum, out);
}

#endif

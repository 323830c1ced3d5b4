/* Shared, ISA-independent pieces of the x86 int8 conv kernels (included by
 * each ISA file, so compiled with that file's flags and only ever run at that
 * level). */
#ifndef R50_KERNELS_X86_CONV_S8_X86_IMPL_H
#define R50_KERNELS_X86_CONV_S8_X86_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../runtime/parallel.h"
#include "conv_s8_x86.h"

/* Work split shared by the ISA files: `rows` rows in blocks of a multiple of
 * mr, times n_panels channel panel groups; about per_thread tasks per thread
 * (the pool hands tasks out one by one, so small tasks even out the threads'
 * finishing times). */
typedef struct {
  int32_t n_rb, rb_rows;
} x86_split;

static inline x86_split x86_conv_split(int32_t rows, int32_t n_panels, int32_t mr, int32_t threads,
                                       int32_t per_thread) {
  x86_split s;
  if (threads <= 1) {
    s.n_rb = 1;
    s.rb_rows = rows;
    return s;
  }
  const int32_t tiles = (rows + mr - 1) / mr;
  int32_t want = (threads * per_thread + n_panels - 1) / n_panels;
  if (want > tiles) want = tiles;
  if (want < 1) want = 1;
  s.rb_rows = (tiles + want - 1) / want * mr;
  s.n_rb = (rows + s.rb_rows - 1) / s.rb_rows;
  return s;
}

/* Panels of nr channels per task for the VNNI kernels (rows outer, the
 * group's panels inner). 1 thread: the group's weights about fit in L2
 * (256 KiB), multiple of `align` panels. Several threads, when the weights
 * outweigh the A rows (the late 7x7 and 14x14 layers: up to 2.4 MB of weights
 * for 49 pixels), split by panels first so that each thread streams only its
 * own weights (*per_thread = 4 tasks per thread, rows split only when there
 * are too few panels); else *per_thread = 8. */
static inline int32_t x86_vnni_panel_group(const r50_conv_s8_x86 *c, int32_t nr, int32_t threads,
                                           int32_t align, int32_t *per_thread) {
  const int32_t np = c->Np / nr;
  int32_t pg = (int32_t)((256 * 1024) / ((size_t)c->Kp * nr)) / align * align;
  if (pg < align) pg = align;
  *per_thread = 8;
  if (threads > 1 && (size_t)c->Np > (size_t)c->M) {
    const int32_t want = threads * 4;
    int32_t pg2 = (np + want - 1) / want;
    pg2 = (pg2 + align - 1) / align * align;
    if (pg2 < pg) pg = pg2;
    *per_thread = 4;
  }
  return pg < np ? pg : np;
}

static inline int32_t x86_round_up(int32_t v, int32_t m) { return (v + m - 1) / m * m; }

/* Common geometry: fills c->p, M, K; direct when the A rows are the input rows. */
static inline void x86_conv_geometry(r50_conv_s8_x86 *c, const r50_conv_params *p, int32_t kgroup,
                                     int32_t nr) {
  memset(c, 0, sizeof *c);
  c->p = *p;
  c->M = p->batch * p->out_h * p->out_w;
  c->K = p->filter_h * p->filter_w * p->filter_in_c;
  c->Kp = x86_round_up(c->K, kgroup);
  c->Np = x86_round_up(p->out_c, nr);
  c->direct = p->filter_h == 1 && p->filter_w == 1 && p->stride_h == 1 && p->stride_w == 1 &&
              p->pad_top == 0 && p->pad_left == 0 && p->out_h == p->in_h && p->out_w == p->in_w &&
              p->groups == 1 && c->K % 4 == 0;
}

/* Effective bias, padded requantization arrays (Np entries; padding lanes 0), c->sat. */
static inline void x86_conv_requant_arrays(r50_conv_s8_x86 *c, const int8_t *filter,
                                           const int32_t *bias, int32_t in_off_total,
                                           int32_t *b_eff, int32_t *mult, int32_t *lsh,
                                           int32_t *rsh) {
  const r50_conv_params *p = &c->p;
  for (int32_t n = 0; n < c->Np; n++) {
    b_eff[n] = mult[n] = lsh[n] = rsh[n] = 0;
    if (n >= p->out_c) continue;
    uint32_t sw = 0;
    const int8_t *w = filter + (size_t)n * c->K;
    for (int32_t k = 0; k < c->K; k++) sw += (uint32_t)(int32_t)w[k];
    b_eff[n] = (int32_t)((bias ? (uint32_t)bias[n] : 0u) + (uint32_t)in_off_total * sw);
    const int32_t s = p->q.out_shift[n];
    mult[n] = p->q.out_mult[n];
    if (mult[n] == INT32_MIN) c->sat = 1;
    lsh[n] = s > 0 ? s : 0;
    if (s > 0) c->lsh_any = 1;
    rsh[n] = s > 0 ? 0 : -s;
  }
}

/* im2col of output row m (pixel) into dst[0..K): int8 input values x ^ xr,
 * taps outside the image hold fill. Rows are in OHWI order (ky, kx, ic). */
static inline void x86_gather_row_s8(const r50_conv_params *p, const int8_t *input, int32_t m,
                                     int8_t *dst, uint8_t xr, int8_t fill) {
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
    if (p->dilation_w == 1 && ix0 >= 0 && ix0 + fw <= p->in_w) {
      /* whole filter row inside the image: one contiguous run of fw * fic bytes */
      const int8_t *s = row + (size_t)ix0 * p->in_c;
      const int32_t n = fw * fic;
      for (int32_t i = 0; i < n; i++) d[i] = (int8_t)((uint8_t)s[i] ^ xr);
      continue;
    }
    for (int32_t kx = 0; kx < fw; kx++) {
      const int32_t ix = ix0 + kx * p->dilation_w;
      int8_t *dd = d + (size_t)kx * fic;
      if (ix < 0 || ix >= p->in_w) {
        memset(dd, fill, (size_t)fic);
      } else {
        const int8_t *s = row + (size_t)ix * p->in_c;
        for (int32_t i = 0; i < fic; i++) dd[i] = (int8_t)((uint8_t)s[i] ^ xr);
      }
    }
  }
}

/* VNNI levels (k groups of 4): chooses the A-row layout (c->kh, seg, win, Kp)
 * after x86_conv_geometry. The window layout (one segment per filter row,
 * fw * in_c taps padded to a multiple of 4 with zero weights) lets a conv whose
 * windows lie inside the image read A straight from the input: segment ky of
 * pixel m starts at its window origin + ky * dilation_h rows. It is used when
 * the padding costs at most a quarter of a segment (the 7x7x3 stem: 21 -> 24). */
static inline void x86_vnni_layout(r50_conv_s8_x86 *c) {
  const r50_conv_params *p = &c->p;
  const int32_t run = p->filter_w * p->filter_in_c;
  const int32_t seg = x86_round_up(run, 4);
  if (!c->direct && p->groups == 1 && p->filter_h > 1 && 4 * (seg - run) <= seg) {
    c->win = 1;
    c->kh = p->filter_h;
    c->seg = seg;
  } else {
    c->win = 0;
    c->kh = 1;
    c->seg = c->Kp;
  }
  c->Kp = c->kh * c->seg;
}

/* Original depth index of packed depth index k (-1: a zero-weight pad tap). */
static inline int32_t x86_vnni_ksrc(const r50_conv_s8_x86 *c, int32_t k) {
  if (!c->win) return k < c->K ? k : -1;
  const int32_t run = c->p.filter_w * c->p.filter_in_c;
  const int32_t ky = k / c->seg, i = k % c->seg;
  return i < run ? ky * run + i : -1;
}

/* Packs filter (OHWI, out_c x K) for an nr-channel micro-kernel: per panel of
 * nr channels, per group of 4 packed k: nr channels x 4 bytes. */
static inline void x86_vnni_pack(const r50_conv_s8_x86 *c, const int8_t *filter, int8_t *w,
                                 int32_t nr) {
  const int32_t groups = c->Kp / 4;
  for (int32_t j = 0; j < c->Np / nr; j++)
    for (int32_t g = 0; g < groups; g++) {
      int8_t *d = w + ((size_t)j * groups + g) * nr * 4;
      for (int32_t n = 0; n < nr; n++)
        for (int32_t t = 0; t < 4; t++) {
          const int32_t oc = j * nr + n, k = x86_vnni_ksrc(c, g * 4 + t);
          d[n * 4 + t] = oc < c->p.out_c && k >= 0 ? filter[(size_t)oc * c->K + k] : 0;
        }
    }
}

/* Bytes of a window-mode task's stack buffer for the tiles it gathers (MR rows
 * of Kp bytes must fit, else the conv runs in gathered mode with scratch). */
#define R50_X86_WIN_LOCAL 16384

/* 1 when window-layout A rows can be read from the input in place for the
 * pixels whose windows lie inside the image (x86_window_inside); the others,
 * at padded borders, are gathered per tile (window_tile in the driver). */
static inline int x86_window_inplace(const r50_conv_s8_x86 *c) {
  return c->win && c->p.dilation_w == 1;
}

/* 1 when every window of the (possibly banded) geometry lies inside the input. */
static inline int x86_window_all_inside(const r50_conv_s8_x86 *c) {
  const r50_conv_params *p = &c->p;
  return p->pad_top == 0 && p->pad_left == 0 &&
         (p->out_h - 1) * p->stride_h + (p->filter_h - 1) * p->dilation_h < p->in_h &&
         (p->out_w - 1) * p->stride_w + p->filter_w - 1 < p->in_w;
}

/* Window origin of output pixel m (in-place window mode; only for pixels
 * x86_window_inside accepts, whose origin is inside the image). */
static inline const int8_t *x86_window_row(const r50_conv_params *p, const int8_t *input, int32_t m) {
  const int32_t hw = p->out_h * p->out_w;
  const int32_t b = m / hw, r = m % hw, oy = r / p->out_w, ox = r % p->out_w;
  return input + (((size_t)b * p->in_h + (size_t)(oy * p->stride_h - p->pad_top)) * p->in_w +
                  (size_t)(ox * p->stride_w - p->pad_left)) * p->in_c;
}

/* 1 when pixels m0 .. m0 + n - 1 all have their window inside the image and
 * their segments read only bytes of the input (a segment reads seg >= fw * in_c
 * bytes: the last pixels could read up to 3 bytes past the tensor's end). */
static inline int x86_window_inside(const r50_conv_s8_x86 *c, int32_t m0, int32_t n) {
  const r50_conv_params *p = &c->p;
  const int32_t hw = p->out_h * p->out_w;
  int32_t b = m0 / hw, r = m0 % hw, oy = r / p->out_w, ox = r % p->out_w;
  const int32_t ylast = (p->filter_h - 1) * p->dilation_h, xlast = p->filter_w - 1;
  const size_t total = (size_t)p->batch * p->in_h * p->in_w * p->in_c;
  const size_t tail = (size_t)ylast * p->in_w * p->in_c + (size_t)c->seg;
  for (int32_t i = 0; i < n; i++) {
    const int32_t iy0 = oy * p->stride_h - p->pad_top, ix0 = ox * p->stride_w - p->pad_left;
    if (iy0 < 0 || iy0 + ylast >= p->in_h || ix0 < 0 || ix0 + xlast >= p->in_w) return 0;
    const size_t at = (((size_t)b * p->in_h + (size_t)iy0) * p->in_w + (size_t)ix0) * p->in_c;
    if (at + tail > total) return 0;
    if (++ox == p->out_w) {
      ox = 0;
      if (++oy == p->out_h) {
        oy = 0;
        b++;
      }
    }
  }
  return 1;
}

/* Gathers pixel m's A row in the window layout: segment ky at dst + ky * seg,
 * values x ^ xr, taps outside the image fill, pad bytes 0. */
static inline void x86_gather_row_win(const r50_conv_s8_x86 *c, const int8_t *input, int32_t m,
                                      int8_t *dst, uint8_t xr, int8_t fill) {
  const r50_conv_params *p = &c->p;
  const int32_t hw = p->out_h * p->out_w;
  const int32_t b = m / hw, r = m % hw, oy = r / p->out_w, ox = r % p->out_w;
  const int32_t fic = p->filter_in_c, fw = p->filter_w, run = fw * fic;
  const int32_t iy0 = oy * p->stride_h - p->pad_top, ix0 = ox * p->stride_w - p->pad_left;
  const int8_t *in_b = input + (size_t)b * p->in_h * p->in_w * p->in_c;
  for (int32_t ky = 0; ky < p->filter_h; ky++) {
    const int32_t iy = iy0 + ky * p->dilation_h;
    int8_t *d = dst + (size_t)ky * c->seg;
    for (int32_t i = run; i < c->seg; i++) d[i] = 0;
    if (iy < 0 || iy >= p->in_h) {
      memset(d, fill, (size_t)run);
      continue;
    }
    const int8_t *row = in_b + (size_t)iy * p->in_w * p->in_c;
    for (int32_t kx = 0; kx < fw; kx++) {
      const int32_t ix = ix0 + kx * p->dilation_w;
      int8_t *dd = d + (size_t)kx * fic;
      if (ix < 0 || ix >= p->in_w) {
        memset(dd, fill, (size_t)fic);
      } else {
        const int8_t *s = row + (size_t)ix * p->in_c;
        for (int32_t i = 0; i < fic; i++) dd[i] = (int8_t)((uint8_t)s[i] ^ xr);
      }
    }
  }
}

/* Either layout: gathers pixel m's A row (c->Kp bytes). */
static inline void x86_gather_row_vnni(const r50_conv_s8_x86 *c, const int8_t *input, int32_t m,
                                       int8_t *dst, uint8_t xr, int8_t fill) {
  if (c->win) {
    x86_gather_row_win(c, input, m, dst, xr, fill);
    return;
  }
  x86_gather_row_s8(&c->p, input, m, dst, xr, fill);
  for (int32_t k = c->K; k < c->Kp; k++) dst[k] = 0;
}

#endif

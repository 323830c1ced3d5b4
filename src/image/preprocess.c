/* Resize (tf.image.resize, half-pixel centres), aspect handling and the
 * mapping of pixels to the input tensor. Formulas: docs/images.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "r50img.h"

/* Resize the box (x0,y0,cw,ch) of img into dst (dw x dh, row stride dstride
 * floats), TF kernels ResizeNearestNeighbor / ResizeBilinear with
 * half_pixel_centers=true, align_corners=false: scale = (float)in / out. */
static void resize_box(const r50img *img, int32_t x0, int32_t y0, int32_t cw, int32_t ch, float *dst,
                       int32_t dw, int32_t dh, size_t dstride, r50img_interp interp) {
  const float sx = (float)cw / (float)dw, sy = (float)ch / (float)dh;
  const size_t istride = (size_t)img->w * 3;
  if (interp == R50IMG_NEAREST_PIL) {
    const double ax = (double)cw / dw, ay = (double)ch / dh;
    double yo = ay * 0.5;
    for (int32_t y = 0; y < dh; y++, yo += ay) {
      int64_t iy = yo < 0.0 ? 0 : (int64_t)yo;
      if (iy > ch - 1) iy = ch - 1;
      const uint8_t *row = img->px + (size_t)(y0 + iy) * istride;
      float *o = dst + (size_t)y * dstride;
      double xo = ax * 0.5;
      for (int32_t x = 0; x < dw; x++, xo += ax) {
        int64_t ix = xo < 0.0 ? 0 : (int64_t)xo;
        if (ix > cw - 1) ix = cw - 1;
        const uint8_t *p = row + (size_t)(x0 + ix) * 3;
        o[x * 3] = p[0];
        o[x * 3 + 1] = p[1];
        o[x * 3 + 2] = p[2];
      }
    }
    return;
  }
  if (interp == R50IMG_NEAREST) {
    for (int32_t y = 0; y < dh; y++) {
      int64_t iy = (int64_t)floorf(((float)y + 0.5f) * sy);
      if (iy > ch - 1) iy = ch - 1;
      if (iy < 0) iy = 0;
      const uint8_t *row = img->px + (size_t)(y0 + iy) * istride;
      float *o = dst + (size_t)y * dstride;
      for (int32_t x = 0; x < dw; x++) {
        int64_t ix = (int64_t)floorf(((float)x + 0.5f) * sx);
        if (ix > cw - 1) ix = cw - 1;
        if (ix < 0) ix = 0;
        const uint8_t *p = row + (size_t)(x0 + ix) * 3;
        o[x * 3] = p[0];
        o[x * 3 + 1] = p[1];
        o[x * 3 + 2] = p[2];
      }
    }
    return;
  }
  for (int32_t y = 0; y < dh; y++) {
    float in = ((float)y + 0.5f) * sy - 0.5f, inf = floorf(in);
    int64_t lo = (int64_t)inf < 0 ? 0 : (int64_t)inf;
    int64_t hi = (int64_t)ceilf(in) > ch - 1 ? ch - 1 : (int64_t)ceilf(in);
    float ly = in - inf;
    const uint8_t *r0 = img->px + (size_t)(y0 + lo) * istride;
    const uint8_t *r1 = img->px + (size_t)(y0 + hi) * istride;
    float *o = dst + (size_t)y * dstride;
    for (int32_t x = 0; x < dw; x++) {
      float xin = ((float)x + 0.5f) * sx - 0.5f, xf = floorf(xin);
      int64_t xl = (int64_t)xf < 0 ? 0 : (int64_t)xf;
      int64_t xh = (int64_t)ceilf(xin) > cw - 1 ? cw - 1 : (int64_t)ceilf(xin);
      float lx = xin - xf;
      for (int c = 0; c < 3; c++) {
        float tl = r0[(size_t)(x0 + xl) * 3 + c], tr = r0[(size_t)(x0 + xh) * 3 + c];
        float bl = r1[(size_t)(x0 + xl) * 3 + c], br = r1[(size_t)(x0 + xh) * 3 + c];
        float top = tl + (tr - tl) * lx, bot = bl + (br - bl) * lx;
        o[x * 3 + c] = top + (bot - top) * ly;
      }
    }
  }
}

int r50img_resize(const r50img *img, int32_t dw, int32_t dh, r50img_interp interp,
                  r50img_aspect aspect, float *dst) {
  int32_t w = img->w, h = img->h;
  if (aspect == R50IMG_CROP) {
    /* Keras smart_resize / crop_to_aspect_ratio */
    int64_t cht = (int64_t)((double)w * dh / dw), cwt = (int64_t)((double)h * dw / dh);
    if (cht > h) cht = h;
    if (cwt > w) cwt = w;
    if (cht < 1) cht = 1;
    if (cwt < 1) cwt = 1;
    int32_t y0 = (int32_t)((h - cht) / 2), x0 = (int32_t)((w - cwt) / 2);
    resize_box(img, x0, y0, (int32_t)cwt, (int32_t)cht, dst, dw, dh, (size_t)dw * 3, interp);
    return 0;
  }
  if (aspect == R50IMG_PAD) {
    /* tf.image.resize_with_pad: resize keeping the aspect, pad evenly with zeros */
    memset(dst, 0, sizeof(float) * (size_t)dw * (size_t)dh * 3);
    float fw = (float)w, fh = (float)h;
    float ratio = fmaxf(fw / (float)dw, fh / (float)dh);
    float rwf = fw / ratio, rhf = fh / ratio;
    int32_t rw = (int32_t)floorf(rwf), rh = (int32_t)floorf(rhf);
    if (rw < 1) rw = 1;
    if (rh < 1) rh = 1;
    if (rw > dw) rw = dw;
    if (rh > dh) rh = dh;
    int32_t pl = (int32_t)floorf(((float)dw - rwf) / 2), pt = (int32_t)floorf(((float)dh - rhf) / 2);
    if (pl < 0) pl = 0;
    if (pt < 0) pt = 0;
    if (pl + rw > dw) pl = dw - rw;
    if (pt + rh > dh) pt = dh - rh;
    resize_box(img, 0, 0, w, h, dst + ((size_t)pt * dw + pl) * 3, rw, rh, (size_t)dw * 3, interp);
    return 0;
  }
  resize_box(img, 0, 0, w, h, dst, dw, dh, (size_t)dw * 3, interp);
  return 0;
}

int r50img_choose_map(r50_dtype dt, float qscale, int32_t zp, r50img_rescale rs, r50img_map *map) {
  if (dt == R50_DTYPE_FLOAT32) {
    *map = R50IMG_MAP_FLOAT;
    return 0;
  }
  if (dt != R50_DTYPE_UINT8 && dt != R50_DTYPE_INT8) return -1;
  if (!(qscale > 0)) return -1;
  *map = R50IMG_MAP_QUANT;
  if (dt == R50_DTYPE_UINT8) {
    int raw = 1;
    for (int p = 0; p < 256 && raw; p++) {
      double q = (p * rs.scale + rs.offset) / (double)qscale + zp;
      if (fabs(q - p) > 0.5 + 1e-3) raw = 0;
    }
    if (raw) *map = R50IMG_MAP_RAW;
  }
  return 0;
}

void r50img_to_tensor(const float *rgb, size_t n, r50img_map map, r50_dtype dt, float qscale,
                      int32_t zp, r50img_rescale rs, void *dst) {
  if (map == R50IMG_MAP_FLOAT) {
    float *o = dst;
    for (size_t i = 0; i < n; i++) o[i] = (float)(rgb[i] * rs.scale + rs.offset);
    return;
  }
  int lo = dt == R50_DTYPE_INT8 ? -128 : 0, hi = dt == R50_DTYPE_INT8 ? 127 : 255;
  for (size_t i = 0; i < n; i++) {
    double q = map == R50IMG_MAP_RAW ? (double)rgb[i]
                                     : (rgb[i] * rs.scale + rs.offset) / (double)qscale;
    q = nearbyint(q); /* round half to even (default rounding mode), as numpy.round */
    if (map != R50IMG_MAP_RAW) q += zp;
    if (q < lo) q = lo;
    if (q > hi) q = hi;
    if (dt == R50_DTYPE_INT8)
      ((int8_t *)dst)[i] = (int8_t)q;
    else
      ((uint8_t *)dst)[i] = (uint8_t)q;
  }
}

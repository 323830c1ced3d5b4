/* r50img: format detection, file loading, allocation with the pixel limit. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "r50img.h"

const char *r50img_status_str(r50img_status s) {
  switch (s) {
    case R50IMG_OK: return "ok";
    case R50IMG_ERR_IO: return "I/O error";
    case R50IMG_ERR_FORMAT: return "not an image";
    case R50IMG_ERR_CORRUPT: return "corrupt image";
    case R50IMG_ERR_UNSUPPORTED: return "unsupported image";
    case R50IMG_ERR_LIMIT: return "image too large";
    case R50IMG_ERR_NOMEM: return "out of memory";
  }
  return "?";
}

void r50img_free(r50img *img) {
  if (!img) return;
  free(img->px);
  memset(img, 0, sizeof *img);
}

r50img_status r50img_check_size(int64_t w, int64_t h, uint64_t maxpx, const char *fmt, char *msg,
                                size_t msgn) {
  if (!maxpx) maxpx = R50IMG_DEFAULT_MAX_PIXELS;
  if (w <= 0 || h <= 0) {
    snprintf(msg, msgn, "%s: invalid size %lldx%lld", fmt, (long long)w, (long long)h);
    return R50IMG_ERR_CORRUPT;
  }
  if (w > 1000000 || h > 1000000 || (uint64_t)w * (uint64_t)h > maxpx) {
    snprintf(msg, msgn, "%s: %lldx%lld pixels exceeds the limit of %llu pixels", fmt, (long long)w,
             (long long)h, (unsigned long long)maxpx);
    return R50IMG_ERR_LIMIT;
  }
  return R50IMG_OK;
}

r50img_status r50img_alloc(r50img *img, int64_t w, int64_t h, uint64_t maxpx, const char *fmt,
                           char *msg, size_t msgn) {
  r50img_status s = r50img_check_size(w, h, maxpx, fmt, msg, msgn);
  if (s != R50IMG_OK) return s;
  img->px = malloc((size_t)w * (size_t)h * 3);
  if (!img->px) {
    snprintf(msg, msgn, "%s: out of memory for %lldx%lld pixels", fmt, (long long)w, (long long)h);
    return R50IMG_ERR_NOMEM;
  }
  img->w = img->full_w = (int32_t)w;
  img->h = img->full_h = (int32_t)h;
  img->format = fmt;
  return R50IMG_OK;
}

r50img_status r50img_decode(const void *buf, size_t len, const r50img_opts *o, r50img *img,
                            char *msg, size_t msgn) {
  const uint8_t *b = buf;
  uint64_t maxpx = o && o->max_pixels ? o->max_pixels : R50IMG_DEFAULT_MAX_PIXELS;
  memset(img, 0, sizeof *img);
  msg[0] = 0;
  r50img_status s;
  if (len >= 2 && b[0] == 'B' && b[1] == 'M')
    s = r50img_decode_bmp(b, len, maxpx, img, msg, msgn);
  else if (len >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '7')
    s = r50img_decode_pnm(b, len, maxpx, img, msg, msgn);
  else if (len >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
    s = r50img_decode_png(b, len, maxpx, img, msg, msgn);
  else if (len >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
    s = r50img_decode_jpeg(b, len, maxpx, o ? o->jpeg_min_w : 0, o ? o->jpeg_min_h : 0, img, msg,
                           msgn);
  else {
    snprintf(msg, msgn, "not a BMP, PPM/PGM, PNG or JPEG file (unrecognised magic bytes)");
    return R50IMG_ERR_FORMAT;
  }
  if (s != R50IMG_OK) r50img_free(img);
  return s;
}

r50img_status r50img_load(const char *path, const r50img_opts *o, r50img *img, char *msg,
                          size_t msgn) {
  memset(img, 0, sizeof *img);
  void *buf = NULL;
  size_t len = 0;
  r50_error err;
  if (r50_file_read(path, &buf, &len, &err) != R50_OK) {
    snprintf(msg, msgn, "%s", err.msg);
    return R50IMG_ERR_IO;
  }
  char m[256];
  r50img_status s = r50img_decode(buf, len, o, img, m, sizeof m);
  r50_file_free(buf);
  if (s != R50IMG_OK) snprintf(msg, msgn, "%s: %s", path, m);
  return s;
}

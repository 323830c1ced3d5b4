/* r50img: image decoding and preprocessing for the r50 command-line tool and
 * tests (host code: allocates; links libjpeg-turbo and libpng). Not part of
 * libr50, which stays dependency-free. Formulas and limits: docs/images.md. */
#ifndef R50IMG_H
#define R50IMG_H
#include <stddef.h>
#include <stdint.h>

#include "r50.h"

/* Status codes of the decoders. */
typedef enum {
  R50IMG_OK = 0,
  R50IMG_ERR_IO = 1,          /* file cannot be read */
  R50IMG_ERR_FORMAT = 2,      /* not a recognised image format */
  R50IMG_ERR_CORRUPT = 3,     /* truncated or inconsistent file */
  R50IMG_ERR_UNSUPPORTED = 4, /* valid file using a feature not supported (e.g. RLE BMP) */
  R50IMG_ERR_LIMIT = 5,       /* over the pixel limit (decompression bomb guard) */
  R50IMG_ERR_NOMEM = 6
} r50img_status;

#define R50IMG_DEFAULT_MAX_PIXELS 100000000u /* 100 Mpixel */

typedef struct {
  uint64_t max_pixels;      /* 0 = R50IMG_DEFAULT_MAX_PIXELS; checked before allocating */
  /* JPEG DCT scaling (opt-in): when > 0, decode at 1/2, 1/4 or 1/8 size, the
   * smallest that keeps width >= min_w and height >= min_h. 0 = full size. */
  int32_t jpeg_min_w, jpeg_min_h;
} r50img_opts;

/* An RGB8 image, interleaved, rows top to bottom, no padding. */
typedef struct {
  int32_t w, h;
  uint8_t *px; /* w*h*3 bytes (malloc'd) */
  const char *format; /* "bmp", "ppm", "pgm", "png", "jpeg" */
  int32_t full_w, full_h; /* size in the file (differs from w,h after JPEG DCT scaling) */
} r50img;

/* Decode from memory (format from the magic bytes). On failure returns the
 * status, writes one message to msg and leaves img zeroed. */
r50img_status r50img_decode(const void *buf, size_t len, const r50img_opts *o, r50img *img,
                            char *msg, size_t msgn);
/* Read the file and decode it; messages start with the path. */
r50img_status r50img_load(const char *path, const r50img_opts *o, r50img *img, char *msg,
                          size_t msgn);
void r50img_free(r50img *img);
const char *r50img_status_str(r50img_status s);

/* Individual decoders (buf holds the whole file). */
r50img_status r50img_decode_bmp(const uint8_t *buf, size_t len, uint64_t maxpx, r50img *img,
                                char *msg, size_t msgn);
r50img_status r50img_decode_pnm(const uint8_t *buf, size_t len, uint64_t maxpx, r50img *img,
                                char *msg, size_t msgn);
r50img_status r50img_decode_png(const uint8_t *buf, size_t len, uint64_t maxpx, r50img *img,
                                char *msg, size_t msgn);
r50img_status r50img_decode_jpeg(const uint8_t *buf, size_t len, uint64_t maxpx, int32_t min_w,
                                 int32_t min_h, r50img *img, char *msg, size_t msgn);

/* Internal: check w, h against the limit (no allocation). */
r50img_status r50img_check_size(int64_t w, int64_t h, uint64_t maxpx, const char *fmt, char *msg,
                                size_t msgn);
/* Internal: allocate img->px after checking w, h against the limit. */
r50img_status r50img_alloc(r50img *img, int64_t w, int64_t h, uint64_t maxpx, const char *fmt,
                           char *msg, size_t msgn);

/* ---- preprocessing ---- */
/* NEAREST: TensorFlow, src = min(floor(((float)dst + 0.5f) * (float)(in/out)), in-1).
 * NEAREST_PIL: PIL's Image.resize(NEAREST), the same formula evaluated in double
 * by accumulation (x = 0.5*s, then x += s per pixel), which falls just below
 * exact ties: 512 -> 224 picks column 7 instead of 8 for dst 3 (25 columns of
 * 224 differ). The shared goldens were made with PIL. */
typedef enum { R50IMG_NEAREST = 0, R50IMG_BILINEAR = 1, R50IMG_NEAREST_PIL = 2 } r50img_interp;
typedef enum { R50IMG_FIT = 0, R50IMG_CROP = 1, R50IMG_PAD = 2 } r50img_aspect;

/* Resize img to dw x dh RGB floats (dw*dh*3) with tf.image.resize semantics
 * (half-pixel centres, no antialias) after the aspect step:
 *   FIT  stretch the whole image;
 *   CROP centre-crop the largest box of the target aspect (Keras crop_to_aspect_ratio);
 *   PAD  resize keeping the aspect, then centre on zeros (tf.image.resize_with_pad).
 * Nearest results are exact pixel values. Returns 0, or -1 when out of memory. */
int r50img_resize(const r50img *img, int32_t dw, int32_t dh, r50img_interp interp,
                  r50img_aspect aspect, float *dst);

/* How pixels become the input tensor. */
typedef struct {
  double scale, offset; /* real = pixel * scale + offset (the zoo's rescaling) */
} r50img_rescale;

typedef enum {
  R50IMG_MAP_RAW = 0,     /* uint8 tensor whose quantization encodes the rescaling: q = pixel */
  R50IMG_MAP_QUANT = 1,   /* q = clamp(round_half_even(real / scale) + zp) */
  R50IMG_MAP_FLOAT = 2    /* float32 tensor: real */
} r50img_map;

/* Decide the mapping for a tensor (uint8/int8/float32). Returns -1 for other
 * dtypes. RAW when dtype is uint8 and for every pixel p in 0..255 the exact
 * quantized value (p*rs.scale + rs.offset)/scale + zp lies within 0.5 (+1e-3)
 * of p, i.e. the tensor's quantization already performs the rescaling. */
int r50img_choose_map(r50_dtype dt, float qscale, int32_t zp, r50img_rescale rs, r50img_map *map);

/* Write n = w*h*3 values from rgb into dst (n elements of the tensor's dtype). */
void r50img_to_tensor(const float *rgb, size_t n, r50img_map map, r50_dtype dt, float qscale,
                      int32_t zp, r50img_rescale rs, void *dst);

#endif

/* PNG decoder on libpng: every colour type and depth becomes RGB8. Gray is
 * replicated, palettes expanded, 16-bit samples keep their high byte (as PIL
 * does), alpha and tRNS are dropped (no compositing). libpng errors longjmp
 * back here; nothing exits. */
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "r50img.h"

typedef struct {
  const uint8_t *b;
  size_t len, pos;
  char *msg;
  size_t msgn;
  size_t max_alloc; /* largest single block libpng may allocate */
} png_src;

/* libpng allocates a whole ancillary chunk (zTXt, iCCP, ...) from its length
 * word before reading it, e.g. 2 GB for a 110-byte file
 * (tests/regress/png/oom-ztxt-chunk-length-2gb.png). No chunk holds more
 * bytes than the file, and row buffers are at most 1,000,000 pixels x 8
 * bytes, so any block above file length + 16 MiB is refused (png_malloc
 * then raises a libpng error, reported as corrupt) before it is allocated. */
static png_voidp png_malloc_capped(png_structp p, png_alloc_size_t n) {
  png_src *s = png_get_mem_ptr(p);
  if (s && n > s->max_alloc) return NULL;
  return malloc(n);
}

static void png_free_fn(png_structp p, png_voidp ptr) {
  (void)p;
  free(ptr);
}

static void png_read_mem(png_structp p, png_bytep out, size_t n) {
  png_src *s = png_get_io_ptr(p);
  if (s->len - s->pos < n) png_error(p, "truncated file");
  memcpy(out, s->b + s->pos, n);
  s->pos += n;
}

static void png_err_fn(png_structp p, png_const_charp m) {
  png_src *s = png_get_error_ptr(p);
  snprintf(s->msg, s->msgn, "png: %s", m);
  png_longjmp(p, 1);
}

static void png_warn_fn(png_structp p, png_const_charp m) {
  (void)p;
  (void)m;
}

r50img_status r50img_decode_png(const uint8_t *buf, size_t len, uint64_t maxpx, r50img *img,
                                char *msg, size_t msgn) {
  const size_t extra = (size_t)16 << 20;
  png_src src = {buf, len, 0, msg, msgn, len < SIZE_MAX - extra ? len + extra : SIZE_MAX};
  png_structp p = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &src, png_err_fn, png_warn_fn,
                                           &src, png_malloc_capped, png_free_fn);
  if (!p) {
    snprintf(msg, msgn, "png: out of memory");
    return R50IMG_ERR_NOMEM;
  }
  png_infop info = png_create_info_struct(p);
  png_bytep *volatile rows = NULL;
  volatile r50img_status st = R50IMG_ERR_CORRUPT;
  if (!info) {
    png_destroy_read_struct(&p, NULL, NULL);
    snprintf(msg, msgn, "png: out of memory");
    return R50IMG_ERR_NOMEM;
  }
  if (setjmp(png_jmpbuf(p))) {
    free(rows);
    png_destroy_read_struct(&p, &info, NULL);
    return st;
  }
  png_set_read_fn(p, &src, png_read_mem);
  png_set_user_limits(p, 1000000, 1000000);
  png_set_chunk_malloc_max(p, src.max_alloc);
  png_read_info(p, info);
  png_uint_32 w = png_get_image_width(p, info), h = png_get_image_height(p, info);
  int ct = png_get_color_type(p, info), depth = png_get_bit_depth(p, info);
  const int ch0 = png_get_channels(p, info); /* in the file, before conversion */
  st = r50img_check_size(w, h, maxpx, "png", msg, msgn);
  if (st != R50IMG_OK) png_longjmp(p, 1);
  st = R50IMG_ERR_CORRUPT;
  if (depth == 16) png_set_strip_16(p);
  if (ct == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(p);
  if (ct == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(p);
  if (ct == PNG_COLOR_TYPE_GRAY || ct == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(p);
  if (ct & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(p);
  if (png_get_valid(p, info, PNG_INFO_tRNS)) png_free_data(p, info, PNG_FREE_TRNS, -1);
  png_set_interlace_handling(p);
  png_read_update_info(p, info);
  if (png_get_rowbytes(p, info) != (size_t)w * 3) {
    snprintf(msg, msgn, "png: unexpected row size after conversion");
    png_longjmp(p, 1);
  }
  /* deflate cannot compress more than 1032:1, so a file too short to hold
   * the image's filtered rows is truncated: say so before allocating them */
  {
    const uint64_t raw = (uint64_t)h * (1 + ((uint64_t)w * (uint64_t)ch0 *
                                             (uint64_t)depth + 7) / 8);
    if ((uint64_t)len * 1032 < raw) {
      snprintf(msg, msgn, "png: truncated: %ux%u needs %llu bytes of image data, at least %llu compressed; file has %zu",
               (unsigned)w, (unsigned)h, (unsigned long long)raw, (unsigned long long)(raw / 1032), len);
      png_longjmp(p, 1);
    }
  }
  st = r50img_alloc(img, w, h, maxpx, "png", msg, msgn);
  if (st != R50IMG_OK) png_longjmp(p, 1);
  st = R50IMG_ERR_CORRUPT;
  rows = malloc(sizeof(png_bytep) * h);
  if (!rows) {
    st = R50IMG_ERR_NOMEM;
    snprintf(msg, msgn, "png: out of memory");
    png_longjmp(p, 1);
  }
  for (png_uint_32 y = 0; y < h; y++) rows[y] = img->px + (size_t)y * w * 3;
  png_read_image(p, rows);
  png_read_end(p, NULL);
  free(rows);
  png_destroy_read_struct(&p, &info, NULL);
  return R50IMG_OK;
}

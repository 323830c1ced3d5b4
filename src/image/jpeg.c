/* JPEG decoder on libjpeg(-turbo): default (JDCT_ISLOW, fancy upsampling) as
 * PIL and TensorFlow decode. Errors longjmp back here; a truncated or corrupt
 * stream (any libjpeg warning except extraneous bytes before a marker) is
 * rejected. Optional DCT scaling to 1/2, 1/4, 1/8 (see r50img_opts). */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#include "r50img.h"

/* Progressive JPEGs may hold any number of scans, each a pass over the whole
 * coefficient buffer: a small file with thousands of tiny scans costs minutes
 * (a known decompression-time bomb). libjpeg-turbo's TurboJPEG API stops at
 * 500 scans by default; r50 refuses more than this. */
#define R50IMG_JPEG_MAX_SCANS 500

typedef struct {
  struct jpeg_error_mgr pub;
  jmp_buf jb;
  int bad_warning;
  int too_many_scans;
  char warn[JMSG_LENGTH_MAX];
} jerr_t;

static void j_progress(j_common_ptr c) {
  if (!c->is_decompressor) return;
  j_decompress_ptr d = (j_decompress_ptr)c;
  if (d->input_scan_number > R50IMG_JPEG_MAX_SCANS) {
    jerr_t *e = (jerr_t *)c->err;
    e->too_many_scans = 1;
    longjmp(e->jb, 1);
  }
}

static void j_error_exit(j_common_ptr c) {
  jerr_t *e = (jerr_t *)c->err;
  longjmp(e->jb, 1);
}

static void j_emit(j_common_ptr c, int level) {
  jerr_t *e = (jerr_t *)c->err;
  if (level < 0 && e->pub.msg_code != JWRN_EXTRANEOUS_DATA && !e->bad_warning) {
    e->bad_warning = 1;
    e->pub.format_message(c, e->warn);
  }
}

static void j_output(j_common_ptr c) { (void)c; }

r50img_status r50img_decode_jpeg(const uint8_t *buf, size_t len, uint64_t maxpx, int32_t min_w,
                                 int32_t min_h, r50img *img, char *msg, size_t msgn) {
  struct jpeg_decompress_struct ci;
  jerr_t je;
  volatile r50img_status st = R50IMG_ERR_CORRUPT;
  memset(&je, 0, sizeof je);
  ci.err = jpeg_std_error(&je.pub);
  je.pub.error_exit = j_error_exit;
  je.pub.emit_message = j_emit;
  je.pub.output_message = j_output;
  struct jpeg_progress_mgr prog;
  memset(&prog, 0, sizeof prog);
  prog.progress_monitor = j_progress;
  if (setjmp(je.jb)) {
    if (je.too_many_scans) {
      snprintf(msg, msgn, "jpeg: more than %d progressive scans (decoding-time limit)",
               R50IMG_JPEG_MAX_SCANS);
      st = R50IMG_ERR_LIMIT;
    } else if (st == R50IMG_ERR_CORRUPT) {
      char m[JMSG_LENGTH_MAX];
      je.pub.format_message((j_common_ptr)&ci, m);
      snprintf(msg, msgn, "jpeg: %s", m);
    }
    jpeg_destroy_decompress(&ci);
    return st;
  }
  jpeg_create_decompress(&ci);
  ci.progress = &prog;
  jpeg_mem_src(&ci, buf, (unsigned long)len);
  jpeg_read_header(&ci, TRUE);
  if (ci.jpeg_color_space == JCS_CMYK || ci.jpeg_color_space == JCS_YCCK) {
    snprintf(msg, msgn, "jpeg: CMYK/YCCK images are not supported");
    st = R50IMG_ERR_UNSUPPORTED;
    longjmp(je.jb, 1);
  }
  st = r50img_check_size(ci.image_width, ci.image_height, maxpx, "jpeg", msg, msgn);
  if (st != R50IMG_OK) longjmp(je.jb, 1);
  st = R50IMG_ERR_CORRUPT;
  ci.out_color_space = JCS_RGB;
  if (min_w > 0 && min_h > 0) {
    unsigned d = 8;
    while (d > 1 && ((ci.image_width + d - 1) / d < (unsigned)min_w ||
                     (ci.image_height + d - 1) / d < (unsigned)min_h))
      d /= 2;
    ci.scale_num = 1;
    ci.scale_denom = d;
  }
  jpeg_start_decompress(&ci);
  if (ci.output_components != 3) {
    snprintf(msg, msgn, "jpeg: %d output components", ci.output_components);
    st = R50IMG_ERR_UNSUPPORTED;
    longjmp(je.jb, 1);
  }
  st = r50img_alloc(img, ci.output_width, ci.output_height, maxpx, "jpeg", msg, msgn);
  if (st != R50IMG_OK) longjmp(je.jb, 1);
  st = R50IMG_ERR_CORRUPT;
  img->full_w = (int32_t)ci.image_width;
  img->full_h = (int32_t)ci.image_height;
  while (ci.output_scanline < ci.output_height) {
    JSAMPROW row = img->px + (size_t)ci.output_scanline * ci.output_width * 3;
    jpeg_read_scanlines(&ci, &row, 1);
    if (je.bad_warning) break;
  }
  if (!je.bad_warning) jpeg_finish_decompress(&ci);
  if (je.bad_warning) {
    snprintf(msg, msgn, "jpeg: corrupt or truncated data: %s", je.warn);
    jpeg_destroy_decompress(&ci);
    return R50IMG_ERR_CORRUPT;
  }
  jpeg_destroy_decompress(&ci);
  return R50IMG_OK;
}

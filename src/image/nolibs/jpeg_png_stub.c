/* JPEG and PNG decoders of a build without the target's libjpeg / libpng
 * (cross builds where they are not installed; CMakeLists.txt uses this file
 * instead of src/image/jpeg.c and png.c). They refuse every file, saying why. */
#include <stdio.h>
#include <string.h>

#include "../r50img.h"

static r50img_status refuse(const char *fmt, r50img *img, char *msg, size_t msgn) {
  memset(img, 0, sizeof *img);
  if (msg && msgn) snprintf(msg, msgn, "%s decoding not built in (r50 was built without lib%s; "
                                       "convert the image to PPM or BMP)", fmt, fmt);
  return R50IMG_ERR_UNSUPPORTED;
}

r50img_status r50img_decode_png(const uint8_t *buf, size_t len, uint64_t maxpx, r50img *img,
                                char *msg, size_t msgn) {
  (void)buf, (void)len, (void)maxpx;
  return refuse("png", img, msg, msgn);
}

r50img_status r50img_decode_jpeg(const uint8_t *buf, size_t len, uint64_t maxpx, int32_t min_w,
                                 int32_t min_h, r50img *img, char *msg, size_t msgn) {
  (void)buf, (void)len, (void)maxpx, (void)min_w, (void)min_h;
  return refuse("jpeg", img, msg, msgn);
}

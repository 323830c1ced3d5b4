/* Image decoders against hostile headers: refused with the right status and
 * message, before allocating what the header claims (issue 8; the fuzzers'
 * findings are replayed from tests/regress by the regress_* tests). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "check.h"
#include "r50img.h"

static void expect(const void *b, size_t n, r50img_status want, const char *phrase) {
  r50img img;
  char msg[256];
  r50img_status s = r50img_decode(b, n, NULL, &img, msg, sizeof msg);
  CHECK_MSG(s == want && strstr(msg, phrase) != NULL, "expected %s with '%s', got %s: %s",
            r50img_status_str(want), phrase, r50img_status_str(s), msg);
  if (s == R50IMG_OK) r50img_free(&img);
}

/* A 16x16 gray progressive JPEG with a scan script of 1 + 63 * (al + 1)
 * scans (every AC coefficient in its own band, refined bit by bit). */
static unsigned char *many_scans(int al, unsigned long *n) {
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr je;
  c.err = jpeg_std_error(&je);
  jpeg_create_compress(&c);
  unsigned char *out = NULL;
  *n = 0;
  jpeg_mem_dest(&c, &out, n);
  c.image_width = 16;
  c.image_height = 16;
  c.input_components = 1;
  c.in_color_space = JCS_GRAYSCALE;
  jpeg_set_defaults(&c);
  int ns = 1 + 63 * (al + 1);
  jpeg_scan_info *sc = calloc((size_t)ns, sizeof *sc);
  int k = 0;
  sc[k].comps_in_scan = 1, sc[k].Ss = 0, sc[k].Se = 0, sc[k].Ah = 0, sc[k].Al = 0, k++;
  for (int i = 1; i < 64; i++) {
    sc[k].comps_in_scan = 1, sc[k].Ss = i, sc[k].Se = i, sc[k].Ah = 0, sc[k].Al = al, k++;
    for (int a = al; a > 0; a--)
      sc[k].comps_in_scan = 1, sc[k].Ss = i, sc[k].Se = i, sc[k].Ah = a, sc[k].Al = a - 1, k++;
  }
  c.scan_info = sc;
  c.num_scans = k;
  jpeg_start_compress(&c, TRUE);
  unsigned char row[16];
  while (c.next_scanline < 16) {
    for (int x = 0; x < 16; x++) row[x] = (unsigned char)(x * 13 + c.next_scanline * 7);
    JSAMPROW r = row;
    jpeg_write_scanlines(&c, &r, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  free(sc);
  return out;
}

static uint32_t crc32(const unsigned char *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return c ^ 0xFFFFFFFFu;
}

int main(void) {
  /* progressive scan bomb: 631 scans refused, 127 fine */
  unsigned long n = 0;
  unsigned char *j = many_scans(9, &n);
  expect(j, n, R50IMG_ERR_LIMIT, "jpeg: more than 500 progressive scans");
  free(j);
  j = many_scans(1, &n);
  expect(j, n, R50IMG_OK, "");
  free(j);

  /* a 30-byte PPM claiming 10000x10000: truncation, not a 300 MB allocation */
  const char ppm[] = "P6\n10000 10000\n255\n\x01\x02\x03";
  expect(ppm, sizeof ppm - 1, R50IMG_ERR_CORRUPT, "ppm: truncated: 10000x10000 needs 300000000 bytes");
  const char pgm[] = "P5\n20000 20000\n255\n";
  expect(pgm, sizeof pgm - 1, R50IMG_ERR_LIMIT, "exceeds the limit of 100000000 pixels");

  /* a PNG header claiming 9000x9000 RGB with no data: refused before allocating */
  unsigned char png[] = {
      0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 'I', 'H', 'D', 'R',
      0, 0, 0x23, 0x28, 0, 0, 0x23, 0x28, 8, 2, 0, 0, 0, 0, 0, 0, 0,
      0, 0, 0, 2, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0, 0, 0, 0};
  uint32_t crc = crc32(png + 12, 17), crc2 = crc32(png + 37, 6);
  for (int i = 0; i < 4; i++) png[29 + i] = (unsigned char)(crc >> (24 - 8 * i));
  for (int i = 0; i < 4; i++) png[43 + i] = (unsigned char)(crc2 >> (24 - 8 * i));
  expect(png, sizeof png, R50IMG_ERR_CORRUPT, "png: truncated: 9000x9000 needs");

  /* BMP claiming 1000000x1000000 */
  FILE *f = fopen(R50_SOURCE_DIR "/tests/regress/bmp/limit-1000000x1000000.bmp", "rb");
  unsigned char bmp[64];
  size_t bn = f ? fread(bmp, 1, sizeof bmp, f) : 0;
  if (f) fclose(f);
  CHECK(bn == 56);
  expect(bmp, bn, R50IMG_ERR_LIMIT, "bmp: 1000000x1000000 pixels exceeds the limit");
  return test_finish("test_image_limits");
}

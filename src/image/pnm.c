/* PPM/PGM decoder: binary P5 (gray) and P6 (RGB), maxval 1..65535 (16-bit
 * samples are big-endian); values are scaled to 0..255 as round(v*255/maxval). */
#include <stdio.h>

#include "r50img.h"

/* Next header integer; skips whitespace and # comments. -1 on error. */
static int64_t next_int(const uint8_t *b, size_t len, size_t *pos) {
  size_t p = *pos;
  for (;;) {
    while (p < len && (b[p] == ' ' || b[p] == '\t' || b[p] == '\n' || b[p] == '\r' ||
                       b[p] == '\v' || b[p] == '\f'))
      p++;
    if (p < len && b[p] == '#') {
      while (p < len && b[p] != '\n' && b[p] != '\r') p++;
      continue;
    }
    break;
  }
  if (p >= len || b[p] < '0' || b[p] > '9') return -1;
  int64_t v = 0;
  while (p < len && b[p] >= '0' && b[p] <= '9') {
    v = v * 10 + (b[p] - '0');
    if (v > 100000000) return -1;
    p++;
  }
  *pos = p;
  return v;
}

r50img_status r50img_decode_pnm(const uint8_t *b, size_t len, uint64_t maxpx, r50img *img,
                                char *msg, size_t msgn) {
  char kind = (char)b[1];
  if (kind != '5' && kind != '6') {
    snprintf(msg, msgn, "PNM: P%c is not supported (only binary P5 PGM and P6 PPM)", kind);
    return R50IMG_ERR_UNSUPPORTED;
  }
  const char *fmt = kind == '5' ? "pgm" : "ppm";
  size_t pos = 2;
  int64_t w = next_int(b, len, &pos), h = next_int(b, len, &pos), maxv = next_int(b, len, &pos);
  if (w < 0 || h < 0 || maxv < 0 || pos >= len) {
    snprintf(msg, msgn, "%s: truncated or malformed header", fmt);
    return R50IMG_ERR_CORRUPT;
  }
  pos++; /* exactly one whitespace after maxval */
  if (maxv < 1 || maxv > 65535) {
    snprintf(msg, msgn, "%s: maxval %lld out of range 1..65535", fmt, (long long)maxv);
    return R50IMG_ERR_CORRUPT;
  }
  /* limit, then truncation, then allocation: a 30-byte header claiming
   * 10000x10000 must not allocate 300 MB first */
  r50img_status s = r50img_check_size(w, h, maxpx, fmt, msg, msgn);
  if (s != R50IMG_OK) return s;
  int ch = kind == '5' ? 1 : 3, bps = maxv > 255 ? 2 : 1;
  uint64_t need = (uint64_t)w * (uint64_t)h * (uint64_t)(ch * bps);
  if (len - pos < need) {
    snprintf(msg, msgn, "%s: truncated: %lldx%lld needs %llu bytes of pixels, file has %zu", fmt,
             (long long)w, (long long)h, (unsigned long long)need, len - pos);
    return R50IMG_ERR_CORRUPT;
  }
  s = r50img_alloc(img, w, h, maxpx, fmt, msg, msgn);
  if (s != R50IMG_OK) return s;
  const uint8_t *p = b + pos;
  size_t n = (size_t)w * (size_t)h;
  for (size_t i = 0; i < n; i++) {
    uint8_t v[3];
    for (int c = 0; c < ch; c++) {
      uint32_t x = bps == 2 ? ((uint32_t)p[0] << 8 | p[1]) : p[0];
      p += bps;
      if (x > (uint32_t)maxv) {
        snprintf(msg, msgn, "%s: sample %u exceeds maxval %lld", fmt, (unsigned)x, (long long)maxv);
        return R50IMG_ERR_CORRUPT;
      }
      v[c] = maxv == 255 ? (uint8_t)x
                         : (uint8_t)(((uint64_t)x * 255 + (uint64_t)maxv / 2) / (uint64_t)maxv);
    }
    img->px[i * 3] = v[0];
    img->px[i * 3 + 1] = ch == 3 ? v[1] : v[0];
    img->px[i * 3 + 2] = ch == 3 ? v[2] : v[0];
  }
  return R50IMG_OK;
}

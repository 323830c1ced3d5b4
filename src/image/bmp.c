/* BMP decoder: 1/4/8-bit palette, 16/24/32-bit, BI_RGB and BI_BITFIELDS,
 * bottom-up and top-down. RLE and embedded JPEG/PNG are refused. */
#include <stdio.h>
#include <string.h>

#include "r50img.h"

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Value of the bits under mask scaled to 0..255. */
typedef struct {
  uint32_t mask;
  int shift, bits;
} field;

static field mk_field(uint32_t mask) {
  field f = {mask, 0, 0};
  if (!mask) return f;
  while (!((mask >> f.shift) & 1)) f.shift++;
  while (f.shift + f.bits < 32 && ((mask >> (f.shift + f.bits)) & 1)) f.bits++;
  return f;
}

static uint8_t get_field(field f, uint32_t v) {
  if (!f.mask) return 0;
  uint32_t x = (v & f.mask) >> f.shift;
  if (f.bits >= 8) return (uint8_t)(x >> (f.bits - 8));
  uint32_t maxv = (1u << f.bits) - 1;
  return (uint8_t)((x * 255 + maxv / 2) / maxv);
}

r50img_status r50img_decode_bmp(const uint8_t *b, size_t len, uint64_t maxpx, r50img *img,
                                char *msg, size_t msgn) {
  if (len < 26) {
    snprintf(msg, msgn, "bmp: truncated header (%zu bytes)", len);
    return R50IMG_ERR_CORRUPT;
  }
  uint32_t off = rd32(b + 10), hsize = rd32(b + 14);
  int64_t w, h;
  uint32_t bpp, comp = 0, clr_used = 0;
  int pal_entry = 4;
  if (hsize == 12) {
    w = (int16_t)rd16(b + 18);
    h = (int16_t)rd16(b + 20);
    bpp = rd16(b + 24);
    pal_entry = 3;
  } else if (hsize == 40 || hsize == 52 || hsize == 56 || hsize == 64 || hsize == 108 ||
             hsize == 124) {
    if (len < 14 + (size_t)hsize) {
      snprintf(msg, msgn, "bmp: truncated header (%zu bytes)", len);
      return R50IMG_ERR_CORRUPT;
    }
    w = (int32_t)rd32(b + 18);
    h = (int32_t)rd32(b + 22);
    bpp = rd16(b + 28);
    comp = rd32(b + 30);
    clr_used = rd32(b + 46);
  } else {
    snprintf(msg, msgn, "bmp: unknown info header size %u", (unsigned)hsize);
    return R50IMG_ERR_CORRUPT;
  }
  int topdown = h < 0;
  if (h < 0) h = -h;
  if (comp == 1 || comp == 2) {
    snprintf(msg, msgn, "bmp: RLE compression is not supported");
    return R50IMG_ERR_UNSUPPORTED;
  }
  if (comp == 4 || comp == 5) {
    snprintf(msg, msgn, "bmp: embedded JPEG/PNG is not supported");
    return R50IMG_ERR_UNSUPPORTED;
  }
  if (comp != 0 && comp != 3 && comp != 6) {
    snprintf(msg, msgn, "bmp: unknown compression %u", (unsigned)comp);
    return R50IMG_ERR_CORRUPT;
  }
  if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32) {
    snprintf(msg, msgn, "bmp: unsupported bit depth %u", (unsigned)bpp);
    return R50IMG_ERR_UNSUPPORTED;
  }
  if ((comp == 3 || comp == 6) && bpp != 16 && bpp != 32) {
    snprintf(msg, msgn, "bmp: BI_BITFIELDS with %u bits per pixel", (unsigned)bpp);
    return R50IMG_ERR_CORRUPT;
  }
  if (w <= 0 || h <= 0) {
    snprintf(msg, msgn, "bmp: invalid size %lldx%lld", (long long)w, (long long)h);
    return R50IMG_ERR_CORRUPT;
  }
  /* palette */
  uint8_t pal[256][3];
  uint32_t npal = 0;
  if (bpp <= 8) {
    npal = clr_used ? clr_used : (1u << bpp);
    if (npal > (1u << bpp)) {
      snprintf(msg, msgn, "bmp: %u palette entries for %u-bit pixels", (unsigned)npal, (unsigned)bpp);
      return R50IMG_ERR_CORRUPT;
    }
    size_t po = 14 + (size_t)hsize;
    if (po + (size_t)npal * (size_t)pal_entry > len || po + (size_t)npal * (size_t)pal_entry > off) {
      snprintf(msg, msgn, "bmp: palette of %u entries does not fit before the pixel data",
               (unsigned)npal);
      return R50IMG_ERR_CORRUPT;
    }
    for (uint32_t i = 0; i < npal; i++) {
      const uint8_t *e = b + po + (size_t)i * (size_t)pal_entry;
      pal[i][0] = e[2];
      pal[i][1] = e[1];
      pal[i][2] = e[0];
    }
  }
  /* masks */
  field fr, fg, fb;
  if (comp == 3 || comp == 6) {
    size_t mo = 14 + 40; /* after a 40-byte header the masks follow it; larger headers hold them */
    size_t nm = comp == 6 ? 4 : 3;
    if (mo + 4 * nm > len) {
      snprintf(msg, msgn, "bmp: truncated bit field masks");
      return R50IMG_ERR_CORRUPT;
    }
    fr = mk_field(rd32(b + mo));
    fg = mk_field(rd32(b + mo + 4));
    fb = mk_field(rd32(b + mo + 8));
  } else if (bpp == 16) {
    fr = mk_field(0x7C00);
    fg = mk_field(0x03E0);
    fb = mk_field(0x001F);
  } else {
    fr = mk_field(0xFF0000);
    fg = mk_field(0xFF00);
    fb = mk_field(0xFF);
  }
  uint64_t stride = (((uint64_t)w * bpp + 31) / 32) * 4;
  if (off < 14 + hsize || off > len || (uint64_t)(len - off) / stride < (uint64_t)h) {
    /* check the limit first so a bomb header reports the limit, not truncation */
    r50img_status ls = r50img_check_size(w, h, maxpx, "bmp", msg, msgn);
    if (ls != R50IMG_OK) return ls;
    snprintf(msg, msgn, "bmp: truncated: %lldx%lld at %u bits needs %llu bytes of pixels from offset %u, file has %zu",
             (long long)w, (long long)h, (unsigned)bpp, (unsigned long long)(stride * (uint64_t)h),
             (unsigned)off, len);
    return R50IMG_ERR_CORRUPT;
  }
  r50img_status s = r50img_alloc(img, w, h, maxpx, "bmp", msg, msgn);
  if (s != R50IMG_OK) return s;
  for (int64_t y = 0; y < h; y++) {
    const uint8_t *row = b + off + stride * (uint64_t)(topdown ? y : h - 1 - y);
    uint8_t *o = img->px + (size_t)y * (size_t)w * 3;
    for (int64_t x = 0; x < w; x++, o += 3) {
      if (bpp <= 8) {
        uint64_t bit = (uint64_t)x * bpp;
        uint32_t idx = (row[bit / 8] >> (8 - bpp - (bit % 8))) & ((1u << bpp) - 1);
        if (idx >= npal) {
          snprintf(msg, msgn, "bmp: pixel (%lld,%lld) uses palette index %u of %u", (long long)x,
                   (long long)y, (unsigned)idx, (unsigned)npal);
          return R50IMG_ERR_CORRUPT;
        }
        memcpy(o, pal[idx], 3);
      } else if (bpp == 24) {
        const uint8_t *p = row + x * 3;
        o[0] = p[2];
        o[1] = p[1];
        o[2] = p[0];
      } else {
        uint32_t v = bpp == 16 ? rd16(row + x * 2) : rd32(row + x * 4);
        o[0] = get_field(fr, v);
        o[1] = get_field(fg, v);
        o[2] = get_field(fb, v);
      }
    }
  }
  return R50IMG_OK;
}

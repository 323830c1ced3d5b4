/* r50img: decoders on generated images (every BMP/PNM/PNG variant, truncated
 * and oversized files), the shared photos, and preprocessing against the
 * goldens' input tensors (byte for byte). */
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "r50img.h"

static uint8_t ref_px(int x, int y, int c) { return (uint8_t)(x * 37 + y * 11 + c * 85); }

static void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* BMP with w x h pixels of ref_px (palette images use a gray ramp of index values). */
static size_t make_bmp(uint8_t *b, int w, int h, int bpp, int topdown, int bitfields) {
  int npal = bpp <= 8 ? 1 << bpp : 0;
  uint32_t hdr = 14 + 40 + (bitfields ? 12 : 0) + (uint32_t)npal * 4;
  uint32_t stride = (uint32_t)((w * bpp + 31) / 32) * 4;
  memset(b, 0, hdr + stride * (uint32_t)h);
  b[0] = 'B';
  b[1] = 'M';
  put32(b + 2, hdr + stride * (uint32_t)h);
  put32(b + 10, hdr);
  put32(b + 14, 40);
  put32(b + 18, (uint32_t)w);
  put32(b + 22, (uint32_t)(topdown ? -h : h));
  b[26] = 1;
  b[28] = (uint8_t)bpp;
  put32(b + 30, bitfields ? 3 : 0);
  if (bitfields) {
    put32(b + 54, 0x0000FF00); /* R in byte 1, G in byte 2, B in byte 3 (unusual order) */
    put32(b + 58, 0x00FF0000);
    put32(b + 62, 0xFF000000);
  }
  for (int i = 0; i < npal; i++) {
    uint8_t v = (uint8_t)(i * 255 / (npal - 1));
    b[54 + i * 4] = v;
    b[54 + i * 4 + 1] = (uint8_t)(255 - v);
    b[54 + i * 4 + 2] = v;
  }
  for (int y = 0; y < h; y++) {
    uint8_t *row = b + hdr + stride * (uint32_t)(topdown ? y : h - 1 - y);
    for (int x = 0; x < w; x++) {
      if (bpp <= 8) {
        int idx = (x + y) % npal, bit = x * bpp;
        row[bit / 8] |= (uint8_t)(idx << (8 - bpp - bit % 8));
      } else if (bpp == 24) {
        for (int c = 0; c < 3; c++) row[x * 3 + 2 - c] = ref_px(x, y, c);
      } else if (bitfields) {
        row[x * 4 + 1] = ref_px(x, y, 0);
        row[x * 4 + 2] = ref_px(x, y, 1);
        row[x * 4 + 3] = ref_px(x, y, 2);
      } else {
        for (int c = 0; c < 3; c++) row[x * 4 + 2 - c] = ref_px(x, y, c);
      }
    }
  }
  return hdr + stride * (uint32_t)h;
}

static int img_ok(const r50img *im, int w, int h, int bpp) {
  if (im->w != w || im->h != h) return 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < 3; c++) {
        uint8_t want;
        if (bpp <= 8) {
          int npal = 1 << bpp, idx = (x + y) % npal;
          uint8_t v = (uint8_t)(idx * 255 / (npal - 1));
          want = c == 1 ? (uint8_t)(255 - v) : v;
        } else {
          want = ref_px(x, y, c);
        }
        if (im->px[((size_t)y * w + x) * 3 + c] != want) return 0;
      }
  return 1;
}

static void test_bmp(void) {
  static uint8_t b[1 << 16];
  const int bpps[] = {1, 4, 8, 24, 32};
  char msg[256];
  for (int k = 0; k < 5; k++)
    for (int td = 0; td < 2; td++)
      for (int bf = 0; bf < (bpps[k] == 32 ? 2 : 1); bf++) {
        size_t n = make_bmp(b, 13, 7, bpps[k], td, bf);
        r50img im;
        r50img_status s = r50img_decode(b, n, NULL, &im, msg, sizeof msg);
        CHECK_MSG(s == R50IMG_OK && img_ok(&im, 13, 7, bpps[k]), "bpp %d topdown %d bitfields %d: %s",
                  bpps[k], td, bf, msg);
        r50img_free(&im);
        s = r50img_decode(b, n - 5, NULL, &im, msg, sizeof msg);
        CHECK_MSG(s == R50IMG_ERR_CORRUPT && strstr(msg, "truncated"), "truncated bpp %d: %s", bpps[k], msg);
      }
  /* pixel limit before allocation: header claims 100000 x 100000 */
  size_t n = make_bmp(b, 4, 4, 24, 0, 0);
  put32(b + 18, 100000);
  put32(b + 22, 100000);
  r50img im;
  r50img_opts o = {0, 0, 0};
  CHECK(r50img_decode(b, n, &o, &im, msg, sizeof msg) == R50IMG_ERR_LIMIT);
  o.max_pixels = 10;
  n = make_bmp(b, 4, 4, 24, 0, 0);
  CHECK(r50img_decode(b, n, &o, &im, msg, sizeof msg) == R50IMG_ERR_LIMIT && strstr(msg, "limit"));
  b[30] = 1; /* RLE8 */
  CHECK(r50img_decode(b, n, NULL, &im, msg, sizeof msg) == R50IMG_ERR_UNSUPPORTED);
  CHECK(r50img_decode("hello", 5, NULL, &im, msg, sizeof msg) == R50IMG_ERR_FORMAT);
}

static void test_pnm(void) {
  char msg[256];
  uint8_t b[512];
  int k = snprintf((char *)b, sizeof b, "P6\n# comment\n3 2\n255\n");
  for (int i = 0; i < 18; i++) b[k + i] = (uint8_t)(i * 13);
  r50img im;
  CHECK(r50img_decode(b, (size_t)k + 18, NULL, &im, msg, sizeof msg) == R50IMG_OK && im.w == 3 &&
        im.h == 2 && im.px[17] == 17 * 13);
  r50img_free(&im);
  CHECK(r50img_decode(b, (size_t)k + 17, NULL, &im, msg, sizeof msg) == R50IMG_ERR_CORRUPT);
  k = snprintf((char *)b, sizeof b, "P5 2 1 65535\n");
  memcpy(b + k, "\xff\xff\x80\x00", 4); /* 16-bit big-endian */
  CHECK(r50img_decode(b, (size_t)k + 4, NULL, &im, msg, sizeof msg) == R50IMG_OK && im.px[0] == 255 &&
        im.px[2] == 255 && im.px[3] == 128 && im.px[5] == 128);
  r50img_free(&im);
  k = snprintf((char *)b, sizeof b, "P3 1 1 255\n1 2 3\n");
  CHECK(r50img_decode(b, (size_t)k, NULL, &im, msg, sizeof msg) == R50IMG_ERR_UNSUPPORTED);
}

/* ---- PNG written with libpng ---- */
typedef struct {
  uint8_t *b;
  size_t n, cap;
} mbuf;
static void mwrite(png_structp p, png_bytep d, size_t n) {
  mbuf *m = png_get_io_ptr(p);
  if (m->n + n > m->cap) return;
  memcpy(m->b + m->n, d, n);
  m->n += n;
}
static void mflush(png_structp p) { (void)p; }

static size_t make_png(uint8_t *out, size_t cap, int w, int h, int ct, int depth) {
  mbuf m = {out, 0, cap};
  png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct(p);
  if (setjmp(png_jmpbuf(p))) {
    png_destroy_write_struct(&p, &info);
    return 0;
  }
  png_set_write_fn(p, &m, mwrite, mflush);
  png_set_IHDR(p, info, (png_uint_32)w, (png_uint_32)h, depth, ct, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_color pal[4] = {{10, 20, 30}, {40, 50, 60}, {70, 80, 90}, {200, 210, 220}};
  if (ct == PNG_COLOR_TYPE_PALETTE) png_set_PLTE(p, info, pal, 4);
  png_write_info(p, info);
  int ch = ct == PNG_COLOR_TYPE_GRAY ? 1 : ct == PNG_COLOR_TYPE_GRAY_ALPHA ? 2 : ct == PNG_COLOR_TYPE_RGB ? 3 : ct == PNG_COLOR_TYPE_RGBA ? 4 : 1;
  uint8_t row[256];
  for (int y = 0; y < h; y++) {
    memset(row, 0, sizeof row);
    for (int x = 0; x < w; x++)
      for (int c = 0; c < ch; c++) {
        uint8_t v = ct == PNG_COLOR_TYPE_PALETTE ? (uint8_t)((x + y) % 4) : ref_px(x, y, c);
        if (depth == 16) {
          row[(x * ch + c) * 2] = v;
          row[(x * ch + c) * 2 + 1] = 0x7f;
        } else if (depth == 8) {
          row[x * ch + c] = v;
        } else { /* 2-bit palette */
          row[x / 4] |= (uint8_t)(v << (6 - 2 * (x % 4)));
        }
      }
    png_write_row(p, row);
  }
  png_write_end(p, NULL);
  png_destroy_write_struct(&p, &info);
  return m.n;
}

static void test_png(void) {
  static uint8_t b[1 << 15];
  char msg[256];
  struct {
    int ct, depth;
  } v[] = {{PNG_COLOR_TYPE_GRAY, 8}, {PNG_COLOR_TYPE_GRAY_ALPHA, 8}, {PNG_COLOR_TYPE_RGB, 8},
           {PNG_COLOR_TYPE_RGBA, 8}, {PNG_COLOR_TYPE_RGB, 16}, {PNG_COLOR_TYPE_PALETTE, 2}};
  for (int k = 0; k < 6; k++) {
    size_t n = make_png(b, sizeof b, 9, 5, v[k].ct, v[k].depth);
    CHECK(n > 0);
    r50img im;
    r50img_status s = r50img_decode(b, n, NULL, &im, msg, sizeof msg);
    int ok = s == R50IMG_OK && im.w == 9 && im.h == 5;
    for (int y = 0; ok && y < 5; y++)
      for (int x = 0; x < 9; x++)
        for (int c = 0; c < 3; c++) {
          uint8_t want;
          if (v[k].ct == PNG_COLOR_TYPE_PALETTE) {
            static const uint8_t pal[4][3] = {{10, 20, 30}, {40, 50, 60}, {70, 80, 90}, {200, 210, 220}};
            want = pal[(x + y) % 4][c];
          } else if (v[k].ct == PNG_COLOR_TYPE_GRAY || v[k].ct == PNG_COLOR_TYPE_GRAY_ALPHA) {
            want = ref_px(x, y, 0);
          } else {
            want = ref_px(x, y, c);
          }
          if (im.px[(y * 9 + x) * 3 + c] != want) ok = 0;
        }
    CHECK_MSG(ok, "png color type %d depth %d: %s", v[k].ct, v[k].depth, msg);
    r50img_free(&im);
    s = r50img_decode(b, n - 20, NULL, &im, msg, sizeof msg);
    CHECK_MSG(s == R50IMG_ERR_CORRUPT, "truncated png %d: %d %s", k, s, msg);
    r50img_opts o = {20, 0, 0};
    CHECK(r50img_decode(b, n, &o, &im, msg, sizeof msg) == R50IMG_ERR_LIMIT);
  }
}

static int read_all(const char *path, uint8_t **b, size_t *n) {
  r50_error e;
  return r50_file_read(path, (void **)b, n, &e) == R50_OK ? 0 : -1;
}

static uint32_t fnv(const uint8_t *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

/* Shared photos through decode + resize + mapping = the goldens' in.bin. */
static void test_photos(void) {
  const char *photos[] = {"cat.bmp", "grace_hopper.bmp", "bird.bmp", "sunflower.bmp",
                          "dragonfly.bmp", "owl.jpg", "hot_dog.jpg"};
  /* FNV-1a of the decoded RGB pixels (JPEG: libjpeg-turbo's default ISLOW IDCT) */
  const uint32_t sums[] = {0x9c636bb1, 0x0056712b, 0x987af984, 0x3f187bba,
                           0x2d03ba77, 0xb026909a, 0xb7509a8a};
  static float buf[224 * 224 * 3];
  static uint8_t t[224 * 224 * 3];
  r50img_rescale rs = {1.0 / 127.5, -1.0};
  r50img_map map;
  CHECK(r50img_choose_map(R50_DTYPE_UINT8, 1.0f / 127.5f, 127, rs, &map) == 0 && map == R50IMG_MAP_RAW);
  CHECK(r50img_choose_map(R50_DTYPE_UINT8, 2.0f / 255.0f, 128, rs, &map) == 0 && map == R50IMG_MAP_RAW);
  CHECK(r50img_choose_map(R50_DTYPE_UINT8, 1.0f / 255.0f, 0, rs, &map) == 0 && map == R50IMG_MAP_QUANT);
  for (int k = 0; k < 7; k++) {
    char path[1024], stem[64], msg[256];
    snprintf(path, sizeof path, "%s/images/%s", R50_SHARED_DIR, photos[k]);
    snprintf(stem, sizeof stem, "%s", photos[k]);
    *strrchr(stem, '.') = 0;
    r50img im;
    r50img_status s = r50img_load(path, NULL, &im, msg, sizeof msg);
    CHECK_MSG(s == R50IMG_OK, "%s", msg);
    if (s != R50IMG_OK) continue;
    uint32_t h = fnv(im.px, (size_t)im.w * im.h * 3);
    CHECK_MSG(h == sums[k], "%s: %dx%d %s fnv1a %08x", photos[k], im.w, im.h, im.format, h);
    r50img_resize(&im, 224, 224, R50IMG_NEAREST_PIL, R50IMG_FIT, buf);
    r50img_to_tensor(buf, sizeof t, R50IMG_MAP_RAW, R50_DTYPE_UINT8, 1.0f / 127.5f, 127, rs, t);
    snprintf(path, sizeof path, "%s/golden/tf2_mobilenet_v2_1.0_224_ptq/%s.in.bin", R50_SHARED_DIR, stem);
    uint8_t *g;
    size_t gn;
    if (read_all(path, &g, &gn) == 0) {
      CHECK_MSG(gn == sizeof t && !memcmp(g, t, sizeof t), "%s: tensor differs from the golden", stem);
      /* TensorFlow's nearest differs from PIL's only at exact ties */
      r50img_resize(&im, 224, 224, R50IMG_NEAREST, R50IMG_FIT, buf);
      if (im.w == 512) { /* dst column 3 -> src column 8 (PIL: 7) */
        size_t row = (size_t)(0.5f * ((float)im.h / 224.0f));
        CHECK(buf[3 * 3] == im.px[(row * 512 + 8) * 3]);
      }
      r50_file_free(g);
    }
    /* int8 ResNet-8: q = pixel - 128 */
    snprintf(path, sizeof path, "%s/golden/pretrainedResnet_quant/%s.in.bin", R50_SHARED_DIR, stem);
    if (read_all(path, &g, &gn) == 0) {
      r50img_rescale one = {1, 0};
      int8_t q[32 * 32 * 3];
      r50img_resize(&im, 32, 32, R50IMG_NEAREST_PIL, R50IMG_FIT, buf);
      CHECK(r50img_choose_map(R50_DTYPE_INT8, 1.0f, -128, one, &map) == 0 && map == R50IMG_MAP_QUANT);
      r50img_to_tensor(buf, sizeof q, map, R50_DTYPE_INT8, 1.0f, -128, one, q);
      CHECK_MSG(gn == sizeof q && !memcmp(g, q, sizeof q), "%s: int8 ResNet-8 tensor differs", stem);
      r50_file_free(g);
    }
    r50img_free(&im);
  }
  /* truncated JPEG is rejected */
  uint8_t *j;
  size_t jn;
  char path[1024], msg[256];
  snprintf(path, sizeof path, "%s/images/owl.jpg", R50_SHARED_DIR);
  if (read_all(path, &j, &jn) == 0) {
    r50img im;
    CHECK(r50img_decode(j, jn * 2 / 3, NULL, &im, msg, sizeof msg) == R50IMG_ERR_CORRUPT);
    r50img_opts o = {0, 100, 100}; /* DCT scaling: 1/4 gives 128x96 < 100, so 1/2 */
    CHECK(r50img_decode(j, jn, &o, &im, msg, sizeof msg) == R50IMG_OK && im.w == 256 && im.h == 192 &&
          im.full_w == 512);
    r50img_free(&im);
    r50_file_free(j);
  }
}

static void test_resize(void) {
  /* 4x1 -> 2x1 bilinear with half-pixel centres: src x = 0.5, 2.5 */
  uint8_t px[12] = {0, 0, 0, 100, 100, 100, 200, 200, 200, 250, 250, 250};
  r50img im = {4, 1, px, "test", 4, 1};
  float o[12];
  r50img_resize(&im, 2, 1, R50IMG_BILINEAR, R50IMG_FIT, o);
  CHECK(o[0] == 50.0f && o[3] == 225.0f);
  r50img_resize(&im, 2, 1, R50IMG_NEAREST, R50IMG_FIT, o);
  CHECK(o[0] == 100.0f && o[3] == 250.0f); /* floor(0.5*2)=1, floor(1.5*2)=3 */
  /* pad: 4x1 into 2x2 -> resized 2x1 at row 0 (pad top = floor(0.5) = 0), row 1 zero */
  float p[12];
  r50img_resize(&im, 2, 2, R50IMG_NEAREST, R50IMG_PAD, p);
  CHECK(p[0] == 100.0f && p[3] == 250.0f && p[6] == 0.0f && p[9] == 0.0f);
  /* crop: 4x1 to 1x1 -> centre box x 1..1 (width int(1*1/1)=1, start (4-1)/2=1) */
  r50img_resize(&im, 1, 1, R50IMG_NEAREST, R50IMG_CROP, p);
  CHECK(p[0] == 100.0f);
}

int main(void) {
  test_bmp();
  test_pnm();
  test_png();
  test_resize();
  test_photos();
  return test_finish("test_image");
}

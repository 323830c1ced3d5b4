/* Seed corpora for the fuzzers (tests/fuzz/run.sh), built at run time into
 * OUT/{model,bmp,pnm,png,jpeg,text}/ (nothing is committed):
 *  - model: small models r50 builds here (a float CNN with most supported op
 *    types, quantized int8 with uint8 and with int8 input/output by the r50
 *    quantizer), plus the small .tflite files of SHARED/models (< 600 KB);
 *  - images: a 24x16 thumbnail of a shared photo (or a pattern) written in
 *    every BMP, PPM/PGM, PNG and JPEG variant the decoders handle;
 *  - text: --list CSV, results.csv and labels lines.
 * Usage: mkseeds SHARED_DIR OUT_DIR */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jpeglib.h>
#include <png.h>

#include "host/hgraph.h"
#include "host/quantize.h"
#include "r50.h"
#include "r50img.h"

static const char *g_out;
static int g_count;

static void put_file(const char *dir, const char *name, const void *b, size_t n) {
  char p[4096];
  snprintf(p, sizeof p, "%s/%s", g_out, dir);
  mkdir(p, 0777);
  snprintf(p, sizeof p, "%s/%s/%s", g_out, dir, name);
  FILE *f = fopen(p, "wb");
  if (!f || fwrite(b, 1, n, f) != n) {
    fprintf(stderr, "mkseeds: cannot write %s\n", p);
    exit(1);
  }
  fclose(f);
  g_count++;
}

/* ---- models ---- */
static int32_t cf(r50_hgraph *h, const char *name, int nd, const int32_t *dims, float v0, float step) {
  size_t n = 1;
  for (int i = 0; i < nd; i++) n *= (size_t)dims[i];
  float *d = r50_hg_alloc(h, n * sizeof(float));
  if (!d) return -1;
  for (size_t i = 0; i < n; i++) d[i] = v0 + step * (float)((i * 7) % 11) - step * 5.0f;
  return r50_hg_tensor(h, name, R50_DTYPE_FLOAT32, nd, dims, d);
}

static int32_t act(r50_hgraph *h, const char *name, int32_t H, int32_t W, int32_t C) {
  int32_t d[4] = {1, H, W, C};
  return r50_hg_tensor(h, name, R50_DTYPE_FLOAT32, 4, d, NULL);
}

/* [1,8,8,3] -> PAD 1 -> CONV 3x3x4 RELU -> DEPTHWISE 3x3 SAME -> MUL c -> ADD c RELU6
 * -> SUB c -> MAX_POOL 2x2/2 -> AVERAGE_POOL 3x3 SAME -> MEAN
 * -> FULLY_CONNECTED 3 -> SOFTMAX */
static r50_status tiny_model(void **buf, size_t *len, r50_error *e) {
  r50_hgraph h;
  r50_hg_init(&h);
  r50_op_options o;
  int32_t in = act(&h, "input", 8, 8, 3);
  int32_t pd[2] = {4, 2}, *pads = r50_hg_alloc(&h, 8 * sizeof(int32_t));
  if (pads) pads[2] = pads[3] = pads[4] = pads[5] = 1;
  int32_t tp = r50_hg_tensor(&h, "pad/paddings", R50_DTYPE_INT32, 2, pd, pads);
  int32_t padded = act(&h, "pad", 10, 10, 3), ip[2] = {in, tp};
  r50_hg_op(&h, R50_OP_PAD, 1, NULL, 2, ip, 1, &padded);
  int32_t wd[4] = {4, 3, 3, 3}, bd[1] = {4};
  int32_t w = cf(&h, "conv/w", 4, wd, 0.0f, 0.05f), b = cf(&h, "conv/b", 1, bd, 0.1f, 0.01f);
  int32_t conv = act(&h, "conv", 8, 8, 4), ic[3] = {padded, w, b};
  memset(&o, 0, sizeof o);
  o.conv = (r50_conv_options){R50_PAD_VALID, 1, 1, 1, 1, 0, R50_ACT_RELU};
  r50_hg_op(&h, R50_OP_CONV_2D, 1, &o, 3, ic, 1, &conv);
  int32_t dwd[4] = {1, 3, 3, 4};
  int32_t dw = cf(&h, "dw/w", 4, dwd, 0.0f, 0.1f), db = cf(&h, "dw/b", 1, bd, 0.0f, 0.02f);
  int32_t dwo = act(&h, "dw", 8, 8, 4), id[3] = {conv, dw, db};
  o.conv = (r50_conv_options){R50_PAD_SAME, 1, 1, 1, 1, 1, R50_ACT_NONE};
  r50_hg_op(&h, R50_OP_DEPTHWISE_CONV_2D, 1, &o, 3, id, 1, &dwo);
  int32_t cm = cf(&h, "mul/c", 1, bd, 1.0f, 0.1f), mo = act(&h, "mul", 8, 8, 4), im[2] = {dwo, cm};
  memset(&o, 0, sizeof o);
  r50_hg_op(&h, R50_OP_MUL, 1, &o, 2, im, 1, &mo);
  int32_t ca = cf(&h, "add/c", 1, bd, 0.2f, 0.1f), ao = act(&h, "add", 8, 8, 4), ia[2] = {mo, ca};
  o.eltwise.activation = R50_ACT_RELU6;
  r50_hg_op(&h, R50_OP_ADD, 1, &o, 2, ia, 1, &ao);
  int32_t cs = cf(&h, "sub/c", 1, bd, 0.1f, 0.05f), so = act(&h, "sub", 8, 8, 4), is[2] = {ao, cs};
  memset(&o, 0, sizeof o);
  r50_hg_op(&h, R50_OP_SUB, 1, &o, 2, is, 1, &so);
  int32_t mp = act(&h, "maxpool", 4, 4, 4);
  o.pool = (r50_pool_options){R50_PAD_VALID, 2, 2, 2, 2, R50_ACT_NONE};
  r50_hg_op(&h, R50_OP_MAX_POOL_2D, 1, &o, 1, &so, 1, &mp);
  int32_t ap = act(&h, "avgpool", 4, 4, 4);
  o.pool = (r50_pool_options){R50_PAD_SAME, 1, 1, 3, 3, R50_ACT_NONE};
  r50_hg_op(&h, R50_OP_AVERAGE_POOL_2D, 1, &o, 1, &mp, 1, &ap);
  int32_t ad[1] = {2}, *axes = r50_hg_alloc(&h, 2 * sizeof(int32_t));
  if (axes) axes[0] = 1, axes[1] = 2;
  int32_t ta = r50_hg_tensor(&h, "mean/axes", R50_DTYPE_INT32, 1, ad, axes);
  int32_t md[2] = {1, 4}, mean = r50_hg_tensor(&h, "mean", R50_DTYPE_FLOAT32, 2, md, NULL);
  int32_t imn[2] = {ap, ta};
  memset(&o, 0, sizeof o);
  r50_hg_op(&h, R50_OP_MEAN, 1, &o, 2, imn, 1, &mean);
  int32_t fwd[2] = {3, 4}, fbd[1] = {3};
  int32_t fw = cf(&h, "fc/w", 2, fwd, 0.0f, 0.1f), fb = cf(&h, "fc/b", 1, fbd, 0.0f, 0.01f);
  int32_t od[2] = {1, 3}, logits = r50_hg_tensor(&h, "logits", R50_DTYPE_FLOAT32, 2, od, NULL);
  int32_t ifc[3] = {mean, fw, fb};
  r50_hg_op(&h, R50_OP_FULLY_CONNECTED, 1, &o, 3, ifc, 1, &logits);
  int32_t probs = r50_hg_tensor(&h, "probs", R50_DTYPE_FLOAT32, 2, od, NULL);
  o.softmax.beta = 1.0f;
  r50_hg_op(&h, R50_OP_SOFTMAX, 1, &o, 1, &logits, 1, &probs);
  r50_hg_set_io(&h, 1, &in, 1, &probs);
  r50_status s = r50_hg_serialize(&h, buf, len, e);
  r50_hg_free(&h);
  return s;
}

static r50_status calib(void *user, int32_t i, float *dst, size_t n, r50_error *err) {
  (void)user, (void)err;
  for (size_t k = 0; k < n; k++) dst[k] = (float)(((k * 13 + (size_t)i * 5) % 17) / 8.0 - 1.0);
  return R50_OK;
}

/* Loads and runs (the seed must exercise invoke). */
static int runs(const void *b, size_t n, const char *what) {
  size_t need = 0;
  r50_error e;
  if (r50_arena_size(b, n, &need, &e) != R50_OK) {
    fprintf(stderr, "mkseeds: %s does not load: %s\n", what, e.msg);
    return 0;
  }
  return 1;
}

static void models(const char *shared) {
  void *fl = NULL;
  size_t fn = 0;
  r50_error e;
  if (tiny_model(&fl, &fn, &e) != R50_OK) {
    fprintf(stderr, "mkseeds: tiny model: %s\n", e.msg);
    exit(1);
  }
  if (runs(fl, fn, "tiny float")) put_file("model", "tiny_float.tflite", fl, fn);
  struct {
    const char *name;
    r50_quant_options q;
  } qs[] = {{"tiny_int8_u8in.tflite", {R50_DTYPE_UINT8, R50_DTYPE_FLOAT32, 0, 0, 0.0f, 0}},
            {"tiny_int8.tflite", {R50_DTYPE_INT8, R50_DTYPE_INT8, 0, 0, 0.0f, 0}},
            {"tiny_int8_pt.tflite", {R50_DTYPE_FLOAT32, R50_DTYPE_UINT8, 1, 0, 0.0f, 0}}};
  for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
    void *q = NULL;
    size_t qn = 0;
    if (r50_quantize(fl, fn, &qs[i].q, 4, calib, NULL, &q, &qn, &e) != R50_OK) {
      fprintf(stderr, "mkseeds: quantize %s: %s\n", qs[i].name, e.msg);
      continue;
    }
    if (runs(q, qn, qs[i].name)) put_file("model", qs[i].name, q, qn);
    r50_file_free(q);
  }
  r50_file_free(fl);
  const char *files[] = {"pretrainedResnet_quant.tflite", "pretrainedResnet.tflite",
                         "model_invoking_error.tflite", "mobilenet_v1_0.25_128_quant.tflite"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char p[4096];
    snprintf(p, sizeof p, "%s/models/%s", shared, files[i]);
    void *b = NULL;
    size_t n = 0;
    if (r50_file_read(p, &b, &n, &e) != R50_OK) {
      fprintf(stderr, "mkseeds: skipping %s\n", e.msg);
      continue;
    }
    put_file("model", files[i], b, n);
    r50_file_free(b);
  }
}

/* ---- images ---- */
enum { TW = 24, TH = 16 };
static uint8_t g_px[TH][TW][3];

static void thumbnail(const char *shared) {
  char p[4096];
  snprintf(p, sizeof p, "%s/images/owl.jpg", shared);
  r50img img;
  char msg[256];
  float rgb[TH * TW * 3];
  int ok = r50img_load(p, NULL, &img, msg, sizeof msg) == R50IMG_OK &&
           r50img_resize(&img, TW, TH, R50IMG_BILINEAR, R50IMG_CROP, rgb) == 0;
  for (int y = 0; y < TH; y++)
    for (int x = 0; x < TW; x++)
      for (int c = 0; c < 3; c++)
        g_px[y][x][c] = ok ? (uint8_t)(rgb[(y * TW + x) * 3 + c] + 0.5f) : (uint8_t)(x * 37 + y * 11 + c * 85);
  if (ok) r50img_free(&img);
  else fprintf(stderr, "mkseeds: %s; using a pattern\n", msg);
}

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }

static uint8_t gray(int x, int y) { return (uint8_t)((g_px[y][x][0] * 3 + g_px[y][x][1] * 6 + g_px[y][x][2]) / 10); }

/* BMP: hsize 12 (core) or 40/108/124, bpp 1..32, bitfields, top-down. */
static void bmp(const char *name, uint32_t hsize, int bpp, int topdown, int bitfields) {
  static uint8_t b[1 << 16];
  int npal = bpp <= 8 ? 1 << bpp : 0, pe = hsize == 12 ? 3 : 4;
  uint32_t masks = bitfields && hsize == 40 ? 12 : 0;
  uint32_t hdr = 14 + hsize + masks + (uint32_t)(npal * pe);
  uint32_t stride = (uint32_t)((TW * bpp + 31) / 32) * 4, size = hdr + stride * TH;
  memset(b, 0, size);
  b[0] = 'B', b[1] = 'M';
  put32(b + 2, size);
  put32(b + 10, hdr);
  put32(b + 14, hsize);
  if (hsize == 12) {
    put16(b + 18, TW), put16(b + 20, TH), put16(b + 22, 1), put16(b + 24, (uint32_t)bpp);
  } else {
    put32(b + 18, TW), put32(b + 22, topdown ? (uint32_t)-TH : TH), put16(b + 26, 1);
    put16(b + 28, (uint32_t)bpp), put32(b + 30, bitfields ? 3 : 0);
    if (bitfields) {
      uint32_t m[3] = {bpp == 16 ? 0xF800u : 0xFF0000u, bpp == 16 ? 0x07E0u : 0xFF00u, bpp == 16 ? 0x1Fu : 0xFFu};
      for (int i = 0; i < 3; i++) put32(b + 54 + 4 * i, m[i]);
    }
  }
  for (int i = 0; i < npal; i++) {
    uint8_t *e = b + 14 + hsize + masks + i * pe;
    e[0] = e[1] = e[2] = (uint8_t)(i * 255 / (npal - 1));
  }
  for (int y = 0; y < TH; y++) {
    uint8_t *row = b + hdr + stride * (uint32_t)(topdown ? y : TH - 1 - y);
    for (int x = 0; x < TW; x++) {
      const uint8_t *p = g_px[y][x];
      if (bpp <= 8) {
        int idx = gray(x, y) >> (8 - bpp), bit = x * bpp;
        row[bit / 8] |= (uint8_t)(idx << (8 - bpp - bit % 8));
      } else if (bpp == 16) {
        uint32_t v = bitfields ? (uint32_t)(p[0] >> 3) << 11 | (uint32_t)(p[1] >> 2) << 5 | p[2] >> 3
                               : (uint32_t)(p[0] >> 3) << 10 | (uint32_t)(p[1] >> 3) << 5 | p[2] >> 3;
        put16(row + x * 2, v);
      } else {
        uint8_t *o = row + x * (bpp / 8);
        o[0] = p[2], o[1] = p[1], o[2] = p[0];
      }
    }
  }
  put_file("bmp", name, b, size);
}

static void pnm(const char *name, int color, int maxv) {
  static uint8_t b[1 << 16];
  int n = snprintf((char *)b, 64, "P%c\n# r50 seed\n%d %d\n%d\n", color ? '6' : '5', TW, TH, maxv);
  size_t pos = (size_t)n;
  for (int y = 0; y < TH; y++)
    for (int x = 0; x < TW; x++)
      for (int c = 0; c < (color ? 3 : 1); c++) {
        uint32_t v = (uint32_t)(color ? g_px[y][x][c] : gray(x, y)) * (uint32_t)maxv / 255;
        if (maxv > 255) b[pos++] = (uint8_t)(v >> 8);
        b[pos++] = (uint8_t)v;
      }
  put_file("pnm", name, b, pos);
}

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

static void png(const char *name, int ct, int depth, int interlace) {
  static uint8_t out[1 << 16];
  mbuf m = {out, 0, sizeof out};
  png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct(p);
  if (setjmp(png_jmpbuf(p))) {
    png_destroy_write_struct(&p, &info);
    fprintf(stderr, "mkseeds: png %s failed\n", name);
    return;
  }
  png_set_write_fn(p, &m, mwrite, mflush);
  png_set_IHDR(p, info, TW, TH, depth, ct, interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_color pal[16];
  for (int i = 0; i < 16; i++) pal[i].red = pal[i].green = pal[i].blue = (png_byte)(i * 17);
  if (ct == PNG_COLOR_TYPE_PALETTE) {
    png_set_PLTE(p, info, pal, 1 << depth);
    png_byte trns[2] = {0, 128};
    png_set_tRNS(p, info, trns, 2, NULL);
  }
  png_text t = {PNG_TEXT_COMPRESSION_zTXt, "Comment", "r50 fuzz seed", 13, 0, NULL, NULL};
  png_set_text(p, info, &t, 1);
  png_write_info(p, info);
  int ch = ct == PNG_COLOR_TYPE_GRAY ? 1 : ct == PNG_COLOR_TYPE_GRAY_ALPHA ? 2 : ct == PNG_COLOR_TYPE_RGB ? 3
         : ct == PNG_COLOR_TYPE_RGBA ? 4 : 1;
  static uint8_t rows[TH][TW * 8];
  png_bytep rp[TH];
  memset(rows, 0, sizeof rows);
  for (int y = 0; y < TH; y++) {
    rp[y] = rows[y];
    for (int x = 0; x < TW; x++)
      for (int c = 0; c < ch; c++) {
        uint8_t v = ch >= 3 && c < 3 ? g_px[y][x][c] : c == ch - 1 && (ch == 2 || ch == 4) ? 200 : gray(x, y);
        if (depth == 16) rows[y][(x * ch + c) * 2] = v, rows[y][(x * ch + c) * 2 + 1] = v;
        else if (depth == 8) rows[y][x * ch + c] = v;
        else {
          int bit = x * depth;
          rows[y][bit / 8] |= (uint8_t)((v >> (8 - depth)) << (8 - depth - bit % 8));
        }
      }
  }
  png_write_image(p, rp);
  png_write_end(p, NULL);
  png_destroy_write_struct(&p, &info);
  put_file("png", name, out, m.n);
}

static void jpeg(const char *name, int grayscale, int progressive, int restart, int quality, int sub) {
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr je;
  c.err = jpeg_std_error(&je);
  jpeg_create_compress(&c);
  unsigned char *out = NULL;
  unsigned long n = 0;
  jpeg_mem_dest(&c, &out, &n);
  c.image_width = TW;
  c.image_height = TH;
  c.input_components = grayscale ? 1 : 3;
  c.in_color_space = grayscale ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, quality, TRUE);
  if (progressive) jpeg_simple_progression(&c);
  c.restart_interval = (unsigned)restart;
  if (!grayscale && !sub) c.comp_info[0].h_samp_factor = c.comp_info[0].v_samp_factor = 1;
  jpeg_start_compress(&c, TRUE);
  jpeg_write_marker(&c, JPEG_COM, (const JOCTET *)"r50", 3);
  uint8_t row[TW * 3];
  while (c.next_scanline < TH) {
    int y = (int)c.next_scanline;
    for (int x = 0; x < TW; x++) {
      if (grayscale) row[x] = gray(x, y);
      else memcpy(row + x * 3, g_px[y][x], 3);
    }
    JSAMPROW r = row;
    jpeg_write_scanlines(&c, &r, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  put_file("jpeg", name, out, n);
  free(out);
}

static void images(const char *shared) {
  thumbnail(shared);
  bmp("core24.bmp", 12, 24, 0, 0);
  bmp("core8.bmp", 12, 8, 0, 0);
  bmp("pal1.bmp", 40, 1, 0, 0);
  bmp("pal4.bmp", 40, 4, 0, 0);
  bmp("pal8_topdown.bmp", 40, 8, 1, 0);
  bmp("rgb555.bmp", 40, 16, 0, 0);
  bmp("rgb565_bitfields.bmp", 40, 16, 0, 1);
  bmp("rgb24.bmp", 40, 24, 0, 0);
  bmp("rgb32.bmp", 40, 32, 1, 0);
  bmp("rgb32_bitfields_v4.bmp", 108, 32, 0, 1);
  bmp("rgb24_v5.bmp", 124, 24, 0, 0);
  pnm("rgb.ppm", 1, 255);
  pnm("rgb16.ppm", 1, 65535);
  pnm("gray.pgm", 0, 255);
  pnm("gray100.pgm", 0, 100);
  png("rgb8.png", PNG_COLOR_TYPE_RGB, 8, 0);
  png("rgba16.png", PNG_COLOR_TYPE_RGBA, 16, 0);
  png("gray2.png", PNG_COLOR_TYPE_GRAY, 2, 0);
  png("graya8_interlaced.png", PNG_COLOR_TYPE_GRAY_ALPHA, 8, 1);
  png("pal4_trns.png", PNG_COLOR_TYPE_PALETTE, 4, 0);
  png("rgb8_interlaced.png", PNG_COLOR_TYPE_RGB, 8, 1);
  jpeg("baseline420.jpg", 0, 0, 0, 75, 1);
  jpeg("baseline444.jpg", 0, 0, 0, 90, 0);
  jpeg("gray.jpg", 1, 0, 0, 80, 1);
  jpeg("progressive.jpg", 0, 1, 0, 75, 1);
  jpeg("restart.jpg", 0, 0, 1, 50, 1);
}

static void text(void) {
  static const char list[] = "\0path,label\ncat/a.bmp,0\n/abs/dog.jpg,1\r\n\nx,y,2\n";
  static const char res[] = "\1label,pred,top5,ok,status,path\n0,0,0;1;2;3;4,1,ok,a.bmp\n"
                            "1,-1,,0,bmp: truncated,b,c.bmp\n2,3,3;2,1,ok,d.jpg";
  static const char lab[] = "\2background\ntench\ngoldfish\n\n";
  put_file("text", "list.csv", list, sizeof list - 1);
  put_file("text", "results.csv", res, sizeof res - 1);
  put_file("text", "labels.txt", lab, sizeof lab - 1);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: mkseeds SHARED_DIR OUT_DIR\n");
    return 2;
  }
  g_out = argv[2];
  mkdir(g_out, 0777);
  models(argv[1]);
  images(argv[1]);
  text();
  printf("mkseeds: %d seed files in %s\n", g_count, g_out);
  return 0;
}

/* Quantizer: TFLite parameter conventions, ResNet-8 against TF's own int8
 * model, built ResNet50V2 int8 against its float twin (photos and synthetic images). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "host/calib.h"
#include "host/quantize.h"
#include "host/resnet50v2.h"
#include "r50.h"
#include "r50img.h"

static size_t dsize(r50_dtype t) { return t == R50_DTYPE_FLOAT32 || t == R50_DTYPE_INT32 ? 4 : 1; }

typedef struct {
  void *arena;
  r50_model *m;
} runner;

static int runner_init(runner *r, const void *buf, size_t len) {
  size_t need = 0;
  r50_error e;
  memset(r, 0, sizeof *r);
  if (r50_arena_size(buf, len, &need, &e) != R50_OK) {
    fprintf(stderr, "arena: %s\n", e.msg);
    return -1;
  }
  r->arena = aligned_alloc(R50_ARENA_ALIGN, (need + R50_ARENA_ALIGN) / R50_ARENA_ALIGN * R50_ARENA_ALIGN);
  if (!r->arena || r50_model_init(&r->m, buf, len, r->arena, need, &e) != R50_OK) {
    fprintf(stderr, "init: %s\n", e.msg);
    return -1;
  }
  return 0;
}

/* Run on a float image (values as the FLOAT model expects them); quantized
 * inputs get q = round(x / scale) + zp. Returns the top-1 of output 0. */
static int top1(runner *r, const float *x) {
  r50_tensor_info in, out;
  r50_model_input(r->m, 0, &in);
  size_t n = in.bytes / dsize(in.dtype);
  for (size_t i = 0; i < n; i++) {
    if (in.dtype == R50_DTYPE_FLOAT32) {
      ((float *)in.data)[i] = x[i];
    } else {
      double q = r50_quant_round((double)x[i] / (double)in.scale) + in.zero_point;
      double lo = in.dtype == R50_DTYPE_INT8 ? -128 : 0, hi = in.dtype == R50_DTYPE_INT8 ? 127 : 255;
      q = q < lo ? lo : q > hi ? hi : q;
      if (in.dtype == R50_DTYPE_INT8) ((int8_t *)in.data)[i] = (int8_t)q;
      else ((uint8_t *)in.data)[i] = (uint8_t)q;
    }
  }
  r50_error e;
  r50_model_invoke(r->m, &e);
  r50_model_output(r->m, 0, &out);
  int best = 0;
  size_t k = out.bytes / dsize(out.dtype);
  double bv = -1e300;
  for (size_t i = 0; i < k; i++) {
    double v = out.dtype == R50_DTYPE_FLOAT32 ? ((float *)out.data)[i]
               : out.dtype == R50_DTYPE_INT8  ? ((int8_t *)out.data)[i]
                                              : ((uint8_t *)out.data)[i];
    if (v > bv) bv = v, best = (int)i;
  }
  return best;
}

static void test_params(void) {
  float s;
  int32_t z;
  r50_quant_asym_params(0.0f, 6.0f, &s, &z);
  CHECK(s == 6.0f / 255.0f && z == -128);
  r50_quant_asym_params(-3.0f, 0.0f, &s, &z);
  CHECK(s == 3.0f / 255.0f && z == 127);
  r50_quant_asym_params(0.5f, 2.0f, &s, &z); /* widened to include 0 */
  CHECK(s == 2.0f / 255.0f && z == -128);
  r50_quant_asym_params(-2.0f, -0.5f, &s, &z);
  CHECK(s == 2.0f / 255.0f && z == 127);
  r50_quant_asym_params(-1.0f, 3.0f, &s, &z); /* -128 + 63.75 -> nudged to -64 */
  CHECK(s == 4.0f / 255.0f && z == -64);
  r50_quant_asym_params(-1.0f, 1.0f, &s, &z); /* -128 + 127.5: half away from zero */
  CHECK(s == 2.0f / 255.0f);
  CHECK_MSG(z == -1 || z == 0, "zp %d", (int)z);
  r50_quant_asym_params(0.0f, 0.0f, &s, &z);
  CHECK(s == 1.0f && z == -128);
  CHECK(r50_quant_sym_scale(1.27f) == 1.27f / 127.0f);
  CHECK(r50_quant_sym_scale(0.0f) == 1.0f);
  CHECK(r50_quant_round(2.5) == 3.0 && r50_quant_round(-2.5) == -3.0 && r50_quant_round(0.49999) == 0.0);
  CHECK(r50_quant_round(-0.4) == 0.0 && r50_quant_round(1e300) == 1e300);
}

/* Structure of a tiny model: weights per channel, bias scale, fixed softmax. */
static void test_small_structure(const void *q, size_t qlen) {
  size_t need;
  r50_error e;
  CHECK(r50_arena_size(q, qlen, &need, &e) == R50_OK);
  runner r;
  if (runner_init(&r, q, qlen)) {
    CHECK(0);
    return;
  }
  r50_tensor_info in, out;
  r50_model_input(r.m, 0, &in);
  r50_model_output(r.m, 0, &out);
  CHECK(in.dtype == R50_DTYPE_UINT8 && in.zero_point == 128 && in.scale == 2.0f / 255.0f);
  CHECK(out.dtype == R50_DTYPE_FLOAT32);
  r50_op_info oi;
  r50_model_op_info(r.m, 0, &oi);
  CHECK(!strcmp(oi.type_name, "QUANTIZE"));
  r50_model_op_info(r.m, r50_model_op_count(r.m) - 1, &oi);
  CHECK(!strcmp(oi.type_name, "DEQUANTIZE"));
  free(r.arena);
}

static void *read_file(const char *p, size_t *n) {
  void *b = NULL;
  r50_error e;
  if (r50_file_read(p, &b, n, &e) != R50_OK) {
    fprintf(stderr, "%s\n", e.msg);
    return NULL;
  }
  return b;
}

static void test_resnet8(void) {
  size_t flen = 0, tlen = 0, qlen = 0;
  void *fbuf = read_file(R50_SHARED_DIR "/models/pretrainedResnet.tflite", &flen);
  void *tbuf = read_file(R50_SHARED_DIR "/models/pretrainedResnet_quant.tflite", &tlen);
  if (!fbuf || !tbuf) {
    CHECK(0);
    return;
  }
  /* r50's int8: int8 in/out like TF's file, calibrated on 16 synthetic images in [0,255] */
  r50_quant_options o = {R50_DTYPE_INT8, R50_DTYPE_INT8, 0, 0, 0.0f, 0};
  r50_synth_calib sc = {1, 32, 32, 3, 0.0f, 255.0f};
  void *qbuf = NULL;
  r50_error e;
  r50_status s = r50_quantize(fbuf, flen, &o, 16, r50_synth_calib_fn, &sc, &qbuf, &qlen, &e);
  CHECK_MSG(s == R50_OK, "%s", e.msg);
  if (s != R50_OK) return;
  runner rf, rt, rq;
  CHECK(runner_init(&rf, fbuf, flen) == 0 && runner_init(&rt, tbuf, tlen) == 0 && runner_init(&rq, qbuf, qlen) == 0);
  r50_tensor_info qi;
  r50_model_input(rq.m, 0, &qi);
  CHECK(qi.dtype == R50_DTYPE_INT8 && qi.scale > 0.9f && qi.scale <= 1.0f); /* TF's: scale 1, zp -128 */
  printf("ResNet-8 r50 int8 input: scale %.6g zero point %d (TF's file: 1, -128)\n", (double)qi.scale,
         (int)qi.zero_point);
  /* inputs: the golden images, then 29 seeded synthetic images (other seed than calibration) */
  static const char *golden[] = {"bird", "cat", "ic_sample0_32x32x3_u8"};
  float x[32 * 32 * 3];
  int n = 0, agree_q = 0, agree_t = 0, agree_qt = 0;
  for (int i = 0; i < 32; i++) {
    if (i < 3) {
      char p[512];
      snprintf(p, sizeof p, "%s/golden/pretrainedResnet/%s.in.bin", R50_SHARED_DIR, golden[i]);
      FILE *f = fopen(p, "rb");
      size_t got = f ? fread(x, sizeof(float), 32 * 32 * 3, f) : 0;
      if (f) fclose(f);
      CHECK(got == 32 * 32 * 3);
    } else {
      r50_synth_image(99, i, 32, 32, 3, 0.0f, 255.0f, x);
      for (int k = 0; k < 32 * 32 * 3; k++) x[k] = (float)(int)x[k]; /* integer pixels */
    }
    int a = top1(&rf, x), b = top1(&rq, x), c = top1(&rt, x);
    n++;
    agree_q += a == b;
    agree_t += a == c;
    agree_qt += b == c;
  }
  printf("ResNet-8 top-1 agreement with the float model on %d inputs (3 golden + %d synthetic):\n"
         "  r50 quantize (16 synthetic calibration images): %d/%d\n"
         "  TF pretrainedResnet_quant.tflite:               %d/%d\n"
         "  r50 int8 vs TF int8:                            %d/%d\n",
         n, n - 3, agree_q, n, agree_t, n, agree_qt, n);
  CHECK(agree_q * 4 >= n * 3);
  free(rf.arena), free(rt.arena), free(rq.arena);
  r50_file_free(fbuf), r50_file_free(tbuf), r50_file_free(qbuf);
}

/* Feed an RGB float image (pixel values 0..255) through the CLI's mapping
 * (r50img_choose_map / r50img_to_tensor, zoo rescaling x/127.5 - 1), invoke,
 * return the top-1 of output 0 (dequantized when quantized). */
static int top1_rgb(runner *r, const float *rgb, size_t n) {
  r50_tensor_info in, out;
  r50_model_input(r->m, 0, &in);
  r50img_rescale rs = {1.0 / 127.5, -1.0};
  r50img_map map;
  if (r50img_choose_map(in.dtype, in.scale, in.zero_point, rs, &map) != 0) return -1;
  r50img_to_tensor(rgb, n, map, in.dtype, in.scale, in.zero_point, rs, in.data);
  r50_error e;
  r50_model_invoke(r->m, &e);
  r50_model_output(r->m, 0, &out);
  int best = 0;
  size_t k = out.bytes / dsize(out.dtype);
  double bv = -1e300;
  for (size_t i = 0; i < k; i++) {
    double v = out.dtype == R50_DTYPE_FLOAT32 ? ((float *)out.data)[i]
               : out.dtype == R50_DTYPE_INT8  ? ((int8_t *)out.data)[i]
                                              : ((uint8_t *)out.data)[i];
    if (v > bv) bv = v, best = (int)i;
  }
  return best;
}

/* The built int8 ResNet50V2 against its float twin on the 7 shared photos
 * (decoded, resized nearest/fit as `r50 classify` does) and 17 seeded
 * synthetic images: top-1 agreement, and the float twin's top-1 must not be
 * degenerate (several distinct classes). */
static void test_rn50v2_twin(int32_t S, int32_t P, int32_t calib) {
  enum { NSYN = 17 };
  r50_rn50v2_config cfg = {S, S, P, 1};
  void *fbuf = NULL, *qbuf = NULL;
  size_t flen = 0, qlen = 0;
  r50_error e;
  CHECK(r50_rn50v2_tflite(&cfg, &fbuf, &flen, &e) == R50_OK);
  /* as `r50 build --int8 --calib-synthetic K`: uint8 input 2/255 zp 128, float output */
  r50_quant_options o = {R50_DTYPE_UINT8, R50_DTYPE_FLOAT32, 0, 1, 2.0f / 255.0f, 0};
  r50_synth_calib sc = {1, S, S, 3, -1.0f, 1.0f};
  r50_status s = r50_quantize(fbuf, flen, &o, calib, r50_synth_calib_fn, &sc, &qbuf, &qlen, &e);
  CHECK_MSG(s == R50_OK, "%s", e.msg);
  if (s != R50_OK) return;
  test_small_structure(qbuf, qlen);
  runner rf, rq;
  CHECK(runner_init(&rf, fbuf, flen) == 0 && runner_init(&rq, qbuf, qlen) == 0);
  static const char *photos[] = {"cat.bmp", "grace_hopper.bmp", "bird.bmp", "sunflower.bmp",
                                 "dragonfly.bmp", "owl.jpg", "hot_dog.jpg"};
  enum { NPH = sizeof photos / sizeof photos[0] };
  float *x = malloc((size_t)S * (size_t)S * 3 * sizeof *x);
  int *hist = calloc((size_t)P, sizeof *hist);
  int n = 0, agree = 0, agree_ph = 0;
  char line[512];
  CHECK(x && hist);
  if (!x || !hist) return;
  size_t q = 0;
  for (int i = 0; i < NPH + NSYN; i++) {
    if (i < NPH) {
      char p[512], msg[256];
      snprintf(p, sizeof p, "%s/images/%s", R50_SHARED_DIR, photos[i]);
      r50img img;
      r50img_opts io = {0, 0, 0};
      if (r50img_load(p, &io, &img, msg, sizeof msg) != R50IMG_OK) {
        CHECK_MSG(0, "%s", msg);
        continue;
      }
      CHECK(r50img_resize(&img, S, S, R50IMG_NEAREST, R50IMG_FIT, x) == 0);
      r50img_free(&img);
    } else {
      r50_synth_image(1234, i, S, S, 3, 0.0f, 255.0f, x);
      for (int k = 0; k < S * S * 3; k++) x[k] = (float)(int)x[k]; /* integer pixels */
    }
    int a = top1_rgb(&rf, x, (size_t)S * S * 3), b = top1_rgb(&rq, x, (size_t)S * S * 3);
    CHECK(a >= 0 && a < P && b >= 0);
    if (a < 0 || a >= P) continue;
    n++;
    agree += a == b;
    if (i < NPH) agree_ph += a == b;
    hist[a]++;
    if (q < sizeof line - 8) q += (size_t)snprintf(line + q, sizeof line - q, " %d%s", a, a == b ? "" : "*");
  }
  int nd = 0;
  for (int k = 0; k < P; k++) nd += hist[k] > 0;
  printf("ResNet50V2 %dx%d/%d int8 (%d calibration images) vs float twin: top-1 agreement %d/%d (photos %d/%d, "
         "synthetic %d/%d); float top-1 takes %d distinct classes\n  float top-1 per image (* = int8 differs):%s\n",
         (int)S, (int)S, (int)P, (int)calib, agree, n, agree_ph, (int)NPH, agree - agree_ph, n - (int)NPH, nd, line);
  CHECK_MSG(agree * 4 >= n * 3, "agreement %d/%d", agree, n);
  CHECK_MSG(nd >= 4, "only %d distinct float top-1 classes", nd);
  free(x), free(hist);
  free(rf.arena), free(rq.arena);
  r50_file_free(fbuf), r50_file_free(qbuf);
}

int main(void) {
  test_params();
  test_resnet8();
  test_rn50v2_twin(64, 10, 16);
  /* the default model (224x224, 1000 classes, 8 calibration images: a few seconds with the
   * float SIMD kernels, a minute with the reference ones; docs/report.md).
   * R50_TWIN_224=K: K calibration images instead; 0 skips it (valgrind). */
  const char *t224 = getenv("R50_TWIN_224");
  const int k224 = t224 ? atoi(t224) : 8;
  if (k224 > 0) test_rn50v2_twin(224, 1000, k224);
  return test_finish("test_quantize");
}

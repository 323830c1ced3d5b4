/* Helpers shared by `r50 build`, `r50 quantize`, `r50 report` and the image
 * commands: build the ResNet50V2, quantize with a calibration source, the
 * cached embedded default model. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_quant.h"
#include "host/calib.h"
#include "host/quantize.h"
#include "host/resnet50v2.h"

int cli_quantize(const void *fbuf, size_t flen, const r50_quant_options *o, const char *calib_dir, int calib_k,
                 uint64_t seed, float lo, float hi, void **out, size_t *out_len) {
  r50_error err;
  /* input shape from the float model */
  void *arena = NULL;
  size_t need = 0;
  r50_status s = r50_arena_size(fbuf, flen, &need, &err);
  r50_tensor_info ti;
  memset(&ti, 0, sizeof ti);
  if (s == R50_OK) {
    arena = aligned_alloc(R50_ARENA_ALIGN, (need + R50_ARENA_ALIGN) / R50_ARENA_ALIGN * R50_ARENA_ALIGN);
    r50_model *m = NULL;
    s = arena ? r50_model_init(&m, fbuf, flen, arena, need, &err) : R50_ERR_NOMEM;
    if (s == R50_OK) r50_model_input(m, 0, &ti);
    free(arena);
  }
  if (s != R50_OK) {
    fprintf(stderr, "r50: float model: %s\n", s == R50_ERR_NOMEM ? "out of memory" : err.msg);
    return cli_exit_for(s);
  }
  if (ti.dtype != R50_DTYPE_FLOAT32) {
    fprintf(stderr, "r50: quantize: the model's input is %s, not float32\n", r50_dtype_name(ti.dtype));
    return EXIT_MODEL;
  }
  size_t n = ti.bytes / sizeof(float);
  if (calib_dir) {
    r50_dir_calib d;
    s = r50_dir_calib_open(calib_dir, n, &d, &err);
    if (s == R50_OK) {
      fprintf(stderr, "r50: calibrating on %d input files from %s\n", (int)d.n, calib_dir);
      s = r50_quantize(fbuf, flen, o, d.n, r50_dir_calib_fn, &d, out, out_len, &err);
    }
    r50_dir_calib_close(&d);
  } else {
    r50_synth_calib sc = {seed, 1, 1, 1, lo, hi};
    if (ti.ndim == 4) sc.h = ti.dims[1], sc.w = ti.dims[2], sc.c = ti.dims[3];
    else sc.c = (int32_t)n;
    fprintf(stderr, "r50: calibrating on %d synthetic images in [%g, %g] (seed %llu)\n", calib_k, (double)lo,
            (double)hi, (unsigned long long)seed);
    s = r50_quantize(fbuf, flen, o, calib_k, r50_synth_calib_fn, &sc, out, out_len, &err);
  }
  if (s != R50_OK) {
    fprintf(stderr, "r50: quantize: %s\n", err.msg);
    return cli_exit_for(s);
  }
  return EXIT_OK;
}

int cli_make_rn50v2(int32_t h, int32_t w, int32_t classes, uint64_t seed, int int8, const char *calib_dir,
                    int calib_k, void **out, size_t *out_len) {
  r50_rn50v2_config cfg = {h, w, classes, seed};
  r50_error err;
  void *fbuf = NULL;
  size_t flen = 0;
  r50_status s = r50_rn50v2_tflite(&cfg, &fbuf, &flen, &err);
  if (s != R50_OK) {
    fprintf(stderr, "r50: build: %s\n", err.msg);
    return cli_exit_for(s);
  }
  if (!int8) {
    *out = fbuf;
    *out_len = flen;
    return EXIT_OK;
  }
  /* the zoo's I/O: uint8 pixels, scale 2/255 zero point 128 (x/127.5 - 1), float32 output */
  r50_quant_options o = {R50_DTYPE_UINT8, R50_DTYPE_FLOAT32, 0, 1, 2.0f / 255.0f, 0};
  int rc = cli_quantize(fbuf, flen, &o, calib_dir, calib_k, seed, -1.0f, 1.0f, out, out_len);
  r50_file_free(fbuf);
  return rc;
}

const char *const k_default_model_note =
    "the embedded default model has SYNTHETIC weights (seeded random, not trained): its classes\n"
    "mean nothing; it shows the pipeline, memory and speed. Use --model for a trained model.";

static int mkdirs(const char *path) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s", path);
  for (char *p = tmp + 1; *p; p++)
    if (*p == '/') {
      *p = 0;
      if (mkdir(tmp, 0755) != 0 && errno != EEXIST) return -1;
      *p = '/';
    }
  return (mkdir(tmp, 0755) != 0 && errno != EEXIST) ? -1 : 0;
}

int cli_default_model(int int8, char *path, size_t pathn, char *note, size_t noten) {
  const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
  char dir[4000];
  if (xdg && *xdg) snprintf(dir, sizeof dir, "%s/r50", xdg);
  else snprintf(dir, sizeof dir, "%s/.cache/r50", home && *home ? home : ".");
  snprintf(path, pathn, "%s/resnet50v2_224_1000_%s_seed1_r50-%s_b%d_c%d.tflite", dir,
           int8 ? "int8" : "float", R50_VERSION, R50_RN50V2_VERSION, R50_SYNTH_VERSION);
  struct stat st;
  if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
    snprintf(note, noten, "default model (cached): %s", path);
    return EXIT_OK;
  }
  fprintf(stderr, "r50: building the default %s ResNet50V2 224x224/1000 (seed 1) once...\n",
          int8 ? "int8" : "float32");
  void *buf = NULL;
  size_t len = 0;
  int rc = cli_make_rn50v2(224, 224, 1000, 1, int8, NULL, CLI_DEFAULT_CALIB, &buf, &len);
  if (rc) return rc;
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
  /* write then rename: concurrent first runs never see a partial file */
  if (mkdirs(dir) != 0 || cli_write_file(tmp, buf, len) != 0 || rename(tmp, path) != 0) {
    fprintf(stderr, "r50: cannot write the cache file %s\n", path);
    remove(tmp);
    r50_file_free(buf);
    return EXIT_IO;
  }
  r50_file_free(buf);
  snprintf(note, noten, "default model (built now and cached): %s", path);
  return EXIT_OK;
}

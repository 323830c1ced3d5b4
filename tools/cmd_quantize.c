/* r50 quantize FLOAT.tflite -o INT8.tflite [--calib DIR|--calib-synthetic K] ... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_quant.h"
#include "host/quantize.h"

static void usage_quantize(FILE *f) {
  fprintf(f,
          "Usage: r50 quantize FLOAT.tflite -o INT8.tflite [--calib DIR | --calib-synthetic K]\n"
          "                    [--range LO HI] [--seed S] [--input-type uint8|int8|float]\n"
          "                    [--output-type float|int8|uint8] [--per-tensor]\n\n"
          "Full-integer post-training quantization as the TFLite converter does it: int8\n"
          "symmetric per-channel conv weights, int32 biases, int8 asymmetric activations\n"
          "from the min/max the FLOAT model produces on the calibration inputs.\n\n"
          "  --calib DIR           calibration inputs: DIR/*.bin, raw float32, input-sized\n"
          "  --calib-synthetic K   K seeded synthetic dead-leaves images (default 8) in [LO, HI]\n"
          "  --range LO HI         value range of synthetic images (default 0 255)\n"
          "  --seed S              seed of the synthetic images (default 1)\n"
          "  --input-type T        uint8, int8 (default) or float\n"
          "  --output-type T       int8 (default), uint8 or float\n"
          "  --per-tensor          per-tensor conv weights instead of per-channel\n\n%s",
          k_exit_codes);
}

static int parse_type(const char *s, r50_dtype *t) {
  if (!strcmp(s, "uint8")) *t = R50_DTYPE_UINT8;
  else if (!strcmp(s, "int8")) *t = R50_DTYPE_INT8;
  else if (!strcmp(s, "float") || !strcmp(s, "float32")) *t = R50_DTYPE_FLOAT32;
  else return -1;
  return 0;
}

int cmd_quantize(int argc, char **argv) {
  if (cli_has_help(argc, argv)) {
    usage_quantize(stdout);
    return EXIT_OK;
  }
  r50_quant_options o = {R50_DTYPE_INT8, R50_DTYPE_INT8, 0, 0, 0.0f, 0};
  const char *in = NULL, *out = NULL, *calib = NULL;
  long k = 8;
  float lo = 0.0f, hi = 255.0f;
  unsigned long long seed = 1;
  int bad = 0;
  for (int i = 0; i < argc && !bad; i++) {
    const char *a = argv[i];
    char *e = NULL;
    if (!strcmp(a, "-o") && i + 1 < argc) out = argv[++i];
    else if (!strcmp(a, "--calib") && i + 1 < argc) calib = argv[++i];
    else if (!strcmp(a, "--calib-synthetic") && i + 1 < argc) {
      k = strtol(argv[++i], &e, 10);
      bad |= *e != 0 || k < 1 || k > 100000;
    } else if (!strcmp(a, "--range") && i + 2 < argc) {
      lo = strtof(argv[i + 1], &e);
      bad |= *e != 0;
      hi = strtof(argv[i + 2], &e);
      bad |= *e != 0 || !(hi > lo);
      i += 2;
    } else if (!strcmp(a, "--seed") && i + 1 < argc) {
      seed = strtoull(argv[++i], &e, 0);
      bad |= *e != 0;
    } else if (!strcmp(a, "--input-type") && i + 1 < argc) bad |= parse_type(argv[++i], &o.input_type);
    else if (!strcmp(a, "--output-type") && i + 1 < argc) bad |= parse_type(argv[++i], &o.output_type);
    else if (!strcmp(a, "--per-tensor")) o.per_tensor = 1;
    else if (a[0] == '-') {
      fprintf(stderr, "r50 quantize: unknown or incomplete option '%s'\n", a);
      return EXIT_USAGE;
    } else if (!in) in = a;
    else bad = 1;
  }
  if (bad || !in || !out) {
    usage_quantize(stderr);
    return EXIT_USAGE;
  }
  r50_error err;
  void *fbuf = NULL, *qbuf = NULL;
  size_t flen = 0, qlen = 0;
  r50_status s = r50_file_read(in, &fbuf, &flen, &err);
  if (s != R50_OK) {
    fprintf(stderr, "r50: %s\n", err.msg);
    return cli_exit_for(s);
  }
  int rc = cli_quantize(fbuf, flen, &o, calib, (int)k, (uint64_t)seed, lo, hi, &qbuf, &qlen);
  r50_file_free(fbuf);
  if (rc) return rc;
  if (cli_write_file(out, qbuf, qlen) != 0) {
    fprintf(stderr, "r50 quantize: cannot write '%s'\n", out);
    r50_file_free(qbuf);
    return EXIT_IO;
  }
  printf("wrote %s (%zu bytes)\n", out, qlen);
  r50_file_free(qbuf);
  return EXIT_OK;
}

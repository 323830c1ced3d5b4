/* r50 build resnet50v2 [--size H W] [--classes P] [--seed S] [--int8] [--calib DIR|--calib-synthetic K] -o FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_quant.h"

static void usage_build(FILE *f) {
  fprintf(f,
          "Usage: r50 build resnet50v2 [--size H W] [--classes P] [--seed S] [--int8]\n"
          "                            [--calib DIR | --calib-synthetic K] -o FILE.tflite\n\n"
          "Writes Keras ResNet50V2 (pre-activation bottlenecks 3/4/6/3, BatchNorm folded\n"
          "as the TFLite converter does) with deterministic synthetic weights from the\n"
          "seed: same seed and version give the same bytes on any machine.\n\n"
          "  --size H W            input height and width (default 224 224, at least 32)\n"
          "  --classes P           output classes (default 1000)\n"
          "  --seed S              weight seed (default 1)\n"
          "  --int8                build, then quantize like the zoo's file: uint8 input\n"
          "                        (scale 2/255, zero point 128), float32 output\n"
          "  --calib DIR           calibrate on DIR/*.bin (raw float32 inputs in [-1,1])\n"
          "  --calib-synthetic K   calibrate on K seeded synthetic images (default 8)\n"
          "  -o FILE               output .tflite\n\n%s",
          k_exit_codes);
}

static int parse_i(const char *s, long lo, long hi, long *v) {
  char *e;
  long x = strtol(s, &e, 10);
  if (*s == 0 || *e != 0 || x < lo || x > hi) return -1;
  *v = x;
  return 0;
}

int cmd_build(int argc, char **argv) {
  if (cli_has_help(argc, argv)) {
    usage_build(stdout);
    return EXIT_OK;
  }
  long h = 224, w = 224, classes = 1000, k = CLI_DEFAULT_CALIB;
  unsigned long long seed = 1;
  int int8 = 0, bad = 0;
  const char *out = NULL, *calib = NULL, *net = NULL;
  for (int i = 0; i < argc && !bad; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--size") && i + 2 < argc) {
      bad |= parse_i(argv[i + 1], 32, 4096, &h) | parse_i(argv[i + 2], 32, 4096, &w);
      i += 2;
    } else if (!strcmp(a, "--classes") && i + 1 < argc) {
      bad |= parse_i(argv[++i], 1, 100000, &classes);
    } else if (!strcmp(a, "--seed") && i + 1 < argc) {
      char *e;
      seed = strtoull(argv[++i], &e, 0);
      bad |= *e != 0;
    } else if (!strcmp(a, "--int8")) {
      int8 = 1;
    } else if (!strcmp(a, "--calib") && i + 1 < argc) {
      calib = argv[++i];
    } else if (!strcmp(a, "--calib-synthetic") && i + 1 < argc) {
      bad |= parse_i(argv[++i], 1, 100000, &k);
    } else if (!strcmp(a, "-o") && i + 1 < argc) {
      out = argv[++i];
    } else if (a[0] == '-') {
      fprintf(stderr, "r50 build: unknown or incomplete option '%s'\n", a);
      return EXIT_USAGE;
    } else if (!net) {
      net = a;
    } else {
      bad = 1;
    }
  }
  if (bad || !out || !net) {
    usage_build(stderr);
    return EXIT_USAGE;
  }
  if (strcmp(net, "resnet50v2") != 0) {
    fprintf(stderr, "r50 build: unknown network '%s' (known: resnet50v2)\n", net);
    return EXIT_USAGE;
  }
  void *buf = NULL;
  size_t len = 0;
  int rc = cli_make_rn50v2((int32_t)h, (int32_t)w, (int32_t)classes, (uint64_t)seed, int8, calib, (int)k, &buf,
                           &len);
  if (rc) return rc;
  if (cli_write_file(out, buf, len) != 0) {
    fprintf(stderr, "r50 build: cannot write '%s'\n", out);
    r50_file_free(buf);
    return EXIT_IO;
  }
  printf("wrote %s: ResNet50V2 %ldx%ld, %ld classes, seed %llu, %s (%zu bytes)\n", out, h, w, classes, seed,
         int8 ? "int8 (uint8 in, float32 out)" : "float32", len);
  r50_file_free(buf);
  return EXIT_OK;
}

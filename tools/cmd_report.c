/* r50 report [MODEL] [--json] [--runs K]: footprint and speed beside the
 * model card's STM32Cube.AI figures. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_quant.h"
#include "host/quantize.h"
#include "host/resnet50v2.h"

static void usage_report(FILE *f) {
  fprintf(f,
          "Usage: r50 report [MODEL] [--json] [--runs K]\n\n"
          "Prints parameters, MACs, activation RAM, runtime RAM, weights, host code size\n"
          "and measured latency (min/median of K runs, 1 thread, reference kernels) beside\n"
          "the STM32 model zoo's ResNet50 v2 figures (STM32Cube.AI, STM32H747 @ 400 MHz).\n"
          "Without MODEL it uses the embedded default, the int8 ResNet50V2 224x224, 1000\n"
          "classes, seed 1, built once (r50 build resnet50v2 --int8) and cached in\n"
          "$XDG_CACHE_HOME/r50 (or ~/.cache/r50).\n\n"
          "  --json    one JSON object on stdout\n"
          "  --runs K  timed runs after one warm-up (default 5)\n\n%s",
          k_exit_codes);
}

/* Size of the .text section of this executable (ELF64 little-endian), or 0. */
static uint64_t exe_text_bytes(void) {
  FILE *f = fopen("/proc/self/exe", "rb");
  if (!f) return 0;
  unsigned char eh[64];
  uint64_t r = 0;
  if (fread(eh, 1, 64, f) == 64 && !memcmp(eh, "\177ELF", 4) && eh[4] == 2 && eh[5] == 1) {
    uint64_t shoff;
    uint16_t shentsize, shnum, shstrndx;
    memcpy(&shoff, eh + 0x28, 8);
    memcpy(&shentsize, eh + 0x3A, 2);
    memcpy(&shnum, eh + 0x3C, 2);
    memcpy(&shstrndx, eh + 0x3E, 2);
    if (shentsize == 64 && shnum > 0 && shstrndx < shnum && shnum < 4096) {
      unsigned char *sh = malloc((size_t)shnum * 64);
      if (sh && fseek(f, (long)shoff, SEEK_SET) == 0 && fread(sh, 64, shnum, f) == shnum) {
        uint64_t stro, strsz;
        memcpy(&stro, sh + (size_t)shstrndx * 64 + 0x18, 8);
        memcpy(&strsz, sh + (size_t)shstrndx * 64 + 0x20, 8);
        char *names = strsz < (1u << 20) ? malloc(strsz + 1) : NULL;
        if (names && fseek(f, (long)stro, SEEK_SET) == 0 && fread(names, 1, strsz, f) == strsz) {
          names[strsz] = 0;
          for (uint16_t i = 0; i < shnum; i++) {
            uint32_t nm;
            memcpy(&nm, sh + (size_t)i * 64, 4);
            if (nm < strsz && !strcmp(names + nm, ".text")) memcpy(&r, sh + (size_t)i * 64 + 0x20, 8);
          }
        }
        free(names);
      }
      free(sh);
    }
  }
  fclose(f);
  return r;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int cmd_report(int argc, char **argv) {
  if (cli_has_help(argc, argv)) {
    usage_report(stdout);
    return EXIT_OK;
  }
  const char *model = NULL;
  int json = 0;
  long runs = 5;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--json")) json = 1;
    else if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
      char *e;
      runs = strtol(argv[++i], &e, 10);
      if (*e || runs < 1 || runs > 100000) {
        usage_report(stderr);
        return EXIT_USAGE;
      }
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "r50 report: unknown or incomplete option '%s'\n", argv[i]);
      return EXIT_USAGE;
    } else if (!model) model = argv[i];
    else {
      usage_report(stderr);
      return EXIT_USAGE;
    }
  }
  /* The reference kernels, whatever the CPU has (the x86 dispatcher reads R50_ISA). */
  if (!getenv("R50_ISA")) setenv("R50_ISA", "ref", 1);
  char path[4096], note[4200];
  note[0] = 0;
  if (!model) {
    int rc = cli_default_model(1, path, sizeof path, note, sizeof note);
    if (rc) return rc;
    model = path;
  } else {
    snprintf(note, sizeof note, "model: %s", model);
  }
  cli_model l;
  int rc = cli_model_load(model, &l);
  if (rc) return rc;
  r50_model_stats st;
  r50_model_get_stats(l.m, &st);
  r50_tensor_info in;
  r50_model_input(l.m, 0, &in);
  /* a deterministic synthetic image as input */
  size_t n = in.bytes / (in.dtype == R50_DTYPE_FLOAT32 ? 4 : 1);
  float *img = malloc(n * sizeof(float));
  if (!img) {
    cli_model_unload(&l);
    return EXIT_FAIL;
  }
  int32_t H = in.ndim == 4 ? in.dims[1] : 1, W = in.ndim == 4 ? in.dims[2] : 1,
          C = in.ndim == 4 ? in.dims[3] : (int32_t)n;
  r50_synth_image(7, 0, H, W, C, 0.0f, 255.0f, img);
  for (size_t i = 0; i < n; i++) {
    if (in.dtype == R50_DTYPE_FLOAT32) ((float *)in.data)[i] = img[i] / 127.5f - 1.0f;
    else if (in.dtype == R50_DTYPE_INT8) ((int8_t *)in.data)[i] = (int8_t)((int)img[i] - 128);
    else ((uint8_t *)in.data)[i] = (uint8_t)img[i];
  }
  free(img);
  double *t = malloc((size_t)runs * sizeof(double));
  if (!t) {
    cli_model_unload(&l);
    return EXIT_FAIL;
  }
  r50_error err;
  r50_model_invoke(l.m, &err); /* warm-up */
  for (long i = 0; i < runs; i++) {
    double t0 = cli_now_s();
    r50_model_invoke(l.m, &err);
    t[i] = (cli_now_s() - t0) * 1e3;
  }
  qsort(t, (size_t)runs, sizeof *t, cmp_d);
  double tmin = t[0], tmed = runs % 2 ? t[runs / 2] : 0.5 * (t[runs / 2 - 1] + t[runs / 2]);
  free(t);
  const char *isa = getenv("R50_ISA");
  uint64_t text = exe_text_bytes();
  size_t runtime_ram = st.arena_used - st.activation_bytes;
  if (json) {
    printf("{\"model\": \"%s\", \"params\": %llu, \"macs\": %llu, \"activation_bytes\": %zu, "
           "\"runtime_bytes\": %zu, \"arena_bytes\": %zu, \"weight_bytes\": %llu, \"code_bytes\": %llu, "
           "\"latency_ms_min\": %.3f, \"latency_ms_median\": %.3f, \"runs\": %ld, \"threads\": 1, \"isa\": \"%s\", "
           "\"stm32\": {\"activation_kib\": 2142.07, \"runtime_kib\": 41.02, \"weights_kib\": 25042.47, "
           "\"code_kib\": 226.05, \"latency_ms\": 11368.81}}\n",
           model, (unsigned long long)st.param_count, (unsigned long long)st.macs, st.activation_bytes,
           runtime_ram, st.arena_used, (unsigned long long)st.weight_bytes, (unsigned long long)text, tmin, tmed,
           runs, isa);
  } else {
    printf("%s\n\n", note);
    printf("| %-34s | %-30s | %-28s |\n", "", "r50 (this machine)", "model card: STM32Cube.AI");
    printf("|%.36s|%.32s|%.30s|\n", "------------------------------------", "--------------------------------",
           "------------------------------");
    printf("| %-34s | %30.3f | %-28s |\n", "MParams", (double)st.param_count / 1e6, "25.6 (Keras)");
    printf("| %-34s | %30.3f | %-28s |\n", "G MACs", (double)st.macs / 1e9, "3.48 (Keras)");
    printf("| %-34s | %26.2f KiB | %-28s |\n", "activation RAM (arena plan peak)", st.activation_bytes / 1024.0,
           "2142.07 KiB");
    printf("| %-34s | %26.2f KiB | %-28s |\n", "runtime RAM (arena persistent)", runtime_ram / 1024.0,
           "41.02 KiB");
    printf("| %-34s | %26.2f KiB | %-28s |\n", "weights (constant tensors)", (double)st.weight_bytes / 1024.0,
           "25042.47 KiB");
    if (text)
      printf("| %-34s | %26.2f KiB | %-28s |\n", "code (.text of this r50 binary)", (double)text / 1024.0,
             "226.05 KiB");
    else
      printf("| %-34s | %30s | %-28s |\n", "code (.text of this r50 binary)", "n/a", "226.05 KiB");
    printf("| %-34s | %27.2f ms | %-28s |\n", "latency min", tmin, "11368.81 ms (STM32H747 400MHz)");
    printf("| %-34s | %27.2f ms | %-28s |\n", "latency median", tmed, "");
    printf("\nlatency: %ld runs after 1 warm-up, 1 thread, ISA %s (R50_ISA), synthetic input.\n", runs, isa);
    printf("runtime RAM = arena used (%zu B) - activations (%zu B): model handle, graph descriptors,\n"
           "op parameters (per-channel multipliers), tensor pointers; the C stack is not included.\n"
           "code = .text of the whole host r50 binary (library + CLI + libc statics, x86-64 -O2),\n"
           "not a Cortex-M7 figure.\n",
           st.arena_used, st.activation_bytes);
  }
  cli_model_unload(&l);
  return EXIT_OK;
}

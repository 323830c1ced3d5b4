/* r50 report [MODEL] [--json] [--runs K]: footprint and speed beside the
 * model card's STM32Cube.AI figures. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_quant.h"
#include "host/quantize.h"
#include "host/resnet50v2.h"

static void usage_report(FILE *f) {
  fprintf(f,
          "Usage: r50 report [MODEL] [--json] [--runs K]\n\n"
          "Prints parameters, MACs, activation RAM, runtime RAM, weights, host code size\n"
          "and measured latency (min/median of K runs: reference kernels on 1 thread, the\n"
          "CPU's SIMD level on 1 thread and on all cores) beside\n"
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

/* One latency configuration: kernels `isa`, `threads` threads (the caller
 * included). The runs happen on a thread whose stack r50 paints and scans, so
 * the stack the invokes used is measured, not guessed. */
typedef struct {
  const char *model;
  r50_isa isa;
  int32_t threads;
  long runs;
  double min_ms, median_ms;
  size_t stack_bytes; /* high-water mark of the invoking thread's stack */
  int rc;
} lat_run;

enum { STACK_BYTES = 8u << 20, STACK_PAINT = 0xA5 };

static void *lat_body(void *arg) {
  lat_run *r = arg;
  r50_error err;
  r->rc = EXIT_FAIL;
  if (r50_isa_set(r->isa, &err) != R50_OK) return NULL;
  cli_model l;
  if ((r->rc = cli_model_load_ex(r->model, &l, r->threads)) != EXIT_OK) return NULL;
  r50_parallel par;
  int pool = r->threads > 1 && r50_threadpool_create(r->threads, &par, &err) == R50_OK;
  r50_set_parallel(pool ? &par : NULL);
  r50_tensor_info in;
  r50_model_input(l.m, 0, &in);
  /* a deterministic synthetic image as input */
  int32_t H = in.ndim == 4 ? in.dims[1] : 1, W = in.ndim == 4 ? in.dims[2] : 1;
  size_t n = in.bytes / (in.dtype == R50_DTYPE_FLOAT32 ? 4 : 1);
  int32_t C = in.ndim == 4 ? in.dims[3] : (int32_t)n;
  float *img = malloc(n * sizeof(float));
  double *t = malloc((size_t)r->runs * sizeof(double));
  if (img && t) {
    r50_synth_image(7, 0, H, W, C, 0.0f, 255.0f, img);
    for (size_t i = 0; i < n; i++) {
      if (in.dtype == R50_DTYPE_FLOAT32) ((float *)in.data)[i] = img[i] / 127.5f - 1.0f;
      else if (in.dtype == R50_DTYPE_INT8) ((int8_t *)in.data)[i] = (int8_t)((int)img[i] - 128);
      else ((uint8_t *)in.data)[i] = (uint8_t)img[i];
    }
    r50_model_invoke(l.m, &err); /* warm-up */
    for (long i = 0; i < r->runs; i++) {
      double t0 = cli_now_s();
      r50_model_invoke(l.m, &err);
      t[i] = (cli_now_s() - t0) * 1e3;
    }
    qsort(t, (size_t)r->runs, sizeof *t, cmp_d);
    long k = r->runs;
    r->min_ms = t[0];
    r->median_ms = k % 2 ? t[k / 2] : 0.5 * (t[k / 2 - 1] + t[k / 2]);
    r->rc = EXIT_OK;
  }
  free(img), free(t);
  r50_set_parallel(NULL);
  if (pool) r50_threadpool_destroy(&par);
  cli_model_unload(&l);
  return NULL;
}

static void *empty_body(void *arg) { return arg; }

/* Run fn(arg) on a thread with a painted STACK_BYTES stack; bytes of it used. */
static size_t run_painted(void *(*fn)(void *), void *arg) {
  unsigned char *stk = NULL;
  if (posix_memalign((void **)&stk, 4096, STACK_BYTES) != 0) return 0;
  memset(stk, STACK_PAINT, STACK_BYTES);
  pthread_attr_t a;
  pthread_t th;
  size_t used = 0;
  if (pthread_attr_init(&a) == 0 && pthread_attr_setstack(&a, stk, STACK_BYTES) == 0 &&
      pthread_create(&th, &a, fn, arg) == 0) {
    pthread_join(th, NULL);
    size_t i = 0; /* the stack grows down: the lowest touched byte marks the high water */
    while (i < STACK_BYTES && stk[i] == STACK_PAINT) i++;
    used = STACK_BYTES - i;
  } else {
    fn(arg); /* no thread: run here, stack not measured */
  }
  pthread_attr_destroy(&a);
  free(stk);
  return used;
}

static void lat_measure(lat_run *r) {
  /* what a thread uses before r50 runs (TLS, start frames) is subtracted */
  size_t base = run_painted(empty_body, NULL), used = run_painted(lat_body, r);
  r->stack_bytes = used > base ? used - base : 0;
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
  char path[4096], note[4200];
  note[0] = 0;
  if (!model) {
    int rc = cli_default_model(1, path, sizeof path, note, sizeof note);
    if (rc) return rc;
    model = path;
  } else {
    snprintf(note, sizeof note, "model: %s", model);
  }
  /* footprint: the reference kernels' plan (no packed weights in the arena) */
  r50_error err;
  const r50_isa best = r50_isa_active(); /* R50_ISA or the best level of this CPU */
  r50_isa_set(R50_ISA_REF, &err);
  cli_model l;
  int rc = cli_model_load(model, &l);
  if (rc) return rc;
  r50_model_stats st;
  r50_model_get_stats(l.m, &st);
  cli_model_unload(&l);
  /* latency: reference kernels on 1 thread, then the SIMD level on 1 and on all cores */
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  int32_t nthr = ncpu > 1 ? (int32_t)(ncpu < 64 ? ncpu : 64) : 1;
  lat_run lr[3];
  int nl = 0;
  lr[nl++] = (lat_run){model, R50_ISA_REF, 1, runs, 0, 0, 0, 0};
  if (best != R50_ISA_REF) lr[nl++] = (lat_run){model, best, 1, runs, 0, 0, 0, 0};
  if (nthr > 1) lr[nl++] = (lat_run){model, best, nthr, runs, 0, 0, 0, 0};
  size_t stack = 0;
  for (int i = 0; i < nl; i++) {
    lat_measure(&lr[i]);
    if (lr[i].rc) return lr[i].rc;
    if (lr[i].stack_bytes > stack) stack = lr[i].stack_bytes;
  }
  r50_isa_set(best, &err);
  uint64_t text = exe_text_bytes();
  size_t context = st.arena_used - st.activation_bytes;
  if (json) {
    printf("{\"model\": \"%s\", \"params\": %llu, \"macs\": %llu, \"activation_bytes\": %zu, "
           "\"runtime_bytes\": %zu, \"context_bytes\": %zu, \"stack_bytes\": %zu, \"arena_bytes\": %zu, "
           "\"weight_bytes\": %llu, \"code_bytes\": %llu, "
           "\"latency_ms_min\": %.3f, \"latency_ms_median\": %.3f, \"runs\": %ld, \"threads\": 1, \"isa\": \"ref\", "
           "\"latency\": [",
           model, (unsigned long long)st.param_count, (unsigned long long)st.macs, st.activation_bytes,
           context + stack, context, stack, st.arena_used, (unsigned long long)st.weight_bytes,
           (unsigned long long)text, lr[0].min_ms, lr[0].median_ms, runs);
    for (int i = 0; i < nl; i++)
      printf("%s{\"isa\": \"%s\", \"threads\": %d, \"min_ms\": %.3f, \"median_ms\": %.3f, \"runs\": %ld}",
             i ? ", " : "", r50_isa_name(lr[i].isa), (int)lr[i].threads, lr[i].min_ms, lr[i].median_ms, lr[i].runs);
    printf("], \"stm32\": {\"activation_kib\": 2142.07, \"runtime_kib\": 41.02, \"weights_kib\": 25042.47, "
           "\"code_kib\": 226.05, \"latency_ms\": 11368.81}}\n");
  } else {
    char lab[64], val[64];
    printf("%s\n\n", note);
    printf("| %-42s | %-24s | %-30s |\n", "", "r50 (this machine)", "model card: STM32Cube.AI");
    printf("|%.44s|%.26s|%.32s|\n", "--------------------------------------------", "--------------------------",
           "--------------------------------");
    printf("| %-42s | %24.3f | %-30s |\n", "MParams", (double)st.param_count / 1e6, "25.6 (Keras)");
    printf("| %-42s | %24.3f | %-30s |\n", "G MACs", (double)st.macs / 1e9, "3.48 (Keras)");
    printf("| %-42s | %20.2f KiB | %-30s |\n", "activation RAM (arena plan peak)", st.activation_bytes / 1024.0,
           "2142.07 KiB");
    printf("| %-42s | %20.2f KiB | %-30s |\n", "runtime RAM (context + stack)", (context + stack) / 1024.0,
           "41.02 KiB");
    printf("| %-42s | %20.2f KiB | %-30s |\n", "  context (arena persistent part)", context / 1024.0, "");
    printf("| %-42s | %20.2f KiB | %-30s |\n", "  stack (measured, invoking thread)", stack / 1024.0, "");
    printf("| %-42s | %20.2f KiB | %-30s |\n", "weights (constant tensors)", (double)st.weight_bytes / 1024.0,
           "25042.47 KiB");
    if (text) snprintf(val, sizeof val, "%20.2f KiB", (double)text / 1024.0);
    else snprintf(val, sizeof val, "%24s", "n/a");
    printf("| %-42s | %s | %-30s |\n", "code (.text of this r50 binary)", val, "226.05 KiB");
    for (int i = 0; i < nl; i++) {
      snprintf(lab, sizeof lab, "latency %s, %d thread%s (min/median)", r50_isa_name(lr[i].isa), (int)lr[i].threads,
               lr[i].threads > 1 ? "s" : "");
      snprintf(val, sizeof val, "%.2f / %.2f ms", lr[i].min_ms, lr[i].median_ms);
      printf("| %-42s | %24s | %-30s |\n", lab, val, i ? "" : "11368.81 ms (STM32H747 400MHz)");
    }
    printf("\nlatency: %ld runs after 1 warm-up each, synthetic input; %s = best level of this CPU (R50_ISA\n"
           "overrides); outputs are bit-identical at every level and thread count.\n"
           "context = arena used (%zu B) - activations (%zu B), reference kernels: model handle, graph\n"
           "descriptors, op parameters (per-channel multipliers), tensor pointers. stack = high-water mark\n"
           "of the thread that ran the invokes (painted stack, minus an empty thread's use), largest of the\n"
           "rows above. code = .text of the whole host r50 binary (library + CLI + libc statics, x86-64\n"
           "-O2), not a Cortex-M7 figure (docs/porting-stm32.md).\n",
           runs, r50_isa_name(best), st.arena_used, st.activation_bytes);
  }
  return EXIT_OK;
}

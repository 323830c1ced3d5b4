/* r50 bench MODEL: latency of r50_model_invoke (min/median/max over runs),
 * images/s, G MAC/s, the kernels' ISA; --profile adds per-layer and per-op-type
 * tables timed through the op hook. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void usage_bench(FILE *f) {
  fprintf(f,
          "Usage: r50 bench MODEL [--runs K] [--warmup W] [--threads N] [--isa NAME]\n"
          "                       [--input IN.bin] [--profile] [--json]\n\n"
          "Times r50_model_invoke: min / median / max latency over K runs (default 20)\n"
          "after W warm-up runs (default 3), images/s, G MAC/s and the kernels' ISA.\n\n"
          "  --isa NAME     ref, avx2, avxvnni or avx512vnni (default: the best this CPU has, or\n"
          "                 the R50_ISA environment variable); a level the CPU lacks is refused\n"
          "  --threads N    threads splitting each op (default: the online CPUs)\n"
          "  --input FILE   raw bytes of input tensor 0 (default: a fixed pseudo-random fill)\n"
          "  --profile      per-layer and per-op-type time, share and G MAC/s\n"
          "  --json         one JSON object on stdout instead of the text report\n\n%s",
          k_exit_codes);
}

typedef struct {
  double last;
  double *op_s; /* [n_ops] accumulated seconds */
} prof_ctx;

static void prof_hook(void *user, int32_t op, const void *data, size_t bytes) {
  (void)data;
  (void)bytes;
  prof_ctx *p = user;
  const double t = cli_now_s();
  p->op_s[op] += t - p->last;
  p->last = cli_now_s();
}

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : (x > y ? 1 : 0);
}

static long parse_count(const char *s, long lo, long hi) {
  char *end = NULL;
  long v = strtol(s, &end, 10);
  return (end && *end == 0 && v >= lo && v <= hi) ? v : -1;
}

int cmd_bench(int argc, char **argv) {
  if (cli_has_help(argc, argv)) {
    usage_bench(stdout);
    return EXIT_OK;
  }
  const char *model = NULL, *input = NULL, *isa_name = NULL;
  long runs = 20, warmup = 3, threads = 0;
  int profile = 0, json = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const int has = i + 1 < argc;
    if (!strcmp(a, "--runs") && has) {
      if ((runs = parse_count(argv[++i], 1, 100000)) < 0) goto bad_value;
    } else if (!strcmp(a, "--warmup") && has) {
      if ((warmup = parse_count(argv[++i], 0, 100000)) < 0) goto bad_value;
    } else if (!strcmp(a, "--threads") && has) {
      if ((threads = parse_count(argv[++i], 1, 1024)) < 0) goto bad_value;
    } else if (!strcmp(a, "--isa") && has) {
      isa_name = argv[++i];
    } else if (!strcmp(a, "--input") && has) {
      input = argv[++i];
    } else if (!strcmp(a, "--profile")) {
      profile = 1;
    } else if (!strcmp(a, "--json")) {
      json = 1;
    } else if (a[0] == '-' && a[1] == '-') {
      fprintf(stderr, "r50 bench: unknown option or missing value '%s'\n", a);
      return EXIT_USAGE;
    } else if (!model) {
      model = a;
    } else {
      fprintf(stderr, "r50 bench: unexpected argument '%s'\n", a);
      return EXIT_USAGE;
    }
    continue;
  bad_value:
    fprintf(stderr, "r50 bench: bad value '%s' for %s\n", argv[i], a);
    return EXIT_USAGE;
  }
  if (!model) {
    usage_bench(stderr);
    return EXIT_USAGE;
  }
  if (threads == 0) {
    const long n = sysconf(_SC_NPROCESSORS_ONLN);
    threads = n >= 1 && n <= 1024 ? n : 1;
  }
  if (isa_name) {
    r50_isa isa;
    r50_error e;
    if (r50_isa_parse(isa_name, &isa) != R50_OK) {
      fprintf(stderr, "r50 bench: unknown --isa '%s' (ref, avx2, avxvnni, avx512vnni)\n", isa_name);
      return EXIT_USAGE;
    }
    if (r50_isa_set(isa, &e) != R50_OK) {
      fprintf(stderr, "r50 bench: %s\n", e.msg);
      return EXIT_USAGE;
    }
  } else if (r50_isa_note()) {
    fprintf(stderr, "r50 bench: %s\n", r50_isa_note());
  }
  cli_model l;
  int rc = cli_model_load_ex(model, &l, threads);
  if (rc) return rc;
  r50_tensor_info in;
  r50_model_input(l.m, 0, &in);
  if (input) {
    void *buf = NULL;
    size_t n = 0;
    r50_error e;
    if (r50_file_read(input, &buf, &n, &e) != R50_OK) {
      fprintf(stderr, "r50: %s\n", e.msg);
      cli_model_unload(&l);
      return EXIT_IO;
    }
    if (n != in.bytes) {
      fprintf(stderr, "r50: %s has %zu bytes, input '%s' needs exactly %zu\n", input, n, in.name,
              in.bytes);
      r50_file_free(buf);
      cli_model_unload(&l);
      return EXIT_INPUT;
    }
    memcpy(in.data, buf, n);
    r50_file_free(buf);
  } else {
    uint32_t x = 12345u;
    uint8_t *d = in.data;
    if (in.dtype == R50_DTYPE_FLOAT32) {
      for (size_t i = 0; i < in.bytes / 4; i++) {
        x = x * 1664525u + 1013904223u;
        ((float *)in.data)[i] = (float)(x >> 24);
      }
    } else {
      for (size_t i = 0; i < in.bytes; i++) {
        x = x * 1664525u + 1013904223u;
        d[i] = (uint8_t)(x >> 24);
      }
    }
  }
  r50_model_stats st;
  r50_model_get_stats(l.m, &st);
  const int32_t n_ops = r50_model_op_count(l.m);
  double *lat = calloc((size_t)runs, sizeof *lat);
  double *op_s = calloc((size_t)n_ops + 1, sizeof *op_s);
  if (!lat || !op_s) {
    fprintf(stderr, "r50 bench: out of memory\n");
    free(lat);
    free(op_s);
    cli_model_unload(&l);
    return EXIT_FAIL;
  }
  r50_error err;
  r50_parallel par;
  if (r50_threadpool_create((int32_t)threads, &par, &err) != R50_OK) {
    fprintf(stderr, "r50 bench: %s\n", err.msg);
    free(lat);
    free(op_s);
    cli_model_unload(&l);
    return EXIT_FAIL;
  }
  r50_set_parallel(&par);
  for (long i = 0; i < warmup; i++) r50_model_invoke(l.m, &err);
  for (long i = 0; i < runs; i++) {
    const double t0 = cli_now_s();
    r50_model_invoke(l.m, &err);
    lat[i] = cli_now_s() - t0;
  }
  prof_ctx pc = {0, op_s};
  if (profile) {
    /* Separate runs, so the hook never perturbs the latency figures, on a second
     * instance planned without streamed regions (streamed ops skip the hook). */
    r50_options opt = r50_options_default();
    opt.flags |= R50_OPT_NO_STREAM;
    size_t need = 0;
    void *arena2 = NULL;
    r50_model *m2 = NULL;
    if (r50_arena_size_ex(l.buf, l.len, &opt, &need, &err) != R50_OK ||
        posix_memalign(&arena2, R50_ARENA_ALIGN, need ? need : R50_ARENA_ALIGN) != 0 ||
        r50_model_init_ex(&m2, l.buf, l.len, arena2, need, &opt, &err) != R50_OK) {
      fprintf(stderr, "r50 bench: cannot load the profiling instance: %s\n", err.msg);
      profile = 0;
    } else {
      r50_tensor_info in2;
      r50_model_input(m2, 0, &in2);
      memcpy(in2.data, in.data, in.bytes);
      r50_model_set_hook(m2, prof_hook, &pc);
      for (long i = 0; i < runs; i++) {
        pc.last = cli_now_s();
        r50_model_invoke(m2, &err);
      }
    }
    free(arena2);
  }
  r50_set_parallel(NULL);
  r50_threadpool_destroy(&par);
  qsort(lat, (size_t)runs, sizeof *lat, cmp_double);
  const double mn = lat[0], md = lat[runs / 2], mx = lat[runs - 1];
  const double gmacs = (double)st.macs / md / 1e9;
  const char *isa = r50_isa_name(r50_isa_active());
  if (json) {
    printf("{\"model\": \"%s\", \"isa\": \"%s\", \"threads\": %ld, \"runs\": %ld, \"warmup\": %ld, "
           "\"macs\": %llu, \"min_ms\": %.3f, \"median_ms\": %.3f, \"max_ms\": %.3f, "
           "\"images_per_s\": %.2f, \"gmac_per_s\": %.2f}\n",
           model, isa, threads, runs, warmup, (unsigned long long)st.macs, mn * 1e3, md * 1e3,
           mx * 1e3, 1.0 / md, gmacs);
  } else {
    printf("model %s\nisa %s, threads %ld, %ld runs after %ld warm-up\n", model, isa, threads, runs,
           warmup);
    printf("latency ms: min %.3f  median %.3f  max %.3f\n", mn * 1e3, md * 1e3, mx * 1e3);
    printf("images/s %.2f, %.3f G MAC per image, %.1f G MAC/s (median)\n", 1.0 / md,
           (double)st.macs / 1e9, gmacs);
  }
  if (profile && !json) {
    double total = 0;
    for (int32_t o = 0; o < n_ops; o++) total += op_s[o];
    printf("\nper layer (mean of %ld profiled runs)\n%4s %-18s %-18s %10s %9s %7s %8s\n", runs, "op",
           "type", "output", "MMAC", "ms", "share", "GMAC/s");
    for (int32_t o = 0; o < n_ops; o++) {
      r50_op_info oi;
      r50_model_op_info(l.m, o, &oi);
      char shape[96];
      cli_format_shape(oi.out_dims, oi.out_ndim, shape, sizeof shape);
      const double t = op_s[o] / (double)runs;
      printf("%4d %-18s %-18s %10.2f %9.3f %6.1f%% %8.1f\n", (int)o, oi.type_name, shape,
             (double)oi.macs / 1e6, t * 1e3, 100.0 * op_s[o] / total,
             t > 0 ? (double)oi.macs / t / 1e9 : 0.0);
    }
    printf("\nper op type\n%-18s %5s %10s %9s %7s %8s\n", "type", "ops", "MMAC", "ms", "share",
           "GMAC/s");
    int32_t *done = calloc((size_t)n_ops + 1, sizeof *done);
    for (int32_t o = 0; done && o < n_ops; o++) {
      if (done[o]) continue;
      r50_op_info oi;
      r50_model_op_info(l.m, o, &oi);
      double t = 0, macs = 0;
      int cnt = 0;
      for (int32_t q = o; q < n_ops; q++) {
        r50_op_info qi;
        r50_model_op_info(l.m, q, &qi);
        if (qi.type != oi.type) continue;
        done[q] = 1;
        t += op_s[q];
        macs += (double)qi.macs;
        cnt++;
      }
      t /= (double)runs;
      printf("%-18s %5d %10.2f %9.3f %6.1f%% %8.1f\n", oi.type_name, cnt, macs / 1e6, t * 1e3,
             100.0 * t * (double)runs / total, t > 0 ? macs / t / 1e9 : 0.0);
    }
    free(done);
    printf("%-18s %5d %10.2f %9.3f\n", "total", (int)n_ops, (double)st.macs / 1e6,
           total / (double)runs * 1e3);
  }
  free(lat);
  free(op_s);
  cli_model_unload(&l);
  return EXIT_OK;
}

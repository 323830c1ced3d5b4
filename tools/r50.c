/* r50 command-line tool: info, run. Host code: may allocate and print. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "r50.h"

/* Stable exit codes (documented in --help and docs/cli.md). */
enum {
  EXIT_OK = 0,
  EXIT_FAIL = 1,     /* other failure */
  EXIT_USAGE = 2,    /* bad command line */
  EXIT_IO = 3,       /* a file could not be read or written */
  EXIT_MODEL = 4,    /* the model was refused (malformed, unsupported, too large) */
  EXIT_INPUT = 5     /* input data does not match the model (e.g. wrong size) */
};

static const char *k_exit_codes =
    "Exit codes: 0 success, 1 other failure, 2 bad command line, 3 file I/O error,\n"
    "            4 model refused (malformed, unsupported or over a limit), 5 input data\n"
    "            does not match the model (e.g. wrong size).\n";

static void usage_main(FILE *f) {
  fprintf(f,
          "r50 %s - int8/float32 TFLite CNN classifiers, bit-exact with TFLite Micro\n\n"
          "Usage: r50 COMMAND [OPTIONS] ...\n\n"
          "Commands:\n"
          "  info MODEL               inputs, outputs, per-op table, totals\n"
          "  run MODEL IN.bin OUT.bin run once: raw input tensor 0 in, raw output tensor 0 out\n"
          "  version                  print the version\n\n"
          "Run 'r50 COMMAND --help' for a command's options.\n%s",
          R50_VERSION, k_exit_codes);
}

static void usage_info(FILE *f) {
  fprintf(f,
          "Usage: r50 info MODEL\n\n"
          "Loads and prepares MODEL (.tflite) and prints its inputs and outputs (shape,\n"
          "type, scale, zero point), a table of ops (output shape, MACs, parameter bytes)\n"
          "and totals (parameters, MACs, weight bytes, arena bytes).\n\n%s",
          k_exit_codes);
}

static void usage_run(FILE *f) {
  fprintf(f,
          "Usage: r50 run [--dump-layers DIR] [--time] MODEL IN.bin OUT.bin\n\n"
          "Reads the raw bytes of input tensor 0 from IN.bin (exactly its size), runs the\n"
          "model once and writes the raw bytes of output tensor 0 to OUT.bin.\n\n"
          "  --dump-layers DIR  also write every op's output 0 as DIR/NNN_OPNAME.bin\n"
          "  --time             print the invoke time in seconds to stderr\n\n%s",
          k_exit_codes);
}

static int exit_for(r50_status s) {
  switch (s) {
    case R50_OK: return EXIT_OK;
    case R50_ERR_IO: return EXIT_IO;
    case R50_ERR_MODEL:
    case R50_ERR_UNSUPPORTED:
    case R50_ERR_LIMIT:
    case R50_ERR_ARENA: return EXIT_MODEL;
    default: return EXIT_FAIL;
  }
}

static int has_help(int argc, char **argv) {
  for (int i = 0; i < argc; i++)
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return 1;
  return 0;
}

typedef struct {
  void *buf;
  size_t len;
  void *arena;
  r50_model *m;
} loaded;

static void unload(loaded *l) {
  free(l->arena);
  r50_file_free(l->buf);
  memset(l, 0, sizeof *l);
}

/* Read, size the arena and init; prints a one-line error and returns an exit code. */
static int load(const char *path, loaded *l) {
  r50_error err;
  memset(l, 0, sizeof *l);
  r50_status s = r50_file_read(path, &l->buf, &l->len, &err);
  if (s != R50_OK) {
    fprintf(stderr, "r50: %s\n", err.msg);
    return exit_for(s);
  }
  size_t need = 0;
  s = r50_arena_size(l->buf, l->len, &need, &err);
  if (s == R50_OK) {
    if (posix_memalign(&l->arena, R50_ARENA_ALIGN, need ? need : R50_ARENA_ALIGN) != 0) {
      fprintf(stderr, "r50: %s: cannot allocate a %zu-byte arena\n", path, need);
      unload(l);
      return EXIT_FAIL;
    }
    s = r50_model_init(&l->m, l->buf, l->len, l->arena, need, &err);
  }
  if (s != R50_OK) {
    fprintf(stderr, "r50: %s: %s\n", path, err.msg);
    unload(l);
    return exit_for(s);
  }
  return EXIT_OK;
}

static void print_shape(const int32_t *dims, int32_t ndim, char *out, size_t n) {
  size_t k = 0;
  out[0] = 0;
  k += (size_t)snprintf(out + k, n - k, "[");
  for (int32_t d = 0; d < ndim && k < n; d++)
    k += (size_t)snprintf(out + k, n - k, d ? ",%d" : "%d", (int)dims[d]);
  if (k < n) snprintf(out + k, n - k, "]");
}

static void print_tensor_line(const char *role, int32_t i, const r50_tensor_info *t) {
  char shape[96];
  print_shape(t->dims, t->ndim, shape, sizeof shape);
  printf("  %s %d: %-24s %-8s %-18s", role, (int)i, t->name, r50_dtype_name(t->dtype), shape);
  if (t->scale > 0.0f)
    printf(" scale %.9g zero_point %d", (double)t->scale, (int)t->zero_point);
  printf(" (%zu bytes)\n", t->bytes);
}

static int cmd_info(int argc, char **argv) {
  if (has_help(argc, argv)) {
    usage_info(stdout);
    return EXIT_OK;
  }
  if (argc != 1) {
    usage_info(stderr);
    return EXIT_USAGE;
  }
  loaded l;
  int rc = load(argv[0], &l);
  if (rc) return rc;
  printf("model: %s (%zu bytes)\n", argv[0], l.len);
  r50_tensor_info t;
  printf("inputs:\n");
  for (int32_t i = 0; i < r50_model_input_count(l.m); i++) {
    r50_model_input(l.m, i, &t);
    print_tensor_line("input", i, &t);
  }
  printf("outputs:\n");
  for (int32_t i = 0; i < r50_model_output_count(l.m); i++) {
    r50_model_output(l.m, i, &t);
    print_tensor_line("output", i, &t);
  }
  printf("ops:\n  %4s  %-18s %-8s %-18s %14s %12s  %s\n", "#", "type", "dtype", "output shape",
         "MACs", "param bytes", "output");
  for (int32_t i = 0; i < r50_model_op_count(l.m); i++) {
    r50_op_info oi;
    r50_model_op_info(l.m, i, &oi);
    char shape[96];
    print_shape(oi.out_dims, oi.out_ndim, shape, sizeof shape);
    printf("  %4d  %-18s %-8s %-18s %14llu %12llu  %s\n", (int)i, oi.type_name,
           r50_dtype_name(oi.output_dtype), shape, (unsigned long long)oi.macs,
           (unsigned long long)oi.param_bytes, oi.output_name);
  }
  r50_model_stats st;
  r50_model_get_stats(l.m, &st);
  printf("totals:\n");
  printf("  ops               %d\n", (int)r50_model_op_count(l.m));
  printf("  params            %llu\n", (unsigned long long)st.param_count);
  printf("  MACs              %llu (%.3f G)\n", (unsigned long long)st.macs, (double)st.macs / 1e9);
  printf("  weight bytes      %llu (%.1f KiB)\n", (unsigned long long)st.weight_bytes,
         (double)st.weight_bytes / 1024.0);
  printf("  activation bytes  %zu (%.1f KiB)\n", st.activation_bytes,
         (double)st.activation_bytes / 1024.0);
  printf("  arena bytes       %zu (%.1f KiB)\n", st.arena_used, (double)st.arena_used / 1024.0);
  unload(&l);
  return EXIT_OK;
}

typedef struct {
  const char *dir;
  const r50_model *m;
  int failed;
} dump_ctx;

static void dump_hook(void *user, int32_t op_index, const void *data, size_t bytes) {
  dump_ctx *d = user;
  r50_op_info oi;
  r50_model_op_info(d->m, op_index, &oi);
  char path[4096];
  snprintf(path, sizeof path, "%s/%03d_%s.bin", d->dir, (int)op_index, oi.type_name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, bytes, f) != bytes) d->failed = 1;
  if (f && fclose(f) != 0) d->failed = 1;
}

static int write_file(const char *path, const void *data, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  size_t w = fwrite(data, 1, n, f);
  int c = fclose(f);
  return (w == n && c == 0) ? 0 : -1;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmd_run(int argc, char **argv) {
  if (has_help(argc, argv)) {
    usage_run(stdout);
    return EXIT_OK;
  }
  const char *dump = NULL;
  int timing = 0;
  const char *pos[3];
  int npos = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--dump-layers") && i + 1 < argc) {
      dump = argv[++i];
    } else if (!strcmp(argv[i], "--time")) {
      timing = 1;
    } else if (argv[i][0] == '-' && argv[i][1] == '-') {
      fprintf(stderr, "r50 run: unknown option '%s'\n", argv[i]);
      return EXIT_USAGE;
    } else if (npos < 3) {
      pos[npos++] = argv[i];
    } else {
      npos++;
    }
  }
  if (npos != 3) {
    usage_run(stderr);
    return EXIT_USAGE;
  }
  loaded l;
  int rc = load(pos[0], &l);
  if (rc) return rc;
  r50_tensor_info in, out;
  r50_model_input(l.m, 0, &in);
  r50_model_output(l.m, 0, &out);

  void *ibuf = NULL;
  size_t ilen = 0;
  r50_error err;
  r50_status s = r50_file_read(pos[1], &ibuf, &ilen, &err);
  if (s != R50_OK) {
    fprintf(stderr, "r50: %s\n", err.msg);
    unload(&l);
    return EXIT_IO;
  }
  if (ilen != in.bytes) {
    char shape[96];
    print_shape(in.dims, in.ndim, shape, sizeof shape);
    fprintf(stderr, "r50: %s has %zu bytes, input '%s' (%s %s) needs exactly %zu\n", pos[1], ilen,
            in.name, r50_dtype_name(in.dtype), shape, in.bytes);
    r50_file_free(ibuf);
    unload(&l);
    return EXIT_INPUT;
  }
  memcpy(in.data, ibuf, ilen);
  r50_file_free(ibuf);

  dump_ctx d = {dump, l.m, 0};
  if (dump) {
    mkdir(dump, 0777); /* may exist; write errors are reported below */
    r50_model_set_hook(l.m, dump_hook, &d);
  }
  double t0 = now_s();
  s = r50_model_invoke(l.m, &err);
  double t1 = now_s();
  if (s != R50_OK) {
    fprintf(stderr, "r50: invoke failed: %s\n", err.msg);
    unload(&l);
    return EXIT_FAIL;
  }
  if (d.failed) {
    fprintf(stderr, "r50: could not write layer dumps to '%s'\n", dump);
    unload(&l);
    return EXIT_IO;
  }
  if (timing) fprintf(stderr, "invoke: %.3f s\n", t1 - t0);
  if (write_file(pos[2], out.data, out.bytes) != 0) {
    fprintf(stderr, "r50: cannot write '%s': %s\n", pos[2], strerror(errno));
    unload(&l);
    return EXIT_IO;
  }
  unload(&l);
  return EXIT_OK;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage_main(stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    usage_main(stdout);
    return EXIT_OK;
  }
  if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
    printf("r50 %s\n", R50_VERSION);
    return EXIT_OK;
  }
  if (!strcmp(cmd, "info")) return cmd_info(argc - 2, argv + 2);
  if (!strcmp(cmd, "run")) return cmd_run(argc - 2, argv + 2);
  fprintf(stderr, "r50: unknown command '%s' (try 'r50 --help')\n", cmd);
  return EXIT_USAGE;
}

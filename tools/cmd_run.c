/* r50 run MODEL IN.bin OUT.bin */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static void usage_run(FILE *f) {
  fprintf(f,
          "Usage: r50 run [--dump-layers DIR] [--time] [--threads N] [--isa NAME] MODEL IN.bin OUT.bin\n\n"
          "Reads the raw bytes of input tensor 0 from IN.bin (exactly its size), runs the\n"
          "model once and writes the raw bytes of output tensor 0 to OUT.bin.\n\n"
          "  --dump-layers DIR  also write every op's output 0 as DIR/NNN_OPNAME.bin\n"
          "  --time             print the invoke time in seconds to stderr\n"
          "  --threads N        threads splitting each op (default 0 = the online CPUs;\n"
          "                     the output is identical for every N)\n"
          "  --isa NAME         kernels: ref, avx2, avxvnni, avx512vnni, neon, neondot\n"
          "                     (default: the best this CPU has, or R50_ISA)\n\n%s",
          k_exit_codes);
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

int cmd_run(int argc, char **argv) {
  if (cli_has_help(argc, argv)) {
    usage_run(stdout);
    return EXIT_OK;
  }
  const char *dump = NULL;
  int timing = 0;
  long threads = cli_parse_threads("0");
  const char *pos[3];
  int npos = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--dump-layers") && i + 1 < argc) {
      dump = argv[++i];
    } else if (!strcmp(argv[i], "--time")) {
      timing = 1;
    } else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
      if ((threads = cli_parse_threads(argv[++i])) < 0) {
        fprintf(stderr, "r50 run: bad value '%s' for --threads (0..1024)\n", argv[i]);
        return EXIT_USAGE;
      }
    } else if (!strcmp(argv[i], "--isa") && i + 1 < argc) {
      int rc = cli_set_isa("run", argv[++i]);
      if (rc) return rc;
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
  cli_model l;
  int rc = cli_model_load_ex(pos[0], &l, threads);
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
    cli_model_unload(&l);
    return EXIT_IO;
  }
  if (ilen != in.bytes) {
    char shape[96];
    cli_format_shape(in.dims, in.ndim, shape, sizeof shape);
    fprintf(stderr, "r50: %s has %zu bytes, input '%s' (%s %s) needs exactly %zu\n", pos[1], ilen,
            in.name, r50_dtype_name(in.dtype), shape, in.bytes);
    r50_file_free(ibuf);
    cli_model_unload(&l);
    return EXIT_INPUT;
  }
  memcpy(in.data, ibuf, ilen);
  r50_file_free(ibuf);

  dump_ctx d = {dump, l.m, 0};
  if (dump) {
    mkdir(dump, 0777); /* may exist; write errors are reported below */
    r50_model_set_hook(l.m, dump_hook, &d);
  }
  r50_parallel par;
  const int pool = threads > 1 && r50_threadpool_create((int32_t)threads, &par, &err) == R50_OK;
  r50_set_parallel(pool ? &par : NULL);
  double t0 = cli_now_s();
  s = r50_model_invoke(l.m, &err);
  double t1 = cli_now_s();
  r50_set_parallel(NULL);
  if (pool) r50_threadpool_destroy(&par);
  if (s != R50_OK) {
    fprintf(stderr, "r50: invoke failed: %s\n", err.msg);
    cli_model_unload(&l);
    return EXIT_FAIL;
  }
  if (d.failed) {
    fprintf(stderr, "r50: could not write layer dumps to '%s'\n", dump);
    cli_model_unload(&l);
    return EXIT_IO;
  }
  if (timing) fprintf(stderr, "invoke: %.3f s\n", t1 - t0);
  if (cli_write_file(pos[2], out.data, out.bytes) != 0) {
    fprintf(stderr, "r50: cannot write '%s': %s\n", pos[2], strerror(errno));
    cli_model_unload(&l);
    return EXIT_IO;
  }
  cli_model_unload(&l);
  return EXIT_OK;
}


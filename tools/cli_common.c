/* Helpers shared by the r50 commands. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

const char *const k_exit_codes =
    "Exit codes: 0 success, 1 other failure, 2 bad command line, 3 file I/O error,\n"
    "            4 model refused (malformed, unsupported or over a limit), 5 input data\n"
    "            does not match the model (e.g. wrong size).\n";

int cli_exit_for(r50_status s) {
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

int cli_has_help(int argc, char **argv) {
  for (int i = 0; i < argc; i++)
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return 1;
  return 0;
}

void cli_model_unload(cli_model *l) {
  free(l->arena);
  r50_file_free(l->buf);
  memset(l, 0, sizeof *l);
}

/* Read, size the arena and init; prints a one-line error and returns an exit code. */
int cli_model_load(const char *path, cli_model *l) { return cli_model_load_ex(path, l, 1); }

int cli_model_load_ex(const char *path, cli_model *l, long threads) {
  r50_error err;
  memset(l, 0, sizeof *l);
  r50_status s = r50_file_read(path, &l->buf, &l->len, &err);
  if (s != R50_OK) {
    fprintf(stderr, "r50: %s\n", err.msg);
    return cli_exit_for(s);
  }
  size_t need = 0;
  /* R50_PLAN=no-stream,no-inplace,no-pipeline: planner switches for comparisons (docs/cli.md) */
  r50_options opt = r50_options_default();
  const char *plan = getenv("R50_PLAN");
  if (plan && strstr(plan, "no-stream")) opt.flags |= R50_OPT_NO_STREAM;
  if (plan && strstr(plan, "no-inplace")) opt.flags |= R50_OPT_NO_INPLACE;
  if (threads == 2 && !(plan && strstr(plan, "no-pipeline"))) opt.flags |= R50_OPT_PIPELINE;
  s = r50_arena_size_ex(l->buf, l->len, &opt, &need, &err);
  if (s == R50_OK) {
    if (posix_memalign(&l->arena, R50_ARENA_ALIGN, need ? need : R50_ARENA_ALIGN) != 0) {
      fprintf(stderr, "r50: %s: cannot allocate a %zu-byte arena\n", path, need);
      cli_model_unload(l);
      return EXIT_FAIL;
    }
    s = r50_model_init_ex(&l->m, l->buf, l->len, l->arena, need, &opt, &err);
  }
  if (s != R50_OK) {
    fprintf(stderr, "r50: %s: %s\n", path, err.msg);
    cli_model_unload(l);
    return cli_exit_for(s);
  }
  return EXIT_OK;
}

void cli_format_shape(const int32_t *dims, int32_t ndim, char *out, size_t n) {
  size_t k = 0;
  out[0] = 0;
  k += (size_t)snprintf(out + k, n - k, "[");
  for (int32_t d = 0; d < ndim && k < n; d++)
    k += (size_t)snprintf(out + k, n - k, d ? ",%d" : "%d", (int)dims[d]);
  if (k < n) snprintf(out + k, n - k, "]");
}


int cli_write_file(const char *path, const void *data, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  size_t w = fwrite(data, 1, n, f);
  int c = fclose(f);
  return (w == n && c == 0) ? 0 : -1;
}

double cli_now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* --isa NAME: make it the level the next model init uses; EXIT_OK or EXIT_USAGE. */
int cli_set_isa(const char *cmd, const char *name) {
  r50_isa isa;
  r50_error e;
  if (r50_isa_parse(name, &isa) != R50_OK) {
    fprintf(stderr, "r50 %s: unknown --isa '%s' (ref, avx2, avxvnni, avx512vnni, neon, neondot)\n", cmd, name);
    return EXIT_USAGE;
  }
  if (r50_isa_set(isa, &e) != R50_OK) {
    fprintf(stderr, "r50 %s: %s\n", cmd, e.msg);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

/* --threads N in 1..1024, or -1; 0 ("default") -> the online CPUs. */
long cli_parse_threads(const char *s) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < 0 || v > 1024) return -1;
  if (v == 0) {
    const long n = sysconf(_SC_NPROCESSORS_ONLN);
    v = n >= 1 && n <= 1024 ? n : 1;
  }
  return v;
}

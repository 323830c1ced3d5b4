/* Shared pieces of the r50 command-line tool (host code: may allocate and print).
 * Each command lives in tools/cmd_<name>.c and is listed in tools/r50.c. */
#ifndef R50_CLI_H
#define R50_CLI_H
#include <stddef.h>
#include <stdio.h>

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

extern const char *const k_exit_codes;

/* Exit code for a library status. */
int cli_exit_for(r50_status s);
/* 1 if argv holds --help or -h. */
int cli_has_help(int argc, char **argv);

/* A model file loaded, its arena sized exactly, and initialised. */
typedef struct {
  void *buf;
  size_t len;
  void *arena;
  r50_model *m;
} cli_model;

/* Read, size the arena and init; on failure prints one line and returns an exit code. */
int cli_model_load(const char *path, cli_model *l);
/* The same, planned for `threads` threads: 2 adds the streamed region's
 * two-thread pipeline (R50_OPT_PIPELINE) unless R50_PLAN has no-pipeline. */
int cli_model_load_ex(const char *path, cli_model *l, long threads);
void cli_model_unload(cli_model *l);

void cli_format_shape(const int32_t *dims, int32_t ndim, char *out, size_t n);
/* Write n bytes to path; 0 on success. */
int cli_write_file(const char *path, const void *data, size_t n);
double cli_now_s(void);
/* --isa NAME: make NAME the level the next model init uses; EXIT_OK or EXIT_USAGE (message printed). */
int cli_set_isa(const char *cmd, const char *name);
/* --threads N: N in 1..1024, 0 = the online CPUs; -1 if not a valid count. */
long cli_parse_threads(const char *s);

/* Commands: argc/argv start after the command name. */
int cmd_info(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_bench(int argc, char **argv); /* tools/cmd_bench.c */
int cmd_build(int argc, char **argv);    /* tools/cmd_build.c (helpers: cli_quant.h) */
int cmd_quantize(int argc, char **argv); /* tools/cmd_quantize.c */
int cmd_report(int argc, char **argv);   /* tools/cmd_report.c */
int cmd_classify(int argc, char **argv); /* tools/cmd_classify.c (images: cli_image.h) */
int cmd_eval(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_codegen(int argc, char **argv); /* tools/cmd_codegen.c (src/host/codegen.h) */

/* r50 info --memory: print the memory plan; also draw it to svg_path if non-NULL. */
int cli_info_memory(const r50_model *m, const char *svg_path);

#endif

/* r50 command-line tool: dispatch to tools/cmd_<name>.c. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct {
  const char *name;
  int (*fn)(int argc, char **argv);
  const char *summary;
} command;

/* One line per command; keep in sync with docs/cli.md. */
static const command k_commands[] = {
    {"info", cmd_info, "info MODEL               inputs, outputs, per-op table, totals"},
    {"run", cmd_run, "run MODEL IN.bin OUT.bin run once: raw input tensor 0 in, raw output tensor 0 out"},
    {"bench", cmd_bench, "bench MODEL [--profile]  latency min/median/max, images/s, G MAC/s, per-layer profile"},
    {"build", cmd_build, "build resnet50v2 -o F   write ResNet50V2 (float, or --int8) with seeded weights"},
    {"quantize", cmd_quantize, "quantize F.tflite -o Q  full-integer post-training quantization"},
    {"report", cmd_report, "report [MODEL]           params, MACs, RAM, weights, code, latency vs the STM32 figures"},
    {"classify", cmd_classify, "classify --model M IMAGE... top-K classes of photos (BMP, PPM, PNG, JPEG)"},
    {"eval", cmd_eval, "eval --model M DATA_DIR  top-1/top-5, per-class accuracy, confusion matrix"},
    {"codegen", cmd_codegen, "codegen MODEL -o DIR     C sources for firmware: const graph, static plan, NAME_run"},
    {"validate", cmd_validate, "validate --model M --ref R DATA  compare two models' outputs on images"},
};

static void usage_main(FILE *f) {
  fprintf(f, "r50 %s - int8/float32 TFLite CNN classifiers, bit-exact with TFLite Micro\n\n"
             "Usage: r50 COMMAND [OPTIONS] ...\n\nCommands:\n", R50_VERSION);
  for (size_t i = 0; i < sizeof k_commands / sizeof k_commands[0]; i++)
    fprintf(f, "  %s\n", k_commands[i].summary);
  fprintf(f, "  version                  print the version\n\n"
             "Run 'r50 COMMAND --help' for a command's options.\n%s", k_exit_codes);
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
  for (size_t i = 0; i < sizeof k_commands / sizeof k_commands[0]; i++)
    if (!strcmp(cmd, k_commands[i].name)) return k_commands[i].fn(argc - 2, argv + 2);
  fprintf(stderr, "r50: unknown command '%s' (try 'r50 --help')\n", cmd);
  return EXIT_USAGE;
}

/* r50 info MODEL */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage_info(FILE *f) {
  fprintf(f,
          "Usage: r50 info [--memory] [--svg FILE] MODEL\n\n"
          "Loads and prepares MODEL (.tflite) and prints its inputs and outputs (shape,\n"
          "type, scale, zero point), a table of ops (output shape, MACs, parameter bytes)\n"
          "and totals (parameters, MACs, weight bytes, arena bytes).\n\n"
          "  --memory    print the memory plan instead: per op the live tensors (offset+size),\n"
          "              live bytes and top address in the arena, and where the peak occurs\n"
          "  --svg FILE  also draw the arena over time (ops on x, addresses on y)\n\n%s",
          k_exit_codes);
}

static void print_tensor_line(const char *role, int32_t i, const r50_tensor_info *t) {
  char shape[96];
  cli_format_shape(t->dims, t->ndim, shape, sizeof shape);
  printf("  %s %d: %-24s %-8s %-18s", role, (int)i, t->name, r50_dtype_name(t->dtype), shape);
  if (t->scale > 0.0f)
    printf(" scale %.9g zero_point %d", (double)t->scale, (int)t->zero_point);
  printf(" (%zu bytes)\n", t->bytes);
}

int cmd_info(int argc, char **argv) {
  if (cli_has_help(argc, argv)) {
    usage_info(stdout);
    return EXIT_OK;
  }
  int memory = 0;
  const char *svg = NULL, *path = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--memory")) {
      memory = 1;
    } else if (!strcmp(argv[i], "--svg") && i + 1 < argc) {
      svg = argv[++i];
      memory = 1;
    } else if (argv[i][0] == '-' && argv[i][1] == '-') {
      fprintf(stderr, "r50 info: unknown option '%s'\n", argv[i]);
      return EXIT_USAGE;
    } else if (!path) {
      path = argv[i];
    } else {
      usage_info(stderr);
      return EXIT_USAGE;
    }
  }
  if (!path) {
    usage_info(stderr);
    return EXIT_USAGE;
  }
  cli_model l;
  int rc = cli_model_load(path, &l);
  if (rc) return rc;
  if (memory) {
    rc = cli_info_memory(l.m, svg);
    cli_model_unload(&l);
    return rc;
  }
  printf("model: %s (%zu bytes)\n", path, l.len);
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
    cli_format_shape(oi.out_dims, oi.out_ndim, shape, sizeof shape);
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
  cli_model_unload(&l);
  return EXIT_OK;
}


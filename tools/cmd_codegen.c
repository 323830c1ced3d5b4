/* r50 codegen MODEL -o DIR [--name NAME] [--weights-c]: C sources for firmware
 * (src/host/codegen.h). */
#include <stdio.h>
#include <string.h>

#include "../src/host/codegen.h"
#include "cli.h"

static void usage(FILE *f) {
  fprintf(f,
          "Usage: r50 codegen MODEL -o DIR [--name NAME] [--weights-c]\n\n"
          "Writes C sources for firmware into DIR (which must exist):\n"
          "  NAME.h, NAME.c        the verified graph as const tables, the static memory plan,\n"
          "                        NAME_init / NAME_run(input, output, arena), NAME_ARENA_SIZE\n"
          "  NAME_weights.bin      all constant data (16-byte aligned)\n"
          "  NAME_weights.S        .incbin of the .bin into section .r50_weights\n"
          "  --weights-c           NAME_weights.c (a C array in that section) instead of the .S\n"
          "NAME defaults to 'model'. Build the sources with r50's include/ and src/ on the\n"
          "include path and link the run-time core (src/ minus src/host and src/image).\n\n%s",
          k_exit_codes);
}

int cmd_codegen(int argc, char **argv) {
  if (cli_has_help(argc, argv)) {
    usage(stdout);
    return EXIT_OK;
  }
  const char *model = NULL, *dir = NULL, *name = "model";
  unsigned flags = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-o") && i + 1 < argc)
      dir = argv[++i];
    else if (!strcmp(argv[i], "--name") && i + 1 < argc)
      name = argv[++i];
    else if (!strcmp(argv[i], "--weights-c"))
      flags |= R50_CODEGEN_WEIGHTS_C;
    else if (argv[i][0] == '-' || model) {
      fprintf(stderr, "r50 codegen: unexpected argument '%s'\n", argv[i]);
      usage(stderr);
      return EXIT_USAGE;
    } else
      model = argv[i];
  }
  if (!model || !dir) {
    usage(stderr);
    return EXIT_USAGE;
  }
  void *buf = NULL;
  size_t len = 0;
  r50_error err;
  if (r50_file_read(model, &buf, &len, &err) != R50_OK) {
    fprintf(stderr, "r50 codegen: %s\n", err.msg);
    return EXIT_IO;
  }
  r50_codegen_stats st;
  r50_status s = r50_codegen(buf, len, model, dir, name, flags, &st, &err);
  r50_file_free(buf);
  if (s != R50_OK) {
    fprintf(stderr, "r50 codegen: %s\n", err.msg);
    return s == R50_ERR_ARG ? EXIT_USAGE : cli_exit_for(s);
  }
  printf("wrote %s/%s.h, %s.c, %s_weights.bin (%zu bytes: %zu of constant tensors), %s_weights.%s\n"
         "arena %zu bytes (activations %zu)\n",
         dir, name, name, name, st.weight_bytes, st.param_bytes, name,
         (flags & R50_CODEGEN_WEIGHTS_C) ? "c" : "S", st.arena_bytes, st.activation_bytes);
  return EXIT_OK;
}

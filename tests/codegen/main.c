/* Host driver for generated code (tests/codegen/run.sh): R50_CG_NAME is the
 * generated model's name. Usage: main IN1.bin OUT1.bin [IN2.bin OUT2.bin ...]
 * runs NAME_run on each input (one static arena, initialised once) and writes
 * each output. Exit 0 on success. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define STR2(a) #a
#define STR(a) STR2(a)
#include STR(R50_CG_NAME.h)

#define N_(x) CAT(R50_CG_NAME, x)
#define UP_(x) CAT(R50_CG_UPPER, x)

static _Alignas(16) unsigned char arena[UP_(_ARENA_SIZE)];
static unsigned char input[UP_(_INPUT_BYTES)], output[UP_(_OUTPUT_BYTES)];

int main(int argc, char **argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    FILE *f = fopen(argv[i], "rb");
    if (!f || fread(input, 1, sizeof input, f) != sizeof input) {
      fprintf(stderr, "cannot read %zu bytes from %s\n", sizeof input, argv[i]);
      return 1;
    }
    fclose(f);
    int s = N_(_run)(input, output, arena);
    if (s != 0) {
      fprintf(stderr, "%s_run failed: status %d\n", STR(R50_CG_NAME), s);
      return 1;
    }
    f = fopen(argv[i + 1], "wb");
    if (!f || fwrite(output, 1, sizeof output, f) != sizeof output || fclose(f) != 0) {
      fprintf(stderr, "cannot write %s\n", argv[i + 1]);
      return 1;
    }
  }
  printf("%s: arena %zu of %zu bytes used\n", STR(R50_CG_NAME), r50_model_arena_used(N_(_model)()),
         (size_t)UP_(_ARENA_SIZE));
  return 0;
}

/* libFuzzer harness for the r50 tool's text parsers (tools/cli_text.c): the
 * first byte picks the file kind, the rest is the file, read line by line
 * exactly as the tool reads it (fgets into buffers of the tool's sizes):
 *   0: eval --list CSV (PATH,LABEL lines; 8192-byte lines)
 *   1: results.csv for eval --resume / --merge (16384-byte lines)
 *   2: labels file (classify --labels; 1024-byte lines)
 * Properties: no crash, leak or sanitizer report; parsed labels in range;
 * parsed rows hold their three strings. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  const int kind = data[0] % 3;
  /* fmemopen needs a writable buffer in older C libraries */
  char *text = malloc(size - 1);
  if (!text) return 0;
  memcpy(text, data + 1, size - 1);
  FILE *f = fmemopen(text, size - 1, "r");
  if (!f) {
    free(text);
    return 0;
  }
  if (kind == 0) {
    static char line[8192];
    while (fgets(line, sizeof line, f)) {
      char *path = NULL;
      int label = -1;
      int k = cli_list_line(line, &path, &label);
      if (k == 1 && (!path || label < 0 || label > CLI_MAX_LABEL || strchr(path, '\n')))
        __builtin_trap();
    }
  } else if (kind == 1) {
    static char line[16384];
    while (fgets(line, sizeof line, f)) {
      cli_row r;
      if (cli_row_parse(line, &r) != 0) {
        if (r.path || r.status || r.top5) __builtin_trap();
        continue;
      }
      if (!r.path || !r.status || !r.top5 || (r.top5hit != 0 && r.top5hit != 1)) __builtin_trap();
      cli_row_free(&r);
    }
  } else {
    cli_labels l;
    if (cli_labels_read(f, &l) == 0) {
      for (size_t i = 0; i < l.n; i++)
        if (!l.name[i] || strlen(l.name[i]) >= 1024) __builtin_trap();
      if (l.n && !l.name[l.n - 1][0]) __builtin_trap();
    }
    cli_labels_free(&l);
  }
  fclose(f);
  free(text);
  return 0;
}

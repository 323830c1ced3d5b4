/* Text files the r50 tool reads: eval's --list CSV, results.csv (--resume,
 * --merge) and labels files. Parsing only (no file names, no printing), so the
 * parsers are fuzzed directly (tests/fuzz/fuzz_text.c). */
#ifndef R50_CLI_TEXT_H
#define R50_CLI_TEXT_H
#include <stddef.h>
#include <stdio.h>

/* Largest label an eval --list line may give. */
#define CLI_MAX_LABEL 1000000

/* Strip trailing '\n' and '\r' in place; returns the new length. */
size_t cli_chomp(char *line);

/* One line of an eval --list file, "PATH,LABEL" (the last comma splits; LABEL
 * a decimal integer 0..CLI_MAX_LABEL). The line is chomped; on success the
 * comma is replaced by NUL, *path = line, *label set, returns 1. Returns 0 for
 * an empty line and -1 for anything else (a header, junk). */
int cli_list_line(char *line, char **path, int *label);

/* One results.csv row: label,pred,top5,ok,status,path (path may hold commas). */
typedef struct {
  int label, pred, top5hit, ok;
  char *path, *status, *top5; /* malloc'd */
} cli_row;
/* Parse (line is modified); 0 with r filled, -1 for a header, junk, or out of
 * memory (nothing allocated then). */
int cli_row_parse(char *line, cli_row *r);
void cli_row_free(cli_row *r);

/* Labels file: one name per line. */
typedef struct {
  char **name;
  size_t n;
} cli_labels;
/* Read every line of f (lines longer than 1023 bytes are split); a trailing
 * empty line is not a label. 0, or -1 when out of memory (l is then empty). */
int cli_labels_read(FILE *f, cli_labels *l);
void cli_labels_free(cli_labels *l);

#endif

/* Text inputs of the r50 tool: see cli_text.h. */
#include "cli_text.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static char *dup_str(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

size_t cli_chomp(char *line) {
  size_t k = strlen(line);
  while (k && (line[k - 1] == '\n' || line[k - 1] == '\r')) line[--k] = 0;
  return k;
}

int cli_list_line(char *line, char **path, int *label) {
  if (!cli_chomp(line)) return 0;
  char *comma = strrchr(line, ',');
  if (!comma) return -1;
  char *e = NULL;
  long lab = strtol(comma + 1, &e, 10);
  if (*e || e == comma + 1 || lab < 0 || lab > CLI_MAX_LABEL) return -1;
  *comma = 0;
  *path = line;
  *label = (int)lab;
  return 1;
}

/* Decimal int field: the whole field, in int range. */
static int parse_int(const char *s, int *v) {
  char *e;
  long x = strtol(s, &e, 10);
  if (*e || e == s || x < INT_MIN || x > INT_MAX) return -1;
  *v = (int)x;
  return 0;
}

int cli_row_parse(char *line, cli_row *r) {
  memset(r, 0, sizeof *r);
  cli_chomp(line);
  char *f[6];
  char *s = line;
  for (int i = 0; i < 5; i++) {
    char *c = strchr(s, ',');
    if (!c) return -1;
    *c = 0;
    f[i] = s;
    s = c + 1;
  }
  f[5] = s;
  if (parse_int(f[0], &r->label) != 0) return -1; /* header or junk */
  if (parse_int(f[1], &r->pred) != 0) r->pred = -1;
  r->ok = !strcmp(f[4], "ok");
  r->top5hit = 0;
  for (char *t = f[2]; *t;) {
    char *e;
    long v = strtol(t, &e, 10);
    if (e != t && v == r->label) r->top5hit = 1;
    t = *e == ';' ? e + 1 : e;
    if (e == t && *t) t++;
  }
  r->path = dup_str(f[5]);
  r->status = dup_str(f[4]);
  r->top5 = dup_str(f[2]);
  if (r->path && r->status && r->top5) return 0;
  cli_row_free(r);
  return -1;
}

void cli_row_free(cli_row *r) {
  free(r->path);
  free(r->status);
  free(r->top5);
  r->path = r->status = r->top5 = NULL;
}

int cli_labels_read(FILE *f, cli_labels *l) {
  memset(l, 0, sizeof *l);
  char line[1024];
  size_t cap = 0;
  while (fgets(line, sizeof line, f)) {
    cli_chomp(line);
    if (l->n == cap) {
      size_t nc = cap ? cap * 2 : 256;
      char **nn = realloc(l->name, nc * sizeof *nn);
      if (!nn) goto oom;
      l->name = nn;
      cap = nc;
    }
    if (!(l->name[l->n] = dup_str(line))) goto oom;
    l->n++;
  }
  /* a trailing empty line is not a label */
  while (l->n && !l->name[l->n - 1][0]) free(l->name[--l->n]);
  return 0;
oom:
  cli_labels_free(l);
  return -1;
}

void cli_labels_free(cli_labels *l) {
  for (size_t i = 0; i < l->n; i++) free(l->name[i]);
  free(l->name);
  memset(l, 0, sizeof *l);
}

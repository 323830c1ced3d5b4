/* r50 validate --model M --ref REF DATA...: compare two models' outputs on the
 * same images, as STM32Cube.AI's validate does. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_image.h"
#include "cli_quant.h"

static void usage_validate(FILE *f) {
  fprintf(f,
          "Usage: r50 validate [--model MODEL --ref REF] [--limit N] DATA...\n\n"
          "Runs MODEL and REF (e.g. the int8 model and its float twin) on the same images\n"
          "(DATA: image files, or folders searched one level deep) and compares output 0:\n"
          "top-1 agreement, L2 relative error ||m-r||/||r|| (mean and max over images),\n"
          "cosine similarity (mean, min), RMSE and max abs error over all outputs.\n"
          "Each model gets its own input mapping (dtype, quantization).\n\n"
          "Without --model and --ref: the embedded default int8 ResNet50V2 224x224/1000 of\n"
          "`r50 report` against its float32 twin (both built once and cached; SYNTHETIC weights).\n\n"
          "  --model MODEL  model to check\n"
          "  --ref REF      reference model (e.g. the float twin)\n"
          "  --limit N      at most N images\n\n%s\n%s",
          k_pre_help, k_exit_codes);
}

typedef struct {
  char **v;
  size_t n, cap;
} paths;

static int push(paths *p, const char *s) {
  if (p->n == p->cap) {
    size_t c = p->cap ? p->cap * 2 : 64;
    char **nv = realloc(p->v, c * sizeof *nv);
    if (!nv) return -1;
    p->v = nv;
    p->cap = c;
  }
  if (!(p->v[p->n] = strdup(s))) return -1;
  p->n++;
  return 0;
}

static int cmp_s(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void collect(const char *path, int depth, paths *out) {
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
    push(out, path);
    return;
  }
  DIR *d = opendir(path);
  if (!d) return;
  paths names = {0};
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') push(&names, e->d_name);
  closedir(d);
  if (names.n > 1) qsort(names.v, names.n, sizeof *names.v, cmp_s);
  for (size_t i = 0; i < names.n; i++) {
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", path, names.v[i]);
    if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
      if (depth < 1) collect(p, depth + 1, out);
    } else {
      push(out, p);
    }
    free(names.v[i]);
  }
  free(names.v);
}

int cmd_validate(int argc, char **argv) {
  if (cli_has_help(argc, argv)) {
    usage_validate(stdout);
    return EXIT_OK;
  }
  const char *model = NULL, *ref = NULL;
  long limit = -1;
  cli_pre pre;
  cli_pre_defaults(&pre);
  paths data = {0};
  for (int i = 0; i < argc; i++) {
    int r = cli_pre_option(argc, argv, &i, &pre, "validate");
    if (r < 0) return EXIT_USAGE;
    if (r > 0) continue;
    if (!strcmp(argv[i], "--model") && i + 1 < argc) model = argv[++i];
    else if (!strcmp(argv[i], "--ref") && i + 1 < argc) ref = argv[++i];
    else if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
      char *e;
      limit = strtol(argv[++i], &e, 10);
      if (*e || limit < 0) {
        fprintf(stderr, "r50 validate: bad value '%s' for --limit\n", argv[i]);
        return EXIT_USAGE;
      }
    } else if (argv[i][0] == '-' && argv[i][1] == '-') {
      fprintf(stderr, "r50 validate: unknown option '%s'\n", argv[i]);
      return EXIT_USAGE;
    } else collect(argv[i], 0, &data);
  }
  char dm[4096], dr[4096], note[4200];
  if (!model && !ref && data.n) {
    int drc = cli_default_model(1, dm, sizeof dm, note, sizeof note);
    if (!drc) fprintf(stderr, "r50: %s\n", note);
    if (!drc) drc = cli_default_model(0, dr, sizeof dr, note, sizeof note);
    if (drc) {
      for (size_t i = 0; i < data.n; i++) free(data.v[i]);
      free(data.v);
      return drc;
    }
    fprintf(stderr, "r50: %s (float twin)\nr50: %s\n", note, k_default_model_note);
    model = dm;
    ref = dr;
  }
  if (!model || !ref || !data.n) {
    fprintf(stderr, "r50 validate: need DATA, and --model MODEL with --ref REF or neither (try --help)\n");
    for (size_t i = 0; i < data.n; i++) free(data.v[i]);
    free(data.v);
    return EXIT_USAGE;
  }
  cli_model lm = {0}, lr = {0};
  cli_input im = {0}, ir = {0};
  int rc = cli_model_load(model, &lm);
  if (!rc) rc = cli_model_load(ref, &lr);
  if (!rc) rc = cli_input_prepare(lm.m, &pre, &im);
  if (!rc) rc = cli_input_prepare(lr.m, &pre, &ir);
  long n = 0, agree = 0, bad = 0;
  double sum_l2 = 0, max_l2 = 0, sum_cos = 0, min_cos = 1, sse = 0, maxabs = 0;
  size_t nel = 0;
  for (size_t i = 0; i < data.n && !rc && (limit < 0 || n < limit); i++) {
    char msg[512];
    r50img_status st = cli_input_load(&im, &pre, data.v[i], msg, sizeof msg);
    if (st == R50IMG_OK) st = cli_input_load(&ir, &pre, data.v[i], msg, sizeof msg);
    if (st != R50IMG_OK) {
      fprintf(stderr, "r50: skipped: %s\n", msg);
      bad++;
      continue;
    }
    r50_error err;
    if (r50_model_invoke(lm.m, &err) != R50_OK || r50_model_invoke(lr.m, &err) != R50_OK) {
      fprintf(stderr, "r50: invoke failed: %s\n", err.msg);
      rc = EXIT_FAIL;
      break;
    }
    size_t na, nr;
    float *a = cli_output_scores(lm.m, &na), *r = cli_output_scores(lr.m, &nr);
    if (!a || !r || na != nr || !na) {
      if (a && r) fprintf(stderr, "r50: output sizes differ: %zu (model) vs %zu (ref)\n", na, nr);
      free(a);
      free(r);
      rc = a && r ? EXIT_INPUT : EXIT_FAIL;
      break;
    }
    double d2 = 0, r2 = 0, a2 = 0, ar = 0;
    size_t ta = 0, tr = 0;
    for (size_t k = 0; k < na; k++) {
      double d = (double)a[k] - r[k];
      d2 += d * d;
      r2 += (double)r[k] * r[k];
      a2 += (double)a[k] * a[k];
      ar += (double)a[k] * r[k];
      if (fabs(d) > maxabs) maxabs = fabs(d);
      if (a[k] > a[ta]) ta = k;
      if (r[k] > r[tr]) tr = k;
    }
    double l2 = r2 > 0 ? sqrt(d2 / r2) : (d2 > 0 ? INFINITY : 0);
    double cs = a2 > 0 && r2 > 0 ? ar / sqrt(a2 * r2) : (a2 == r2 ? 1 : 0);
    sum_l2 += l2;
    if (l2 > max_l2) max_l2 = l2;
    sum_cos += cs;
    if (cs < min_cos) min_cos = cs;
    sse += d2;
    nel += na;
    agree += ta == tr;
    n++;
    printf("%-40s top-1 %5zu vs %5zu  l2r %.4g  cos %.6f\n", data.v[i], ta, tr, l2, cs);
    free(a);
    free(r);
  }
  if (!rc) {
    if (!n) {
      fprintf(stderr, "r50: no image could be read (%ld unreadable)\n", bad);
      rc = EXIT_INPUT;
    } else {
      printf("\nvalidate: %ld images (%ld unreadable)\n", n, bad);
      printf("  top-1 agreement   %.4f (%ld/%ld)\n", (double)agree / n, agree, n);
      printf("  L2 relative error mean %.6g  max %.6g\n", sum_l2 / n, max_l2);
      printf("  cosine similarity mean %.6f  min %.6f\n", sum_cos / n, min_cos);
      printf("  RMSE              %.6g\n", sqrt(sse / (double)nel));
      printf("  max abs error     %.6g\n", maxabs);
    }
  }
  cli_input_free(&im);
  cli_input_free(&ir);
  if (lm.m) cli_model_unload(&lm);
  if (lr.m) cli_model_unload(&lr);
  for (size_t i = 0; i < data.n; i++) free(data.v[i]);
  free(data.v);
  return rc;
}

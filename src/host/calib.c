/* Calibration input sources for r50_quantize. */
#define _POSIX_C_SOURCE 200809L
#include "calib.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../runtime/error.h"

r50_status r50_synth_calib_fn(void *user, int32_t i, float *dst, size_t n, r50_error *err) {
  r50_synth_calib *s = user;
  if ((size_t)s->h * (size_t)s->w * (size_t)s->c != n)
    return r50_fail(err, R50_ERR_ARG, "synthetic calibration: %dx%dx%d does not match the %zu-value input",
                    (int)s->h, (int)s->w, (int)s->c, n);
  r50_synth_image(s->seed, i, s->h, s->w, s->c, s->lo, s->hi, dst);
  return R50_OK;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

r50_status r50_dir_calib_open(const char *dir, size_t n_floats, r50_dir_calib *d, r50_error *err) {
  memset(d, 0, sizeof *d);
  DIR *dp = opendir(dir);
  if (!dp) return r50_fail(err, R50_ERR_IO, "cannot open calibration directory '%s'", dir);
  struct dirent *e;
  int32_t cap = 0;
  while ((e = readdir(dp)) != NULL) {
    size_t l = strlen(e->d_name);
    if (l < 4 || strcmp(e->d_name + l - 4, ".bin") != 0) continue;
    size_t pl = strlen(dir) + l + 2;
    char *p = malloc(pl);
    if (!p) break;
    snprintf(p, pl, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(p, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != n_floats * sizeof(float)) {
      free(p);
      continue;
    }
    if (d->n == cap) {
      cap = cap ? cap * 2 : 16;
      char **np = realloc(d->paths, (size_t)cap * sizeof *np);
      if (!np) {
        free(p);
        break;
      }
      d->paths = np;
    }
    d->paths[d->n++] = p;
  }
  closedir(dp);
  if (d->n == 0)
    return r50_fail(err, R50_ERR_IO, "'%s' holds no .bin file of exactly %zu float32 values", dir, n_floats);
  if (d->n > 1) qsort(d->paths, (size_t)d->n, sizeof *d->paths, cmp_str);
  return R50_OK;
}

r50_status r50_dir_calib_fn(void *user, int32_t i, float *dst, size_t n, r50_error *err) {
  r50_dir_calib *d = user;
  if (i < 0 || i >= d->n) return r50_fail(err, R50_ERR_ARG, "calibration sample %d out of range", (int)i);
  FILE *f = fopen(d->paths[i], "rb");
  if (!f) return r50_fail(err, R50_ERR_IO, "cannot open '%s'", d->paths[i]);
  size_t got = fread(dst, sizeof(float), n, f);
  fclose(f);
  if (got != n) return r50_fail(err, R50_ERR_IO, "short read on '%s'", d->paths[i]);
  return R50_OK;
}

void r50_dir_calib_close(r50_dir_calib *d) {
  for (int32_t i = 0; i < d->n; i++) free(d->paths[i]);
  free(d->paths);
  memset(d, 0, sizeof *d);
}

/* r50 eval: accuracy on a labelled folder or list; shards, merge, resume. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_image.h"
#include "cli_quant.h"

static void usage_eval(FILE *f) {
  fprintf(f,
          "Usage: r50 eval [--model MODEL] [OPTIONS] DATA_DIR\n"
          "       r50 eval [--model MODEL] [OPTIONS] --list FILE.csv\n"
          "       r50 eval --merge --out DIR SHARD_DIR...\n\n"
          "DATA_DIR holds one sub-folder per class; class index = position of the folder\n"
          "name in sorted order (as the model zoo's loaders). FILE.csv has lines PATH,LABEL\n"
          "(integer; relative paths are relative to the CSV's folder). A model with one\n"
          "output more than there are classes has a background class 0, which is dropped.\n\n"
          "  --out DIR       results folder (default r50-eval): results.csv (streamed, one\n"
          "                  row per image: label,pred,top5,ok,status,path), classes.txt,\n"
          "                  summary.txt, per_class.csv, confusion.csv, confusion.svg\n"
          "  --limit N       only the first N images (after sharding)\n"
          "  --shard I/N     only images whose index modulo N is I (0 <= I < N)\n"
          "  --resume        keep DIR/results.csv and skip the images it already has\n"
          "  --merge         combine the results.csv of shard folders into --out\n"
          "  --threads N     overlap decoding and inference: N-1 decoder threads fill a\n"
          "                  bounded queue (2N images) in dataset order, inference runs on\n"
          "                  the main thread; results are identical to --threads 1 (default 1)\n"
          "  --model MODEL   .tflite classifier (default: the embedded default model of\n"
          "                  `r50 report`, whose weights are SYNTHETIC)\n\n%s\n%s",
          k_pre_help, k_exit_codes);
}

typedef struct {
  char *path;
  int label;
} item;

typedef cli_row row;

typedef struct {
  item *v;
  size_t n, cap;
} items;

typedef struct {
  char **v;
  size_t n, cap;
} strs;

static int strs_push(strs *s, const char *x) {
  if (s->n == s->cap) {
    size_t c = s->cap ? s->cap * 2 : 64;
    char **nv = realloc(s->v, c * sizeof *nv);
    if (!nv) return -1;
    s->v = nv;
    s->cap = c;
  }
  if (!(s->v[s->n] = strdup(x))) return -1;
  s->n++;
  return 0;
}

static void strs_free(strs *s) {
  for (size_t i = 0; i < s->n; i++) free(s->v[i]);
  free(s->v);
  memset(s, 0, sizeof *s);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int items_push(items *it, const char *path, int label) {
  if (it->n == it->cap) {
    size_t c = it->cap ? it->cap * 2 : 256;
    item *nv = realloc(it->v, c * sizeof *nv);
    if (!nv) return -1;
    it->v = nv;
    it->cap = c;
  }
  if (!(it->v[it->n].path = strdup(path))) return -1;
  it->v[it->n++].label = label;
  return 0;
}

/* Sorted names in dir (no dot files); dirs_only selects folders or the rest. */
static int list_dir(const char *dir, int dirs_only, strs *out) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  struct dirent *e;
  char p[4096];
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(p, &st) != 0) continue;
    if ((S_ISDIR(st.st_mode) ? 1 : 0) != dirs_only) continue;
    if (strs_push(out, e->d_name)) break;
  }
  closedir(d);
  if (out->n > 1) qsort(out->v, out->n, sizeof *out->v, cmp_str);
  return 0;
}

static int load_dir(const char *dir, items *it, strs *classes) {
  if (list_dir(dir, 1, classes) != 0) {
    fprintf(stderr, "r50: cannot read folder '%s': %s\n", dir, strerror(errno));
    return EXIT_IO;
  }
  if (!classes->n) {
    fprintf(stderr, "r50: '%s' has no class sub-folders\n", dir);
    return EXIT_INPUT;
  }
  for (size_t c = 0; c < classes->n; c++) {
    char sub[4096], p[8192];
    snprintf(sub, sizeof sub, "%s/%s", dir, classes->v[c]);
    strs files = {0};
    list_dir(sub, 0, &files);
    for (size_t i = 0; i < files.n; i++) {
      snprintf(p, sizeof p, "%s/%s", sub, files.v[i]);
      if (items_push(it, p, (int)c)) return EXIT_FAIL;
    }
    strs_free(&files);
  }
  return EXIT_OK;
}

static int load_list(const char *csv, items *it, strs *classes) {
  FILE *f = fopen(csv, "r");
  if (!f) {
    fprintf(stderr, "r50: cannot open '%s': %s\n", csv, strerror(errno));
    return EXIT_IO;
  }
  char base[4096];
  snprintf(base, sizeof base, "%s", csv);
  char *slash = strrchr(base, '/');
  if (slash) slash[1] = 0; else base[0] = 0;
  char line[8192], p[12288];
  int maxl = -1, lineno = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    char *path = NULL;
    int lab = 0;
    int kind = cli_list_line(line, &path, &lab);
    if (kind == 0) continue;
    if (kind < 0) {
      if (lineno == 1) continue; /* header */
      fprintf(stderr, "r50: %s:%d: expected PATH,LABEL (LABEL 0..%d)\n", csv, lineno, CLI_MAX_LABEL);
      fclose(f);
      return EXIT_INPUT;
    }
    if (path[0] == '/') snprintf(p, sizeof p, "%s", path);
    else snprintf(p, sizeof p, "%s%s", base, path);
    if (items_push(it, p, (int)lab)) break;
    if (lab > maxl) maxl = (int)lab;
  }
  fclose(f);
  for (int c = 0; c <= maxl; c++) {
    char nm[32];
    snprintf(nm, sizeof nm, "%d", c);
    strs_push(classes, nm);
  }
  return EXIT_OK;
}

/* ---- results.csv ---- */
typedef struct {
  row *v;
  size_t n, cap;
} rows;

static void rows_free(rows *rs) {
  for (size_t i = 0; i < rs->n; i++) cli_row_free(&rs->v[i]);
  free(rs->v);
  memset(rs, 0, sizeof *rs);
}

static int read_rows(const char *path, rows *rs) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[16384];
  while (fgets(line, sizeof line, f)) {
    row r;
    if (cli_row_parse(line, &r) != 0) continue;
    if (rs->n == rs->cap) {
      size_t c = rs->cap ? rs->cap * 2 : 256;
      row *nv = realloc(rs->v, c * sizeof *nv);
      if (!nv) {
        cli_row_free(&r);
        break;
      }
      rs->v = nv;
      rs->cap = c;
    }
    rs->v[rs->n++] = r;
  }
  fclose(f);
  return 0;
}

static int cmp_row(const void *a, const void *b) {
  return strcmp(((const row *)a)->path, ((const row *)b)->path);
}

static void write_row(FILE *f, const row *r, const char *top5) {
  fprintf(f, "%d,%d,%s,%s,%s,%s\n", r->label, r->pred, top5, r->ok ? "1" : "0", r->status,
          r->path);
}

static int read_classes(const char *dir, strs *classes) {
  char p[4096], line[4096];
  snprintf(p, sizeof p, "%s/classes.txt", dir);
  FILE *f = fopen(p, "r");
  if (!f) return -1;
  while (fgets(line, sizeof line, f)) {
    size_t k = strlen(line);
    while (k && (line[k - 1] == '\n' || line[k - 1] == '\r')) line[--k] = 0;
    strs_push(classes, line);
  }
  fclose(f);
  return 0;
}

static int write_classes(const char *dir, const strs *classes) {
  char p[4096];
  snprintf(p, sizeof p, "%s/classes.txt", dir);
  FILE *f = fopen(p, "w");
  if (!f) return -1;
  for (size_t i = 0; i < classes->n; i++) fprintf(f, "%s\n", classes->v[i]);
  return fclose(f);
}

static void svg_confusion(FILE *f, const strs *cl, const long *cm, size_t nc) {
  const int cell = nc > 100 ? 4 : nc > 20 ? 12 : 40, m = 140;
  size_t sz = nc * (size_t)cell;
  fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%zu\" height=\"%zu\" "
             "font-family=\"sans-serif\" font-size=\"10\">\n", sz + m + 20, sz + m + 20);
  fprintf(f, "<text x=\"%d\" y=\"14\" font-size=\"13\">confusion matrix (rows: true class, "
             "columns: predicted; shade = row fraction)</text>\n", m);
  for (size_t t = 0; t < nc; t++) {
    long tot = 0;
    for (size_t p = 0; p <= nc; p++) tot += cm[t * (nc + 1) + p];
    for (size_t p = 0; p < nc; p++) {
      long v = cm[t * (nc + 1) + p];
      double fr = tot ? (double)v / tot : 0;
      int g = 255 - (int)(fr * 255 + 0.5);
      fprintf(f, "<rect x=\"%zu\" y=\"%zu\" width=\"%d\" height=\"%d\" fill=\"rgb(%d,%d,255)\"/>\n",
              m + p * cell, m + t * cell, cell, cell, g, g);
      if (cell >= 40 && v)
        fprintf(f, "<text x=\"%zu\" y=\"%zu\" text-anchor=\"middle\">%ld</text>\n",
                m + p * cell + cell / 2, m + t * cell + cell / 2 + 4, v);
    }
    if (cell >= 12) {
      fprintf(f, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">%s</text>\n", m - 4,
              m + t * cell + cell / 2 + 4, cl->v[t]);
      fprintf(f, "<text transform=\"translate(%zu,%d) rotate(-60)\">%s</text>\n",
              m + t * cell + cell / 2, m - 4, cl->v[t]);
    }
  }
  fprintf(f, "</svg>\n");
}

/* Metrics of all rows into dir; prints the summary. */
static int report(const char *dir, rows *rs, const strs *cl) {
  size_t nc = cl->n;
  long *cm = calloc(nc * (nc + 1) + 1, sizeof *cm);
  if (!cm) {
    fprintf(stderr, "r50: out of memory for the %zu x %zu confusion matrix\n", nc, nc + 1);
    return EXIT_FAIL;
  }
  long ok = 0, bad = 0, top1 = 0, top5 = 0;
  if (rs->n > 1) qsort(rs->v, rs->n, sizeof *rs->v, cmp_row);
  for (size_t i = 0; i < rs->n; i++) {
    row *r = &rs->v[i];
    if (!r->ok) {
      bad++;
      continue;
    }
    ok++;
    top1 += r->pred == r->label;
    top5 += r->top5hit;
    if (r->label >= 0 && (size_t)r->label < nc) {
      size_t p = r->pred >= 0 && (size_t)r->pred < nc ? (size_t)r->pred : nc;
      cm[(size_t)r->label * (nc + 1) + p]++;
    }
  }
  char p[4096];
  snprintf(p, sizeof p, "%s/summary.txt", dir);
  FILE *s = fopen(p, "w");
  FILE *outs[2] = {stdout, s};
  for (int k = 0; k < 2; k++) {
    FILE *f = outs[k];
    if (!f) continue;
    fprintf(f, "images: %ld  classified: %ld  unreadable: %ld\n", ok + bad, ok, bad);
    fprintf(f, "top-1: %.4f (%ld/%ld)  top-5: %.4f (%ld/%ld)\n", ok ? (double)top1 / ok : 0.0,
            top1, ok, ok ? (double)top5 / ok : 0.0, top5, ok);
    for (size_t i = 0; i < rs->n; i++)
      if (!rs->v[i].ok) fprintf(f, "unreadable: %s: %s\n", rs->v[i].path, rs->v[i].status);
  }
  if (s) fclose(s);
  snprintf(p, sizeof p, "%s/per_class.csv", dir);
  FILE *f = fopen(p, "w");
  if (f) {
    fprintf(f, "class,name,images,correct,accuracy\n");
    for (size_t t = 0; t < nc; t++) {
      long tot = 0;
      for (size_t q = 0; q <= nc; q++) tot += cm[t * (nc + 1) + q];
      long c = cm[t * (nc + 1) + t];
      fprintf(f, "%zu,%s,%ld,%ld,%.4f\n", t, cl->v[t], tot, c, tot ? (double)c / tot : 0.0);
    }
    fclose(f);
  }
  snprintf(p, sizeof p, "%s/confusion.csv", dir);
  f = fopen(p, "w");
  if (f) {
    fprintf(f, "true\\pred");
    for (size_t q = 0; q < nc; q++) fprintf(f, ",%s", cl->v[q]);
    fprintf(f, ",other\n");
    for (size_t t = 0; t < nc; t++) {
      fprintf(f, "%s", cl->v[t]);
      for (size_t q = 0; q <= nc; q++) fprintf(f, ",%ld", cm[t * (nc + 1) + q]);
      fprintf(f, "\n");
    }
    fclose(f);
  }
  snprintf(p, sizeof p, "%s/confusion.svg", dir);
  f = fopen(p, "w");
  if (f) {
    svg_confusion(f, cl, cm, nc);
    fclose(f);
  }
  free(cm);
  return EXIT_OK;
}

static void progress(int tty, size_t done, size_t total, double t0) {
  double el = cli_now_s() - t0, rate = el > 0 ? done / el : 0;
  double eta = rate > 0 ? (total - done) / rate : 0;
  if (tty) {
    int w = 30, fill = total ? (int)(w * done / total) : w;
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu %.1f img/s ETA %dm%02ds ", fill,
            "##############################", w - fill, "", done, total, rate, (int)eta / 60,
            (int)eta % 60);
    if (done == total) fputc('\n', stderr);
  } else {
    size_t step = total / 10 ? total / 10 : 1;
    if (done % step == 0 || done == total)
      fprintf(stderr, "eval: %zu/%zu images, %.1f img/s, ETA %.0f s\n", done, total, rate, eta);
  }
}

static int do_merge(const char *out, char **dirs, int ndirs) {
  rows rs = {0};
  strs cl = {0};
  for (int i = 0; i < ndirs; i++) {
    char p[4096];
    snprintf(p, sizeof p, "%s/results.csv", dirs[i]);
    if (read_rows(p, &rs) != 0) {
      fprintf(stderr, "r50: cannot read '%s'\n", p);
      rows_free(&rs);
      strs_free(&cl);
      return EXIT_IO;
    }
    if (!cl.n) read_classes(dirs[i], &cl);
  }
  if (!cl.n) {
    fprintf(stderr, "r50: no classes.txt in the shard folders\n");
    rows_free(&rs);
    return EXIT_INPUT;
  }
  mkdir(out, 0777);
  char p[4096];
  snprintf(p, sizeof p, "%s/results.csv", out);
  FILE *f = fopen(p, "w");
  if (!f || write_classes(out, &cl) != 0) {
    fprintf(stderr, "r50: cannot write into '%s'\n", out);
    if (f) fclose(f);
    rows_free(&rs);
    strs_free(&cl);
    return EXIT_IO;
  }
  if (rs.n > 1) qsort(rs.v, rs.n, sizeof *rs.v, cmp_row);
  fprintf(f, "label,pred,top5,ok,status,path\n");
  for (size_t i = 0; i < rs.n; i++) write_row(f, &rs.v[i], rs.v[i].top5);
  fclose(f);
  int rc = report(out, &rs, &cl);
  rows_free(&rs);
  strs_free(&cl);
  return rc;
}

/* ---- --threads: decoder threads feeding a bounded queue, in dataset order ----
 * Position k of the work list goes to slot k % nslots; a decoder claims the
 * next position only when its slot is free (the main thread consumed position
 * k - nslots), decodes into the slot's own tensor buffer and marks it ready;
 * the main thread takes positions in order, so rows and results are those of
 * the serial loop. */
typedef struct {
  size_t pos;
  int ready;
  r50img_status st;
  char msg[512];
  void *buf; /* input tensor 0 bytes */
} slot;

typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t cv_ready, cv_free;
  slot *slots;
  size_t nslots;
  const size_t *order; /* item indices to process */
  size_t norder, next, consumed;
  int stop;
  const cli_input *ci;
  const cli_pre *pre;
  const items *it;
} dpipe;

static void *decoder_main(void *arg) {
  dpipe *p = arg;
  cli_input ci = *p->ci; /* own scratch; the tensor bytes go to the slot */
  ci.tmp = malloc(sizeof(float) * (size_t)ci.h * (size_t)ci.w * 3);
  for (;;) {
    pthread_mutex_lock(&p->mu);
    while (!p->stop && p->next < p->norder && p->next >= p->consumed + p->nslots)
      pthread_cond_wait(&p->cv_free, &p->mu);
    if (p->stop || p->next >= p->norder) {
      pthread_mutex_unlock(&p->mu);
      break;
    }
    size_t k = p->next++;
    slot *s = &p->slots[k % p->nslots];
    pthread_mutex_unlock(&p->mu);
    r50img_status st;
    char msg[512] = "";
    if (ci.tmp) {
      ci.in.data = s->buf;
      st = cli_input_load(&ci, p->pre, p->it->v[p->order[k]].path, msg, sizeof msg);
    } else {
      st = R50IMG_ERR_NOMEM;
      snprintf(msg, sizeof msg, "%s: out of memory", p->it->v[p->order[k]].path);
    }
    pthread_mutex_lock(&p->mu);
    s->pos = k;
    s->st = st;
    memcpy(s->msg, msg, sizeof msg);
    s->ready = 1;
    pthread_cond_broadcast(&p->cv_ready);
    pthread_mutex_unlock(&p->mu);
  }
  free(ci.tmp);
  return NULL;
}

/* Wait for position k; returns its slot (decoded, or failed with st/msg). */
static slot *dpipe_take(dpipe *p, size_t k) {
  slot *s = &p->slots[k % p->nslots];
  pthread_mutex_lock(&p->mu);
  while (!(s->ready && s->pos == k)) pthread_cond_wait(&p->cv_ready, &p->mu);
  pthread_mutex_unlock(&p->mu);
  return s;
}

static void dpipe_release(dpipe *p, slot *s, size_t k) {
  pthread_mutex_lock(&p->mu);
  s->ready = 0;
  p->consumed = k + 1;
  pthread_cond_broadcast(&p->cv_free);
  pthread_mutex_unlock(&p->mu);
}

int cmd_eval(int argc, char **argv) {
  if (cli_has_help(argc, argv)) {
    usage_eval(stdout);
    return EXIT_OK;
  }
  const char *model = NULL, *list = NULL, *out = "r50-eval";
  long limit = -1, shard_i = 0, shard_n = 1, threads = 1;
  int resume = 0, merge = 0, rc = EXIT_OK;
  cli_pre pre;
  cli_pre_defaults(&pre);
  char **pos = calloc((size_t)argc + 1, sizeof *pos);
  int npos = 0;
  if (!pos) return EXIT_FAIL;
  for (int i = 0; i < argc; i++) {
    int r = cli_pre_option(argc, argv, &i, &pre, "eval");
    if (r < 0) goto usage_err;
    if (r > 0) continue;
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--resume")) resume = 1;
    else if (!strcmp(a, "--merge")) merge = 1;
    else if (!strcmp(a, "--model") && v) model = argv[++i];
    else if (!strcmp(a, "--list") && v) list = argv[++i];
    else if (!strcmp(a, "--out") && v) out = argv[++i];
    else if (!strcmp(a, "--limit") && v) {
      char *e;
      limit = strtol(argv[++i], &e, 10);
      if (*e || limit < 0) goto bad_value;
    } else if (!strcmp(a, "--threads") && v) {
      char *e;
      threads = strtol(argv[++i], &e, 10);
      if (*e || threads < 1 || threads > 256) goto bad_value;
    } else if (!strcmp(a, "--shard") && v) {
      char *e, *e2;
      shard_i = strtol(argv[++i], &e, 10);
      if (*e != '/') goto bad_value;
      shard_n = strtol(e + 1, &e2, 10);
      if (*e2 || shard_n < 1 || shard_i < 0 || shard_i >= shard_n) goto bad_value;
    } else if (a[0] == '-' && a[1] == '-') {
      fprintf(stderr, "r50 eval: unknown option '%s'\n", a);
      goto usage_err;
    } else pos[npos++] = argv[i];
    continue;
  bad_value:
    fprintf(stderr, "r50 eval: bad value '%s' for %s\n", argv[i], a);
    goto usage_err;
  }
  if (merge) {
    if (!npos) {
      fprintf(stderr, "r50 eval --merge: give the shard folders\n");
      goto usage_err;
    }
    rc = do_merge(out, pos, npos);
    free(pos);
    return rc;
  }
  if ((!list && npos != 1) || (list && npos)) {
    fprintf(stderr, "r50 eval: need one DATA_DIR or --list FILE.csv (try --help)\n");
    goto usage_err;
  }
  char defpath[4096], note[4200];
  if (!model) {
    rc = cli_default_model(1, defpath, sizeof defpath, note, sizeof note);
    if (rc) {
      free(pos);
      return rc;
    }
    model = defpath;
    fprintf(stderr, "r50: %s\nr50: %s\n", note, k_default_model_note);
  }
  items it = {0};
  strs cl = {0};
  rc = list ? load_list(list, &it, &cl) : load_dir(pos[0], &it, &cl);
  free(pos);
  pos = NULL;
  /* shard, then limit */
  size_t k = 0;
  for (size_t i = 0; i < it.n; i++) {
    if ((long)(i % (size_t)shard_n) == shard_i && (limit < 0 || (long)k < limit))
      it.v[k++] = it.v[i];
    else
      free(it.v[i].path);
  }
  it.n = k;
  cli_model l = {0};
  cli_input ci = {0};
  if (!rc) rc = cli_model_load(model, &l);
  if (!rc) rc = cli_input_prepare(l.m, &pre, &ci);
  size_t n_out = 0, off = 0;
  if (!rc) {
    r50_tensor_info o;
    r50_model_output(l.m, 0, &o);
    n_out = 1;
    for (int32_t d = 0; d < o.ndim; d++) n_out *= (size_t)o.dims[d];
    off = n_out == cl.n + 1 ? 1 : 0;
    if (n_out - off < cl.n) {
      fprintf(stderr, "r50: the model has %zu outputs but the data has %zu classes\n", n_out, cl.n);
      rc = EXIT_INPUT;
    }
  }
  FILE *res = NULL;
  rows rs = {0};
  char p[4096];
  if (!rc) {
    mkdir(out, 0777);
    snprintf(p, sizeof p, "%s/results.csv", out);
    if (resume) {
      /* keep only complete rows of this run's images (a killed run may leave a partial line) */
      read_rows(p, &rs);
      char **paths = malloc((it.n + 1) * sizeof *paths);
      size_t kept = 0;
      for (size_t i = 0; paths && i < it.n; i++) paths[i] = it.v[i].path;
      if (paths) qsort(paths, it.n, sizeof *paths, cmp_str);
      for (size_t i = 0; i < rs.n; i++) {
        if (paths && bsearch(&rs.v[i].path, paths, it.n, sizeof *paths, cmp_str)) {
          rs.v[kept++] = rs.v[i];
        } else {
          free(rs.v[i].path);
          free(rs.v[i].status);
          free(rs.v[i].top5);
        }
      }
      rs.n = kept;
      free(paths);
    }
    res = fopen(p, "w");
    if (!res || write_classes(out, &cl) != 0) {
      fprintf(stderr, "r50: cannot write into '%s': %s\n", out, strerror(errno));
      rc = EXIT_IO;
    } else {
      fprintf(res, "label,pred,top5,ok,status,path\n");
      for (size_t i = 0; i < rs.n; i++) write_row(res, &rs.v[i], rs.v[i].top5);
      fflush(res);
    }
  }
  /* skip what is done */
  if (rs.n > 1) qsort(rs.v, rs.n, sizeof *rs.v, cmp_row);
  size_t todo = 0, done = 0, skipped = 0;
  for (size_t i = 0; i < it.n; i++) {
    row key = {0, 0, 0, 0, it.v[i].path, NULL, NULL};
    if (rs.n && bsearch(&key, rs.v, rs.n, sizeof *rs.v, cmp_row)) {
      it.v[i].label = -1 - it.v[i].label; /* mark done */
      skipped++;
    } else todo++;
  }
  if (!rc && skipped) fprintf(stderr, "eval: resuming, %zu of %zu images already done\n", skipped, it.n);
  int tty = isatty(2);
  /* work list: the images not done yet, in dataset order */
  size_t *order = malloc((it.n + 1) * sizeof *order), norder = 0;
  if (!order && !rc) rc = EXIT_FAIL;
  for (size_t i = 0; order && i < it.n; i++)
    if (it.v[i].label >= 0) order[norder++] = i;
  dpipe dp;
  memset(&dp, 0, sizeof dp);
  pthread_t *tids = NULL;
  size_t nthr = 0;
  if (!rc && threads > 1 && norder > 1) {
    size_t ndec = (size_t)threads - 1;
    dp.nslots = 2 * (size_t)threads;
    dp.slots = calloc(dp.nslots, sizeof *dp.slots);
    tids = calloc(ndec, sizeof *tids);
    pthread_mutex_init(&dp.mu, NULL);
    pthread_cond_init(&dp.cv_ready, NULL);
    pthread_cond_init(&dp.cv_free, NULL);
    dp.order = order, dp.norder = norder, dp.ci = &ci, dp.pre = &pre, dp.it = &it;
    int ok = dp.slots && tids;
    for (size_t j = 0; ok && j < dp.nslots; j++) ok = (dp.slots[j].buf = malloc(ci.in.bytes)) != NULL;
    for (size_t j = 0; ok && j < ndec; j++)
      if (pthread_create(&tids[j], NULL, decoder_main, &dp) == 0) nthr++;
    if (!ok || !nthr) {
      fprintf(stderr, "r50: cannot start decoder threads\n");
      rc = EXIT_FAIL;
    }
  }
  double t0 = cli_now_s();
  for (size_t kp = 0; kp < norder && !rc; kp++) {
    size_t i = order[kp];
    char msg[512];
    row r = {it.v[i].label, -1, 0, 0, it.v[i].path, NULL, NULL};
    char t5[128] = "";
    r50img_status st;
    slot *sl = NULL;
    if (nthr) {
      sl = dpipe_take(&dp, kp);
      st = sl->st;
      memcpy(msg, sl->msg, sizeof msg);
      if (st == R50IMG_OK) memcpy(ci.in.data, sl->buf, ci.in.bytes);
      dpipe_release(&dp, sl, kp);
    } else {
      st = cli_input_load(&ci, &pre, it.v[i].path, msg, sizeof msg);
    }
    if (st != R50IMG_OK) {
      fprintf(stderr, "%sr50: skipped: %s\n", tty ? "\n" : "", msg);
      for (char *c = msg; *c; c++)
        if (*c == ',' || *c == '\n') *c = ';';
      char stat[600];
      snprintf(stat, sizeof stat, "error: %s", msg);
      r.status = stat;
      write_row(res, &r, "");
    } else {
      r50_error err;
      if (r50_model_invoke(l.m, &err) != R50_OK) {
        fprintf(stderr, "r50: invoke failed: %s\n", err.msg);
        rc = EXIT_FAIL;
        break;
      }
      size_t n;
      float *s = cli_output_scores(l.m, &n);
      if (!s) {
        rc = EXIT_FAIL;
        break;
      }
      int idx[5];
      int kk = n - off < 5 ? (int)(n - off) : 5;
      cli_topk(s + off, n - off, kk, idx);
      r.pred = idx[0];
      r.ok = 1;
      r.status = "ok";
      size_t q = 0;
      for (int j = 0; j < kk; j++) q += (size_t)snprintf(t5 + q, sizeof t5 - q, j ? ";%d" : "%d", idx[j]);
      fprintf(res, "%d,%d,%s,1,ok,%s\n", r.label, r.pred, t5, r.path);
      free(s);
    }
    fflush(res);
    done++;
    progress(tty, done, todo, t0);
  }
  if (nthr) {
    pthread_mutex_lock(&dp.mu);
    dp.stop = 1;
    pthread_cond_broadcast(&dp.cv_free);
    pthread_mutex_unlock(&dp.mu);
  }
  for (size_t j = 0; j < nthr; j++) pthread_join(tids[j], NULL);
  if (dp.slots) {
    for (size_t j = 0; j < dp.nslots; j++) free(dp.slots[j].buf);
    pthread_mutex_destroy(&dp.mu);
    pthread_cond_destroy(&dp.cv_ready);
    pthread_cond_destroy(&dp.cv_free);
  }
  free(dp.slots);
  free(tids);
  free(order);
  double el = cli_now_s() - t0;
  if (res) fclose(res);
  if (!rc) {
    rows_free(&rs);
    snprintf(p, sizeof p, "%s/results.csv", out);
    read_rows(p, &rs);
    rc = report(out, &rs, &cl);
    printf("throughput: %.2f images/s (%zu images in %.2f s, %ld thread%s: %s)\n", el > 0 ? done / el : 0.0,
           done, el, threads, threads > 1 ? "s" : "",
           threads > 1 ? "decoding overlapped with inference" : "decode then infer");
    printf("results in %s/ (results.csv summary.txt per_class.csv confusion.csv confusion.svg)\n", out);
  }
  rows_free(&rs);
  cli_input_free(&ci);
  if (l.m) cli_model_unload(&l);
  for (size_t i = 0; i < it.n; i++) free(it.v[i].path);
  free(it.v);
  strs_free(&cl);
  return rc;
usage_err:
  free(pos);
  return EXIT_USAGE;
}

/* Streamed execution of a region of ops (see stream.h). */
#include "stream.h"

#include <string.h>

#include "parallel.h"

static int32_t rows_of(const r50_tensor *t) { return t->dims[1]; }
static size_t row_bytes(const r50_tensor *t) { return t->bytes / (size_t)t->dims[1]; }

static int nhwc1(const r50_tensor *t) { return t->ndim == 4 && t->dims[0] == 1 && t->dims[1] >= 1; }

static int32_t producer_in(const r50_graph *g, int32_t a, int32_t b, int32_t t) {
  for (int32_t o = a; o < b; o++)
    for (int32_t k = 0; k < g->ops[o].n_outputs; k++)
      if (g->ops[o].outputs[k] == t) return o;
  return -1;
}

int r50_stream_region_ok(const r50_graph *g, const r50_rowmap *rows, int32_t a, int32_t b) {
  if (a < 0 || b > g->n_ops || b - a < 2) return 0;
  for (int32_t o = a; o < b; o++) {
    const r50_op *op = &g->ops[o];
    if (!rows[o].eval_rows || op->n_outputs != 1 || op->outputs[0] < 0) return 0;
    if (!nhwc1(&g->tensors[op->outputs[0]])) return 0;
    for (int32_t k = 0; k < op->n_inputs; k++) {
      const int32_t t = op->inputs[k];
      if (t < 0) continue;
      const r50_tensor *ten = &g->tensors[t];
      if (k < 32 && (rows[o].spatial >> k) & 1u) {
        if (ten->data || !nhwc1(ten)) return 0;
      } else if (!ten->data && producer_in(g, a, o, t) >= 0) {
        return 0; /* a non-spatial input must exist whole before the region */
      }
    }
  }
  return 1;
}

static void classify(const r50_graph *g, r50_stream *s, int32_t a, int32_t b) {
  for (int32_t t = 0; t < g->n_tensors; t++) s->kind[t] = R50_STREAM_OUTSIDE;
  for (int32_t o = a; o < b; o++) s->kind[g->ops[o].outputs[0]] = R50_STREAM_WINDOW;
  for (int32_t o = b; o < g->n_ops; o++)
    for (int32_t k = 0; k < g->ops[o].n_inputs; k++) {
      const int32_t t = g->ops[o].inputs[k];
      if (t >= 0 && s->kind[t] == R50_STREAM_WINDOW) s->kind[t] = R50_STREAM_WHOLE;
    }
  for (int32_t i = 0; i < g->n_outputs; i++)
    if (s->kind[g->outputs[i]] == R50_STREAM_WINDOW) s->kind[g->outputs[i]] = R50_STREAM_WHOLE;
  /* cross[t]: window t is read on the other side of the pipeline split than
   * it is written (producer side kept in keep[] meanwhile) */
  const int32_t m = s->split > a && s->split < b ? s->split : b;
  for (int32_t t = 0; t < g->n_tensors; t++) s->cross[t] = 0;
  for (int32_t o = a; o < b; o++) s->keep[g->ops[o].outputs[0]] = o >= m;
  for (int32_t o = a; o < b; o++)
    for (int32_t k = 0; k < g->ops[o].n_inputs; k++) {
      const int32_t t = g->ops[o].inputs[k];
      if (t >= 0 && s->kind[t] == R50_STREAM_WINDOW && s->keep[t] != (o >= m)) s->cross[t] = 1;
    }
}

/* Request rows: with the targets set in req (the sink's, or whole tensors'),
 * raise req of every region tensor to the rows its consumers need. */
static void pull(const r50_graph *g, const r50_rowmap *rows, const r50_stream *s, int32_t *req) {
  for (int32_t o = s->b - 1; o >= s->a; o--) {
    const r50_op *op = &g->ops[o];
    const int32_t t = op->outputs[0];
    if (req[t] <= s->produced[t]) continue;
    for (int32_t k = 0; k < op->n_inputs && k < 32; k++) {
      const int32_t tk = op->inputs[k];
      if (tk < 0 || !((rows[o].spatial >> k) & 1u) || s->kind[tk] == R50_STREAM_OUTSIDE) continue;
      const int32_t need = r50_rowmap_hi(&rows[o], req[t], rows_of(&g->tensors[tk]));
      if (need > req[tk]) req[tk] = need;
    }
  }
}

/* Run ops [o0, o1) up to req (producer before consumer); exec == 0: dry run,
 * records window capacities instead. view: this side's tdata views. */
static void run_ops(const r50_graph *g, const r50_rowmap *rows, void *const *state, r50_stream *s,
                    void *const *tdata, void *const *scratch, int32_t o0, int32_t o1,
                    const int32_t *req, void **view, int exec) {
  for (int32_t o = o0; o < o1; o++) {
    const r50_op *op = &g->ops[o];
    const int32_t t = op->outputs[0];
    const int32_t y0 = s->produced[t], y1 = req[t];
    if (y1 <= y0) continue;
    if (exec) {
      for (int32_t k = 0; k < op->n_inputs; k++) {
        const int32_t tk = op->inputs[k];
        if (tk < 0) continue;
        if (k < 32 && ((rows[o].spatial >> k) & 1u)) {
          const int32_t lo = r50_rowmap_lo(&rows[o], y0);
          view[tk] = (uint8_t *)tdata[tk] + (size_t)(lo - s->base[tk]) * row_bytes(&g->tensors[tk]);
        } else {
          view[tk] = tdata[tk];
        }
      }
      view[t] = (uint8_t *)tdata[t] + (size_t)(y0 - s->base[t]) * row_bytes(&g->tensors[t]);
      rows[o].eval_rows(op, state[o], view, scratch[o], y0, y1);
    }
    s->produced[t] = y1;
    if (s->kind[t] == R50_STREAM_WINDOW && !exec && y1 - s->base[t] > s->cap[t])
      s->cap[t] = y1 - s->base[t];
  }
}

enum { DROP_ALL, DROP_LOCAL, DROP_CROSS };

/* Drop rows of windows below what their consumers will read next: windows
 * written by ops [o0, o1), all of them, only those read on the same side of
 * the pipeline split (their consumers are then in [o0, o1) too: a side drops
 * its own while the other side runs) or only those read across it. One pass
 * over the consumers' inputs (windows are read only by later region ops). */
static void drop(const r50_graph *g, const r50_rowmap *rows, r50_stream *s, void *const *tdata,
                 int exec, int32_t o0, int32_t o1, int which) {
  /* DROP_LOCAL runs on both sides at once: it never touches a crossing
   * window's keep[] (the other side's consumers read it) */
  const int local = which == DROP_LOCAL;
  for (int32_t p = o0; p < o1; p++) {
    const int32_t t = g->ops[p].outputs[0];
    if (s->kind[t] == R50_STREAM_WINDOW && !(local && s->cross[t])) s->keep[t] = s->produced[t];
  }
  const int32_t c1 = local ? o1 : s->b;
  for (int32_t o = o0; o < c1; o++) {
    const r50_op *op = &g->ops[o];
    const int32_t out = op->outputs[0];
    if (s->produced[out] >= rows_of(&g->tensors[out])) continue; /* consumer finished */
    const int32_t lo = r50_rowmap_lo(&rows[o], s->produced[out]);
    for (int32_t k = 0; k < op->n_inputs && k < 32; k++) {
      const int32_t t = op->inputs[k];
      if (t < 0 || s->kind[t] != R50_STREAM_WINDOW || (local && s->cross[t])) continue;
      if (lo < s->keep[t]) s->keep[t] = lo;
    }
  }
  for (int32_t p = o0; p < o1; p++) {
    const int32_t t = g->ops[p].outputs[0];
    if (s->kind[t] != R50_STREAM_WINDOW) continue;
    if ((local && s->cross[t]) || (which == DROP_CROSS && !s->cross[t])) continue;
    const int32_t keep = s->keep[t];
    if (keep > s->base[t]) {
      if (exec && s->produced[t] > keep) {
        const size_t rb = row_bytes(&g->tensors[t]);
        memmove(tdata[t], (uint8_t *)tdata[t] + (size_t)(keep - s->base[t]) * rb,
                (size_t)(s->produced[t] - keep) * rb);
      }
      s->base[t] = keep;
    }
  }
}

/* One serial schedule step: bring every tensor to at least s->req rows
 * (already set for the targets), pulling inputs first, then drop rows no
 * consumer needs. */
static void step(const r50_graph *g, const r50_rowmap *rows, void *const *state, r50_stream *s,
                 void *const *tdata, void *const *scratch, int exec) {
  pull(g, rows, s, s->req);
  run_ops(g, rows, state, s, tdata, scratch, s->a, s->b, s->req, s->view, exec);
  drop(g, rows, s, tdata, exec, s->a, s->b, DROP_ALL);
}

static void reset(const r50_graph *g, r50_stream *s) {
  for (int32_t t = 0; t < g->n_tensors; t++) {
    s->base[t] = 0;
    s->produced[t] = s->kind[t] == R50_STREAM_OUTSIDE ? INT32_MAX : 0;
    s->req[t] = s->produced[t];
  }
}

/* Last step: complete every whole tensor. */
static void finish(const r50_graph *g, const r50_rowmap *rows, void *const *state, r50_stream *s,
                   void *const *tdata, void *const *scratch, int exec) {
  for (int32_t t = 0; t < g->n_tensors; t++)
    if (s->kind[t] == R50_STREAM_WHOLE) s->req[t] = rows_of(&g->tensors[t]);
  step(g, rows, state, s, tdata, scratch, exec);
}

static void schedule(const r50_graph *g, const r50_rowmap *rows, void *const *state, r50_stream *s,
                     void *const *tdata, void *const *scratch, int exec) {
  reset(g, s);
  const int32_t sink = g->ops[s->b - 1].outputs[0];
  const int32_t h = rows_of(&g->tensors[sink]);
  const int32_t chunk = s->step_rows > 0 ? s->step_rows : 1;
  for (int32_t y = chunk; y < h + chunk; y += chunk) {
    s->req[sink] = y < h ? y : h;
    step(g, rows, state, s, tdata, scratch, exec);
  }
  finish(g, rows, state, s, tdata, scratch, exec);
}

/* Pipelined schedule (see stream.h): one side per task. */
typedef struct {
  const r50_graph *g;
  const r50_rowmap *rows;
  void *const *state;
  r50_stream *s;
  void *const *tdata, *const *scratch;
  int exec, front, back;
} pipe_job;

static void pipe_task(void *ctx, int32_t i) {
  const pipe_job *j = (const pipe_job *)ctx;
  r50_stream *s = j->s;
  /* each op single-threaded: this thread's runner is set aside for the task */
  const r50_parallel *par = r50_parallel_current();
  r50_set_parallel(NULL);
  if (i == 0 && j->front) {
    run_ops(j->g, j->rows, j->state, s, j->tdata, j->scratch, s->a, s->split, s->req, s->view,
            j->exec);
    drop(j->g, j->rows, s, j->tdata, j->exec, s->a, s->split, DROP_LOCAL);
  }
  if (i == 1 && j->back) {
    run_ops(j->g, j->rows, j->state, s, j->tdata, j->scratch, s->split, s->b, s->req_back,
            s->view_back, j->exec);
    drop(j->g, j->rows, s, j->tdata, j->exec, s->split, s->b, DROP_LOCAL);
  }
  r50_set_parallel(par);
}

static void pipeline(const r50_graph *g, const r50_rowmap *rows, void *const *state, r50_stream *s,
                     void *const *tdata, void *const *scratch, const r50_parallel *par, int exec) {
  reset(g, s);
  const int32_t sink = g->ops[s->b - 1].outputs[0];
  const int32_t h = rows_of(&g->tensors[sink]);
  const int32_t chunk = s->step_rows > 0 ? s->step_rows : 1;
  pipe_job j = {g, rows, state, s, tdata, scratch, exec, 1, 0};
  /* step k: the back runs target y_k (req_back, pulled last step), the front y_{k+1} */
  for (int32_t y = chunk; y < h + 2 * chunk; y += chunk) {
    memcpy(s->req_back, s->req, (size_t)g->n_tensors * sizeof *s->req);
    j.back = y > chunk;
    j.front = y < h + chunk;
    if (j.front) {
      s->req[sink] = y < h ? y : h;
      pull(g, rows, s, s->req);
    }
    if (j.front && j.back && exec) {
      r50_par_run(par, 2, pipe_task, &j);
    } else { /* filling or draining (or a dry run): one side, its ops split across threads */
      if (j.front) run_ops(g, rows, state, s, tdata, scratch, s->a, s->split, s->req, s->view, exec);
      if (j.back)
        run_ops(g, rows, state, s, tdata, scratch, s->split, s->b, s->req_back, s->view_back, exec);
    }
    /* both sides' own windows were dropped in their tasks; the dry run and
     * the single-side steps drop everything here (the same rows either way) */
    drop(g, rows, s, tdata, exec, s->a, s->b, j.front && j.back && exec ? DROP_CROSS : DROP_ALL);
  }
  finish(g, rows, state, s, tdata, scratch, exec);
}

void r50_stream_dry_run(const r50_graph *g, const r50_rowmap *rows, r50_stream *s, int32_t a,
                        int32_t b) {
  s->a = a;
  s->b = b;
  classify(g, s, a, b);
  for (int32_t t = 0; t < g->n_tensors; t++) s->cap[t] = 0;
  schedule(g, rows, NULL, s, NULL, NULL, 0);
  if (s->split > a && s->split < b) pipeline(g, rows, NULL, s, NULL, NULL, NULL, 0);
}

void r50_stream_run(const r50_graph *g, const r50_rowmap *rows, void *const *state, r50_stream *s,
                    void *const *tdata, void *const *scratch) {
  const r50_parallel *par = r50_parallel_current();
  /* exactly 2 threads (what was measured; more would leave the rest idle) */
  if (s->split > s->a && s->split < s->b && r50_par_threads(par) == 2)
    pipeline(g, rows, state, s, tdata, scratch, par, 1);
  else
    schedule(g, rows, state, s, tdata, scratch, 1);
}

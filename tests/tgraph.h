/* Test helper: build a one-op graph in memory and run an op's prepare + eval
 * directly, without the reader or the planner. Header-only, for tests. */
#ifndef R50_TEST_TGRAPH_H
#define R50_TEST_TGRAPH_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ops/ops.h"

#define TG_MAX_T 8

typedef struct {
  r50_graph g;
  r50_tensor t[TG_MAX_T];
  r50_op op;
  int32_t ins[TG_MAX_T], outs[TG_MAX_T];
  float scales[TG_MAX_T][1]; /* per-tensor quantization storage */
  int64_t zps[TG_MAX_T][1];
  void *tdata[TG_MAX_T];
  _Alignas(16) uint8_t arena[1 << 20]; /* persistent op data: multipliers, packed weights */
  r50_bump mem;
  r50_error err;
  void *scratch;
} tgraph;

/* Tensor i with shape dims[0..ndim), type; data (constant) may be NULL. */
static inline void tg_tensor(tgraph *tg, int i, r50_dtype type, int ndim, const int32_t *dims,
                             const void *data) {
  r50_tensor *t = &tg->t[i];
  memset(t, 0, sizeof *t);
  t->name = "t";
  t->type = type;
  t->ndim = ndim;
  size_t n = 1;
  for (int d = 0; d < ndim; d++) {
    t->dims[d] = dims[d];
    n *= (size_t)dims[d];
  }
  t->n_elems = n;
  t->bytes = n * r50_dtype_size(type);
  t->data = data;
  if (tg->g.n_tensors <= i) tg->g.n_tensors = i + 1;
}

/* Per-tensor quantization (scale, zp) for tensor i. */
static inline void tg_quant(tgraph *tg, int i, float scale, int32_t zp) {
  tg->scales[i][0] = scale;
  tg->zps[i][0] = zp;
  tg->t[i].q_count = 1;
  tg->t[i].q_scale = tg->scales[i];
  tg->t[i].q_zero_point = tg->zps[i];
}

/* Per-channel quantization with caller-owned arrays (must outlive the run). */
static inline void tg_quant_pc(tgraph *tg, int i, int n, int dim, const float *s, const int64_t *zp) {
  tg->t[i].q_count = n;
  tg->t[i].q_dim = dim;
  tg->t[i].q_scale = s;
  tg->t[i].q_zero_point = zp;
}

static inline void tg_init(tgraph *tg, int32_t type) {
  memset(tg, 0, sizeof *tg);
  tg->g.tensors = tg->t;
  tg->g.ops = &tg->op;
  tg->g.n_ops = 1;
  tg->op.type = type;
  tg->op.version = 1;
  tg->op.inputs = tg->ins;
  tg->op.outputs = tg->outs;
  tg->mem.base = tg->arena;
  tg->mem.size = sizeof tg->arena;
}

static inline void tg_io(tgraph *tg, int n_in, const int32_t *ins, int n_out, const int32_t *outs) {
  tg->op.n_inputs = n_in;
  tg->op.n_outputs = n_out;
  for (int i = 0; i < n_in; i++) tg->ins[i] = ins[i];
  for (int i = 0; i < n_out; i++) tg->outs[i] = outs[i];
}

/* Prepare then (if OK) eval with tdata: constants from tensor data, others
 * from bufs[i] (caller-owned, bufs[i] for tensor i). Returns prepare's status. */
static inline r50_status tg_run(tgraph *tg, const r50_op_impl *impl, void **bufs) {
  r50_prep p;
  memset(&p, 0, sizeof p);
  p.g = &tg->g;
  p.op_index = 0;
  p.op = &tg->op;
  p.err = &tg->err;
  p.mem = &tg->mem;
  tg->err.msg[0] = 0;
  r50_status s = impl->prepare(&p);
  if (s != R50_OK) return s;
  for (int i = 0; i < tg->g.n_tensors; i++)
    tg->tdata[i] = tg->t[i].data ? (void *)(uintptr_t)tg->t[i].data : bufs[i];
  void *scratch = NULL;
  if (p.scratch_bytes) scratch = aligned_alloc(16, (p.scratch_bytes + 15) / 16 * 16);
  impl->eval(&tg->op, p.state, tg->tdata, scratch);
  free(scratch);
  return R50_OK;
}
#endif

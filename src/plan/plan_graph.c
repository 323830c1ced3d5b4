/* Lifetimes, in-place aliasing and placement of a whole graph (see plan.h). */
#include <string.h>

#include "plan.h"

static size_t a16(size_t v) { return (v + 15u) & ~(size_t)15u; }

size_t r50_plan_graph_bytes(int32_t n_tensors, int32_t n_ops) {
  const size_t nb = (size_t)n_tensors + (size_t)n_ops;
  return a16(nb * sizeof(r50_plan_buf)) + a16((size_t)n_tensors * sizeof(int32_t)) +
         a16(2 * nb * sizeof(int32_t)) + a16((size_t)n_tensors) + 16;
}

/* Ops whose kernels may write output 0 over input 0 (documented on the kernels). */
static int inplace_op(const r50_graph *g, const r50_op *op) {
  switch (op->type) {
    case R50_OP_ADD:
    case R50_OP_SUB:
    case R50_OP_MUL:
    case R50_OP_RELU:
    case R50_OP_RELU6:
    case R50_OP_LOGISTIC:
    case R50_OP_HARD_SWISH:
      return 1;
    case R50_OP_QUANTIZE: {
      const r50_tensor *in = &g->tensors[op->inputs[0]];
      return in->type == R50_DTYPE_INT8 || in->type == R50_DTYPE_UINT8;
    }
    default:
      return 0;
  }
}

static int same_shape(const r50_tensor *a, const r50_tensor *b) {
  if (a->ndim != b->ndim || a->bytes != b->bytes) return 0;
  for (int32_t d = 0; d < a->ndim; d++)
    if (a->dims[d] != b->dims[d]) return 0;
  return 1;
}

void r50_plan_lifetimes(const r50_graph *g, int32_t *first, int32_t *last) {
  const int32_t nt = g->n_tensors, no = g->n_ops;
  for (int32_t t = 0; t < nt; t++) {
    first[t] = INT32_MAX;
    last[t] = -1;
  }
  for (int32_t i = 0; i < g->n_inputs; i++) {
    first[g->inputs[i]] = 0;
    if (last[g->inputs[i]] < 0) last[g->inputs[i]] = 0;
  }
  for (int32_t o = 0; o < no; o++) {
    const r50_op *op = &g->ops[o];
    for (int32_t k = 0; k < op->n_inputs + op->n_outputs; k++) {
      int32_t t = k < op->n_inputs ? op->inputs[k] : op->outputs[k - op->n_inputs];
      if (t < 0) continue;
      if (first[t] > o) first[t] = o;
      if (last[t] < o) last[t] = o;
    }
  }
  for (int32_t i = 0; i < g->n_outputs; i++) {
    const int32_t t = g->outputs[i];
    if (first[t] == INT32_MAX) first[t] = 0;
    last[t] = no > 0 ? no - 1 : 0;
  }
}

void r50_plan_graph(const r50_graph *g, const size_t *scratch_bytes, unsigned flags,
                    const r50_plan_region *region, void *mem, r50_graph_plan *plan) {
  const int32_t nt = g->n_tensors, no = g->n_ops, nb = nt + no;
  uint8_t *p = (uint8_t *)(((uintptr_t)mem + 15u) & ~(uintptr_t)15u);
  r50_plan_buf *bufs = (r50_plan_buf *)p;
  p += a16((size_t)nb * sizeof *bufs);
  int32_t *buf_of = (int32_t *)p;
  p += a16((size_t)nt * sizeof *buf_of);
  int32_t *work = (int32_t *)p;
  p += a16(2 * (size_t)nb * sizeof *work);
  uint8_t *pinned = p; /* buffer holds a graph input or output */
  memset(pinned, 0, (size_t)nt);

  int32_t *first = work, *last = work + nt; /* work is 2*nb >= 2*nt int32 */
  r50_plan_lifetimes(g, first, last);
  for (int32_t t = 0; t < nt; t++) {
    bufs[t].size = 0;
    bufs[t].first = first[t];
    bufs[t].last = last[t];
    bufs[t].offset = 0;
  }
  for (int32_t i = 0; i < g->n_inputs; i++) pinned[g->inputs[i]] = 1;
  for (int32_t i = 0; i < g->n_outputs; i++) pinned[g->outputs[i]] = 1;
  const int streamed = region && region->a < region->b;
  if (streamed) {
    for (int32_t o = region->a; o < region->b; o++) {
      const r50_op *op = &g->ops[o];
      for (int32_t k = 0; k < op->n_inputs + op->n_outputs; k++) {
        const int32_t t = k < op->n_inputs ? op->inputs[k] : op->outputs[k - op->n_inputs];
        if (t < 0) continue;
        if (bufs[t].first > region->a) bufs[t].first = region->a;
        if (bufs[t].last < region->b - 1) bufs[t].last = region->b - 1;
        pinned[t] = 1;
      }
    }
  }
  for (int32_t t = 0; t < nt; t++) {
    if (g->tensors[t].data || bufs[t].last < 0) {
      buf_of[t] = -1; /* constant (stays in the model) or unused */
      bufs[t].first = bufs[t].last = 0;
    } else {
      buf_of[t] = t;
      bufs[t].size = streamed && region->bytes[t] ? region->bytes[t] : g->tensors[t].bytes;
    }
  }

  if (flags & R50_PLAN_INPLACE) {
    for (int32_t o = 0; o < no; o++) {
      const r50_op *op = &g->ops[o];
      if (op->n_inputs < 1 || op->n_outputs != 1) continue;
      const int32_t tin = op->inputs[0], tout = op->outputs[0];
      if (tin < 0 || tout < 0 || buf_of[tin] < 0 || buf_of[tout] != tout) continue;
      const int32_t b = buf_of[tin];
      const int reshape = op->type == R50_OP_RESHAPE || op->type == R50_OP_SQUEEZE;
      if (reshape) {
        if (g->tensors[tin].bytes != g->tensors[tout].bytes) continue;
      } else {
        if (!inplace_op(g, op) || !same_shape(&g->tensors[tin], &g->tensors[tout])) continue;
        if (bufs[b].last != o || pinned[b] || pinned[tout]) continue;
        /* The output must not also be read as another input of this op through b. */
        int clash = 0;
        for (int32_t k = 1; k < op->n_inputs; k++)
          if (op->inputs[k] >= 0 && buf_of[op->inputs[k]] == b) clash = 1;
        if (clash) continue;
      }
      /* Merge tout's buffer into b. */
      if (bufs[tout].last > bufs[b].last) bufs[b].last = bufs[tout].last;
      if (bufs[tout].first < bufs[b].first) bufs[b].first = bufs[tout].first;
      if (bufs[tout].size > bufs[b].size) bufs[b].size = bufs[tout].size;
      pinned[b] |= pinned[tout];
      bufs[tout].size = 0;
      bufs[tout].first = bufs[tout].last = 0;
      for (int32_t t = 0; t < nt; t++)
        if (buf_of[t] == tout) buf_of[t] = b;
    }
  }

  for (int32_t o = 0; o < no; o++) {
    bufs[nt + o].size = scratch_bytes ? scratch_bytes[o] : 0;
    bufs[nt + o].first = bufs[nt + o].last = o;
    bufs[nt + o].offset = 0;
  }
  if (streamed) {
    /* Region ops run one at a time, interleaved: they share one scratch
     * buffer (op a's), live across the region. */
    const int split = region->split > region->a && region->split < region->b;
    size_t most = 0, most_back = 0;
    for (int32_t o = region->a; o < region->b; o++) {
      size_t *m = split && o >= region->split ? &most_back : &most;
      if (bufs[nt + o].size > *m) *m = bufs[nt + o].size;
      bufs[nt + o].size = 0;
    }
    bufs[nt + region->a].size = most;
    bufs[nt + region->a].first = region->a;
    bufs[nt + region->a].last = region->b - 1;
    if (split) { /* the back's, used at the same time as op a's */
      bufs[nt + region->split].size = most_back;
      bufs[nt + region->split].first = region->a;
      bufs[nt + region->split].last = region->b - 1;
    }
  }
  plan->n_bufs = nb;
  plan->bufs = bufs;
  plan->buf_of = buf_of;
  plan->peak = r50_plan_greedy(bufs, nb, work);
}

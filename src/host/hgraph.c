/* Host-side growable r50_graph. See hgraph.h. */
#define _POSIX_C_SOURCE 200809L
#include "hgraph.h"

#include <stdlib.h>
#include <string.h>

#include "../model/tflite_write.h"
#include "../runtime/error.h"

void r50_hg_init(r50_hgraph *h) {
  memset(h, 0, sizeof *h);
  h->g.description = "";
  h->g.schema_version = 3;
  h->g.inputs = h->io[0];
  h->g.outputs = h->io[1];
}

void r50_hg_free(r50_hgraph *h) {
  for (size_t i = 0; i < h->n_blocks; i++) free(h->blocks[i]);
  free(h->blocks);
  free(h->g.tensors);
  free(h->g.ops);
  memset(h, 0, sizeof *h);
}

void *r50_hg_alloc(r50_hgraph *h, size_t bytes) {
  if (h->oom) return NULL;
  if (h->n_blocks == h->cap_blocks) {
    size_t nc = h->cap_blocks ? h->cap_blocks * 2 : 256;
    void **nb = realloc(h->blocks, nc * sizeof *nb);
    if (!nb) {
      h->oom = 1;
      return NULL;
    }
    h->blocks = nb;
    h->cap_blocks = nc;
  }
  void *p = NULL;
  size_t n = bytes ? (bytes + 15) / 16 * 16 : 16;
  if (posix_memalign(&p, 16, n) != 0) {
    h->oom = 1;
    return NULL;
  }
  memset(p, 0, n);
  h->blocks[h->n_blocks++] = p;
  return p;
}

char *r50_hg_strdup(r50_hgraph *h, const char *s) {
  size_t n = strlen(s) + 1;
  char *p = r50_hg_alloc(h, n);
  if (p) memcpy(p, s, n);
  return p;
}

int32_t r50_hg_tensor(r50_hgraph *h, const char *name, r50_dtype type, int32_t ndim,
                      const int32_t *dims, const void *data) {
  if (h->oom || ndim < 0 || ndim > R50_MAX_DIMS) return -1;
  if (h->g.n_tensors == h->cap_tensors) {
    int32_t nc = h->cap_tensors ? h->cap_tensors * 2 : 64;
    r50_tensor *nt = realloc(h->g.tensors, (size_t)nc * sizeof *nt);
    if (!nt) {
      h->oom = 1;
      return -1;
    }
    h->g.tensors = nt;
    h->cap_tensors = nc;
  }
  r50_tensor *t = &h->g.tensors[h->g.n_tensors];
  memset(t, 0, sizeof *t);
  t->name = r50_hg_strdup(h, name);
  if (!t->name) return -1;
  t->type = type;
  t->ndim = ndim;
  size_t n = 1;
  for (int32_t d = 0; d < ndim; d++) {
    t->dims[d] = dims[d];
    n *= (size_t)dims[d];
  }
  t->n_elems = n;
  t->bytes = n * r50_dtype_size(type);
  t->data = data;
  return h->g.n_tensors++;
}

void r50_hg_quant(r50_hgraph *h, int32_t t, float scale, int64_t zp) {
  if (t < 0) return;
  float *s = r50_hg_alloc(h, sizeof *s);
  int64_t *z = r50_hg_alloc(h, sizeof *z);
  if (!s || !z) return;
  *s = scale;
  *z = zp;
  r50_tensor *T = &h->g.tensors[t];
  T->q_count = 1;
  T->q_dim = 0;
  T->q_scale = s;
  T->q_zero_point = z;
}

void r50_hg_quant_pc(r50_hgraph *h, int32_t t, int32_t qdim, const float *scales, int32_t n) {
  if (t < 0 || n < 1) return;
  float *s = r50_hg_alloc(h, (size_t)n * sizeof *s);
  int64_t *z = r50_hg_alloc(h, (size_t)n * sizeof *z);
  if (!s || !z) return;
  memcpy(s, scales, (size_t)n * sizeof *s);
  r50_tensor *T = &h->g.tensors[t];
  T->q_count = n;
  T->q_dim = qdim;
  T->q_scale = s;
  T->q_zero_point = z;
}

int32_t r50_hg_op(r50_hgraph *h, int32_t type, int32_t version, const r50_op_options *opt,
                  int32_t n_in, const int32_t *in, int32_t n_out, const int32_t *out) {
  if (h->oom) return -1;
  if (h->g.n_ops == h->cap_ops) {
    int32_t nc = h->cap_ops ? h->cap_ops * 2 : 64;
    r50_op *no = realloc(h->g.ops, (size_t)nc * sizeof *no);
    if (!no) {
      h->oom = 1;
      return -1;
    }
    h->g.ops = no;
    h->cap_ops = nc;
  }
  int32_t *io = r50_hg_alloc(h, (size_t)(n_in + n_out) * sizeof *io);
  if (!io) return -1;
  memcpy(io, in, (size_t)n_in * sizeof *io);
  memcpy(io + n_in, out, (size_t)n_out * sizeof *io);
  r50_op *o = &h->g.ops[h->g.n_ops];
  memset(o, 0, sizeof *o);
  o->type = type;
  o->version = version;
  o->n_inputs = n_in;
  o->n_outputs = n_out;
  o->inputs = io;
  o->outputs = io + n_in;
  if (opt) o->opt = *opt;
  return h->g.n_ops++;
}

void r50_hg_set_io(r50_hgraph *h, int32_t n_in, const int32_t *in, int32_t n_out, const int32_t *out) {
  if (n_in > 8 || n_out > 8) {
    h->oom = 1;
    return;
  }
  memcpy(h->io[0], in, (size_t)n_in * sizeof *in);
  memcpy(h->io[1], out, (size_t)n_out * sizeof *out);
  h->g.n_inputs = n_in;
  h->g.n_outputs = n_out;
  h->g.inputs = h->io[0];
  h->g.outputs = h->io[1];
}

r50_status r50_hg_serialize(const r50_hgraph *h, void **buf, size_t *len, r50_error *err) {
  *buf = NULL;
  *len = 0;
  if (h->oom) return r50_fail(err, R50_ERR_NOMEM, "out of memory while building the graph");
  r50_graph g = h->g;
  g.inputs = h->io[0];
  g.outputs = h->io[1];
  size_t need = 0;
  r50_status s = r50_tflite_write(&g, 0, NULL, 0, &need, err);
  if (s != R50_OK) return s;
  void *p = NULL;
  if (posix_memalign(&p, R50_MODEL_ALIGN, need ? need : 16) != 0)
    return r50_fail(err, R50_ERR_NOMEM, "cannot allocate %zu bytes for the model", need);
  size_t got = 0;
  s = r50_tflite_write(&g, 0, p, need, &got, err);
  if (s != R50_OK) {
    free(p);
    return s;
  }
  *buf = p;
  *len = got;
  return R50_OK;
}

/* A small synthetic int8 graph for tests that break one field at a time and
 * push the graph through the TFLite writer (src/model/tflite_write.h):
 * input t0 [1,4,4,2] int8 -> CONV_2D 1x1 (t1 weights [4,1,1,2] int8,
 * per-channel, t2 bias [4] int32) -> t3 [1,4,4,4] -> MAX_POOL_2D 2x2/2 ->
 * t4 [1,2,2,4]. Tensors 5..7 and ops 2..3 are spare slots for cases that add
 * things. Used by test_malformed.c and test_reader.c. */
#ifndef R50_TESTS_SYNGRAPH_H
#define R50_TESTS_SYNGRAPH_H

#include <string.h>

#include "graph/graph.h"

typedef struct {
  r50_graph g;
  r50_tensor t[8];
  r50_op op[4];
  int32_t io[4][2][4];
  int32_t gin[2], gout[2];
  float scale[8][4];
  int64_t zp[8][4];
  _Alignas(16) int8_t w[64];
  _Alignas(16) int32_t bias[8];
  _Alignas(16) float wf[64];
} syn;

static void syn_shape(r50_tensor *t, int nd, const int32_t *dims) {
  t->ndim = nd;
  t->n_elems = 1;
  for (int d = 0; d < nd; d++) {
    t->dims[d] = dims[d];
    t->n_elems *= (size_t)dims[d];
  }
  t->bytes = t->n_elems * r50_dtype_size(t->type);
}

static void syn_init(syn *s, const char *description) {
  memset(s, 0, sizeof *s);
  static const char *names[] = {"in", "w", "b", "conv", "pool", "extra", "extra2", "extra3"};
  int32_t shapes[5][4] = {{1, 4, 4, 2}, {4, 1, 1, 2}, {4, 0, 0, 0}, {1, 4, 4, 4}, {1, 2, 2, 4}};
  int nd[5] = {4, 4, 1, 4, 4};
  r50_dtype ty[5] = {R50_DTYPE_INT8, R50_DTYPE_INT8, R50_DTYPE_INT32, R50_DTYPE_INT8, R50_DTYPE_INT8};
  for (int i = 0; i < 8; i++) {
    s->t[i].name = names[i];
    s->t[i].q_scale = s->scale[i];
    s->t[i].q_zero_point = s->zp[i];
  }
  for (int i = 0; i < 5; i++) {
    r50_tensor *t = &s->t[i];
    t->type = ty[i];
    syn_shape(t, nd[i], shapes[i]);
    t->q_count = 1;
    s->scale[i][0] = 0.5f;
  }
  for (int k = 0; k < 8; k++) s->w[k] = (int8_t)(k - 3);
  s->t[1].data = s->w;
  s->t[2].data = s->bias;
  for (int k = 0; k < 4; k++) s->scale[1][k] = 0.01f * (float)(k + 1);
  s->scale[2][0] = 0.005f;
  s->t[1].q_count = 4; /* per-channel weights */
  s->t[2].q_count = 4;
  for (int k = 0; k < 4; k++) s->scale[2][k] = 0.5f * s->scale[1][k];
  s->op[0].type = R50_OP_CONV_2D;
  s->op[0].version = 1;
  s->op[0].n_inputs = 3;
  s->op[0].n_outputs = 1;
  s->io[0][0][0] = 0, s->io[0][0][1] = 1, s->io[0][0][2] = 2, s->io[0][1][0] = 3;
  s->op[0].opt.conv = (r50_conv_options){R50_PAD_SAME, 1, 1, 1, 1, 0, R50_ACT_RELU};
  s->op[1].type = R50_OP_MAX_POOL_2D;
  s->op[1].version = 1;
  s->op[1].n_inputs = 1;
  s->op[1].n_outputs = 1;
  s->io[1][0][0] = 3, s->io[1][1][0] = 4;
  s->op[1].opt.pool = (r50_pool_options){R50_PAD_VALID, 2, 2, 2, 2, R50_ACT_NONE};
  for (int i = 0; i < 4; i++) {
    s->op[i].inputs = s->io[i][0];
    s->op[i].outputs = s->io[i][1];
  }
  s->gin[0] = 0;
  s->gout[0] = 4;
  s->g.n_tensors = 5;
  s->g.tensors = s->t;
  s->g.n_ops = 2;
  s->g.ops = s->op;
  s->g.n_inputs = 1;
  s->g.inputs = s->gin;
  s->g.n_outputs = 1;
  s->g.outputs = s->gout;
  s->g.description = description;
  s->g.schema_version = 3;
}

#endif

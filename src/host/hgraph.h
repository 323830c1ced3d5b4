/* Host-side growable r50_graph (builder, quantizer). May allocate: host only.
 * Every block handed out by r50_hg_alloc belongs to the r50_hgraph and is
 * released by r50_hg_free. Allocation failures set `oom`; callers check it
 * once at the end (r50_hg_serialize refuses an oom graph). */
#ifndef R50_HGRAPH_H
#define R50_HGRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "../graph/graph.h"
#include "r50.h"

typedef struct {
  r50_graph g;
  int32_t cap_tensors, cap_ops;
  void **blocks;
  size_t n_blocks, cap_blocks;
  int32_t io[2][8];      /* graph inputs / outputs storage */
  int oom;
} r50_hgraph;

void r50_hg_init(r50_hgraph *h);
void r50_hg_free(r50_hgraph *h);
/* Zero-filled, 16-byte aligned block owned by h (NULL and h->oom set on failure). */
void *r50_hg_alloc(r50_hgraph *h, size_t bytes);
char *r50_hg_strdup(r50_hgraph *h, const char *s);
/* New tensor (name copied). data (may be NULL) must be owned by h or outlive it;
 * n_elems/bytes are computed. Returns the index or -1. */
int32_t r50_hg_tensor(r50_hgraph *h, const char *name, r50_dtype type, int32_t ndim,
                      const int32_t *dims, const void *data);
/* Per-tensor quantization (scale, zero point) on tensor t. */
void r50_hg_quant(r50_hgraph *h, int32_t t, float scale, int64_t zp);
/* Per-channel quantization along dim qdim: n scales, zero points 0. */
void r50_hg_quant_pc(r50_hgraph *h, int32_t t, int32_t qdim, const float *scales, int32_t n);
/* New op (inputs/outputs copied). Returns the op index or -1. */
int32_t r50_hg_op(r50_hgraph *h, int32_t type, int32_t version, const r50_op_options *opt,
                  int32_t n_in, const int32_t *in, int32_t n_out, const int32_t *out);
void r50_hg_set_io(r50_hgraph *h, int32_t n_in, const int32_t *in, int32_t n_out, const int32_t *out);
/* Serialize with r50_tflite_write into a malloc'd R50_MODEL_ALIGN-aligned
 * buffer (free with r50_file_free). */
r50_status r50_hg_serialize(const r50_hgraph *h, void **buf, size_t *len, r50_error *err);

#endif

/* TFLite flatbuffer reader: verifies a .tflite buffer and builds an r50_graph
 * over it without copying (names, shapes' data, quantization arrays, op
 * input/output index vectors and constant data point into the buffer).
 *
 * Every offset, vtable, vector length, string, index, enum value, shape and
 * byte size is checked before use, including integer overflow; scalar vectors
 * must be aligned to their element size (as flatbuffers' own verifier
 * requires). Only subgraph 0 is read. Descriptor arrays (tensors, ops) come
 * from `mem`. On failure err->msg names the table/field and the check. */
#ifndef R50_TFLITE_H
#define R50_TFLITE_H

#include "../graph/graph.h"
#include "../runtime/bump.h"
#include "r50.h"

r50_status r50_tflite_read(const void *buf, size_t len, const r50_limits *limits, r50_bump *mem,
                           r50_graph *g, r50_error *err);

#endif

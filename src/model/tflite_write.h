/* TFLite flatbuffer writer: serializes an r50_graph to a .tflite file image
 * (schema version 3, file identifier "TFL3") that r50_tflite_read and
 * TensorFlow Lite can load.
 *
 * What is written: one subgraph ("main") with every tensor (shape, type,
 * name, per-tensor or per-channel quantization, is_variable), the graph's
 * inputs/outputs, every op (opcode, inputs, outputs and the builtin options
 * r50 knows: Conv2D, DepthwiseConv2D, Pool2D, FullyConnected, Softmax,
 * Concatenation, Add, Sub, Mul, Reducer (MEAN), Squeeze), deduplicated
 * operator codes (deprecated_builtin_code = min(code, 127) plus
 * builtin_code), the description, and one buffer per constant tensor (buffer
 * 0 is the empty sentinel, activations use it). Constant data is 16-byte
 * aligned in the file.
 *
 * The graph is serialized as given and NOT validated (so tests can write
 * deliberately broken models); read the result back with r50_tflite_read to
 * verify it.
 *
 * No malloc: the caller supplies the output buffer. Pass out = NULL to query
 * the size (*len receives it, R50_OK). If cap is too small, nothing useful is
 * written, *len receives the needed size and R50_ERR_ARG is returned.
 * The output buffer should be R50_MODEL_ALIGN-aligned to be read back in
 * place. */
#ifndef R50_TFLITE_WRITE_H
#define R50_TFLITE_WRITE_H

#include <stddef.h>

#include "../graph/graph.h"
#include "r50.h"

/* Flags for r50_tflite_write. */
#define R50_TFLITE_WRITE_EXTERNAL_DATA 1u /* constant data after the flatbuffer, referenced
                                             by Buffer.offset/size (the >2 GB layout) */

r50_status r50_tflite_write(const r50_graph *g, unsigned flags, void *out, size_t cap, size_t *len,
                            r50_error *err);

#endif

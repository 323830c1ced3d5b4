/* Code generator (host only: allocates, writes files): a verified .tflite
 * model as C sources for firmware.
 *
 * Emits into `dir`, for a model named NAME:
 *   NAME.h          API: NAME_init, NAME_run(input, output, arena), NAME_model,
 *                   NAME_ARENA_SIZE, NAME_ACTIVATION_BYTES, NAME_INPUT_BYTES, ...
 *   NAME.c          the graph as const tables (tensor table: type, dims,
 *                   quantization, constant data pointers; op table: type,
 *                   options, input/output indices; one comment per layer with
 *                   its name and shapes) and the static memory plan (every
 *                   activation's arena offset), checked at init against the
 *                   plan the device computes with the same planner;
 *   NAME_weights.bin  every constant array (weights, biases, quantization
 *                   scales and zero points), 16-byte aligned, little-endian;
 *   NAME_weights.S  `.incbin` of the .bin into section .r50_weights
 *                   (or, with R50_CODEGEN_WEIGHTS_C, NAME_weights.c: the same
 *                   bytes as a C array in that section).
 * The generated code calls r50_model_init_graph + r50_model_invoke: the
 * interpreter's prepare, planner and kernels, without flatbuffer parsing,
 * malloc or stdio.
 */
#ifndef R50_HOST_CODEGEN_H
#define R50_HOST_CODEGEN_H

#include <stddef.h>

#include "r50.h"

#define R50_CODEGEN_WEIGHTS_C 1u /* weights as a C array instead of .incbin */

typedef struct {
  size_t weight_bytes;     /* size of NAME_weights.bin */
  size_t param_bytes;      /* bytes of the constant tensors alone */
  size_t arena_bytes;      /* NAME_ARENA_SIZE */
  size_t activation_bytes; /* NAME_ACTIVATION_BYTES */
} r50_codegen_stats;

/* NAME must be a C identifier. The plan is made with the reference kernels
 * (the active ISA is set to ref for the call and restored). */
r50_status r50_codegen(const void *tflite, size_t tflite_size, const char *model_path,
                       const char *dir, const char *name, unsigned flags,
                       r50_codegen_stats *stats, r50_error *err);

#endif

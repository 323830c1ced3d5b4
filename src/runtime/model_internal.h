/* Internal view of a loaded model for host tools (memory report, code
 * generator): the graph, the op scratch sizes and where the plan put things.
 * Offsets are relative to the start of the activation region, -1 when the
 * tensor has no arena memory (constant or unused). */
#ifndef R50_MODEL_INTERNAL_H
#define R50_MODEL_INTERNAL_H
#include "../graph/graph.h"
#include "../plan/plan.h"
#include "r50.h"

const r50_graph *r50_model_graph(const r50_model *m);
const size_t *r50_model_scratch_sizes(const r50_model *m);
uint32_t r50_model_plan_flags(const r50_model *m);
/* The streamed region [*a, *b) and per-tensor window bytes (0: whole);
 * returns 0 when there is no region. */
int r50_model_plan_region(const r50_model *m, r50_plan_region *region);
int64_t r50_model_tensor_offset(const r50_model *m, int32_t t);
int64_t r50_model_scratch_offset(const r50_model *m, int32_t o);

/* r50_model_init_ex over an already built graph instead of .tflite bytes (the
 * code generator's const tables): the same prepare and the same deterministic
 * plan. The graph is trusted (it must satisfy graph.h's contracts, as the
 * reader's output does); *g is copied into the arena, the arrays it points to
 * must outlive the model. No flatbuffer parsing. */
r50_status r50_model_init_graph(r50_model **model, const r50_graph *g, void *arena,
                                size_t arena_size, const r50_options *options, r50_error *err);
#endif

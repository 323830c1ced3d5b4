/* Memory planner: tensor lifetimes in, offsets in one arena out.
 *
 * Input: n buffers, each with a size in bytes and a lifetime [first, last] in
 * op-execution steps (inclusive: a buffer produced by op 3 and last read by
 * op 7 has first=3, last=7; an op's scratch has first=last=that op). Two
 * buffers conflict when their lifetimes intersect.
 *
 * Algorithm (greedy by size, as TFLite Micro's GreedyMemoryPlanner):
 *  1. order buffers by size, largest first (ties: earlier first, then index,
 *     so the plan is deterministic);
 *  2. place each buffer at the lowest R50_PLAN_ALIGN-aligned offset where it
 *     overlaps, in address range, no already-placed buffer whose lifetime
 *     intersects its own: scan the conflicting placed buffers in address order
 *     and take the first gap that is large enough.
 *  3. the arena size is the maximum of offset + size.
 * O(n^2 log n) time, no allocation: the caller passes 2n int32 of work space.
 * Invariant (tested): conflicting buffers never share an address.
 */
#ifndef R50_PLAN_H
#define R50_PLAN_H

#include <stddef.h>
#include <stdint.h>

#define R50_PLAN_ALIGN 16

typedef struct {
  size_t size;     /* bytes; 0 = no memory (offset set to 0) */
  int32_t first;   /* first step the buffer is live */
  int32_t last;    /* last step it is live, >= first */
  size_t offset;   /* output */
} r50_plan_buf;

/* Places every buffer; returns the arena bytes needed (the peak). */
size_t r50_plan_greedy(r50_plan_buf *bufs, int32_t n, int32_t *work /* 2n */);

/* 1 if no two conflicting buffers overlap in address, else 0 (for tests). */
int r50_plan_check(const r50_plan_buf *bufs, int32_t n);

#endif

#ifndef R50_PLAN_GRAPH_H
#define R50_PLAN_GRAPH_H
/* ---- Graph-level plan (shared by the interpreter, `r50 info --memory` and
 * the code generator) ----
 *
 * Steps are op indices. A non-constant tensor lives from the op that writes it
 * (graph inputs: step 0) to the last op that reads it (graph outputs: the last
 * op). Constants get no arena memory: they stay in the model buffer. Tensors
 * no op touches and that are no graph input/output get none either.
 *
 * In-place (aliasing): when R50_PLAN_INPLACE is set, an op's output shares its
 * input's buffer
 *   - for RESHAPE and SQUEEZE always (same bytes, tensors are written once);
 *   - for elementwise ops whose kernels are documented in-place safe on input
 *     0 (ADD, SUB, MUL, RELU, RELU6, LOGISTIC, HARD_SWISH, 8-bit QUANTIZE)
 *     when input 0 has the output's shape and byte size, is not constant, its
 *     buffer's last use is this op, and that buffer holds no graph input or
 *     output (callers' tensors are never overwritten).
 * Buffers: tensors t map to buffer buf_of[t] (-1: no memory); buffer b < nt
 * is tensor b's own, b = nt + o is op o's scratch (alive during op o only).
 */
#include "../graph/graph.h"

#define R50_PLAN_INPLACE 1u

typedef struct {
  int32_t n_bufs;          /* n_tensors + n_ops */
  r50_plan_buf *bufs;      /* [n_bufs]: size 0 for unused/aliased-away buffers */
  int32_t *buf_of;         /* [n_tensors] */
  size_t peak;             /* arena bytes for activations + scratch */
} r50_graph_plan;

/* Per-tensor lifetimes [first[t], last[t]] in op steps as described above
 * (first = INT32_MAX, last = -1 for tensors nothing touches; constants get
 * their op range too: callers skip them). */
void r50_plan_lifetimes(const r50_graph *g, int32_t *first, int32_t *last);

/* A streamed region (src/runtime/stream.h): ops [a, b) run interleaved, so
 * every non-constant tensor they read or write is live across all of
 * [a, b - 1] (and never aliased in place), a tensor with bytes[t] > 0 needs
 * only that many bytes (its row window), and the region's ops share one
 * scratch buffer (placed as op a's, sized for the largest). With a split op
 * m (a < m < b: ops [a, m) and [m, b) may run at the same time), ops [m, b)
 * share a second one, placed as op m's. */
typedef struct {
  int32_t a, b;
  int32_t split; /* 0: none */
  const size_t *bytes; /* [n_tensors] */
} r50_plan_region;

/* Bytes of caller memory r50_plan_graph needs for a graph of this size
 * (bufs, buf_of and work arrays, each 16-aligned). */
size_t r50_plan_graph_bytes(int32_t n_tensors, int32_t n_ops);

/* Plan g: mem must hold r50_plan_graph_bytes(); scratch_bytes[o] per op;
 * region may be NULL. */
void r50_plan_graph(const r50_graph *g, const size_t *scratch_bytes, unsigned flags,
                    const r50_plan_region *region, void *mem, r50_graph_plan *plan);

#endif

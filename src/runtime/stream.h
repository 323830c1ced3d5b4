/* Streamed (row-band) execution of a run of ops, to cut activation memory.
 *
 * A region is a contiguous range of ops [a, b) that all support row
 * evaluation (r50_rowmap.eval_rows: conv, pool, pad, elementwise, ...) on
 * batch-1 NHWC tensors. Instead of computing each op's whole output before the
 * next op starts, the region is driven by the rows of its last op's output:
 * for each next row, the rows every op needs are pulled (computed) just in
 * time, producer before consumer, and rows no consumer will read again are
 * dropped. A tensor produced and consumed only inside the region is then kept
 * as a window of a few rows (its "capacity"), shifted down as it advances.
 * Tensors read after the region (and region inputs) stay whole.
 *
 * Exactness: every op computes each output row exactly once, with the same
 * kernels and arithmetic as whole-tensor eval (r50_rowband), so results are
 * bit-identical; only the order of work and the memory change. Compute is
 * unchanged (no halo recomputation); windows are moved with memmove.
 *
 * Capacities come from a dry run of the same deterministic schedule at init;
 * the planner then gives window tensors capacity * row bytes, alive for the
 * whole region (ops interleave), and region scratch likewise.
 *
 * Two threads (pipeline): with a split op m (a < m < b), when the caller's
 * runner has exactly 2 threads, ops [a, m) (the front) run one schedule step
 * ahead of ops [m, b) (the back), the two halves side by side on two threads,
 * each op's kernel single-threaded. A step's rows are requested from the sink
 * as before; the back computes step k from rows the front finished in step
 * k - 1 while the front computes step k + 1, so within a step the two sides
 * write disjoint rows and the back reads only rows written before the step
 * began; windows are only shifted between steps, with both sides stopped.
 * The same rows, kernels and arithmetic as the serial schedule: identical
 * results. This replaces ~25 thread-pool joins per step (each band split
 * across threads) by one. Capacities are the larger of both schedules' dry
 * runs; the back gets its own region scratch (placed as op m's).
 */
#ifndef R50_STREAM_H
#define R50_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "../graph/graph.h"
#include "../ops/ops.h"

enum { R50_STREAM_OUTSIDE = 0, R50_STREAM_WHOLE = 1, R50_STREAM_WINDOW = 2 };

typedef struct {
  int32_t a, b;              /* region [a, b); a == b: no region */
  int32_t split;             /* pipeline split op m, a < m < b; 0: none (see above) */
  int32_t step_rows;         /* sink rows pulled per step (>= 1): more rows, fewer calls, wider windows */
  int32_t *cap;              /* [n_tensors] window rows (0: whole tensor / not in region) */
  int32_t *produced, *base;  /* [n_tensors] run state: rows done, first row kept */
  int32_t *req;              /* [n_tensors] per-step work array */
  int32_t *req_back;         /* [n_tensors] pipeline: the back's step targets */
  int32_t *kind;             /* [n_tensors] R50_STREAM_* */
  int32_t *keep;             /* [n_tensors] work array: first row to keep */
  int32_t *cross;            /* [n_tensors] 1: window read across the pipeline split */
  void **view;               /* [n_tensors] tdata view handed to eval_rows */
  void **view_back;          /* [n_tensors] the same for the back (pipeline) */
} r50_stream;

/* Whether ops [a, b) can form a region (every op streamable, tensors batch-1
 * NHWC, non-spatial inputs constant or produced before a). */
int r50_stream_region_ok(const r50_graph *g, const r50_rowmap *rows, int32_t a, int32_t b);

/* Dry run: fill s->cap for region [a, b) (s's arrays must be allocated; with
 * s->split set, capacities cover the pipelined schedule too). */
void r50_stream_dry_run(const r50_graph *g, const r50_rowmap *rows, r50_stream *s, int32_t a,
                        int32_t b);

/* After a dry run, s->kind[t] says how tensor t relates to the region:
 * OUTSIDE (not produced in it), WHOLE (produced in it, read after it or a graph
 * output: kept whole), WINDOW (s->cap[t] rows kept). */

/* Run the region: tdata holds each tensor's arena address (windows: the start
 * of their window buffer), scratch[o] each op's scratch. Pipelined when
 * s->split is set and the calling thread's runner has 2 threads. */
void r50_stream_run(const r50_graph *g, const r50_rowmap *rows, void *const *state, r50_stream *s,
                    void *const *tdata, void *const *scratch);

#endif

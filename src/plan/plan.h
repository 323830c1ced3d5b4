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

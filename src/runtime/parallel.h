/* Parallel execution inside an op: kernels split their work into independent
 * tasks and run them through the caller's r50_parallel (r50.h), set per
 * calling thread with r50_set_parallel. Every task computes a disjoint part
 * of the output with the same arithmetic as the serial loop, so results are
 * identical for any thread count and any task split. */
#ifndef R50_RUNTIME_PARALLEL_H
#define R50_RUNTIME_PARALLEL_H

#include <stdint.h>

#include "r50.h"

/* The runner set on this thread, or NULL (serial). */
const r50_parallel *r50_parallel_current(void);

/* Threads the runner uses (1 when serial). */
static inline int32_t r50_par_threads(const r50_parallel *par) {
  return par && par->run && par->n_threads > 1 ? par->n_threads : 1;
}

/* fn(ctx, 0..n-1), in parallel when a runner is set; returns when all are done. */
static inline void r50_par_run(const r50_parallel *par, int32_t n, r50_task_fn fn, void *ctx) {
  if (r50_par_threads(par) > 1 && n > 1) {
    par->run(par->pool, n, fn, ctx);
  } else {
    for (int32_t i = 0; i < n; i++) fn(ctx, i);
  }
}

#endif

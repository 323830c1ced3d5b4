/* Host helper: a pthreads pool implementing r50_parallel (r50.h).
 *
 * run() publishes a job as (generation, next task) in one 64-bit atomic;
 * the caller and the workers claim tasks by compare-and-swap on it. Before the
 * job's parameters change, the old generation is closed (next = all ones), so
 * a claim can only succeed on the job whose parameters the claimer read.
 * Workers spin briefly between jobs (ops follow each other within
 * microseconds during an invoke), then sleep on a condition variable. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "../runtime/error.h"
#include "r50.h"

#if defined(R50_NO_PTHREADS)
/* No pthreads on this target: 1 thread works (serial), more are refused. */
r50_status r50_threadpool_create(int32_t n_threads, r50_parallel *par, r50_error *err) {
  if (!par) return r50_fail(err, R50_ERR_ARG, "r50_threadpool_create: par is NULL");
  memset(par, 0, sizeof *par);
  par->n_threads = 1;
  if (n_threads == 1) return R50_OK;
  return r50_fail(err, R50_ERR_UNSUPPORTED, "this build has no threads (asked for %d)",
                  (int)n_threads);
}
void r50_threadpool_destroy(r50_parallel *par) {
  if (par) memset(par, 0, sizeof *par);
}
#else
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

#define SPIN_ITERS 200000

typedef struct {
  _Atomic uint64_t state; /* generation << 32 | next task */
  atomic_int done;
  atomic_int sleepers;
  atomic_int stop;
  /* the job; a claimer may read them for a job being replaced (its CAS then
   * fails): release stores after closing the old job, acquire loads before
   * the CAS, so a claimer that read a new value also sees the close */
  _Atomic int32_t n_tasks;
  _Atomic(r50_task_fn) fn;
  _Atomic(void *) ctx;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int32_t n_workers;
  pthread_t *th;
} pool;

/* Claim and run tasks of generation gen until none are left. */
static void work(pool *p, uint32_t gen) {
  for (;;) {
    uint64_t v = atomic_load(&p->state);
    if ((uint32_t)(v >> 32) != gen) return;
    const uint32_t i = (uint32_t)v;
    const int32_t n = atomic_load_explicit(&p->n_tasks, memory_order_acquire);
    r50_task_fn fn = atomic_load_explicit(&p->fn, memory_order_acquire);
    void *ctx = atomic_load_explicit(&p->ctx, memory_order_acquire);
    if (i >= (uint32_t)n) return;
    if (!atomic_compare_exchange_weak(&p->state, &v, v + 1)) continue;
    fn(ctx, (int32_t)i);
    atomic_fetch_add(&p->done, 1);
  }
}

static void *worker(void *arg) {
  pool *p = arg;
  uint32_t seen = (uint32_t)(atomic_load(&p->state) >> 32);
  for (;;) {
    uint32_t gen = seen;
    for (int s = 0; s < SPIN_ITERS && !atomic_load(&p->stop); s++) {
      gen = (uint32_t)(atomic_load(&p->state) >> 32);
      if (gen != seen) break;
      CPU_RELAX();
    }
    if (gen == seen) {
      pthread_mutex_lock(&p->mu);
      atomic_fetch_add(&p->sleepers, 1);
      while (!atomic_load(&p->stop) && (uint32_t)(atomic_load(&p->state) >> 32) == seen)
        pthread_cond_wait(&p->cv, &p->mu);
      atomic_fetch_sub(&p->sleepers, 1);
      pthread_mutex_unlock(&p->mu);
      gen = (uint32_t)(atomic_load(&p->state) >> 32);
    }
    if (atomic_load(&p->stop)) return NULL;
    seen = gen;
    work(p, gen);
  }
}

static void pool_run(void *pv, int32_t n, r50_task_fn fn, void *ctx) {
  pool *p = pv;
  if (n <= 0) return;
  /* Close the previous job first: a worker holding a stale (gen, i) snapshot
   * must fail its compare-and-swap before n/fn/ctx change under it. */
  const uint64_t prev = atomic_load(&p->state);
  atomic_store(&p->state, (prev & ~(uint64_t)0xFFFFFFFFu) | 0xFFFFFFFFu);
  atomic_store_explicit(&p->n_tasks, n, memory_order_release);
  atomic_store_explicit(&p->fn, fn, memory_order_release);
  atomic_store_explicit(&p->ctx, ctx, memory_order_release);
  atomic_store(&p->done, 0);
  const uint32_t gen = (uint32_t)(atomic_load(&p->state) >> 32) + 1;
  atomic_store(&p->state, (uint64_t)gen << 32);
  if (atomic_load(&p->sleepers) > 0) {
    pthread_mutex_lock(&p->mu);
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
  }
  work(p, gen);
  /* a worker is finishing a task; yield now and then in case it was preempted */
  for (unsigned s = 1; atomic_load(&p->done) < n; s++) {
    CPU_RELAX();
    if ((s & 1023) == 0) sched_yield();
  }
}

r50_status r50_threadpool_create(int32_t n_threads, r50_parallel *par, r50_error *err) {
  if (!par) return r50_fail(err, R50_ERR_ARG, "r50_threadpool_create: par is NULL");
  memset(par, 0, sizeof *par);
  if (n_threads < 1 || n_threads > 1024)
    return r50_fail(err, R50_ERR_ARG, "thread count %d out of range 1..1024", (int)n_threads);
  par->n_threads = 1;
  if (n_threads == 1) return R50_OK; /* serial: no pool */
  pool *p = calloc(1, sizeof *p);
  pthread_t *th = p ? calloc((size_t)n_threads, sizeof *th) : NULL;
  if (!th) {
    free(p);
    return r50_fail(err, R50_ERR_NOMEM, "out of memory for a %d-thread pool", (int)n_threads);
  }
  p->th = th;
  atomic_init(&p->state, 0);
  atomic_init(&p->done, 0);
  atomic_init(&p->sleepers, 0);
  atomic_init(&p->stop, 0);
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->cv, NULL);
  for (int32_t i = 0; i < n_threads - 1; i++) {
    if (pthread_create(&th[i], NULL, worker, p) != 0) {
      par->pool = p;
      par->n_threads = 1;
      p->n_workers = i;
      r50_threadpool_destroy(par);
      return r50_fail(err, R50_ERR_NOMEM, "cannot start worker thread %d", (int)i);
    }
    p->n_workers = i + 1;
  }
  par->pool = p;
  par->run = pool_run;
  par->n_threads = n_threads;
  return R50_OK;
}

void r50_threadpool_destroy(r50_parallel *par) {
  if (!par) return;
  pool *p = par->pool;
  if (p) {
    pthread_mutex_lock(&p->mu);
    atomic_store(&p->stop, 1);
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (int32_t i = 0; i < p->n_workers; i++) pthread_join(p->th[i], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p->th);
    free(p);
  }
  memset(par, 0, sizeof *par);
}
#endif

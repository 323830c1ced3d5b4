/* Thread split of an int8 elementwise broadcast walk, shared by the SIMD
 * elementwise kernels (x86 AVX2 / AVX-512, Arm NEON). Include after defining
 *   typedef struct {...} vparams;               the kernel's vector constants
 *   static void walk(const vparams *v, const r50_bcast *b, const int8_t *in1,
 *                    const int8_t *in2, int8_t *out, size_t k0, size_t k1,
 *                    size_t i0, size_t i1);     outer runs [k0, k1), inner [i0, i1)
 * and "../../runtime/parallel.h". Defines static run(): about 4 tasks per
 * thread, each at least a few KB; a task writes a disjoint part of the output
 * computed exactly as the serial walk, so results are identical for any split. */
#ifndef R50_KERNELS_ELTWISE_SPLIT_IMPL_H
#define R50_KERNELS_ELTWISE_SPLIT_IMPL_H

typedef struct {
  const vparams *v;
  const r50_bcast *b;
  const int8_t *in1, *in2;
  int8_t *out;
  size_t outer, per_task; /* outer runs per task, or (n_chunks > 1) one run split in chunks */
  size_t inner, chunk, n_chunks;
} job;

static void task(void *ctx, int32_t t) {
  const job *j = (const job *)ctx;
  if (j->n_chunks > 1) { /* few long runs (same-shape inputs): split each run */
    const size_t k = (size_t)t / j->n_chunks, i0 = ((size_t)t % j->n_chunks) * j->chunk;
    const size_t i1 = i0 + j->chunk < j->inner ? i0 + j->chunk : j->inner;
    walk(j->v, j->b, j->in1, j->in2, j->out, k, k + 1, i0, i1);
    return;
  }
  const size_t k0 = (size_t)t * j->per_task;
  const size_t k1 = k0 + j->per_task < j->outer ? k0 + j->per_task : j->outer;
  walk(j->v, j->b, j->in1, j->in2, j->out, k0, k1, 0, j->inner);
}

static void run(const vparams *v, const r50_bcast *b, const int8_t *in1, const int8_t *in2,
                int8_t *out, const r50_parallel *par) {
  if (b->n_out == 0) return;
  const size_t inner = (size_t)b->dims[b->ndim - 1];
  job j = {v, b, in1, in2, out, b->n_out / inner, 0, inner, inner, 1};
  const int32_t threads = r50_par_threads(par);
  size_t tasks = threads > 1 ? (size_t)threads * 4 : 1;
  const size_t max_by_size = b->n_out / 4096 + 1;
  if (tasks > max_by_size) tasks = max_by_size;
  if (tasks > j.outer && j.outer * 2 <= tasks) {
    const size_t per_run = (tasks + j.outer - 1) / j.outer;
    j.chunk = ((inner + per_run - 1) / per_run + 63) / 64 * 64;
    j.n_chunks = (inner + j.chunk - 1) / j.chunk;
    r50_par_run(par, (int32_t)(j.outer * j.n_chunks), task, &j);
    return;
  }
  if (tasks > j.outer) tasks = j.outer;
  j.per_task = (j.outer + tasks - 1) / tasks;
  r50_par_run(par, (int32_t)((j.outer + j.per_task - 1) / j.per_task), task, &j);
}

#endif

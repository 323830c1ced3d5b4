/* r50: int8 / float32 TFLite CNN classifiers in portable C11, bit-exact with
 * TensorFlow Lite Micro's reference kernels.
 *
 * Usage (host; on a microcontroller the model is a const array and the arena a
 * static buffer, and the r50_file_* helpers are not needed):
 *
 *   #include "r50.h"
 *
 *   void *model_buf; size_t model_len;
 *   r50_error err;
 *   if (r50_file_read("model.tflite", &model_buf, &model_len, &err) != R50_OK) { puts(err.msg); return 1; }
 *
 *   size_t need;                        // how many arena bytes this model needs
 *   if (r50_arena_size(model_buf, model_len, &need, &err) != R50_OK) { puts(err.msg); return 1; }
 *   void *arena = aligned_alloc(R50_ARENA_ALIGN, (need + R50_ARENA_ALIGN - 1) / R50_ARENA_ALIGN * R50_ARENA_ALIGN);
 *
 *   r50_model *m;
 *   if (r50_model_init(&m, model_buf, model_len, arena, need, &err) != R50_OK) { puts(err.msg); return 1; }
 *
 *   r50_tensor_info in, out;
 *   r50_model_input(m, 0, &in);         // shape, dtype, scale, zero point, bytes, data
 *   memcpy(in.data, pixels, in.bytes);  // e.g. uint8 RGB, NHWC
 *   if (r50_model_invoke(m, &err) != R50_OK) { puts(err.msg); return 1; }
 *   r50_model_output(m, 0, &out);       // out.data holds out.bytes bytes
 *
 *   free(arena); r50_file_free(model_buf);  // no r50 call needed to release m
 *
 * Lifetime rule: an r50_model lives inside the caller's arena and points into
 * the caller's model buffer, so both must stay valid and unmoved while the
 * model is used; there is nothing to free.
 *
 * Errors: every function returns an r50_status; when a non-NULL r50_error is
 * passed, its msg says what failed (op index and type, tensor name, the check).
 * The library never exits, aborts or prints. The run-time core (everything but
 * the r50_file_* and r50_arena_size host helpers) never calls malloc.
 *
 * Threads: one r50_model must not be used by two threads at once; distinct
 * models (distinct arenas) are independent.
 */
#ifndef R50_H
#define R50_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define R50_VERSION "0.1.0"

/* The model buffer and the arena must be aligned to this many bytes. */
#define R50_ARENA_ALIGN 16
#define R50_MODEL_ALIGN 16

typedef enum {
  R50_OK = 0,
  R50_ERR_ARG = 1,          /* bad argument: NULL pointer, misaligned buffer, index out of range */
  R50_ERR_MODEL = 2,        /* the model file is malformed (failed a structural check) */
  R50_ERR_UNSUPPORTED = 3,  /* valid model using an op, type or option r50 does not support */
  R50_ERR_ARENA = 4,        /* arena too small (r50_error.arena_needed says how much is needed) */
  R50_ERR_LIMIT = 5,        /* the model exceeds a configured limit (ops, tensors, elements) */
  R50_ERR_IO = 6,           /* host helpers: a file could not be read or written */
  R50_ERR_NOMEM = 7,        /* host helpers: out of memory */
  R50_ERR_STATE = 8         /* call made in the wrong state (e.g. invoke before init) */
} r50_status;

/* Short constant name of a status ("R50_ERR_MODEL: malformed model"). */
const char *r50_status_str(r50_status s);

typedef struct {
  r50_status status;
  size_t arena_needed;      /* set with R50_ERR_ARENA: exact bytes needed (0 if unknown) */
  char msg[320];            /* NUL-terminated human message */
} r50_error;

typedef enum {
  R50_DTYPE_FLOAT32 = 0,    /* values match TFLite's TensorType */
  R50_DTYPE_FLOAT16 = 1,
  R50_DTYPE_INT32 = 2,
  R50_DTYPE_UINT8 = 3,
  R50_DTYPE_INT64 = 4,
  R50_DTYPE_STRING = 5,
  R50_DTYPE_BOOL = 6,
  R50_DTYPE_INT16 = 7,
  R50_DTYPE_COMPLEX64 = 8,
  R50_DTYPE_INT8 = 9,
  R50_DTYPE_FLOAT64 = 10
} r50_dtype;

/* "float32", "int8", ... */
const char *r50_dtype_name(r50_dtype t);

typedef struct {
  const char *name;
  r50_dtype dtype;
  int32_t ndim;
  int32_t dims[6];
  size_t bytes;
  float scale;              /* 0 when not quantized */
  int32_t zero_point;
  void *data;               /* inputs: write here before invoke; outputs: read after */
} r50_tensor_info;

typedef struct r50_model r50_model;

/* Limits checked while loading, before any large computation. */
typedef struct {
  int32_t max_ops;          /* default 10000 */
  int32_t max_tensors;      /* default 100000 */
  uint64_t max_tensor_elems;/* default 1<<31 */
  uint64_t max_arena_bytes; /* default 1<<30: a model needing a larger arena is refused
                               (R50_ERR_LIMIT) and r50_arena_size never tries more */
} r50_limits;

/* Load options: limits plus planner switches. Start from r50_options_default(). */
#define R50_OPT_NO_INPLACE 1u   /* planner: never let an op write over its input */
#define R50_OPT_NO_STREAM 2u    /* planner: never stream (row-band) a run of ops; with streaming on,
                                   the per-op hook is not called for streamed ops */
#define R50_OPT_CORTEXM 4u      /* plan for the Cortex-M DSP kernels: CONV_2D / FULLY_CONNECTED
                                   declare their int16 scratch (r50 codegen and the generated
                                   NAME_init set it, so the host's plan is the device's) */
#define R50_OPT_PIPELINE 8u     /* planner: also plan the streamed region's two-thread pipeline
                                   (src/runtime/stream.h: its back half's scratch and deeper
                                   windows; ResNet50V2 224: +29 KB); invokes whose
                                   runner has 2 threads then run the two halves side by side
                                   instead of splitting every row band across the threads */
typedef struct {
  r50_limits limits;
  uint32_t flags;           /* R50_OPT_* */
} r50_options;
r50_options r50_options_default(void);

/* Parse, verify and prepare the model, and plan its memory inside `arena`.
 * Unsupported ops, types and options are refused here, never at invoke. */
r50_status r50_model_init(r50_model **model, const void *tflite, size_t tflite_size,
                          void *arena, size_t arena_size, r50_error *err);
/* Same, with explicit options (NULL = r50_options_default()). */
r50_status r50_model_init_ex(r50_model **model, const void *tflite, size_t tflite_size,
                             void *arena, size_t arena_size, const r50_options *options,
                             r50_error *err);

/* Run the model on the current input data. Only fails on a bad handle. */
r50_status r50_model_invoke(r50_model *model, r50_error *err);

int32_t r50_model_input_count(const r50_model *model);
int32_t r50_model_output_count(const r50_model *model);
r50_status r50_model_input(const r50_model *model, int32_t i, r50_tensor_info *info);
r50_status r50_model_output(const r50_model *model, int32_t i, r50_tensor_info *info);

/* Arena bytes actually used (persistent data + planned activations). */
size_t r50_model_arena_used(const r50_model *model);
/* Bytes of the arena holding activations and scratch (the memory plan's peak). */
size_t r50_model_activation_bytes(const r50_model *model);

/* Introspection for reports. */
typedef struct {
  const char *type_name;    /* "CONV_2D" */
  int32_t type;             /* builtin code */
  const char *output_name;
  r50_dtype output_dtype;
  int32_t out_ndim;
  int32_t out_dims[6];
  uint64_t macs;            /* multiply-accumulates of one invoke */
  uint64_t param_count;     /* elements of constant inputs */
  uint64_t param_bytes;     /* bytes of constant inputs */
} r50_op_info;

int32_t r50_model_op_count(const r50_model *model);
r50_status r50_model_op_info(const r50_model *model, int32_t i, r50_op_info *info);

/* Whole-model totals; constant tensors shared by several ops count once. */
typedef struct {
  uint64_t macs;
  uint64_t param_count;
  uint64_t weight_bytes;    /* bytes of all constant tensors the ops read */
  size_t arena_used;        /* = r50_model_arena_used() */
  size_t activation_bytes;  /* = r50_model_activation_bytes() */
} r50_model_stats;
r50_status r50_model_get_stats(const r50_model *model, r50_model_stats *stats);

/* Optional hook called after each op's eval (debugging, layer dumps); `data`
 * is the op's output 0, valid only during the call. NULL removes it. */
typedef void (*r50_op_hook)(void *user, int32_t op_index, const void *data, size_t bytes);
void r50_model_set_hook(r50_model *model, r50_op_hook hook, void *user);

/* Instruction-set level of the kernels (x86-64 and Arm: optimized kernels,
 * bit-exact with the reference ones). The level is chosen when a model is
 * initialised: r50_model_init uses the active level, which starts as the best
 * the CPU (and OS) supports, or the R50_ISA environment variable
 * (ref|avx2|avxvnni|avx512vnni on x86-64, ref|neon|neondot on Arm) when set to
 * a level the CPU has. Set it before r50_model_init, not while other threads
 * initialise models. Levels belong to one architecture family: on x86-64
 * ref < avx2 < avxvnni < avx512vnni, on Arm ref < neon < neondot; other targets
 * have only R50_ISA_REF. A CPU need not have every level below its best (an
 * AVX-512 VNNI CPU may lack AVX-VNNI): ask r50_isa_supported for each. */
typedef enum {
  R50_ISA_REF = 0,          /* portable C reference kernels */
  R50_ISA_AVX2 = 1,         /* x86-64 AVX2 + FMA */
  R50_ISA_AVXVNNI = 2,      /* x86-64 AVX2 + FMA + AVX-VNNI (VEX VPDPBUSD on ymm, e.g. Alder Lake) */
  R50_ISA_AVX512VNNI = 3,   /* x86-64 AVX-512 F/BW/VL + VNNI */
  R50_ISA_NEON = 4,         /* Arm NEON: AArch64 Advanced SIMD, or Armv7-A NEON (HWCAP_NEON) */
  R50_ISA_NEONDOT = 5       /* AArch64 with the dot product instructions (SDOT, HWCAP_ASIMDDP) */
} r50_isa;
#define R50_ISA_COUNT 6

r50_isa r50_isa_best(void);       /* best level this CPU supports */
r50_isa r50_isa_active(void);     /* level the next r50_model_init uses */
/* 1 if this CPU (and build) can run `isa`, else 0. */
int r50_isa_supported(r50_isa isa);
/* Make `isa` active; R50_ERR_UNSUPPORTED (nothing changed) if the CPU lacks it. */
r50_status r50_isa_set(r50_isa isa, r50_error *err);
const char *r50_isa_name(r50_isa isa);  /* "ref", "avx2", "avxvnni", "avx512vnni", "neon", "neondot" */
r50_status r50_isa_parse(const char *name, r50_isa *isa); /* inverse of r50_isa_name */
/* Why R50_ISA was not honoured (unknown name, level the CPU lacks), else NULL. */
const char *r50_isa_note(void);

/* Parallel execution. A runner calls fn(ctx, 0..n_tasks-1), on any threads, and
 * returns when all have finished; the kernels split each op's output into
 * disjoint tasks computed exactly as the serial loop, so results are
 * identical for every thread count. The run-time core creates no threads:
 * use the r50_threadpool_* host helper or supply your own runner. */
typedef void (*r50_task_fn)(void *ctx, int32_t task);
typedef struct {
  int32_t n_threads;        /* threads the runner uses, the caller included (1 = serial) */
  void (*run)(void *pool, int32_t n_tasks, r50_task_fn fn, void *ctx);
  void *pool;
} r50_parallel;
/* Runner for the invokes made by the calling thread (any model); NULL = serial.
 * *par must stay valid while set. */
void r50_set_parallel(const r50_parallel *par);

/* ---- Host helpers (use malloc / stdio; not part of the run-time core) ---- */

/* Read a whole file into a R50_MODEL_ALIGN-aligned malloc'd buffer. */
r50_status r50_file_read(const char *path, void **buf, size_t *len, r50_error *err);
void r50_file_free(void *buf);
/* A pthreads pool of n_threads (the caller counts as one; 1 = serial, no
 * threads) filling *par; release with r50_threadpool_destroy. */
r50_status r50_threadpool_create(int32_t n_threads, r50_parallel *par, r50_error *err);
void r50_threadpool_destroy(r50_parallel *par);
/* Exact arena bytes r50_model_init needs for this model (runs a trial init). */
r50_status r50_arena_size(const void *tflite, size_t tflite_size, size_t *bytes, r50_error *err);
/* Same for r50_model_init_ex with these options (NULL = defaults). */
r50_status r50_arena_size_ex(const void *tflite, size_t tflite_size, const r50_options *options,
                             size_t *bytes, r50_error *err);

#ifdef __cplusplus
}
#endif
#endif

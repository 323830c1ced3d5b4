/* Interpreter: load (read + verify), prepare every op, plan activations, invoke.
 *
 * Arena layout, low to high addresses:
 *   [r50_model | graph descriptors | per-op states | tensor pointers | activations+scratch]
 * Everything but the last part is written once by init. The planner's work
 * arrays live temporarily where the activations will go.
 */
#include <string.h>

#include "../graph/graph.h"
#include "../model/tflite.h"
#include "../ops/ops.h"
#include "../plan/plan.h"
#include "bump.h"
#include "error.h"
#include "model_internal.h"
#include "stream.h"
#include "r50.h"

#define R50_MODEL_MAGIC 0x72353030u /* "r500" */

struct r50_model {
  uint32_t magic;
  r50_graph g;
  const r50_op_impl **impl; /* [n_ops] */
  void **state;             /* [n_ops] */
  void **scratch;           /* [n_ops], NULL when the op needs none */
  size_t *scratch_bytes;    /* [n_ops], as declared by prepare (16-rounded) */
  uint32_t plan_flags;      /* R50_PLAN_* the plan was made with */
  r50_rowmap *rows;         /* [n_ops] row evaluation of each op (streaming) */
  r50_stream stream;        /* streamed region (stream.a == stream.b: none) */
  size_t *window_bytes;     /* [n_tensors] arena bytes of streamed windows, else 0 */
  void **tdata;             /* [n_tensors]: constant data, activation address, or NULL if unused */
  uint8_t *act;             /* activation region */
  size_t act_bytes;
  size_t arena_used;
  r50_op_hook hook;
  void *hook_user;
};

static int is_aligned(const void *p, size_t a) { return ((uintptr_t)p & (a - 1)) == 0; }

/* Plan activations and scratch (src/plan: lifetimes, in-place aliasing,
 * greedy placement). The planner's work memory is taken temporarily from where
 * the activations will go. Returns R50_OK or R50_ERR_ARENA with
 * err->arena_needed set. */
/* Fill m->window_bytes from the stream's capacities (0 for whole tensors). */
static void set_window_bytes(r50_model *m) {
  const r50_graph *g = &m->g;
  for (int32_t t = 0; t < g->n_tensors; t++) {
    const r50_tensor *ten = &g->tensors[t];
    m->window_bytes[t] = m->stream.kind[t] == R50_STREAM_WINDOW && m->stream.a < m->stream.b
                             ? (size_t)m->stream.cap[t] * (ten->bytes / (size_t)ten->dims[1])
                             : 0;
  }
}

static uint64_t op_macs(const r50_graph *g, const r50_op *op);

/* Pipeline split of region [a, b) (stream.h): the op m that best balances the
 * two sides' estimated time, each op costed as its MACs + 32 per output
 * element (the ratio of a 1x1 conv's time per MAC to an elementwise op's per
 * element on x86, measured). 0 when the region is too short. */
static int32_t pipeline_split(const r50_graph *g, int32_t a, int32_t b) {
  if (b - a < 4) return 0;
  uint64_t total = 0;
  for (int32_t o = a; o < b; o++)
    total += op_macs(g, &g->ops[o]) + 32u * (uint64_t)g->tensors[g->ops[o].outputs[0]].bytes;
  uint64_t front = 0, best = UINT64_MAX;
  int32_t split = 0;
  for (int32_t m = a + 1; m < b; m++) {
    const r50_op *op = &g->ops[m - 1];
    front += op_macs(g, op) + 32u * (uint64_t)g->tensors[op->outputs[0]].bytes;
    const uint64_t worst = front > total - front ? front : total - front;
    if (worst < best) {
      best = worst;
      split = m;
    }
  }
  return split;
}

/* Scratch sizes for planning: whole-tensor scratch, but the band scratch for
 * ops inside the current stream region. */
static void region_scratch(const r50_model *m, size_t *sb) {
  for (int32_t o = 0; o < m->g.n_ops; o++) {
    const int in = o >= m->stream.a && o < m->stream.b;
    sb[o] = in ? (m->rows[o].scratch_bytes + 15u) & ~(size_t)15u : m->scratch_bytes[o];
  }
}

/* Plan activations and scratch (src/plan: lifetimes, in-place aliasing,
 * greedy placement), choosing the streamed region (src/runtime/stream.h) that
 * minimises the peak: every eligible prefix of the op list is tried, and none
 * is kept unless it lowers the peak. The planner's work memory is taken
 * temporarily from where the activations will go. Returns R50_OK or
 * R50_ERR_ARENA with err->arena_needed set. */
static r50_status plan_memory(r50_model *m, r50_bump *mem, unsigned plan_flags, int stream, int pipe,
                              uint64_t max_arena, r50_error *err) {
  const r50_graph *g = &m->g;
  const int32_t nt = g->n_tensors, no = g->n_ops;
  const size_t mark = mem->used;
  const size_t work_bytes = r50_plan_graph_bytes(nt, no);
  void *work = r50_bump_alloc(mem, work_bytes, 16);
  if (!work) {
    mem->used = mark;
    if (err) err->arena_needed = 0;
    return r50_fail(err, R50_ERR_ARENA,
                    "arena of %zu bytes too small to plan memory (need more than %zu)", mem->size,
                    mark + work_bytes + 16);
  }
  /* Region ops get the scratch their band calls need (rows[o].scratch_bytes). */
  size_t *sb = r50_bump_alloc(mem, (size_t)no * sizeof *sb + 1, 16);
  if (!sb) {
    mem->used = mark;
    if (err) err->arena_needed = 0;
    return r50_fail(err, R50_ERR_ARENA, "arena of %zu bytes too small to plan memory", mem->size);
  }
  r50_graph_plan plan;
  r50_plan_graph(g, m->scratch_bytes, plan_flags, NULL, work, &plan);
  m->stream.step_rows = 1; /* one sink row per step: the smallest windows */
  int32_t best_b = 0;
  size_t best = plan.peak;
  for (int32_t b = 2; stream && b <= no; b++) {
    if (!r50_stream_region_ok(g, m->rows, 0, b)) break; /* longer prefixes fail too */
    m->stream.split = pipe ? pipeline_split(g, 0, b) : 0;
    r50_stream_dry_run(g, m->rows, &m->stream, 0, b);
    set_window_bytes(m);
    region_scratch(m, sb);
    const r50_plan_region rg = {0, b, m->stream.split, m->window_bytes};
    r50_plan_graph(g, sb, plan_flags, &rg, work, &plan);
    if (plan.peak < best) {
      best = plan.peak;
      best_b = b;
    }
  }
  if (best_b) {
    m->stream.split = pipe ? pipeline_split(g, 0, best_b) : 0;
    r50_stream_dry_run(g, m->rows, &m->stream, 0, best_b);
  } else {
    m->stream.a = m->stream.b = m->stream.split = 0;
  }
  set_window_bytes(m);
  region_scratch(m, sb);
  const r50_plan_region rg = {m->stream.a, m->stream.b, m->stream.split, m->window_bytes};
  r50_plan_graph(g, sb, plan_flags, &rg, work, &plan);

  const size_t act_start = (mark + 15u) & ~(size_t)15u;
  const size_t temp_end = mem->used;
  if ((uint64_t)act_start + plan.peak > max_arena) {
    mem->used = mark;
    return r50_fail(err, R50_ERR_LIMIT,
                    "model needs an arena of %llu bytes (%zu for activations), over the "
                    "max_arena_bytes limit of %llu",
                    (unsigned long long)act_start + plan.peak, plan.peak,
                    (unsigned long long)max_arena);
  }
  if (act_start > mem->size || plan.peak > mem->size - act_start) {
    size_t need = act_start + plan.peak;
    if (need < temp_end) need = temp_end;
    if (err) err->arena_needed = need;
    mem->used = mark;
    return r50_fail(err, R50_ERR_ARENA,
                    "arena of %zu bytes too small: this model needs %zu (%zu for activations)",
                    mem->size, need, plan.peak);
  }
  m->act = mem->base + act_start;
  m->act_bytes = plan.peak;
  for (int32_t t = 0; t < nt; t++) {
    const r50_tensor *ten = &g->tensors[t];
    const int32_t b = plan.buf_of[t];
    m->tdata[t] = ten->data ? (void *)(uintptr_t)ten->data
                            : (b >= 0 ? m->act + plan.bufs[b].offset : NULL);
  }
  for (int32_t o = 0; o < no; o++)
    m->scratch[o] = plan.bufs[nt + o].size ? m->act + plan.bufs[nt + o].offset : NULL;
  /* shared region scratch: op a's, and op split's for the pipeline's back */
  void *const back = m->stream.split ? m->scratch[m->stream.split] : NULL;
  for (int32_t o = m->stream.a + 1; o < m->stream.b; o++)
    m->scratch[o] = !sb[o] ? NULL : m->stream.split && o >= m->stream.split ? back : m->scratch[m->stream.a];
  for (int32_t o = m->stream.a; o < m->stream.b; o++) m->scratch_bytes[o] = sb[o];
  mem->used = act_start + plan.peak;
  if (mem->used < temp_end) mem->used = temp_end;
  return R50_OK;
}

r50_options r50_options_default(void) {
  r50_options o;
  o.limits.max_ops = 10000;
  o.limits.max_tensors = 100000;
  o.limits.max_tensor_elems = (uint64_t)1 << 31;
  o.limits.max_arena_bytes = (uint64_t)1 << 30;
  o.flags = 0;
  return o;
}

/* Arguments common to both entries; on success *m is the handle, first in the arena. */
static r50_status init_begin(r50_model **out, void *arena, size_t arena_size, r50_bump *mem,
                             r50_model **m, r50_error *err) {
  if (err) {
    err->status = R50_OK;
    err->arena_needed = 0;
    err->msg[0] = 0;
  }
  if (!out) return r50_fail(err, R50_ERR_ARG, "model handle pointer is NULL");
  *out = NULL;
  if (!arena && arena_size) return r50_fail(err, R50_ERR_ARG, "arena is NULL");
  if (arena && !is_aligned(arena, R50_ARENA_ALIGN))
    return r50_fail(err, R50_ERR_ARG, "arena must be %d-byte aligned", R50_ARENA_ALIGN);
  mem->base = (uint8_t *)arena;
  mem->size = arena ? arena_size : 0;
  mem->used = 0;
  *m = r50_bump_alloc(mem, sizeof **m, 16);
  if (!*m) {
    if (err) err->arena_needed = 0;
    return r50_fail(err, R50_ERR_ARENA, "arena of %zu bytes cannot even hold the model handle",
                    arena_size);
  }
  return R50_OK;
}

/* Everything after the graph is in m->g: op support, prepare, memory plan. */
static r50_status init_graph(r50_model **out, r50_model *m, r50_bump *mem_, size_t arena_size,
                             const r50_options *options, r50_error *err) {
  r50_bump mem = *mem_;
  r50_status s;
  const r50_graph *g = &m->g;
  const int32_t no = g->n_ops, nt = g->n_tensors;

  /* Refuse unsupported ops before any work, naming each by index and type. */
  for (int32_t o = 0; o < no; o++) {
    const r50_op *op = &g->ops[o];
    if (!r50_op_find(op->type)) {
      if (op->type == R50_OP_CUSTOM)
        return r50_fail(err, R50_ERR_UNSUPPORTED, "op %d CUSTOM '%s': custom ops are not supported",
                        (int)o, op->custom_code ? op->custom_code : "");
      return r50_fail(err, R50_ERR_UNSUPPORTED, "op %d %s (builtin code %d): op not supported",
                      (int)o, r50_op_type_name(op->type), (int)op->type);
    }
  }

  m->impl = r50_bump_alloc(&mem, (size_t)no * sizeof *m->impl + 1, 16);
  m->state = r50_bump_alloc(&mem, (size_t)no * sizeof *m->state + 1, 16);
  m->scratch = r50_bump_alloc(&mem, (size_t)no * sizeof *m->scratch + 1, 16);
  m->tdata = r50_bump_alloc(&mem, (size_t)nt * sizeof *m->tdata + 1, 16);
  m->scratch_bytes = r50_bump_alloc(&mem, (size_t)no * sizeof(size_t) + 1, 16);
  m->rows = r50_bump_alloc(&mem, (size_t)no * sizeof *m->rows + 1, 16);
  m->window_bytes = r50_bump_alloc(&mem, (size_t)nt * sizeof(size_t) + 1, 16);
  int32_t *ints = r50_bump_alloc(&mem, 8 * (size_t)nt * sizeof(int32_t) + 1, 16);
  m->stream.view = r50_bump_alloc(&mem, 2 * (size_t)nt * sizeof(void *) + 1, 16);
  if (!m->impl || !m->state || !m->scratch || !m->tdata || !m->scratch_bytes || !m->rows ||
      !m->window_bytes || !ints || !m->stream.view) {
    if (err) err->arena_needed = 0;
    return r50_fail(err, R50_ERR_ARENA, "arena of %zu bytes too small for the op tables",
                    arena_size);
  }
  for (int32_t o = 0; o < no; o++) {
    r50_prep p;
    memset(&p, 0, sizeof p);
    p.g = g;
    p.op_index = o;
    p.op = &g->ops[o];
    p.err = err;
    p.mem = &mem;
    p.flags = options->flags;
    m->impl[o] = r50_op_find(g->ops[o].type);
    s = m->impl[o]->prepare(&p);
    if (s != R50_OK) {
      if (err && err->msg[0] == 0)
        r50_fail(err, s, "op %d %s: prepare failed", (int)o, r50_op_type_name(g->ops[o].type));
      return s;
    }
    m->state[o] = p.state;
    m->scratch_bytes[o] = (p.scratch_bytes + 15u) & ~(size_t)15u;
    m->rows[o] = p.rows;
  }
  m->stream.cap = ints;
  m->stream.produced = ints + nt;
  m->stream.base = ints + 2 * (size_t)nt;
  m->stream.req = ints + 3 * (size_t)nt;
  m->stream.kind = ints + 4 * (size_t)nt;
  m->stream.req_back = ints + 5 * (size_t)nt;
  m->stream.keep = ints + 6 * (size_t)nt;
  m->stream.cross = ints + 7 * (size_t)nt;
  m->stream.view_back = m->stream.view + nt;
  s = plan_memory(m, &mem, (options->flags & R50_OPT_NO_INPLACE) ? 0u : R50_PLAN_INPLACE,
                  !(options->flags & R50_OPT_NO_STREAM), (options->flags & R50_OPT_PIPELINE) != 0,
                  options->limits.max_arena_bytes, err);
  if (s != R50_OK) return s;
  m->plan_flags = (options->flags & R50_OPT_NO_INPLACE) ? 0u : R50_PLAN_INPLACE;
  m->arena_used = mem.used;
  m->magic = R50_MODEL_MAGIC;
  *out = m;
  return R50_OK;
}

r50_status r50_model_init_ex(r50_model **out, const void *tflite, size_t tflite_size, void *arena,
                             size_t arena_size, const r50_options *options, r50_error *err) {
  if (err) {
    err->status = R50_OK;
    err->arena_needed = 0;
    err->msg[0] = 0;
  }
  if (!out) return r50_fail(err, R50_ERR_ARG, "model handle pointer is NULL");
  *out = NULL;
  if (!tflite) return r50_fail(err, R50_ERR_ARG, "model buffer is NULL");
  if (!is_aligned(tflite, R50_MODEL_ALIGN))
    return r50_fail(err, R50_ERR_ARG, "model buffer must be %d-byte aligned", R50_MODEL_ALIGN);
  const r50_options defaults = r50_options_default();
  if (!options) options = &defaults;
  r50_bump mem;
  r50_model *m;
  r50_status s = init_begin(out, arena, arena_size, &mem, &m, err);
  if (s != R50_OK) return s;
  s = r50_tflite_read(tflite, tflite_size, &options->limits, &mem, &m->g, err);
  if (s != R50_OK) return s;
  return init_graph(out, m, &mem, arena_size, options, err);
}

r50_status r50_model_init_graph(r50_model **out, const r50_graph *g, void *arena,
                                size_t arena_size, const r50_options *options, r50_error *err) {
  if (err) {
    err->status = R50_OK;
    err->arena_needed = 0;
    err->msg[0] = 0;
  }
  if (!g) {
    if (out) *out = NULL;
    return r50_fail(err, R50_ERR_ARG, "graph is NULL");
  }
  const r50_options defaults = r50_options_default();
  if (!options) options = &defaults;
  r50_bump mem;
  r50_model *m;
  r50_status s = init_begin(out, arena, arena_size, &mem, &m, err);
  if (s != R50_OK) return s;
  m->g = *g;
  return init_graph(out, m, &mem, arena_size, options, err);
}

r50_status r50_model_init(r50_model **model, const void *tflite, size_t tflite_size, void *arena,
                          size_t arena_size, r50_error *err) {
  return r50_model_init_ex(model, tflite, tflite_size, arena, arena_size, NULL, err);
}

static int valid(const r50_model *m) { return m && m->magic == R50_MODEL_MAGIC; }

r50_status r50_model_invoke(r50_model *m, r50_error *err) {
  if (!valid(m)) return r50_fail(err, R50_ERR_STATE, "invoke on a model that is not initialised");
  const r50_graph *g = &m->g;
  for (int32_t o = 0; o < g->n_ops; o++) {
    const r50_op *op = &g->ops[o];
    if (o == m->stream.a && m->stream.a < m->stream.b) {
      /* streamed region: its ops interleave, so no per-op hook inside it */
      r50_stream_run(g, m->rows, m->state, &m->stream, m->tdata, m->scratch);
      o = m->stream.b - 1;
      continue;
    }
    m->impl[o]->eval(op, m->state[o], m->tdata, m->scratch[o]);
    if (m->hook) {
      int32_t t = op->outputs[0];
      m->hook(m->hook_user, o, m->tdata[t], g->tensors[t].bytes);
    }
  }
  return R50_OK;
}

void r50_model_set_hook(r50_model *m, r50_op_hook hook, void *user) {
  if (!valid(m)) return;
  m->hook = hook;
  m->hook_user = user;
}

int32_t r50_model_input_count(const r50_model *m) { return valid(m) ? m->g.n_inputs : 0; }
int32_t r50_model_output_count(const r50_model *m) { return valid(m) ? m->g.n_outputs : 0; }

static void fill_info(const r50_model *m, int32_t t, r50_tensor_info *info) {
  const r50_tensor *ten = &m->g.tensors[t];
  memset(info, 0, sizeof *info);
  info->name = ten->name;
  info->dtype = ten->type;
  info->ndim = ten->ndim;
  for (int32_t d = 0; d < ten->ndim && d < 6; d++) info->dims[d] = ten->dims[d];
  info->bytes = ten->bytes;
  info->scale = r50_tensor_scale(ten);
  info->zero_point = r50_tensor_zp(ten);
  info->data = m->tdata[t];
}

r50_status r50_model_input(const r50_model *m, int32_t i, r50_tensor_info *info) {
  if (!valid(m) || !info) return R50_ERR_ARG;
  if (i < 0 || i >= m->g.n_inputs) return R50_ERR_ARG;
  fill_info(m, m->g.inputs[i], info);
  return R50_OK;
}

r50_status r50_model_output(const r50_model *m, int32_t i, r50_tensor_info *info) {
  if (!valid(m) || !info) return R50_ERR_ARG;
  if (i < 0 || i >= m->g.n_outputs) return R50_ERR_ARG;
  fill_info(m, m->g.outputs[i], info);
  return R50_OK;
}

size_t r50_model_arena_used(const r50_model *m) { return valid(m) ? m->arena_used : 0; }
size_t r50_model_activation_bytes(const r50_model *m) { return valid(m) ? m->act_bytes : 0; }
int32_t r50_model_op_count(const r50_model *m) { return valid(m) ? m->g.n_ops : 0; }

/* Multiply-accumulates of one op, from verified shapes. */
static uint64_t op_macs(const r50_graph *g, const r50_op *op) {
  if (op->n_inputs < 2 || op->inputs[1] < 0) return 0;
  const r50_tensor *out = &g->tensors[op->outputs[0]];
  const r50_tensor *w = &g->tensors[op->inputs[1]];
  switch (op->type) {
    case R50_OP_CONV_2D:
      return w->ndim == 4 ? (uint64_t)out->n_elems * (uint64_t)w->dims[1] * (uint64_t)w->dims[2] *
                                (uint64_t)w->dims[3]
                          : 0;
    case R50_OP_DEPTHWISE_CONV_2D:
      return w->ndim == 4 ? (uint64_t)out->n_elems * (uint64_t)w->dims[1] * (uint64_t)w->dims[2] : 0;
    case R50_OP_FULLY_CONNECTED:
      return w->ndim == 2 ? (uint64_t)out->n_elems * (uint64_t)w->dims[1] : 0;
    default: return 0;
  }
}

r50_status r50_model_op_info(const r50_model *m, int32_t i, r50_op_info *info) {
  if (!valid(m) || !info || i < 0 || i >= m->g.n_ops) return R50_ERR_ARG;
  const r50_graph *g = &m->g;
  const r50_op *op = &g->ops[i];
  const r50_tensor *out = &g->tensors[op->outputs[0]];
  memset(info, 0, sizeof *info);
  info->type = op->type;
  info->type_name = r50_op_type_name(op->type);
  info->output_name = out->name;
  info->output_dtype = out->type;
  info->out_ndim = out->ndim;
  for (int32_t d = 0; d < out->ndim && d < 6; d++) info->out_dims[d] = out->dims[d];
  info->macs = op_macs(g, op);
  for (int32_t k = 0; k < op->n_inputs; k++) {
    int32_t t = op->inputs[k];
    if (t < 0 || !g->tensors[t].data) continue;
    info->param_count += g->tensors[t].n_elems;
    info->param_bytes += g->tensors[t].bytes;
  }
  return R50_OK;
}

r50_status r50_model_get_stats(const r50_model *m, r50_model_stats *st) {
  if (!valid(m) || !st) return R50_ERR_ARG;
  const r50_graph *g = &m->g;
  memset(st, 0, sizeof *st);
  for (int32_t o = 0; o < g->n_ops; o++) st->macs += op_macs(g, &g->ops[o]);
  /* Constants count once however many ops read them: O(ops*inputs^2), small. */
  for (int32_t o = 0; o < g->n_ops; o++) {
    const r50_op *op = &g->ops[o];
    for (int32_t k = 0; k < op->n_inputs; k++) {
      int32_t t = op->inputs[k];
      if (t < 0 || !g->tensors[t].data) continue;
      int seen = 0;
      for (int32_t p = 0; p <= o && !seen; p++) {
        const r50_op *q = &g->ops[p];
        int32_t lim = p == o ? k : q->n_inputs;
        for (int32_t j = 0; j < lim; j++)
          if (q->inputs[j] == t) {
            seen = 1;
            break;
          }
      }
      if (seen) continue;
      st->param_count += g->tensors[t].n_elems;
      st->weight_bytes += g->tensors[t].bytes;
    }
  }
  st->arena_used = m->arena_used;
  st->activation_bytes = m->act_bytes;
  return R50_OK;
}

/* ---- internal accessors (src/runtime/model_internal.h) ---- */
const r50_graph *r50_model_graph(const r50_model *m) { return valid(m) ? &m->g : NULL; }
const size_t *r50_model_scratch_sizes(const r50_model *m) { return valid(m) ? m->scratch_bytes : NULL; }
uint32_t r50_model_plan_flags(const r50_model *m) { return valid(m) ? m->plan_flags : 0; }
int r50_model_plan_region(const r50_model *m, r50_plan_region *region) {
  if (!valid(m)) return 0;
  region->a = m->stream.a;
  region->b = m->stream.b;
  region->split = m->stream.split;
  region->bytes = m->window_bytes;
  return m->stream.a < m->stream.b;
}
int64_t r50_model_tensor_offset(const r50_model *m, int32_t t) {
  if (!valid(m) || t < 0 || t >= m->g.n_tensors || !m->tdata[t] || m->g.tensors[t].data) return -1;
  return (int64_t)((const uint8_t *)m->tdata[t] - m->act);
}
int64_t r50_model_scratch_offset(const r50_model *m, int32_t o) {
  if (!valid(m) || o < 0 || o >= m->g.n_ops || !m->scratch[o]) return -1;
  return (int64_t)((const uint8_t *)m->scratch[o] - m->act);
}

/* r50 codegen: see codegen.h. Host only (malloc, stdio). */
#define _POSIX_C_SOURCE 200809L
#include "codegen.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../graph/graph.h"
#include "../runtime/error.h"
#include "../runtime/model_internal.h"

typedef struct {
  uint8_t *b;
  size_t n, cap;
  int oom;
} blob;

/* Append `bytes` at an `align`-aligned offset; returns the offset. */
static size_t blob_add(blob *w, const void *data, size_t bytes, size_t align) {
  size_t off = (w->n + align - 1) / align * align;
  if (off + bytes > w->cap) {
    size_t cap = w->cap ? w->cap : 1 << 16;
    while (cap < off + bytes) cap *= 2;
    uint8_t *nb = realloc(w->b, cap);
    if (!nb) {
      w->oom = 1;
      return 0;
    }
    w->b = nb;
    w->cap = cap;
  }
  memset(w->b + w->n, 0, off - w->n);
  if (bytes) memcpy(w->b + off, data, bytes);
  w->n = off + bytes;
  return off;
}

static int valid_ident(const char *s) {
  if (!s || !*s || (*s >= '0' && *s <= '9')) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
      return 0;
  return 1;
}

/* C string literal body of s (escapes quotes, backslashes, non-printables; '?' too: trigraphs). */
static void put_cstr(FILE *f, const char *s) {
  fputc('"', f);
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\' || c == '?')
      fprintf(f, "\\%c", c);
    else if (c < 32 || c >= 127)
      fprintf(f, "\\%03o", c);
    else
      fputc(c, f);
  }
  fputc('"', f);
}

/* Text safe inside a C comment. */
static void put_comment_text(FILE *f, const char *s) {
  for (; s && *s; s++) {
    if (s[0] == '*' && s[1] == '/') {
      fputs("* /", f);
      s++;
    } else if ((unsigned char)*s < 32) {
      fputc('?', f);
    } else {
      fputc(*s, f);
    }
  }
}

static void put_shape(FILE *f, const r50_tensor *t) {
  fputc('[', f);
  for (int32_t d = 0; d < t->ndim; d++) fprintf(f, d ? ",%d" : "%d", (int)t->dims[d]);
  fputc(']', f);
}

static const char *dtype_enum(r50_dtype t) {
  switch (t) {
    case R50_DTYPE_FLOAT32: return "R50_DTYPE_FLOAT32";
    case R50_DTYPE_FLOAT16: return "R50_DTYPE_FLOAT16";
    case R50_DTYPE_INT32: return "R50_DTYPE_INT32";
    case R50_DTYPE_UINT8: return "R50_DTYPE_UINT8";
    case R50_DTYPE_INT64: return "R50_DTYPE_INT64";
    case R50_DTYPE_STRING: return "R50_DTYPE_STRING";
    case R50_DTYPE_BOOL: return "R50_DTYPE_BOOL";
    case R50_DTYPE_INT16: return "R50_DTYPE_INT16";
    case R50_DTYPE_COMPLEX64: return "R50_DTYPE_COMPLEX64";
    case R50_DTYPE_INT8: return "R50_DTYPE_INT8";
    case R50_DTYPE_FLOAT64: return "R50_DTYPE_FLOAT64";
  }
  return "0";
}

/* Exact float literal (hex float; C99). */
static void put_float(FILE *f, float v) { fprintf(f, "%af", (double)v); }

/* The op's options as a designated initializer (", .opt.X = {...}"), or
 * nothing for ops without options. Returns 0 when the op has options this
 * emitter does not know (never for the graphs the reader makes). */
static int put_options(FILE *f, const r50_op *op) {
  const r50_op_options *o = &op->opt;
  switch (op->type) {
    case R50_OP_CONV_2D:
    case R50_OP_DEPTHWISE_CONV_2D:
      fprintf(f, ", .opt.conv = {%d, %d, %d, %d, %d, %d, %d}", (int)o->conv.padding,
              (int)o->conv.stride_w, (int)o->conv.stride_h, (int)o->conv.dilation_w,
              (int)o->conv.dilation_h, (int)o->conv.depth_multiplier, (int)o->conv.activation);
      return 1;
    case R50_OP_AVERAGE_POOL_2D:
    case R50_OP_MAX_POOL_2D:
      fprintf(f, ", .opt.pool = {%d, %d, %d, %d, %d, %d}", (int)o->pool.padding,
              (int)o->pool.stride_w, (int)o->pool.stride_h, (int)o->pool.filter_w,
              (int)o->pool.filter_h, (int)o->pool.activation);
      return 1;
    case R50_OP_FULLY_CONNECTED:
      fprintf(f, ", .opt.fc = {%d, %d, %d, %d}", (int)o->fc.activation, (int)o->fc.keep_num_dims,
              (int)o->fc.weights_format, (int)o->fc.asymmetric_quantize_inputs);
      return 1;
    case R50_OP_ADD:
    case R50_OP_SUB:
    case R50_OP_MUL:
      fprintf(f, ", .opt.eltwise = {%d, %d}", (int)o->eltwise.activation,
              (int)o->eltwise.pot_scale_int16);
      return 1;
    case R50_OP_CONCATENATION:
      fprintf(f, ", .opt.concat = {%d, %d}", (int)o->concat.axis, (int)o->concat.activation);
      return 1;
    case R50_OP_SOFTMAX:
      fputs(", .opt.softmax = {", f);
      put_float(f, o->softmax.beta);
      fputc('}', f);
      return 1;
    case R50_OP_MEAN:
      fprintf(f, ", .opt.reducer = {%d}", (int)o->reducer.keep_dims);
      return 1;
    case R50_OP_SQUEEZE:
      fprintf(f, ", .opt.squeeze = {%d, {", (int)o->squeeze.n_squeeze_dims);
      for (int i = 0; i < R50_MAX_DIMS; i++)
        fprintf(f, i ? ", %d" : "%d", (int)o->squeeze.squeeze_dims[i]);
      fputs("}}", f);
      return 1;
    default: {
      r50_op_options zero;
      memset(&zero, 0, sizeof zero);
      return memcmp(&zero, o, sizeof zero) == 0;
    }
  }
}

static uint64_t op_macs(const r50_graph *g, const r50_op *op) {
  if (op->n_inputs < 2 || op->inputs[1] < 0) return 0;
  const r50_tensor *out = &g->tensors[op->outputs[0]], *w = &g->tensors[op->inputs[1]];
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

static FILE *open_out(const char *dir, const char *name, const char *suffix, char *path, size_t n,
                      r50_error *err) {
  snprintf(path, n, "%s/%s%s", dir, name, suffix);
  FILE *f = fopen(path, "wb");
  if (!f) r50_fail(err, R50_ERR_IO, "cannot write %s", path);
  return f;
}

static r50_status close_out(FILE *f, const char *path, r50_error *err) {
  int bad = ferror(f);
  if (fclose(f) != 0 || bad) return r50_fail(err, R50_ERR_IO, "error writing %s", path);
  return R50_OK;
}

static void upper(const char *s, char *out, size_t n) {
  size_t i = 0;
  for (; s[i] && i + 1 < n; i++) out[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
  out[i] = 0;
}

/* Size of a host aligned_alloc for n bytes. */
static size_t round16(size_t n) { return (n + 15) / 16 * 16; }

r50_status r50_codegen(const void *tflite, size_t tflite_size, const char *model_path,
                       const char *dir, const char *name, unsigned flags,
                       r50_codegen_stats *stats, r50_error *err) {
  if (!valid_ident(name))
    return r50_fail(err, R50_ERR_ARG, "name '%s' is not a C identifier", name ? name : "");
  const r50_isa saved_isa = r50_isa_active();
  r50_isa_set(R50_ISA_REF, NULL);
  /* Plan for the Cortex-M kernels (their int16 scratch, conv_s8_dsp.h): the generated
   * NAME_init passes the same flag, so the device's plan is this one. */
  r50_options opt = r50_options_default();
  opt.flags |= R50_OPT_CORTEXM;
  r50_status s;
  void *arena = NULL, *arena2 = NULL;
  size_t need = 0;
  blob w = {NULL, 0, 0, 0};
  size_t *data_off = NULL, *qs_off = NULL, *qz_off = NULL;
  char path[4096];
  FILE *f = NULL;
  r50_model *m = NULL, *m2 = NULL;

  if ((s = r50_arena_size_ex(tflite, tflite_size, &opt, &need, err)) != R50_OK) goto done;
  arena = aligned_alloc(R50_ARENA_ALIGN, round16(need));
  if (!arena) {
    s = r50_fail(err, R50_ERR_NOMEM, "out of memory (arena of %zu bytes)", need);
    goto done;
  }
  if ((s = r50_model_init_ex(&m, tflite, tflite_size, arena, need, &opt, err)) != R50_OK) goto done;
  const r50_graph *g = r50_model_graph(m);
  const int32_t nt = g->n_tensors, no = g->n_ops;
  for (int32_t t = 0; t < nt; t++)
    if (g->tensors[t].is_variable) {
      s = r50_fail(err, R50_ERR_UNSUPPORTED, "tensor %d '%s' is a variable tensor", (int)t,
                   g->tensors[t].name);
      goto done;
    }

  /* 1. Constant data blob. */
  data_off = calloc((size_t)nt + 1, sizeof *data_off);
  qs_off = calloc((size_t)nt + 1, sizeof *qs_off);
  qz_off = calloc((size_t)nt + 1, sizeof *qz_off);
  if (!data_off || !qs_off || !qz_off) {
    s = r50_fail(err, R50_ERR_NOMEM, "out of memory");
    goto done;
  }
  size_t param_bytes = 0;
  int32_t max_q = 0;
  for (int32_t t = 0; t < nt; t++) {
    const r50_tensor *ten = &g->tensors[t];
    if (ten->data) {
      data_off[t] = blob_add(&w, ten->data, ten->bytes, 16);
      param_bytes += ten->bytes;
    }
    if (ten->q_count > max_q) max_q = ten->q_count;
  }
  for (int32_t t = 0; t < nt; t++) {
    const r50_tensor *ten = &g->tensors[t];
    if (ten->q_count > 0) qs_off[t] = blob_add(&w, ten->q_scale, (size_t)ten->q_count * 4, 4);
  }
  /* zero points: all-zero arrays share one block (int8 weights are symmetric) */
  size_t zeros_off = 0;
  if (max_q > 0) {
    int64_t *z = calloc((size_t)max_q, sizeof *z);
    if (!z) {
      s = r50_fail(err, R50_ERR_NOMEM, "out of memory");
      goto done;
    }
    zeros_off = blob_add(&w, z, (size_t)max_q * 8, 8);
    free(z);
  }
  for (int32_t t = 0; t < nt; t++) {
    const r50_tensor *ten = &g->tensors[t];
    int all0 = 1;
    for (int32_t i = 0; i < ten->q_count; i++) all0 &= ten->q_zero_point[i] == 0;
    if (ten->q_count > 0)
      qz_off[t] = all0 ? zeros_off : blob_add(&w, ten->q_zero_point, (size_t)ten->q_count * 8, 8);
  }
  blob_add(&w, NULL, 0, 16);
  if (w.oom) {
    s = r50_fail(err, R50_ERR_NOMEM, "out of memory (weights blob)");
    goto done;
  }

  /* 2. Device-side arena bound: the same init over the graph as the generated
   * code runs (no reader descriptors); 64-bit pointers bound 32-bit ones. */
  size_t need2 = need;
  arena2 = aligned_alloc(R50_ARENA_ALIGN, round16(need2));
  if (!arena2) {
    s = r50_fail(err, R50_ERR_NOMEM, "out of memory");
    goto done;
  }
  if ((s = r50_model_init_graph(&m2, g, arena2, need2, &opt, err)) != R50_OK) goto done;
  if (r50_model_activation_bytes(m2) != r50_model_activation_bytes(m)) {
    s = r50_fail(err, R50_ERR_STATE, "internal: the plan over the graph differs from the model's");
    goto done;
  }
  for (int32_t t = 0; t < nt; t++)
    if (r50_model_tensor_offset(m2, t) != r50_model_tensor_offset(m, t)) {
      s = r50_fail(err, R50_ERR_STATE, "internal: tensor %d placed differently", (int)t);
      goto done;
    }
  const size_t arena_bytes = round16(r50_model_arena_used(m2));
  const size_t act_bytes = r50_model_activation_bytes(m);
  r50_model_stats ms;
  r50_model_get_stats(m, &ms);
  char NAME[128];
  upper(name, NAME, sizeof NAME);
  const char *base = model_path ? strrchr(model_path, '/') : NULL;
  base = base ? base + 1 : (model_path ? model_path : "(memory)");

  /* 3. NAME_weights.bin and .S / .c */
  if (!(f = open_out(dir, name, "_weights.bin", path, sizeof path, err))) {
    s = R50_ERR_IO;
    goto done;
  }
  fwrite(w.b, 1, w.n, f);
  if ((s = close_out(f, path, err)) != R50_OK) goto done;
  if (flags & R50_CODEGEN_WEIGHTS_C) {
    if (!(f = open_out(dir, name, "_weights.c", path, sizeof path, err))) {
      s = R50_ERR_IO;
      goto done;
    }
    fprintf(f, "/* Generated by r50 codegen from %s: constant data of %s (%zu bytes). */\n"
               "#include <stdint.h>\n\n"
               "__attribute__((section(\".r50_weights\"), aligned(16)))\n"
               "const uint8_t %s_weights[%zu] = {\n",
            base, name, w.n, name, w.n ? w.n : 1);
    for (size_t i = 0; i < w.n; i++) fprintf(f, "%u,%s", w.b[i], (i % 32 == 31) ? "\n" : "");
    fputs("};\n", f);
  } else {
    if (!(f = open_out(dir, name, "_weights.S", path, sizeof path, err))) {
      s = R50_ERR_IO;
      goto done;
    }
    fprintf(f,
            "/* Generated by r50 codegen from %s: constant data of %s (weights, biases,\n"
            " * quantization; %zu bytes) from %s_weights.bin, 16-byte aligned, in section\n"
            " * .r50_weights so a linker script can place it (e.g. in external QSPI flash).\n"
            " * Assemble with the folder holding %s_weights.bin on the include path\n"
            " * (gcc -c %s_weights.S -Wa,-I,DIR; GNU as searches -I for .incbin). */\n"
            "  .section .r50_weights,\"a\"\n"
            "  .balign 16\n"
            "  .global %s_weights\n"
            "  .type %s_weights, %%object\n"
            "%s_weights:\n"
            "  .incbin \"%s_weights.bin\"\n"
            "  .size %s_weights, . - %s_weights\n"
            "#if defined(__ELF__) && defined(__linux__)\n"
            "  .section .note.GNU-stack,\"\",%%progbits\n"
            "#endif\n",
            base, name, w.n, name, name, name, name, name, name, name, name, name);
  }
  if ((s = close_out(f, path, err)) != R50_OK) goto done;

  /* 4. NAME.h */
  if (!(f = open_out(dir, name, ".h", path, sizeof path, err))) {
    s = R50_ERR_IO;
    goto done;
  }
  const r50_tensor *tin = &g->tensors[g->inputs[0]], *tout = &g->tensors[g->outputs[0]];
  fprintf(f,
          "/* Generated by r50 codegen from %s. Do not edit.\n"
          " *\n"
          " * %d ops, %d tensors, %llu MACs, %zu bytes of constant data (section .r50_weights).\n"
          " * Input 0 '", base, (int)no, (int)nt, (unsigned long long)ms.macs, w.n);
  put_comment_text(f, tin->name);
  fprintf(f, "' %s ", r50_dtype_name(tin->type));
  put_shape(f, tin);
  fputs(", output 0 '", f);
  put_comment_text(f, tout->name);
  fprintf(f, "' %s ", r50_dtype_name(tout->type));
  put_shape(f, tout);
  fprintf(f,
          ".\n *\n"
          " * Usage: static uint8_t arena[%s_ARENA_SIZE] __attribute__((aligned(16)));\n"
          " *        %s_run(input, output, arena);   (0 = R50_OK)\n"
          " * The first call initialises (prepare + memory plan, checked against the plan\n"
          " * below); later calls only run. No malloc, no stdio, no flatbuffer parsing.\n"
          " * Build with r50's src/ (minus src/host, src/image) and include/ on the include path.\n"
          " */\n"
          "#ifndef %s_H\n#define %s_H\n\n#include <stddef.h>\n#include <stdint.h>\n\n#include \"r50.h\"\n\n"
          "/* Arena bytes: an upper bound for 32-bit targets (measured with 64-bit pointers:\n"
          " * persistent tables + activations); %s_init reports the exact need. */\n"
          "#ifndef %s_ARENA_SIZE\n#define %s_ARENA_SIZE %zu\n#endif\n"
          "#define %s_ACTIVATION_BYTES %zu /* activations + scratch (the plan's peak) */\n"
          "#define %s_INPUT_BYTES %zu\n#define %s_OUTPUT_BYTES %zu\n"
          "#define %s_WEIGHT_BYTES %zu /* %s_weights[]: constant data, 16-aligned */\n"
          "#define %s_PARAM_BYTES %zu /* constant tensors alone */\n"
          "#define %s_MACS %lluull\n\n"
          "extern const uint8_t %s_weights[];\n\n"
          "/* Prepare and plan in `arena` (16-byte aligned); R50_OK or an r50_status.\n"
          " * Fails with R50_ERR_STATE if the plan differs from the generated one. */\n"
          "int %s_init(void *arena, size_t arena_size);\n"
          "/* Copy input (%s_INPUT_BYTES) in, run, copy output (%s_OUTPUT_BYTES) out\n"
          " * (either may be the model's own buffer: no copy then). Initialises on the first\n"
          " * call with this arena (assumed %s_ARENA_SIZE bytes). */\n"
          "int %s_run(const void *input, void *output, void *arena);\n"
          "/* The model handle after init (r50.h API: tensor info, hooks, arena use), or NULL. */\n"
          "r50_model *%s_model(void);\n"
          "/* The graph (an r50_graph, src/graph/graph.h) for r50_model_init_graph with\n"
          " * other options (e.g. R50_OPT_NO_STREAM to profile op by op; keep\n"
          " * R50_OPT_CORTEXM, the flag the generated plan was made with). */\n"
          "const void *%s_graph(void);\n\n#endif\n",
          name, name, NAME, NAME, name, NAME, NAME, arena_bytes, NAME, act_bytes, NAME, tin->bytes,
          NAME, tout->bytes, NAME, w.n, name, NAME, param_bytes, NAME, (unsigned long long)ms.macs,
          name, name, NAME, NAME, NAME, name, name, name);
  if ((s = close_out(f, path, err)) != R50_OK) goto done;

  /* 5. NAME.c */
  if (!(f = open_out(dir, name, ".c", path, sizeof path, err))) {
    s = R50_ERR_IO;
    goto done;
  }
  fprintf(f,
          "/* Generated by r50 codegen from %s. Do not edit.\n"
          " * The verified graph as const tables + the static memory plan; run by r50's\n"
          " * interpreter core (r50_model_init_graph: the same prepare, planner and kernels). */\n"
          "#include \"%s.h\"\n\n#include <string.h>\n\n"
          "#include \"graph/graph.h\"\n#include \"runtime/model_internal.h\"\n\n"
          "#define W_(off) ((const void *)(%s_weights + (off)))\n"
          "#define QS_(off) ((const float *)(const void *)(%s_weights + (off)))\n"
          "#define QZ_(off) ((const int64_t *)(const void *)(%s_weights + (off)))\n\n",
          base, name, name, name, name);
  /* op input/output index vectors, one array */
  fputs("static const int32_t k_io[] = {\n", f);
  size_t io_n = 0;
  for (int32_t o = 0; o < no; o++) {
    const r50_op *op = &g->ops[o];
    fputs("  ", f);
    for (int32_t k = 0; k < op->n_inputs; k++) fprintf(f, "%d, ", (int)op->inputs[k]);
    for (int32_t k = 0; k < op->n_outputs; k++) fprintf(f, "%d, ", (int)op->outputs[k]);
    fprintf(f, "/* op %d */\n", (int)o);
    io_n += (size_t)(op->n_inputs + op->n_outputs);
  }
  if (io_n == 0) fputs("  0\n", f);
  fputs("};\n\n", f);
  fprintf(f, "static const r50_tensor k_tensors[%d] = {\n", (int)nt);
  for (int32_t t = 0; t < nt; t++) {
    const r50_tensor *ten = &g->tensors[t];
    const int64_t off = r50_model_tensor_offset(m, t);
    fprintf(f, "  /* %d %s ", (int)t, r50_dtype_name(ten->type));
    put_shape(f, ten);
    if (ten->data)
      fprintf(f, " constant, %zu bytes at weights+%zu", ten->bytes, data_off[t]);
    else if (off >= 0)
      fprintf(f, " activation at arena offset %lld", (long long)off);
    else
      fputs(" no memory (aliased or unused)", f);
    if (ten->q_count == 1)
      fprintf(f, ", scale %.9g zp %lld", (double)ten->q_scale[0], (long long)ten->q_zero_point[0]);
    else if (ten->q_count > 1)
      fprintf(f, ", %d channel scales along dim %d", (int)ten->q_count, (int)ten->q_dim);
    fputs(" */\n  {.name = ", f);
    put_cstr(f, ten->name);
    fprintf(f, ", .type = %s, .ndim = %d, .dims = {", dtype_enum(ten->type), (int)ten->ndim);
    for (int32_t d = 0; d < R50_MAX_DIMS; d++) fprintf(f, d ? ", %d" : "%d", (int)ten->dims[d]);
    fprintf(f, "}, .n_elems = %zu, .bytes = %zu", ten->n_elems, ten->bytes);
    if (ten->data) fprintf(f, ", .data = W_(%zu)", data_off[t]);
    if (ten->q_count > 0)
      fprintf(f, ", .q_count = %d, .q_dim = %d, .q_scale = QS_(%zu), .q_zero_point = QZ_(%zu)",
              (int)ten->q_count, (int)ten->q_dim, qs_off[t], qz_off[t]);
    fputs("},\n", f);
  }
  fputs("};\n\n", f);
  fprintf(f, "static const r50_op k_ops[%d] = {\n", (int)no);
  size_t io_pos = 0;
  for (int32_t o = 0; o < no; o++) {
    const r50_op *op = &g->ops[o];
    const r50_tensor *out = &g->tensors[op->outputs[0]];
    fprintf(f, "  /* op %d %s '", (int)o, r50_op_type_name(op->type));
    put_comment_text(f, out->name);
    fputs("': ", f);
    for (int32_t k = 0; k < op->n_inputs; k++) {
      if (k) fputs(" ", f);
      if (op->inputs[k] < 0) {
        fputs("-", f);
        continue;
      }
      const r50_tensor *ti = &g->tensors[op->inputs[k]];
      fprintf(f, "%s%s", ti->data ? "c" : "", r50_dtype_name(ti->type));
      put_shape(f, ti);
    }
    fprintf(f, " -> %s", r50_dtype_name(out->type));
    put_shape(f, out);
    const uint64_t macs = op_macs(g, op);
    if (macs) fprintf(f, ", %llu MACs", (unsigned long long)macs);
    fprintf(f, " */\n  {.type = %d, .version = %d, .n_inputs = %d, .n_outputs = %d, .inputs = k_io + %zu, "
               ".outputs = k_io + %zu",
            (int)op->type, (int)op->version, (int)op->n_inputs, (int)op->n_outputs, io_pos,
            io_pos + (size_t)op->n_inputs);
    io_pos += (size_t)(op->n_inputs + op->n_outputs);
    if (!put_options(f, op)) {
      fclose(f);
      s = r50_fail(err, R50_ERR_UNSUPPORTED, "op %d %s: options the code generator cannot emit",
                   (int)o, r50_op_type_name(op->type));
      goto done;
    }
    fputs("},\n", f);
  }
  fputs("};\n\n", f);
  fputs("static const int32_t k_inputs[] = {", f);
  for (int32_t i = 0; i < g->n_inputs; i++) fprintf(f, "%d, ", (int)g->inputs[i]);
  fputs("}, k_outputs[] = {", f);
  for (int32_t i = 0; i < g->n_outputs; i++) fprintf(f, "%d, ", (int)g->outputs[i]);
  fputs("};\n\n", f);
  fprintf(f,
          "/* The graph (arrays are const: nothing writes through these pointers). */\n"
          "static const r50_graph k_graph = {%d, (r50_tensor *)k_tensors, %d, (r50_op *)k_ops, %d, %d,\n"
          "                                  k_inputs, k_outputs, \"\", %uu};\n\n",
          (int)nt, (int)no, (int)g->n_inputs, (int)g->n_outputs, (unsigned)g->schema_version);
  fprintf(f, "/* Static memory plan: arena offset of every activation relative to the\n"
             " * activation region (-1: constant, aliased or unused), as planned on the host. */\n"
             "static const int32_t k_plan[%d] = {\n", (int)nt);
  for (int32_t t = 0; t < nt; t++)
    fprintf(f, "%lld,%s", (long long)r50_model_tensor_offset(m, t), (t % 16 == 15) ? "\n" : " ");
  fputs("\n};\n\n", f);
  fprintf(f,
          "static r50_model *s_model;\nstatic void *s_arena;\n\n"
          "r50_model *%s_model(void) { return s_model; }\n"
          "const void *%s_graph(void) { return &k_graph; }\n\n"
          "int %s_init(void *arena, size_t arena_size) {\n"
          "  r50_model *m = NULL;\n"
          "  s_model = NULL;\n"
          "  s_arena = NULL;\n"
          "  r50_options opt = r50_options_default();\n"
          "  opt.flags |= R50_OPT_CORTEXM; /* the plan of the Cortex-M kernels, as on the host */\n"
          "  r50_status s = r50_model_init_graph(&m, &k_graph, arena, arena_size, &opt, NULL);\n"
          "  if (s != R50_OK) return (int)s;\n"
          "  if (r50_model_activation_bytes(m) != %s_ACTIVATION_BYTES) return (int)R50_ERR_STATE;\n"
          "  for (int32_t t = 0; t < %d; t++)\n"
          "    if (r50_model_tensor_offset(m, t) != k_plan[t]) return (int)R50_ERR_STATE;\n"
          "  s_model = m;\n"
          "  s_arena = arena;\n"
          "  return (int)R50_OK;\n"
          "}\n\n"
          "int %s_run(const void *input, void *output, void *arena) {\n"
          "  if (!s_model || arena != s_arena) {\n"
          "    int s = %s_init(arena, %s_ARENA_SIZE);\n"
          "    if (s != (int)R50_OK) return s;\n"
          "  }\n"
          "  r50_tensor_info in, out;\n"
          "  r50_model_input(s_model, 0, &in);\n"
          "  r50_model_output(s_model, 0, &out);\n"
          "  if (input && input != in.data) memcpy(in.data, input, in.bytes);\n"
          "  r50_status s = r50_model_invoke(s_model, NULL);\n"
          "  if (s != R50_OK) return (int)s;\n"
          "  if (output && output != out.data) memcpy(output, out.data, out.bytes);\n"
          "  return (int)R50_OK;\n"
          "}\n",
          name, name, name, NAME, (int)nt, name, name, NAME);
  if ((s = close_out(f, path, err)) != R50_OK) goto done;
  if (stats) {
    stats->weight_bytes = w.n;
    stats->param_bytes = param_bytes;
    stats->arena_bytes = arena_bytes;
    stats->activation_bytes = act_bytes;
  }
  s = R50_OK;
done:
  r50_isa_set(saved_isa, NULL);
  free(arena);
  free(arena2);
  free(w.b);
  free(data_off);
  free(qs_off);
  free(qz_off);
  return s;
}

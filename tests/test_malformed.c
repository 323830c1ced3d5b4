/* Malformed models through the whole load path (reader + prepare + plan) and,
 * when a corrupted model still loads, one invoke: every case must return a
 * status with a message, never crash (this test runs under ASan+UBSan in CI).
 * Each corrupted copy lives in a buffer of exactly its length so any read past
 * the end is caught. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model/tflite_write.h"
#include "r50.h"
#include "syngraph.h"

#define ARENA_BYTES (8u << 20)
static uint8_t *g_arena;

static uint32_t rng = 2024;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static void *load(const char *name, size_t *len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/models/%s", R50_SHARED_DIR, name);
  void *buf = NULL;
  r50_error e;
  if (r50_file_read(path, &buf, len, &e) != R50_OK) {
    fprintf(stderr, "%s\n", e.msg);
    return NULL;
  }
  return buf;
}

/* Load `data` (len bytes) from an exact-size aligned copy; invoke if it loads. */
static r50_status try_model(const uint8_t *data, size_t len, r50_error *err) {
  size_t cap = (len + 15) / 16 * 16;
  uint8_t *copy = aligned_alloc(16, cap ? cap : 16);
  if (len) memcpy(copy, data, len);
  r50_options lim = r50_options_default();
  lim.limits = (r50_limits){2000, 20000, 1u << 22, (uint64_t)1 << 26};
  r50_model *m = NULL;
  r50_status s = r50_model_init_ex(&m, copy, len, g_arena, ARENA_BYTES, &lim, err);
  if (s == R50_OK) {
    r50_tensor_info in;
    for (int32_t i = 0; i < r50_model_input_count(m); i++)
      if (r50_model_input(m, i, &in) == R50_OK && in.data) memset(in.data, 0, in.bytes);
    s = r50_model_invoke(m, err);
  } else {
    CHECK_MSG(err->msg[0] != 0, "status %d without a message", (int)s);
  }
  free(copy);
  return s;
}


/* ---- graphs through the TFLite writer: tests/syngraph.h. Each case breaks
 * one thing, writes the file and loads it through r50_model_init_ex. */
/* Write s->g and load it (exact-size copy, invoke if it loads). */
static r50_status syn_load(syn *s, r50_error *err) {
  static _Alignas(16) uint8_t file[8192];
  size_t len = 0;
  r50_status st = r50_tflite_write(&s->g, 0, file, sizeof file, &len, err);
  if (st != R50_OK) return st;
  return try_model(file, len, err);
}

/* The case must be refused with `want` and a message holding `phrase`. */
#define REFUSED(s, want, phrase)                                                               \
  do {                                                                                         \
    r50_error e_;                                                                              \
    memset(&e_, 0, sizeof e_);                                                                 \
    r50_status st_ = syn_load(s, &e_);                                                         \
    CHECK_MSG(st_ == (want) && strstr(e_.msg, phrase) != NULL,                                 \
              "%s:%d: expected %s with '%s', got %s: %s", __FILE__, __LINE__,                  \
              r50_status_str(want), phrase, r50_status_str(st_), e_.msg);                      \
  } while (0)

static void test_graphs(void) {
  syn s;
  r50_error e;

  syn_init(&s, "malformed");
  CHECK_MSG(syn_load(&s, &e) == R50_OK, "baseline synthetic model: %s", e.msg);

  /* cycle: conv reads the pool's output, the pool reads the conv's */
  syn_init(&s, "malformed");
  s.io[0][0][0] = 4;
  s.t[4].dims[3] = 2, syn_shape(&s.t[4], 4, s.t[4].dims);
  REFUSED(&s, R50_ERR_MODEL, "operator 0 (CONV_2D): input 0 is tensor 4 'pool', which is neither constant, a graph input nor produced by an earlier operator (cycle or dangling reference)");
  /* ops in the wrong order (a cycle in op order) */
  syn_init(&s, "malformed");
  {
    r50_op tmp = s.op[0];
    s.op[0] = s.op[1];
    s.op[1] = tmp;
  }
  REFUSED(&s, R50_ERR_MODEL, "operator 0 (MAX_POOL_2D): input 0 is tensor 3 'conv'");
  /* dangling: the pool reads a tensor nobody writes */
  syn_init(&s, "malformed");
  s.t[5] = s.t[3];
  s.t[5].name = "extra";
  s.g.n_tensors = 6;
  s.io[1][0][0] = 5;
  REFUSED(&s, R50_ERR_MODEL, "input 0 is tensor 5 'extra', which is neither constant");
  /* dangling: index past the tensor table (input and output) */
  syn_init(&s, "malformed");
  s.io[1][0][0] = 7;
  REFUSED(&s, R50_ERR_MODEL, "operator 1 (MAX_POOL_2D): input index 7 out of range (model has 5 tensors)");
  syn_init(&s, "malformed");
  s.io[1][1][0] = 5;
  REFUSED(&s, R50_ERR_MODEL, "operator 1 (MAX_POOL_2D): output index 5 out of range");
  syn_init(&s, "malformed");
  s.gout[0] = 9;
  REFUSED(&s, R50_ERR_MODEL, "tensor index 9 out of range");
  /* an op whose output is the model input */
  syn_init(&s, "malformed");
  s.io[1][1][0] = 0;
  REFUSED(&s, R50_ERR_MODEL, "operator 1 (MAX_POOL_2D): output 0 writes graph input tensor 0 'in'");
  /* ... or a constant, or a tensor another op already wrote */
  syn_init(&s, "malformed");
  s.io[1][1][0] = 1;
  REFUSED(&s, R50_ERR_MODEL, "output 0 writes constant tensor 1 'w'");
  syn_init(&s, "malformed");
  s.io[1][1][0] = 3;
  REFUSED(&s, R50_ERR_MODEL, "output 0 tensor 3 'conv' is already produced by operator 0");
  /* graph output nobody produces */
  syn_init(&s, "malformed");
  s.t[5] = s.t[4];
  s.t[5].name = "extra";
  s.g.n_tensors = 6;
  s.gout[0] = 5;
  REFUSED(&s, R50_ERR_MODEL, "graph output 0 is tensor 5 'extra', which no operator produces");
  /* an op reading a variable tensor nobody writes (state is not supported) */
  syn_init(&s, "malformed");
  s.t[5] = s.t[3];
  s.t[5].name = "extra";
  s.t[5].is_variable = 1;
  s.g.n_tensors = 6;
  s.io[1][0][0] = 5;
  REFUSED(&s, R50_ERR_UNSUPPORTED, "variable tensor 5 'extra'");

  /* zero-sized tensors: activation, weights, graph input */
  int32_t z4[4] = {1, 0, 2, 2};
  syn_init(&s, "malformed");
  syn_shape(&s.t[3], 4, z4);
  REFUSED(&s, R50_ERR_UNSUPPORTED, "tensor 3 'conv': zero-sized tensor (shape [1,0,2,2])");
  syn_init(&s, "malformed");
  syn_shape(&s.t[0], 4, z4);
  REFUSED(&s, R50_ERR_UNSUPPORTED, "tensor 0 'in': zero-sized tensor");
  int32_t z1[1] = {0};
  syn_init(&s, "malformed");
  syn_shape(&s.t[2], 1, z1);
  s.t[2].q_count = 1;
  REFUSED(&s, R50_ERR_UNSUPPORTED, "tensor 2 'b': zero-sized tensor");

  /* wrong types */
  syn_init(&s, "malformed"); /* float weights with int8 activations */
  s.t[1].type = R50_DTYPE_FLOAT32;
  s.t[1].bytes = s.t[1].n_elems * 4;
  s.t[1].data = s.wf;
  s.t[1].q_count = 0;
  REFUSED(&s, R50_ERR_UNSUPPORTED, "op 0 CONV_2D");
  syn_init(&s, "malformed"); /* int8 bias */
  s.t[2].type = R50_DTYPE_INT8;
  s.t[2].bytes = 4;
  REFUSED(&s, R50_ERR_UNSUPPORTED, "op 0 CONV_2D");
  syn_init(&s, "malformed"); /* string tensor */
  s.t[3].type = R50_DTYPE_STRING;
  s.t[3].bytes = s.t[3].n_elems;
  REFUSED(&s, R50_ERR_UNSUPPORTED, "tensor 3 'conv': tensor type STRING is not supported");
  syn_init(&s, "malformed"); /* int64 activation */
  s.t[4].type = R50_DTYPE_INT64;
  s.t[4].bytes = s.t[4].n_elems * 8;
  REFUSED(&s, R50_ERR_UNSUPPORTED, "op 1 MAX_POOL_2D");
  syn_init(&s, "malformed"); /* type outside the schema */
  s.t[3].type = (r50_dtype)77;
  s.t[3].bytes = s.t[3].n_elems;
  REFUSED(&s, R50_ERR_MODEL, "tensor 3 'conv': invalid tensor type 77");
  syn_init(&s, "malformed"); /* output shape that is not what the op computes */
  s.t[4].dims[1] = 3, syn_shape(&s.t[4], 4, s.t[4].dims);
  REFUSED(&s, R50_ERR_MODEL, "op 1 MAX_POOL_2D");
  syn_init(&s, "malformed"); /* rank 3 input to a conv */
  int32_t r3[3] = {4, 4, 2};
  syn_shape(&s.t[0], 3, r3);
  REFUSED(&s, R50_ERR_MODEL, "op 0 CONV_2D");

  /* limits: op count, tensor count, element count, all with the limit named */
  {
    static _Alignas(16) uint8_t file[8192];
    size_t len = 0;
    syn_init(&s, "malformed");
    CHECK(r50_tflite_write(&s.g, 0, file, sizeof file, &len, &e) == R50_OK);
    r50_options o = r50_options_default();
    r50_model *m = NULL;
    o.limits.max_ops = 1;
    CHECK(r50_model_init_ex(&m, file, len, g_arena, ARENA_BYTES, &o, &e) == R50_ERR_LIMIT &&
          strstr(e.msg, "more than max_ops=1"));
    o = r50_options_default();
    o.limits.max_tensors = 4;
    CHECK(r50_model_init_ex(&m, file, len, g_arena, ARENA_BYTES, &o, &e) == R50_ERR_LIMIT &&
          strstr(e.msg, "more than max_tensors=4"));
    o = r50_options_default();
    o.limits.max_tensor_elems = 31;
    CHECK(r50_model_init_ex(&m, file, len, g_arena, ARENA_BYTES, &o, &e) == R50_ERR_LIMIT &&
          strstr(e.msg, "more than max_tensor_elems=31"));
    o = r50_options_default();
    o.limits.max_arena_bytes = 1000; /* the arena cap: refused as a limit, whatever the arena */
    CHECK(r50_model_init_ex(&m, file, len, g_arena, ARENA_BYTES, &o, &e) == R50_ERR_LIMIT &&
          strstr(e.msg, "max_arena_bytes limit of 1000"));
    size_t need = 0;
    CHECK(r50_arena_size_ex(file, len, &o, &need, &e) == R50_ERR_LIMIT && need == 0);
    o = r50_options_default();
    CHECK_MSG(r50_model_init_ex(&m, file, len, g_arena, ARENA_BYTES, &o, &e) == R50_OK, "%s", e.msg);
  }
}

int main(void) {
  g_arena = aligned_alloc(16, ARENA_BYTES);
  r50_error err;

  test_graphs();

  /* 1. The shared broken model: no buffers, one unknown custom op. */
  size_t blen = 0;
  uint8_t *bad = load("model_invoking_error.tflite", &blen);
  CHECK(bad != NULL);
  if (bad) {
    r50_status s = try_model(bad, blen, &err);
    CHECK_MSG(s != R50_OK, "model_invoking_error.tflite was accepted");
    printf("model_invoking_error.tflite: %s: %s\n", r50_status_str(s), err.msg);
    r50_file_free(bad);
  }

  size_t len = 0;
  uint8_t *model = load("pretrainedResnet_quant.tflite", &len);
  CHECK(model != NULL);
  if (!model) return test_finish("test_malformed");
  CHECK(try_model(model, len, &err) == R50_OK);

  /* R50_MALFORMED_TRIALS lowers the bit-flip count and tests every 97th truncation (valgrind run in CI) */
  const char *tr = getenv("R50_MALFORMED_TRIALS");
  const int trials = tr && atoi(tr) > 0 ? atoi(tr) : 3000;
  const size_t trunc_step = tr ? 97 : 1;
  /* 2. Every truncation length. */
  int accepted = 0;
  for (size_t n = 0; n < len; n += trunc_step) {
    r50_status s = try_model(model, n, &err);
    if (s == R50_OK) accepted++;
  }
  CHECK_MSG(accepted == 0, "%d truncated copies were accepted", accepted);
  try_model(model, 1000, &err);
  printf("truncated to 1000 bytes: %s\n", err.msg);

  /* 3. Random bit flips and byte overwrites: any status, no crash. */
  uint8_t *mut = malloc(len);
  int loaded = 0;
  for (int trial = 0; trial < trials; trial++) {
    memcpy(mut, model, len);
    int flips = 1 + (int)(rnd() % 8);
    for (int k = 0; k < flips; k++) {
      size_t at = rnd() % len;
      if (trial % 2)
        mut[at] ^= (uint8_t)(1u << (rnd() % 8));
      else
        mut[at] = (uint8_t)rnd();
    }
    if (try_model(mut, len, &err) == R50_OK) loaded++;
  }
  printf("bit flips: %d of %d corrupted models still loaded (and ran) cleanly\n", loaded, trials);
  free(mut);

  /* 4. Not a flatbuffer at all, and too small. */
  const uint8_t junk[64] = {1, 2, 3, 4, 5, 6, 7, 8, 'T', 'F', 'L', '3'};
  CHECK(try_model(junk, sizeof junk, &err) != R50_OK);
  CHECK(try_model(junk, 4, &err) != R50_OK);

  /* 5. Misaligned model buffer and arena: refused as argument errors. */
  uint8_t *odd = aligned_alloc(16, (len + 16 + 15) / 16 * 16);
  memcpy(odd + 1, model, len);
  r50_model *m = NULL;
  CHECK(r50_model_init(&m, odd + 1, len, g_arena, ARENA_BYTES, &err) == R50_ERR_ARG);
  CHECK(strstr(err.msg, "aligned") != NULL);
  CHECK(r50_model_init(&m, model, len, g_arena + 1, ARENA_BYTES - 16, &err) == R50_ERR_ARG);
  free(odd);

  /* 6. Arena too small: exact need reported, and that exact size works. */
  size_t need = 0;
  CHECK(r50_arena_size(model, len, &need, &err) == R50_OK);
  CHECK(r50_model_init(&m, model, len, g_arena, need - 16, &err) == R50_ERR_ARENA);
  CHECK_MSG(err.arena_needed == need, "arena_needed %zu vs %zu", err.arena_needed, need);
  CHECK(r50_model_init(&m, model, len, g_arena, need, &err) == R50_OK);
  CHECK(r50_model_init(&m, model, len, g_arena, 64, &err) == R50_ERR_ARENA);
  CHECK(r50_model_invoke(NULL, &err) == R50_ERR_STATE);

  r50_file_free(model);
  free(g_arena);
  return test_finish("test_malformed");
}

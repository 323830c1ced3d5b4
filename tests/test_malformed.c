/* Malformed models through the whole load path (reader + prepare + plan) and,
 * when a corrupted model still loads, one invoke: every case must return a
 * status with a message, never crash (this test runs under ASan+UBSan in CI).
 * Each corrupted copy lives in a buffer of exactly its length so any read past
 * the end is caught. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "r50.h"

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
  lim.limits = (r50_limits){2000, 20000, 1u << 22};
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

int main(void) {
  g_arena = aligned_alloc(16, ARENA_BYTES);
  r50_error err;

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

  /* 2. Every truncation length. */
  int accepted = 0;
  for (size_t n = 0; n < len; n++) {
    r50_status s = try_model(model, n, &err);
    if (s == R50_OK) accepted++;
  }
  CHECK_MSG(accepted == 0, "%d truncated copies were accepted", accepted);
  try_model(model, 1000, &err);
  printf("truncated to 1000 bytes: %s\n", err.msg);

  /* 3. Random bit flips and byte overwrites: any status, no crash. */
  uint8_t *mut = malloc(len);
  int loaded = 0;
  for (int trial = 0; trial < 3000; trial++) {
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
  printf("bit flips: %d of 3000 corrupted models still loaded (and ran) cleanly\n", loaded);
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

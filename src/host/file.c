/* Host helpers: file loading and arena sizing. These may allocate; the
 * run-time core (everything outside src/host) never does. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../runtime/error.h"
#include "r50.h"

r50_status r50_file_read(const char *path, void **buf, size_t *len, r50_error *err) {
  if (!path || !buf || !len) return r50_fail(err, R50_ERR_ARG, "r50_file_read: NULL argument");
  *buf = NULL;
  *len = 0;
  FILE *f = fopen(path, "rb");
  if (!f) return r50_fail(err, R50_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
  /* a directory opens fine and reports a size of LONG_MAX: refuse anything
   * that is not a regular file before sizing an allocation from it */
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    fclose(f);
    return r50_fail(err, R50_ERR_IO, "'%s' is not a regular file", path);
  }
  long size = -1;
  if (fseek(f, 0, SEEK_END) == 0) size = ftell(f);
  if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return r50_fail(err, R50_ERR_IO, "cannot determine the size of '%s'", path);
  }
  void *p = NULL;
  size_t alloc = ((size_t)size + R50_MODEL_ALIGN) / R50_MODEL_ALIGN * R50_MODEL_ALIGN;
  if (posix_memalign(&p, R50_MODEL_ALIGN, alloc) != 0) {
    fclose(f);
    return r50_fail(err, R50_ERR_NOMEM, "cannot allocate %ld bytes for '%s'", size, path);
  }
  size_t got = size ? fread(p, 1, (size_t)size, f) : 0;
  int bad = ferror(f);
  fclose(f);
  if (got != (size_t)size || bad) {
    free(p);
    return r50_fail(err, R50_ERR_IO, "short read on '%s' (%zu of %ld bytes)", path, got, size);
  }
  *buf = p;
  *len = (size_t)size;
  return R50_OK;
}

void r50_file_free(void *buf) { free(buf); }

r50_status r50_arena_size(const void *tflite, size_t tflite_size, size_t *bytes, r50_error *err) {
  return r50_arena_size_ex(tflite, tflite_size, NULL, bytes, err);
}

r50_status r50_arena_size_ex(const void *tflite, size_t tflite_size, const r50_options *options,
                             size_t *bytes, r50_error *err) {
  if (!bytes) return r50_fail(err, R50_ERR_ARG, "r50_arena_size: NULL argument");
  *bytes = 0;
  /* Trial inits: init reports the exact need whenever its descriptors fit, so
   * at most a few doublings happen before the exact retry. */
  const r50_options defaults = r50_options_default();
  const uint64_t max = (options ? options : &defaults)->limits.max_arena_bytes;
  size_t size = (size_t)1 << 20;
  if ((uint64_t)size > max) size = (size_t)max;
  for (int attempt = 0; attempt < 40; attempt++) {
    void *arena = NULL;
    if (posix_memalign(&arena, R50_ARENA_ALIGN, size) != 0)
      return r50_fail(err, R50_ERR_NOMEM, "cannot allocate a %zu-byte trial arena", size);
    r50_model *m = NULL;
    r50_error e;
    r50_status s = r50_model_init_ex(&m, tflite, tflite_size, arena, size, options, &e);
    size_t used = s == R50_OK ? r50_model_arena_used(m) : 0;
    free(arena);
    if (s == R50_OK) {
      *bytes = used;
      return R50_OK;
    }
    if (s != R50_ERR_ARENA) {
      if (err) *err = e;
      return s;
    }
    size_t next = e.arena_needed > size ? e.arena_needed : size * 2;
    if (next < size) break; /* overflow */
    if ((uint64_t)next > max) { /* init refuses models over the limit: never try more */
      if ((uint64_t)size >= max) break;
      next = (size_t)max;
    }
    size = next;
  }
  return r50_fail(err, R50_ERR_LIMIT, "could not size the arena within max_arena_bytes=%llu",
                  (unsigned long long)max);
}

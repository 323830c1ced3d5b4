/* Bump allocator over a caller-owned region: the only allocator of the
 * run-time core. Allocations are never freed individually. */
#ifndef R50_BUMP_H
#define R50_BUMP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
  uint8_t *base;
  size_t size;
  size_t used;
} r50_bump;

/* Zero-filled block of `bytes` aligned to `align` (a power of two <= 16), or
 * NULL if it does not fit (the bump is unchanged then). */
static inline void *r50_bump_alloc(r50_bump *b, size_t bytes, size_t align) {
  size_t start = (b->used + (align - 1)) & ~(align - 1);
  if (start < b->used || start > b->size || bytes > b->size - start) return NULL;
  b->used = start + bytes;
  memset(b->base + start, 0, bytes);
  return b->base + start;
}

#endif

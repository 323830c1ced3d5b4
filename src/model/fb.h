/* Verifying, zero-copy flatbuffer access for the TFLite reader (internal).
 *
 * Every accessor checks what it touches before touching it: table start
 * alignment, the soffset to the vtable, the vtable's size and bounds, the
 * table's inline size, each field's offset against the inline size, field
 * alignment, uoffsets (non-zero, target in bounds), vector lengths against
 * the bytes left (64-bit math, no overflow), element alignment, and string
 * NUL terminators. Nothing is dereferenced before it is checked, and nothing
 * recurses: the caller walks a fixed schema, so depth is bounded by the code.
 *
 * Alignment is checked relative to the buffer start, which the caller has
 * checked to be 16-byte aligned, so relative alignment is real alignment.
 *
 * Errors go to r->err via r50_fail (R50_ERR_MODEL) with a prefix naming the
 * object being read (r->obj, r->idx) and the field. */
#ifndef R50_MODEL_FB_H
#define R50_MODEL_FB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../runtime/error.h"
#include "r50.h"

typedef struct {
  const uint8_t *buf;
  size_t len;
  r50_error *err;
  const char *obj; /* object being read, for messages: "tensor" */
  int64_t idx;     /* its index, or -1 */
} fb_reader;

typedef struct {
  size_t pos;      /* table start (the soffset) */
  size_t vt;       /* vtable start */
  uint32_t vsize;  /* vtable bytes */
  uint32_t tsize;  /* table inline bytes */
} fb_table;

typedef struct {
  size_t pos;      /* first element */
  uint32_t n;      /* element count */
} fb_vec;

static inline uint16_t fb_rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t fb_rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t fb_rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* "tensor 12" / "model" into out. */
static inline const char *fb_where(const fb_reader *r, char *out, size_t n) {
  if (r->idx >= 0)
    snprintf(out, n, "%s %lld", r->obj, (long long)r->idx);
  else
    snprintf(out, n, "%s", r->obj);
  return out;
}

#define FB_FAIL(r, field, ...)                                                  \
  do {                                                                          \
    char where_[48], what_[200];                                                \
    snprintf(what_, sizeof what_, __VA_ARGS__);                                 \
    return r50_fail((r)->err, R50_ERR_MODEL, "%s field '%s': %s",               \
                    fb_where((r), where_, sizeof where_), (field), what_);      \
  } while (0)

/* Verify the table whose start is `pos`. */
static inline r50_status fb_table_at(const fb_reader *r, uint64_t pos, const char *field,
                                     fb_table *t) {
  if (pos > r->len || r->len - pos < 4)
    FB_FAIL(r, field, "truncated: table at offset %llu runs past the end of the %zu-byte buffer",
            (unsigned long long)pos, r->len);
  if (pos % 4)
    FB_FAIL(r, field, "misaligned table at offset %llu", (unsigned long long)pos);
  int32_t so;
  memcpy(&so, r->buf + pos, 4);
  int64_t vt = (int64_t)pos - (int64_t)so;
  if (vt < 0 || (uint64_t)vt > r->len || r->len - (uint64_t)vt < 4)
    FB_FAIL(r, field, "table at offset %llu: vtable offset %lld out of bounds (buffer %zu bytes)",
            (unsigned long long)pos, (long long)vt, r->len);
  if (vt % 2)
    FB_FAIL(r, field, "table at offset %llu: misaligned vtable at %lld",
            (unsigned long long)pos, (long long)vt);
  uint32_t vsize = fb_rd16(r->buf + vt), tsize = fb_rd16(r->buf + vt + 2);
  if (vsize < 4 || vsize % 2)
    FB_FAIL(r, field, "table at offset %llu: bad vtable size %u", (unsigned long long)pos, (unsigned)vsize);
  if ((uint64_t)vt + vsize > r->len)
    FB_FAIL(r, field, "truncated: vtable at offset %lld (%u bytes) runs past the end of the %zu-byte buffer",
            (long long)vt, (unsigned)vsize, r->len);
  if (tsize < 4)
    FB_FAIL(r, field, "table at offset %llu: bad inline size %u", (unsigned long long)pos, (unsigned)tsize);
  if (pos + tsize > r->len)
    FB_FAIL(r, field, "truncated: table at offset %llu (%u bytes) runs past the end of the %zu-byte buffer",
            (unsigned long long)pos, (unsigned)tsize, r->len);
  t->pos = (size_t)pos;
  t->vt = (size_t)vt;
  t->vsize = vsize;
  t->tsize = tsize;
  return R50_OK;
}

/* Absolute position of field `id` (size `size`, aligned to `size`), or 0 if
 * the field is absent. Returns status; *at = 0 when absent. */
static inline r50_status fb_field(const fb_reader *r, const fb_table *t, int id, uint32_t size,
                                  const char *field, size_t *at) {
  *at = 0;
  uint32_t slot = 4u + 2u * (uint32_t)id;
  if (slot + 2 > t->vsize) return R50_OK; /* older writer: field absent */
  uint32_t off = fb_rd16(r->buf + t->vt + slot);
  if (off == 0) return R50_OK;
  if (off < 4 || off + size > t->tsize)
    FB_FAIL(r, field, "field offset %u (size %u) outside the table's %u inline bytes", (unsigned)off, (unsigned)size,
            (unsigned)t->tsize);
  size_t p = t->pos + off;
  if (p % size)
    FB_FAIL(r, field, "misaligned %u-byte scalar at offset %zu", (unsigned)size, p);
  *at = p;
  return R50_OK;
}

#define FB_SCALAR_GETTER(NAME, T, SZ, RD)                                                  \
  static inline r50_status NAME(const fb_reader *r, const fb_table *t, int id, T def,      \
                                const char *field, T *out) {                               \
    size_t at;                                                                             \
    r50_status s = fb_field(r, t, id, SZ, field, &at);                                     \
    if (s) return s;                                                                       \
    if (!at) {                                                                             \
      *out = def;                                                                          \
    } else {                                                                               \
      RD;                                                                                  \
    }                                                                                      \
    return R50_OK;                                                                         \
  }
FB_SCALAR_GETTER(fb_u8, uint8_t, 1, *out = r->buf[at])
FB_SCALAR_GETTER(fb_i8, int8_t, 1, *out = (int8_t)r->buf[at])
FB_SCALAR_GETTER(fb_i32, int32_t, 4, memcpy(out, r->buf + at, 4))
FB_SCALAR_GETTER(fb_u32, uint32_t, 4, *out = fb_rd32(r->buf + at))
FB_SCALAR_GETTER(fb_u64, uint64_t, 8, *out = fb_rd64(r->buf + at))
FB_SCALAR_GETTER(fb_f32, float, 4, memcpy(out, r->buf + at, 4))
#undef FB_SCALAR_GETTER

/* Follow the uoffset stored at absolute position `at` (4-aligned, checked). */
static inline r50_status fb_deref(const fb_reader *r, size_t at, const char *field, uint64_t *target) {
  if (at % 4 || at > r->len || r->len - at < 4)
    FB_FAIL(r, field, "bad offset slot at %zu", at);
  uint32_t u = fb_rd32(r->buf + at);
  if (u == 0) FB_FAIL(r, field, "zero offset at %zu", at);
  uint64_t tg = (uint64_t)at + u;
  if (tg >= r->len)
    FB_FAIL(r, field, "truncated: offset at %zu points to %llu, past the end of the %zu-byte buffer",
            at, (unsigned long long)tg, r->len);
  *target = tg;
  return R50_OK;
}

/* Sub-table in field `id`; *present = 0 if absent. */
static inline r50_status fb_subtable(const fb_reader *r, const fb_table *t, int id,
                                     const char *field, fb_table *sub, int *present) {
  size_t at = 0;
  uint64_t tg = 0;
  *present = 0;
  r50_status s = fb_field(r, t, id, 4, field, &at);
  if (s || !at) return s;
  if ((s = fb_deref(r, at, field, &tg))) return s;
  if ((s = fb_table_at(r, tg, field, sub))) return s;
  *present = 1;
  return R50_OK;
}

/* Vector at absolute position `vpos` (its length word). */
static inline r50_status fb_vector_at(const fb_reader *r, uint64_t vpos, uint32_t elem,
                                      const char *field, fb_vec *v) {
  if (vpos % 4) FB_FAIL(r, field, "misaligned vector at offset %llu", (unsigned long long)vpos);
  if (vpos > r->len || r->len - vpos < 4)
    FB_FAIL(r, field, "truncated: vector length at offset %llu runs past the end of the %zu-byte buffer",
            (unsigned long long)vpos, r->len);
  uint32_t n = fb_rd32(r->buf + vpos);
  uint64_t start = vpos + 4, bytes = (uint64_t)n * elem;
  if (bytes > r->len - start)
    FB_FAIL(r, field,
            "truncated: vector at offset %llu (length %u) runs past the end of the %zu-byte buffer",
            (unsigned long long)vpos, (unsigned)n, r->len);
  if (elem > 1 && start % elem)
    FB_FAIL(r, field, "vector data at offset %llu not aligned to its %u-byte elements",
            (unsigned long long)start, (unsigned)elem);
  v->pos = (size_t)start;
  v->n = n;
  return R50_OK;
}

/* Vector in field `id` with element size `elem`; absent -> n = 0, *present = 0. */
static inline r50_status fb_vector(const fb_reader *r, const fb_table *t, int id, uint32_t elem,
                                   const char *field, fb_vec *v, int *present) {
  size_t at = 0;
  uint64_t tg = 0;
  v->pos = 0;
  v->n = 0;
  if (present) *present = 0;
  r50_status s = fb_field(r, t, id, 4, field, &at);
  if (s || !at) return s;
  if ((s = fb_deref(r, at, field, &tg))) return s;
  if ((s = fb_vector_at(r, tg, elem, field, v))) return s;
  if (present) *present = 1;
  return R50_OK;
}

/* String in field `id`: NUL-terminated inside the buffer; absent -> def. */
static inline r50_status fb_string(const fb_reader *r, const fb_table *t, int id, const char *def,
                                   const char *field, const char **out) {
  size_t at = 0;
  uint64_t tg = 0;
  fb_vec v = {0, 0};
  *out = def;
  r50_status s = fb_field(r, t, id, 4, field, &at);
  if (s || !at) return s;
  if ((s = fb_deref(r, at, field, &tg))) return s;
  if ((s = fb_vector_at(r, tg, 1, field, &v))) return s;
  if (v.pos + v.n >= r->len || r->buf[v.pos + v.n] != 0)
    FB_FAIL(r, field, "string at offset %llu (length %u) is not NUL-terminated inside the buffer",
            (unsigned long long)tg, (unsigned)v.n);
  *out = (const char *)(r->buf + v.pos);
  return R50_OK;
}

/* Element i of a vector of tables. */
static inline r50_status fb_vec_table(const fb_reader *r, const fb_vec *v, uint32_t i,
                                      const char *field, fb_table *t) {
  uint64_t tg = 0;
  r50_status s = fb_deref(r, v->pos + (size_t)i * 4, field, &tg);
  if (s) return s;
  return fb_table_at(r, tg, field, t);
}

#endif

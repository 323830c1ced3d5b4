#include "plan.h"

static int lifetimes_meet(const r50_plan_buf *a, const r50_plan_buf *b) {
  return a->first <= b->last && b->first <= a->last;
}

/* Insertion sort helpers keep the planner allocation-free and stable. */
static int size_before(const r50_plan_buf *bufs, int32_t a, int32_t b) {
  if (bufs[a].size != bufs[b].size) return bufs[a].size > bufs[b].size;
  if (bufs[a].first != bufs[b].first) return bufs[a].first < bufs[b].first;
  return a < b;
}

static size_t align_up(size_t v) { return (v + (R50_PLAN_ALIGN - 1)) & ~(size_t)(R50_PLAN_ALIGN - 1); }

size_t r50_plan_greedy(r50_plan_buf *bufs, int32_t n, int32_t *work) {
  int32_t *order = work;      /* buffers by size, largest first */
  int32_t *placed = work + n; /* placed buffers, kept sorted by offset */
  int32_t n_placed = 0;
  size_t peak = 0;

  for (int32_t i = 0; i < n; i++) {
    int32_t j = i;
    while (j > 0 && size_before(bufs, i, order[j - 1])) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }

  for (int32_t k = 0; k < n; k++) {
    r50_plan_buf *b = &bufs[order[k]];
    if (b->size == 0) {
      b->offset = 0;
      continue;
    }
    size_t candidate = 0;
    for (int32_t p = 0; p < n_placed; p++) { /* address order */
      const r50_plan_buf *o = &bufs[placed[p]];
      if (!lifetimes_meet(b, o)) continue;
      if (o->offset >= candidate && o->offset - candidate >= b->size) break; /* gap fits */
      size_t end = align_up(o->offset + o->size);
      if (end > candidate) candidate = end;
    }
    b->offset = candidate;
    if (candidate + b->size > peak) peak = candidate + b->size;
    int32_t j = n_placed++;
    while (j > 0 && bufs[placed[j - 1]].offset > candidate) {
      placed[j] = placed[j - 1];
      j--;
    }
    placed[j] = order[k];
  }
  return align_up(peak);
}

int r50_plan_check(const r50_plan_buf *bufs, int32_t n) {
  for (int32_t i = 0; i < n; i++) {
    if (bufs[i].size == 0) continue;
    if (bufs[i].offset % R50_PLAN_ALIGN) return 0;
    for (int32_t j = i + 1; j < n; j++) {
      if (bufs[j].size == 0 || !lifetimes_meet(&bufs[i], &bufs[j])) continue;
      if (bufs[i].offset < bufs[j].offset + bufs[j].size &&
          bufs[j].offset < bufs[i].offset + bufs[i].size)
        return 0;
    }
  }
  return 1;
}

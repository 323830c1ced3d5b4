/* Planner: random lifetime sets never overlap in address while both live,
 * offsets are aligned, and the peak is at least the largest live set. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "plan/plan.h"

static uint32_t rng = 12345;
static uint32_t rnd(void) {
  rng = rng * 1664525u + 1013904223u;
  return rng >> 8;
}

int main(void) {
  for (int trial = 0; trial < 2000; trial++) {
    int32_t n = 1 + (int32_t)(rnd() % 64);
    int32_t steps = 1 + (int32_t)(rnd() % 40);
    r50_plan_buf bufs[64];
    int32_t work[128];
    for (int32_t i = 0; i < n; i++) {
      bufs[i].size = rnd() % 5 == 0 ? 0 : 1 + rnd() % 5000;
      bufs[i].first = (int32_t)(rnd() % (uint32_t)steps);
      bufs[i].last = bufs[i].first + (int32_t)(rnd() % (uint32_t)(steps - bufs[i].first));
    }
    size_t peak = r50_plan_greedy(bufs, n, work);
    CHECK(r50_plan_check(bufs, n));
    /* lower bound: bytes live at each step; upper: every buffer end within peak */
    for (int32_t s = 0; s < steps; s++) {
      size_t live = 0;
      for (int32_t i = 0; i < n; i++)
        if (bufs[i].first <= s && s <= bufs[i].last) live += bufs[i].size;
      CHECK(peak >= live);
    }
    for (int32_t i = 0; i < n; i++) CHECK(bufs[i].offset + bufs[i].size <= peak);
  }
  /* A chain a->b->c: a and c may share memory, b may not overlap either. */
  r50_plan_buf chain[3] = {{1024, 0, 1, 0}, {1024, 1, 2, 0}, {1024, 2, 3, 0}};
  int32_t work[6];
  size_t peak = r50_plan_greedy(chain, 3, work);
  CHECK(peak == 2048);
  CHECK(chain[0].offset == chain[2].offset);
  CHECK(r50_plan_check(chain, 3));
  /* The checker itself catches an overlap. */
  chain[1].offset = chain[0].offset;
  CHECK(!r50_plan_check(chain, 3));
  return test_finish("test_plan");
}

/* Golden runner for a generated model on QEMU (mps2-an500 / mps3-an547).
 *
 * Command line (qemu -append): [--icount-shift N] [--profile] --dir DIR STEM...
 * For each STEM: read DIR/STEM.in.bin the input through semihosting into the model's input
 * tensor, NAME_run, compare the output with DIR/STEM.out.bin byte for byte, print
 * the instructions executed (CMSDK dual timer at FW_TIMER_BASE, FW_TIMER_HZ,
 * under -icount shift=N: 2^N ns per instruction; QEMU has no cycle counter).
 * --profile: one more run with every op timed (plan without streaming, so
 * each op runs whole), summed per op type with MACs and instructions/MAC.
 * Exit status (QEMU's, via semihosting): 0 all bit-exact, else the number of
 * mismatches, 100+ on setup errors. FW_MODEL is the generated model's name. */
#include <stdint.h>
#include <stdio.h> /* snprintf only: firmware/fmt.c */
#include <string.h>

#include "graph/graph.h"
#include "runtime/model_internal.h"
#include "semihost.h"

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define STR2(a) #a
#define STR(a) STR2(a)
#include STR(FW_MODEL.h)
#define N_(x) CAT(FW_MODEL, x)
#define UP_(x) CAT(FW_MODEL_UPPER, x)

#ifndef FW_TIMER_BASE
#define FW_TIMER_BASE 0x40002000u /* mps2-an500: CMSDK APB dual timer */
#endif
#ifndef FW_TIMER_HZ
#define FW_TIMER_HZ 25000000u
#endif
#ifndef FW_ARENA_BYTES
#define FW_ARENA_BYTES (3 * UP_(_ARENA_SIZE)) /* room for the --profile plan (no streaming) */
#endif
#define MAX_OPS 512

size_t fw_stack_used(void);
size_t fw_stack_size(void);
extern uint8_t __data_start[], __bss_end[];

static uint8_t arena[FW_ARENA_BYTES] __attribute__((section(".r50_arena"), aligned(16)));
static uint8_t golden[UP_(_OUTPUT_BYTES)], output[UP_(_OUTPUT_BYTES)];
static char cmdline[2048];
static char in_path[512], golden_path[512];
static uint32_t op_ticks[MAX_OPS];
static uint32_t last_tick;
static int icount_shift;

#if defined(FW_TIMER_SYSTICK)
/* SysTick on the processor clock (FW_TIMER_HZ), 24 bits, wraps counted by its
 * interrupt (a few instructions per 2^24 ticks); exposed as a 32-bit
 * down-counter like the dual timer. */
static volatile uint32_t s_wraps;
void SysTick_Handler(void) { s_wraps++; }
static void timer_start(void) {
  volatile uint32_t *st = (volatile uint32_t *)0xE000E010u;
  st[0] = 0;
  s_wraps = 0;
  st[1] = 0xFFFFFFu; /* RVR */
  st[2] = 0;         /* CVR */
  st[0] = 7u;        /* enable, interrupt, processor clock */
  for (int i = 0; i < 1000 && st[2] == 0; i++) {
  } /* CVR reads 0 until the first reload */
}
static uint32_t timer_now(void) {
  volatile uint32_t *st = (volatile uint32_t *)0xE000E010u;
  uint32_t w, v;
  do {
    w = s_wraps;
    v = st[2];
  } while (w != s_wraps);
  return 0xFFFFFFFFu - (w * 0x1000000u + (0xFFFFFFu - v));
}
#else
static volatile uint32_t *const k_timer = (volatile uint32_t *)FW_TIMER_BASE;

static void timer_start(void) {
  k_timer[2] = 0;          /* Timer1Control: off */
  k_timer[0] = 0xFFFFFFFFu; /* Timer1Load */
  k_timer[2] = 0x82u;      /* enable, 32-bit, free running, prescale 1 */
}
static uint32_t timer_now(void) { return k_timer[1]; } /* Timer1Value, counts down */
#endif

/* Instructions in `ticks` timer ticks: ticks * (1e9 / Hz) ns / 2^shift ns each. */
static uint64_t instructions(uint64_t ticks) {
  return ticks * 1000000000u / FW_TIMER_HZ >> icount_shift;
}

static void put_ratio(const char *what, uint64_t instr, uint64_t macs) {
  if (!macs) {
    sh_printf("%s %llu instructions\n", what, (unsigned long long)instr);
    return;
  }
  const uint64_t milli = instr * 1000u / macs;
  sh_printf("%s %llu instructions, %llu MACs, %llu.%03llu instructions/MAC\n", what,
            (unsigned long long)instr, (unsigned long long)macs,
            (unsigned long long)(milli / 1000u), (unsigned long long)(milli % 1000u));
}

static void hook(void *user, int32_t op, const void *data, size_t bytes) {
  (void)user, (void)data, (void)bytes;
  const uint32_t now = timer_now();
  if (op < MAX_OPS) op_ticks[op] = last_tick - now;
  last_tick = timer_now();
}

static int split(char *s, char **argv, int max) {
  int n = 0;
  while (*s && n < max) {
    while (*s == ' ') *s++ = 0;
    if (!*s) break;
    argv[n++] = s;
    while (*s && *s != ' ') s++;
  }
  return n;
}

static int run_profile(const char *inp, const char *goldp) {
  r50_options opt = r50_options_default();
  opt.flags = R50_OPT_NO_STREAM | R50_OPT_CORTEXM; /* every op whole, so every op is timed */
  r50_model *m = NULL;
  r50_error err;
  if (r50_model_init_graph(&m, N_(_graph)(), arena, sizeof arena, &opt, &err) != R50_OK) {
    sh_printf("profile: init failed (%s); needs %lu arena bytes\n", err.msg,
              (unsigned long)err.arena_needed);
    return 1;
  }
  r50_tensor_info in, out;
  r50_model_input(m, 0, &in);
  r50_model_output(m, 0, &out);
  if (sh_read_file(inp, in.data, in.bytes) != (long)in.bytes ||
      sh_read_file(goldp, golden, sizeof golden) != (long)sizeof golden)
    return 1;
  const int32_t no = r50_model_op_count(m);
  r50_model_set_hook(m, hook, NULL);
  timer_start();
  last_tick = timer_now();
  const uint32_t t0 = last_tick;
  r50_model_invoke(m, NULL);
  const uint32_t total = t0 - timer_now();
  const int same = memcmp(out.data, golden, sizeof golden) == 0;
  sh_printf("profile run (no streaming): %s\n", same ? "bit-exact" : "DIFFERS");
  /* per op type */
  uint64_t all_macs = 0;
  for (int32_t t = 0; t < 128; t++) {
    uint64_t ticks = 0, macs = 0;
    int count = 0;
    for (int32_t o = 0; o < no && o < MAX_OPS; o++) {
      r50_op_info oi;
      r50_model_op_info(m, o, &oi);
      if (oi.type != t) continue;
      count++;
      ticks += op_ticks[o];
      macs += oi.macs;
    }
    all_macs += macs;
    if (!count) continue;
    char what[64];
    snprintf(what, sizeof what, "  %-18s x%-3d", r50_op_type_name(t), count);
    put_ratio(what, instructions(ticks), macs);
  }
  put_ratio("  total (incl. hooks)   ", instructions(total), all_macs);
  return same ? 0 : 1;
}

int main(void) {
  sh_printf("r50 firmware: model %s, %d-byte arena at %p, weights at %p (%lu bytes)\n",
            STR(FW_MODEL), (int)sizeof arena, (void *)arena, (const void *)N_(_weights),
            (unsigned long)UP_(_WEIGHT_BYTES));
  if (sh_cmdline(cmdline, sizeof cmdline) != 0) {
    sh_puts("cannot read the semihosting command line\n");
    return 100;
  }
  char *argv[64];
  int argc = split(cmdline, argv, 64), a = 0, profile = 0;
  const char *dir = ".";
  if (argc > 0 && strchr(argv[0], '.') && !strstr(argv[0], ".bin")) a++; /* program name */
  for (; a < argc && argv[a][0] == '-'; a++) {
    if (!strcmp(argv[a], "--icount-shift") && a + 1 < argc) icount_shift = argv[++a][0] - '0';
    else if (!strcmp(argv[a], "--profile")) profile = 1;
    else if (!strcmp(argv[a], "--dir") && a + 1 < argc) dir = argv[++a];
  }
  /* calibration: a loop of exactly 2,000,000 instructions (subs + bne) */
  timer_start();
  const uint32_t tc0 = timer_now();
  __asm__ volatile("ldr r0, =1000000\n1: subs r0, r0, #1\n bne 1b" ::: "r0", "cc");
  const uint32_t tc1 = timer_now();
  put_ratio("timer check: a 2000000-instruction loop measures", instructions(tc0 - tc1), 0);
  const uint32_t ti0 = (timer_start(), timer_now());
  int s = N_(_init)(arena, sizeof arena);
  const uint32_t ti1 = timer_now();
  if (s != 0) {
    sh_printf("%s_init failed: status %d\n", STR(FW_MODEL), s);
    return 101;
  }
  r50_model *m = N_(_model)();
  r50_tensor_info in;
  r50_model_input(m, 0, &in);
  put_ratio("init (prepare + plan):", instructions(ti0 - ti1), 0);
  sh_printf("arena used %lu bytes (activations %lu), static RAM %lu bytes\n",
            (unsigned long)r50_model_arena_used(m), (unsigned long)r50_model_activation_bytes(m),
            (unsigned long)(__bss_end - __data_start));
  int bad = 0, runs = 0;
  int first = 1;
  for (; a < argc; a++) {
    snprintf(in_path, sizeof in_path, "%s/%s.in.bin", dir, argv[a]);
    snprintf(golden_path, sizeof golden_path, "%s/%s.out.bin", dir, argv[a]);
    if (sh_read_file(in_path, in.data, in.bytes) != (long)in.bytes ||
        sh_read_file(golden_path, golden, sizeof golden) != (long)sizeof golden) {
      sh_printf("cannot read %s / %s with the model's sizes\n", in_path, golden_path);
      return 102;
    }
    timer_start();
    const uint32_t t0 = timer_now();
    s = N_(_run)(in.data, output, arena);
    const uint32_t t1 = timer_now();
    const int same = s == 0 && memcmp(output, golden, sizeof golden) == 0;
    bad += !same;
    runs++;
    char what[200];
    snprintf(what, sizeof what, "%-22s %s,", argv[a], same ? "bit-exact" : "DIFFERS");
    put_ratio(what, instructions(t0 - t1), UP_(_MACS));
    if (first && profile) {
      first = 0;
      bad += run_profile(in_path, golden_path);
      runs++;
      /* NAME_run re-initialises its own plan on the next call */
      N_(_init)(arena, sizeof arena);
      r50_model_input(N_(_model)(), 0, &in);
    }
  }
  sh_printf("max stack %lu of %lu bytes\n", (unsigned long)fw_stack_used(),
            (unsigned long)fw_stack_size());
  sh_printf("%d of %d runs bit-exact with the golden\n", runs - bad, runs);
  return bad;
}

/* ARM semihosting calls (Thumb: bkpt 0xAB, r0 = operation, r1 = argument). */
#include "semihost.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int sh_call(int op, void *arg) {
  register int r0 __asm__("r0") = op;
  register void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void sh_puts(const char *s) { sh_call(0x04, (void *)(uintptr_t)s); }

void sh_printf(const char *fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap); /* firmware/fmt.c: integer-only formatter */
  va_end(ap);
  sh_puts(buf);
}

void sh_exit(int status) {
  uint32_t block[2] = {0x20026u /* ADP_Stopped_ApplicationExit */, (uint32_t)status};
  sh_call(0x20, block); /* SYS_EXIT_EXTENDED */
  for (;;) sh_call(0x18, (void *)(uintptr_t)0x20026u);
}

int sh_cmdline(char *buf, size_t n) {
  uint32_t block[2] = {(uint32_t)(uintptr_t)buf, (uint32_t)n};
  return sh_call(0x15, block);
}

long sh_read_file(const char *path, void *buf, size_t cap) {
  uint32_t open_blk[3] = {(uint32_t)(uintptr_t)path, 1 /* "rb" */, (uint32_t)strlen(path)};
  int fd = sh_call(0x01, open_blk);
  if (fd < 0) return -1;
  uint32_t len_blk[1] = {(uint32_t)fd};
  long len = sh_call(0x0C, len_blk); /* SYS_FLEN */
  long got = -1;
  if (len >= 0 && (size_t)len <= cap) {
    uint32_t rd[3] = {(uint32_t)fd, (uint32_t)(uintptr_t)buf, (uint32_t)len};
    got = len - sh_call(0x06, rd); /* SYS_READ returns bytes NOT read */
  }
  uint32_t cl[1] = {(uint32_t)fd};
  sh_call(0x02, cl);
  return got;
}

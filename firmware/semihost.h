/* ARM semihosting (bkpt 0xAB) for QEMU runs: console, host files, exit status. */
#ifndef R50_FW_SEMIHOST_H
#define R50_FW_SEMIHOST_H
#include <stddef.h>
#include <stdint.h>

void sh_puts(const char *s);                 /* SYS_WRITE0 */
void sh_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void sh_exit(int status); /* SYS_EXIT_EXTENDED: QEMU exits with `status` */
int sh_cmdline(char *buf, size_t n);         /* SYS_GET_CMDLINE (qemu -append); 0 on success */
/* Read file `path` into buf (at most cap bytes): bytes read, or -1. */
long sh_read_file(const char *path, void *buf, size_t cap);
#endif

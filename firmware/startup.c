/* r50 firmware startup for Armv7E-M (Cortex-M7; also runs on the M55 of
 * mps3-an547): vector table, reset handler (FPU on, .data copied, .bss zeroed,
 * stack painted for the high-water mark), fault handlers that exit QEMU with
 * a failure status through semihosting. */
#include <stddef.h>
#include <stdint.h>

#include "semihost.h"

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_limit[], __stack_top[];
int main(void);

#define STACK_PAINT 0xC5A5C5A5u

void Reset_Handler(void);
static void Fault_Handler(void);
void SysTick_Handler(void) __attribute__((weak, alias("Fault_Handler")));

__attribute__((section(".vectors"), used)) static void (*const k_vectors[16])(void) = {
    (void (*)(void))(uintptr_t)__stack_top, Reset_Handler, Fault_Handler, /* NMI */
    Fault_Handler,                                                       /* HardFault */
    Fault_Handler, Fault_Handler, Fault_Handler, /* MemManage, BusFault, UsageFault */
    Fault_Handler,                               /* SecureFault (v8-M) */
    0, 0, 0, Fault_Handler,                      /* SVC */
    Fault_Handler, 0, Fault_Handler, SysTick_Handler /* DebugMon, -, PendSV, SysTick */
};

static void Fault_Handler(void) {
  volatile uint32_t *scb = (volatile uint32_t *)0xE000ED00u;
  sh_printf("FAULT: ICSR %08lx CFSR %08lx HFSR %08lx MMFAR %08lx BFAR %08lx\n",
            (unsigned long)scb[1], (unsigned long)scb[10], (unsigned long)scb[11],
            (unsigned long)scb[13], (unsigned long)scb[14]);
  sh_exit(99);
}

/* Deepest stack use since reset, in bytes (stack painting). */
size_t fw_stack_used(void) {
  const uint32_t *p = __stack_limit;
  while (p < __stack_top && *p == STACK_PAINT) p++;
  return (size_t)((const uint8_t *)__stack_top - (const uint8_t *)p);
}
size_t fw_stack_size(void) { return (size_t)((uint8_t *)__stack_top - (uint8_t *)__stack_limit); }

__attribute__((noreturn, used)) void Reset_Handler(void) {
  /* FPU: full access to CP10/CP11 */
  volatile uint32_t *cpacr = (volatile uint32_t *)0xE000ED88u;
  *cpacr |= 0xFu << 20;
  __asm__ volatile("dsb\n isb" ::: "memory");
  for (uint32_t *s = __data_load, *d = __data_start; d < __data_end;) *d++ = *s++;
  for (uint32_t *d = __bss_start; d < __bss_end;) *d++ = 0;
  /* paint the stack below this frame */
  uint32_t *sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  for (uint32_t *p = __stack_limit; p < sp - 16; p++) *p = STACK_PAINT;
  sh_exit(main());
}

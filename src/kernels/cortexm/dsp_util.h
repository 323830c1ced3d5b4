/* Small Cortex-M DSP helpers shared by the kernels in this folder (conv,
 * depthwise, elementwise, pool). Include only inside a file's
 * `#if defined(R50_CORTEXM_DSP...)` guard: ARMv7E-M / ARMv8-M with the DSP
 * extension, Thumb-2 inline assembly. All static inline: no code of its own. */
#ifndef R50_KERNELS_CORTEXM_DSP_UTIL_H
#define R50_KERNELS_CORTEXM_DSP_UTIL_H

#include <arm_acle.h>
#include <stdint.h>
#include <string.h>

#include "../quant.h"

/* LDR / STR of 4 bytes: unaligned accesses are allowed on ARMv7-M normal memory */
static inline uint32_t ld32(const int8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static inline void st32(int8_t *p, uint32_t v) { memcpy(p, &v, 4); }

/* even bytes (SXTB16) and odd bytes (SXTB16 ROR #8) as int16 pairs */
static inline int32_t sxtb16_lo(uint32_t x) { return (int32_t)__sxtb16((int32_t)x); }
static inline int32_t sxtb16_hi(uint32_t x) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}

static inline int32_t smmlar(int32_t a, int32_t b, int32_t acc) {
  int32_t r;
  __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
}

/* low half of lo, low half of hi in the top half (PKHBT ..., LSL #16) */
static inline uint32_t pkhbt16(int32_t lo, int32_t hi) {
  uint32_t r;
  __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(lo), "r"(hi));
  return r;
}

/* per byte, signed: max(a, b) and min(a, b) (SSUB8 sets the GE bits SEL reads) */
static inline uint32_t max8(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("ssub8 %0, %1, %2\n\tsel %0, %1, %2" : "=&r"(r) : "r"(a), "r"(b));
  return r;
}
static inline uint32_t min8(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("ssub8 %0, %2, %1\n\tsel %0, %1, %2" : "=&r"(r) : "r"(a), "r"(b));
  return r;
}

/* a word holding x in each byte */
static inline uint32_t rep4(int32_t x) { return (uint32_t)(uint8_t)x * 0x01010101u; }

/* r50_mbqm (MultiplyByQuantizedMultiplier, double rounding) without its branches
 * for shift <= 0, exact: with e = -shift >= 1,
 *   RoundingDivideByPOT(SRDHM(acc, m), e) = (acc * m + C) >> (31 + e),
 *   C = 2^30 + 2^(30+e) - [acc < 0] 2^31
 * (SRDHM = floor((acc m + 2^30) / 2^31) for either sign since m >= 0; RDBYPOT =
 * floor((q + 2^(e-1) - [q < 0]) / 2^e), [acc < 0] standing in for [q < 0]: acc < 0 <= q
 * only when q == 0, giving 0 either way; two floors of divisions nest into one). The
 * 64-bit sum is one SMLAL; >> (31 + e) is the high word >> (e - 1). */
static inline int32_t mbqm_dsp(int32_t acc, int32_t m, int32_t shift) {
  if (shift > 0) return r50_mbqm(acc, m, shift);
  const int32_t e = -shift;
  if (e == 0) return (int32_t)(((int64_t)acc * m + (1 << 30)) >> 31);
  int64_t c = (int64_t)((uint64_t)(e >= 2 ? 1u << (e - 2) : 0u) << 32) +
              (e == 1 ? 0xC0000000LL : 0x40000000LL);
  if (acc < 0) c -= 0x80000000LL;
  return (int32_t)((uint64_t)((int64_t)acc * m + c) >> 32) >> (e - 1);
}

#endif

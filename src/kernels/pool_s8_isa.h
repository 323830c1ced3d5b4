/* Kernel level of the int8 pooling and MEAN kernels (op prepare stores it):
 * R50_ISA_AVX512VNNI, R50_ISA_AVX2 (also for the x86 levels between them,
 * which add only dot products), R50_ISA_NEON (every Arm NEON level), or
 * R50_ISA_REF when this build or level has no SIMD pooling kernel. */
#ifndef R50_KERNELS_POOL_S8_ISA_H
#define R50_KERNELS_POOL_S8_ISA_H

#include "arm/conv_s8_arm.h" /* R50_ARM_NEON_KERNELS */
#include "dispatch.h"

static inline r50_isa r50_pool_s8_isa(void) {
  const r50_isa isa = r50_isa_active();
#if defined(__x86_64__)
  if (isa == R50_ISA_AVX512VNNI) return R50_ISA_AVX512VNNI;
  if (isa >= R50_ISA_AVX2 && isa < R50_ISA_AVX512VNNI) return R50_ISA_AVX2;
#elif defined(R50_ARM_NEON_KERNELS)
  if (isa == R50_ISA_NEON || isa == R50_ISA_NEONDOT) return R50_ISA_NEON;
#endif
  (void)isa;
  return R50_ISA_REF;
}

#endif

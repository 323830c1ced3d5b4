/* Run-time instruction-set selection for the optimized kernels.
 *
 * r50_isa_best() probes the CPU once (cpuid + xgetbv: the CPU has the
 * instructions AND the OS saves the ymm/zmm state). The active level starts as
 * the best level, or the R50_ISA environment variable
 * (ref|avx2|avxvnni|avx512vnni) when set; a level the CPU lacks is never
 * activated (clamped, with a note). x86 levels are a set, not a chain:
 * avxvnni needs cpuid leaf 7 subleaf 1 EAX bit 4 (AVX-VNNI) and the ymm OS
 * state; an AVX-512 VNNI CPU may lack it. Ops without AVX-VNNI kernels use
 * their AVX2 kernels at that level.
 * Op prepare reads r50_isa_active() and stores the chosen kernel in its state,
 * so a model keeps the level it was initialised with.
 * Arm Linux: getauxval(AT_HWCAP): AArch64 HWCAP_ASIMD -> neon, + HWCAP_ASIMDDP
 * -> neondot; 32-bit Arm HWCAP_NEON -> neon (only when built with NEON);
 * R50_ISA=ref|neon|neondot. Other targets have only R50_ISA_REF.
 */
#ifndef R50_KERNELS_DISPATCH_H
#define R50_KERNELS_DISPATCH_H

#include "r50.h"

/* Level op prepare should use now. */
r50_isa r50_isa_active(void);

#endif

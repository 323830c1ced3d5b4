/* Run-time ISA detection and override (see dispatch.h and r50.h). */
#include "dispatch.h"

#include <stdlib.h>
#include <string.h>

#include "../runtime/error.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#define R50_X86 1

static void cpuid2(unsigned leaf, unsigned sub, unsigned r[4]) {
  __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
}

static unsigned long long xgetbv0(void) {
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((unsigned long long)hi << 32) | lo;
}

/* Bit mask of the usable levels (1u << r50_isa). */
static unsigned detect(void) {
  unsigned r[4];
  cpuid2(0, 0, r);
  const unsigned max_leaf = r[0];
  const unsigned ref = 1u << R50_ISA_REF;
  if (max_leaf < 7) return ref;
  cpuid2(1, 0, r);
  const unsigned ecx1 = r[2];
  const int osxsave = (ecx1 >> 27) & 1, fma = (ecx1 >> 12) & 1, avx = (ecx1 >> 28) & 1;
  if (!osxsave || !avx) return ref;
  const unsigned long long xcr0 = xgetbv0();
  const int ymm_os = (xcr0 & 0x6) == 0x6;          /* SSE + AVX state */
  const int zmm_os = (xcr0 & 0xE6) == 0xE6;        /* + opmask, ZMM_Hi256, Hi16_ZMM */
  cpuid2(7, 0, r);
  const unsigned ebx7 = r[1], ecx7 = r[2], max_sub7 = r[0];
  const int avx2 = (ebx7 >> 5) & 1;
  const int avx512f = (ebx7 >> 16) & 1, avx512bw = (ebx7 >> 30) & 1, avx512vl = (ebx7 >> 31) & 1;
  const int avx512vnni = (ecx7 >> 11) & 1;
  int avxvnni = 0; /* leaf 7 subleaf 1 EAX bit 4: VEX-encoded VPDPBUSD (ymm state only) */
  if (max_sub7 >= 1) {
    cpuid2(7, 1, r);
    avxvnni = (r[0] >> 4) & 1;
  }
  if (!ymm_os || !avx2 || !fma) return ref;
  unsigned m = ref | 1u << R50_ISA_AVX2;
  if (avxvnni) m |= 1u << R50_ISA_AVXVNNI;
  if (zmm_os && avx512f && avx512bw && avx512vl && avx512vnni) m |= 1u << R50_ISA_AVX512VNNI;
  return m;
}
#elif defined(__linux__) && (defined(__aarch64__) || (defined(__arm__) && defined(__ARM_NEON)))
/* Arm Linux: the kernel reports the CPU features in the aux vector. The NEON
 * kernels (src/kernels/arm) exist when this file is compiled with NEON
 * (AArch64 always; armhf with -mfpu=neon*); the SDOT file is compiled with
 * +dotprod by CMake on AArch64 and only called at R50_ISA_NEONDOT. */
#include <sys/auxv.h>
#define R50_ARM 1

static unsigned detect(void) {
  const unsigned long hw = getauxval(AT_HWCAP);
  const unsigned ref = 1u << R50_ISA_REF, neon = 1u << R50_ISA_NEON;
#if defined(__aarch64__)
  if (!(hw & (1ul << 1))) return ref;                                   /* HWCAP_ASIMD */
  if (hw & (1ul << 20)) return ref | neon | 1u << R50_ISA_NEONDOT;      /* HWCAP_ASIMDDP: SDOT / UDOT */
  return ref | neon;
#else
  return (hw & (1ul << 12)) ? ref | neon : ref; /* HWCAP_NEON (32-bit) */
#endif
}
#else
static unsigned detect(void) { return 1u << R50_ISA_REF; }
#endif

static int g_probed = 0;
static unsigned g_mask = 1u << R50_ISA_REF; /* usable levels */
static r50_isa g_best = R50_ISA_REF;
static r50_isa g_active = R50_ISA_REF;
static char g_note[160];

static const char *const k_names[] = {"ref", "avx2", "avxvnni", "avx512vnni", "neon", "neondot"};

const char *r50_isa_name(r50_isa isa) {
  return (unsigned)isa < sizeof k_names / sizeof k_names[0] ? k_names[isa] : "unknown";
}

r50_status r50_isa_parse(const char *name, r50_isa *isa) {
  if (!name || !isa) return R50_ERR_ARG;
  for (unsigned i = 0; i < sizeof k_names / sizeof k_names[0]; i++)
    if (strcmp(name, k_names[i]) == 0) {
      *isa = (r50_isa)i;
      return R50_OK;
    }
  return R50_ERR_ARG;
}

#if defined(R50_X86) || defined(R50_ARM)
static void note(const char *a, const char *b, const char *c) {
  size_t n = 0;
  const char *parts[3] = {a, b, c};
  for (int i = 0; i < 3; i++)
    for (const char *s = parts[i]; *s && n + 1 < sizeof g_note; s++) g_note[n++] = *s;
  g_note[n] = 0;
}
#endif

#if defined(R50_X86) || defined(R50_ARM)
/* 0: reference, 1: x86-64 levels, 2: Arm levels. */
static int family(r50_isa isa) {
  return isa == R50_ISA_REF ? 0 : (isa <= R50_ISA_AVX512VNNI ? 1 : 2);
}
#endif

#if defined(R50_X86)
#define ARCH_FAMILY 1
#elif defined(R50_ARM)
#define ARCH_FAMILY 2
#endif

/* Levels are not a chain (an AVX-512 VNNI CPU may lack AVX-VNNI): a level is
 * usable when the CPU (and OS) has exactly its instructions. */
static int usable(r50_isa isa) {
  if ((unsigned)isa >= sizeof k_names / sizeof k_names[0]) return 0;
  return (g_mask >> isa) & 1u;
}

static void probe(void) {
  if (g_probed) return;
  g_mask = detect();
  for (unsigned i = 0; i < sizeof k_names / sizeof k_names[0]; i++)
    if ((g_mask >> i) & 1u) g_best = (r50_isa)i; /* the highest level is the fastest */
  g_active = g_best;
#if defined(R50_X86) || defined(R50_ARM)
  const char *env = getenv("R50_ISA");
  if (env && *env) {
    r50_isa want;
#if defined(R50_X86)
    const char *const levels = "' is not one of ref, avx2, avxvnni, avx512vnni; ignored";
#else
    const char *const levels = "' is not one of ref, neon, neondot; ignored";
#endif
    if (r50_isa_parse(env, &want) != R50_OK || (want != R50_ISA_REF && family(want) != ARCH_FAMILY)) {
      note("R50_ISA='", env, levels);
    } else if (!usable(want)) {
      note("R50_ISA=", env, ": this CPU lacks it; using the best level it has");
    } else {
      g_active = want;
    }
  }
#endif
  g_probed = 1;
}

r50_isa r50_isa_best(void) {
  probe();
  return g_best;
}

int r50_isa_supported(r50_isa isa) {
  probe();
  return usable(isa);
}

r50_isa r50_isa_active(void) {
  probe();
  return g_active;
}

r50_status r50_isa_set(r50_isa isa, r50_error *err) {
  probe();
  if ((unsigned)isa >= sizeof k_names / sizeof k_names[0])
    return r50_fail(err, R50_ERR_ARG, "unknown instruction-set level %d", (int)isa);
  if (!r50_isa_supported(isa))
    return r50_fail(err, R50_ERR_UNSUPPORTED,
                    "instruction set %s is not supported by this CPU (best: %s)", r50_isa_name(isa),
                    r50_isa_name(g_best));
  g_active = isa;
  return R50_OK;
}

const char *r50_isa_note(void) {
  probe();
  return g_note[0] ? g_note : NULL;
}

/* QEMU TCG plugin: counts executed guest instructions (like QEMU's
 * tests/plugin/insn.c "inline" mode, without glib): every translated block
 * adds its instruction count inline each time it runs; the total is printed
 * on stderr at exit as "insns: N". Single vCPU use (run r50 with 1 thread).
 * Build against the qemu-plugin.h of the QEMU that loads it (Debian's qemu
 * source package: include/qemu/qemu-plugin.h; bench/arm/insn_per_mac.sh). */
#include <inttypes.h>
#include <stdio.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static uint64_t g_insns;

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &g_insns,
                                           qemu_plugin_tb_n_insns(tb));
}

static void at_exit(qemu_plugin_id_t id, void *p) {
  (void)id, (void)p;
  fprintf(stderr, "insns: %" PRIu64 "\n", g_insns);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                           char **argv) {
  (void)info, (void)argc, (void)argv;
  qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
  qemu_plugin_register_atexit_cb(id, at_exit, NULL);
  return 0;
}

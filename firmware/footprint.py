#!/usr/bin/env python3
"""Footprint of a firmware ELF from its linker map (firmware/Makefile writes
OUT/NAME.map): flash bytes of code + constants per origin (r50 run-time core,
generated model tables, firmware harness, C library), the weights section,
and static RAM. Usage: footprint.py OUT/NAME.map NAME"""
import re, sys
from collections import defaultdict

path, name = sys.argv[1], sys.argv[2]
text = open(path).read()
start = text.index("Linker script and memory map")
sizes = defaultdict(int)
ram = defaultdict(int)
cur = None
for line in text[start:].splitlines():
    m = re.match(r"^ (\.[\w.$]+)\s*$", line)
    if m:
        cur = m.group(1)
        continue
    m = re.match(r"^ (\.[\w.$]+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)", line)
    if not m:
        continue
    sec = m.group(1) or cur
    size = int(m.group(3), 16)
    obj = m.group(4)
    if sec is None or size == 0:
        continue
    if "libr50" in obj:
        who = "r50 core (" + re.sub(r".*\((.*)\)", r"\1", obj) + ")"
        who = "r50 run-time core"
    elif f"{name}-ops.o" in obj:
        who = "r50 run-time core"  # the per-model op table (ops_table.py) replacing registry.o
    elif f"{name}-model.o" in obj:
        who = "generated model tables (NAME.c)"
    elif f"{name}-weights.o" in obj:
        who = "weights (.r50_weights)"
    elif re.search(r"/fmt\.o", obj):
        who = "integer snprintf (fmt.c: the runtime's error messages)"
    elif re.search(r"(startup|semihost|-main|-fp)\.o", obj):
        who = "firmware harness (startup, semihosting, golden runner)"
    else:
        who = "C runtime (libc, libm, libgcc)"
    if sec.startswith((".text", ".rodata", ".ARM.exidx", ".ARM.extab")):  # not .ARM.attributes (not loaded)
        sizes[who] += size
    elif sec.startswith(".r50_weights"):
        sizes[who] += size
    elif sec.startswith((".data", ".bss", "COMMON")):
        ram[who] += size
for k, v in sorted(sizes.items()):
    print(f"flash {v:>10}  {k}")
for k, v in sorted(ram.items()):
    print(f"ram   {v:>10}  {k}")

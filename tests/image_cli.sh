#!/usr/bin/env bash
# classify / eval / validate end to end: golden photos, a generated labelled
# folder (with a corrupt file and a non-image), shard+merge, resume.
# Usage: image_cli.sh PATH/TO/r50 SHARED_DIR
set -u
r50=$1; S=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=$((fail+1)); }
M=$S/models/tf2_mobilenet_v2_1.0_224_ptq.tflite
"$r50" classify --model "$M" --labels "$S/images/imagenet_labels.txt" --top 3 "$S/images/cat.bmp" >"$tmp/c" || no "classify exit"
head -2 "$tmp/c" | grep -q "286 *Egyptian cat" || { no "cat.bmp is not Egyptian cat"; cat "$tmp/c"; }
for p in cat grace_hopper bird sunflower dragonfly; do
  "$r50" classify --model "$M" --resize nearest-pil --save-input "$tmp/in" "$S/images/$p.bmp" >/dev/null
  cmp -s "$tmp/in" "$S/golden/tf2_mobilenet_v2_1.0_224_ptq/$p.in.bin" || no "$p tensor differs from golden"
done
"$r50" classify --json --model "$M" "$S/images/owl.jpg" | grep -q '"index"' || no "classify --json"
# no --model: the embedded default (int8 ResNet50V2 224/1000, built once into the cache, as `r50 report`)
export XDG_CACHE_HOME=$tmp/cache
"$r50" classify --top 2 "$S/images/cat.bmp" >"$tmp/d" 2>"$tmp/d2" || no "classify with the default model: exit $?"
grep -q "built now and cached" "$tmp/d2" && grep -q "SYNTHETIC" "$tmp/d2" && grep -q "synthetic weights" "$tmp/d" ||
  { no "classify default model messages"; cat "$tmp/d" "$tmp/d2"; }
ls "$tmp/cache/r50/"resnet50v2_224_1000_int8_seed1_*.tflite >/dev/null 2>&1 || no "default model not cached"
"$r50" classify --json "$S/images/owl.jpg" 2>"$tmp/d2" | grep -q '"synthetic_weights": true' || no "classify --json default"
grep -q "default model (cached)" "$tmp/d2" || no "second run did not use the cache"
"$r50" classify 2>/dev/null; [ $? = 2 ] || no "classify without IMAGE must be a usage error"
# generated labelled folder: PPM images, a truncated PPM, a text file
Q=$S/models/pretrainedResnet_quant.tflite
d=$tmp/data; mkdir -p "$d/a" "$d/b" "$d/c"
for c in a b c; do for i in 1 2 3; do
  { printf 'P6\n8 8\n255\n'; head -c 192 /dev/urandom; } > "$d/$c/$i.ppm"; done; done
printf 'P6\n8 8\n255\nabc' > "$d/b/broken.ppm"; echo "not an image" > "$d/c/notes.txt"
"$r50" eval --model "$Q" --out "$tmp/all" "$d" >"$tmp/e" 2>"$tmp/e2" || no "eval exit"
grep -q "images: 11  classified: 9  unreadable: 2" "$tmp/all/summary.txt" || { no "eval counts"; cat "$tmp/all/summary.txt"; }
[ "$(grep -c ',1,ok,' "$tmp/all/results.csv")" = 9 ] || no "results.csv rows"
[ -s "$tmp/all/confusion.svg" ] && [ -s "$tmp/all/confusion.csv" ] && [ -s "$tmp/all/per_class.csv" ] || no "eval outputs"
# --threads: decoding overlapped with inference, identical files
for t in 2 3; do
  "$r50" eval --model "$Q" --threads $t --out "$tmp/t$t" "$d" >"$tmp/et" 2>/dev/null || no "eval --threads $t exit"
  for f in summary.txt per_class.csv confusion.csv results.csv; do cmp -s "$tmp/t$t/$f" "$tmp/all/$f" || no "--threads $t: $f differs"; done
done
"$r50" eval --threads 2 --limit 3 --out "$tmp/dm" "$d" >/dev/null 2>"$tmp/d2" || no "eval with the default model"
grep -q "SYNTHETIC" "$tmp/d2" && [ "$(grep -c ",1,ok," "$tmp/dm/results.csv")" = 3 ] || { no "eval default model"; cat "$tmp/d2" "$tmp/dm/results.csv"; }
for i in 0 1 2; do "$r50" eval --model "$Q" --shard $i/3 --out "$tmp/s$i" "$d" >/dev/null 2>&1; done
"$r50" eval --merge --out "$tmp/m" "$tmp/s0" "$tmp/s1" "$tmp/s2" >/dev/null || no "merge exit"
for f in summary.txt per_class.csv confusion.csv results.csv; do cmp -s "$tmp/m/$f" "$tmp/all/$f" || no "merge $f differs"; done
"$r50" eval --model "$Q" --limit 4 --out "$tmp/r" "$d" >/dev/null 2>&1
printf '0,1,1;2' >> "$tmp/r/results.csv"   # a run killed mid-line
"$r50" eval --model "$Q" --resume --out "$tmp/r" "$d" >/dev/null 2>"$tmp/r2" || no "resume exit"
grep -q "4 of 11 images already done" "$tmp/r2" || no "resume did not skip"
for f in summary.txt per_class.csv confusion.csv results.csv; do cmp -s "$tmp/r/$f" "$tmp/all/$f" || no "resume $f differs"; done
"$r50" validate --rescale 1,0 --model "$Q" --ref "$S/models/pretrainedResnet.tflite" "$d" >"$tmp/v" 2>/dev/null || no "validate exit"
grep -q "cosine similarity" "$tmp/v" && grep -q "top-1 agreement" "$tmp/v" || no "validate output"
[ $fail = 0 ] && echo "image_cli: ok" || { echo "image_cli: $fail failures"; exit 1; }

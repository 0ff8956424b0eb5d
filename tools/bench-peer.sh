#!/usr/bin/env bash
# Whole-process `likeness compose` against the @imgly/background-removal-node peer removing the same photo's
# background (it finds its model relative to the working directory, so it runs in .cache/peer), alternated in one run: wall time and peak RSS (GNU time), medians and ratios.
#   tools/bench-peer.sh [PHOTO] [SCENE] [ROUNDS]
# The peer goes into .cache/peer. sharp is pinned to 0.33 (prebuilt libvips from npm; 0.32 downloads it from GitHub)
# and onnxruntime-node is told to skip its CUDA download: both would need github.com.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
photo=$(realpath "${1:-$here/samples/astronaut.png}")
scene=$(realpath "${2:-$here/samples/rocket.jpg}")
rounds=${3:-3}
peer="$here/.cache/peer"
command -v /usr/bin/time >/dev/null || { echo "GNU time is missing: apt-get install time" >&2; exit 1; }
if [ ! -f "$peer/node_modules/@imgly/background-removal-node/package.json" ]; then
  mkdir -p "$peer" && cp "$here/tools/peer/package.json" "$here/tools/peer/remove.mjs" "$peer/"
  echo "[bench-peer] npm install @imgly/background-removal-node (into .cache/peer)" >&2
  (cd "$peer" && npm_config_onnxruntime_node_install_cuda=skip npm install --silent --no-audit --no-fund >/dev/null)
fi
cp "$here/tools/peer/remove.mjs" "$peer/"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
measure() { # label, command... -> "seconds kilobytes" appended to $out/label
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/t" "$@" >/dev/null 2>"$out/err" || { echo "$label failed:" >&2; cat "$out/err" >&2; exit 1; }
  cat "$out/t" >> "$out/$label"
}
for i in $(seq "$rounds"); do
  measure peer env -C "$peer" node remove.mjs "$photo" "$out/peer.png"
  measure likeness "$here/tools/likeness.sh" compose --person "$photo" --scene "$scene" --out "$out/likeness.png"
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ps=$(cut -d' ' -f1 "$out/peer" | median); pm=$(cut -d' ' -f2 "$out/peer" | median)
ls=$(cut -d' ' -f1 "$out/likeness" | median); lm=$(cut -d' ' -f2 "$out/likeness" | median)
echo "photo $(basename "$photo") into $(basename "$scene"), $rounds rounds alternated, $(nproc) cores"
awk -v ps="$ps" -v pm="$pm" -v ls="$ls" -v lm="$lm" 'BEGIN {
  printf "peer background removal   %6.2f s  %6.2f GB peak RSS\n", ps, pm / 1e6 * 1.024
  printf "likeness compose          %6.2f s  %6.2f GB peak RSS\n", ls, lm / 1e6 * 1.024
  printf "ratio likeness / peer     %6.2fx    %6.2fx\n", ls / ps, lm / pm }'

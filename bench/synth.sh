#!/usr/bin/env bash
# Measures `npm run synth` (all environments and bootstrap stacks): wall time
# and peak resident memory over N runs, after one warm-up run.
# Usage: bash bench/synth.sh [runs]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
npm run --silent synth >/dev/null 2>&1   # warm-up: tsx's transform cache, page cache

measure=$(mktemp)
trap 'rm -f "$measure"' EXIT
results=()
for _ in $(seq "$runs"); do
  # %e wall seconds, %M peak RSS in KB of the largest process in the tree (node; npm's own is smaller)
  /usr/bin/time -o "$measure" -f "%e %M" npm run --silent synth >/dev/null 2>&1
  results+=("$(tail -n1 "$measure")")
done
printf '%s\n' "${results[@]}" | sort -n | awk -v runs="$runs" '
  { t[NR]=$1; m[NR]=$2 }
  END {
    maxm=0; for (i=1;i<=NR;i++) if (m[i]>maxm) maxm=m[i];
    printf "npm run synth, %d runs: wall min %.2f s, median %.2f s, max %.2f s; peak RSS max %.0f MB\n",
      runs, t[1], t[int((NR+1)/2)], t[NR], maxm/1024
  }'

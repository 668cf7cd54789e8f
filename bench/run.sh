#!/usr/bin/env bash
# Runs the hot-path benchmarks (Release) and compares them with the committed baseline.
#
#   bench/run.sh                      all benchmarks, then compare; exits 1 on a regression
#   bench/run.sh --update-baseline    all benchmarks, then rewrite bench/baseline/results.json
#   bench/run.sh --filter '*Webhook*' only matching benchmarks (compare skips the others;
#                                     with --update-baseline only their entries are replaced)
#   bench/run.sh --note 'text'        with --update-baseline: how it was recorded (load, machine)
#
# The job is fixed (1 launch, 5 warmup, 10 measured iterations) so every run is comparable with
# the baseline; see bench/README.md. Results land in BenchmarkDotNet.Artifacts/bench-run/.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
ARTIFACTS="$ROOT/BenchmarkDotNet.Artifacts/bench-run"

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

UPDATE=0
FILTER=""
NOTE=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --update-baseline) UPDATE=1 ;;
    --filter) [[ $# -ge 2 ]] || usage; FILTER="$2"; shift ;;
    --note) [[ $# -ge 2 ]] || usage; NOTE="$2"; shift ;;
    -h|--help) usage ;;
    *) echo "run.sh: unknown argument $1" >&2; usage ;;
  esac
  shift
done

started=$(date +%s)
rm -rf "$ARTIFACTS"
mkdir -p "$(dirname "$ARTIFACTS")"
# BenchmarkDotNet looks for the project below the working folder.
cd "$ROOT"
dotnet build -c Release bench/Gateway.Benchmarks -nologo -v quiet
dotnet run -c Release --no-build --project bench/Gateway.Benchmarks -- \
  --filter "${FILTER:-*}" \
  --launchCount 1 --warmupCount 5 --iterationCount 10 \
  --exporters json \
  --artifacts "$ARTIFACTS" \
  > "$ARTIFACTS.log" 2>&1 || { tail -n 40 "$ARTIFACTS.log" >&2; echo "run.sh: BenchmarkDotNet failed; full log: $ARTIFACTS.log" >&2; exit 1; }
# The summary tables, as BenchmarkDotNet prints them, for the record.
sed -n '/^\/\/ \* Summary \*/,/^\/\/ \* Legends \*/p' "$ARTIFACTS.log" | grep -E '^\||^Job=|^$' | cat -s

compare=(python3 "$HERE/compare.py" "$ARTIFACTS/results")
if [[ $UPDATE == 1 ]]; then
  compare+=(--update)
  [[ -z $FILTER ]] || compare+=(--merge)
  [[ -z $NOTE ]] || compare+=(--note "$NOTE")
else
  [[ -z $FILTER ]] || compare+=(--allow-missing)
fi

status=0
"${compare[@]}" || status=$?
echo "run.sh: took $(( $(date +%s) - started )) s; log: $ARTIFACTS.log"
exit $status

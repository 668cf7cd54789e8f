#!/usr/bin/env bash
# Load suite of the messaging gateway: loadtests/run.sh <scenario>
#
# Each scenario starts the gateway (Release) on a fresh data folder on 127.0.0.1, warms up,
# measures with wrk (Lua scenarios in loadtests/wrk) or the C# driver (loadtests/Driver),
# samples the gateway's RSS and CPU from /proc, its counters from /metrics and its runtime
# counters over EventPipe, stops it with SIGTERM and writes
# loadtests/reports/<timestamp>-<scenario>.json and .md. See loadtests/README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"

SCENARIOS="accept batch webhooks mixed e2e flow soak"
usage() {
  cat >&2 <<EOF
usage: loadtests/run.sh <scenario>
  accept    single sends, ${CONNECTIONS:-64} connections, gateway and bare Kestrel baseline side by side
  batch     batches of \$BATCH_SIZE (1000) messages
  webhooks  signed provider webhook flood (skipped while the endpoint answers 404)
  mixed     sends, batches, reads, handset reads and (when available) webhooks together
  e2e       batch load; accepted/s and handed-over/s from /metrics; accept→handset latency sample
  flow      the C# driver's send → handset → reply → payment → refund conversations
  soak      single sends for \$SOAK_MINUTES (10) minutes, RSS every 10 s
  all       every scenario above, one report
Environment: DURATION (15s) WARMUP (5s) THREADS (2) CONNECTIONS (64) and more, see loadtests/README.md.
EOF
  exit 2
}

SCENARIO="${1:-}"
[[ -n $SCENARIO ]] || usage
[[ $SCENARIO == all || " $SCENARIOS " == *" $SCENARIO "* ]] || usage

DURATION="${DURATION:-15s}"
WARMUP="${WARMUP:-5s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
WRK_TIMEOUT="${WRK_TIMEOUT:-10s}"
CONVERSATIONS="${CONVERSATIONS:-10000}"
BATCH_SIZE="${BATCH_SIZE:-1000}"
BATCH_CONNECTIONS="${BATCH_CONNECTIONS:-8}"
BATCH_CONVERSATIONS="${BATCH_CONVERSATIONS:-100000}"
E2E_BATCH_SIZE="${E2E_BATCH_SIZE:-100}"
E2E_CONNECTIONS="${E2E_CONNECTIONS:-16}"
LATENCY_RATE="${LATENCY_RATE:-100}"
LATENCY_CONCURRENCY="${LATENCY_CONCURRENCY:-128}"
LATENCY_TIMEOUT="${LATENCY_TIMEOUT:-60s}"
FLOW_COUNT="${FLOW_COUNT:-100000}"
FLOW_CONCURRENCY="${FLOW_CONCURRENCY:-8}"
SOAK_MINUTES="${SOAK_MINUTES:-10}"
SOAK_SAMPLE_SECONDS="${SOAK_SAMPLE_SECONDS:-10}"
DRAIN_TIMEOUT="${DRAIN_TIMEOUT:-60}"
QUIET_TIMEOUT="${QUIET_TIMEOUT:-60}"
GATEWAY_PORT="${GATEWAY_PORT:-5180}"
BASELINE_PORT="${BASELINE_PORT:-5190}"
API_KEY="${API_KEY:-mgw_demo_4f9c2e7a1b5d8c3e6f0a}"
CHANNEL="${CHANNEL:-sandbox}"
GATEWAY_ARGS="${GATEWAY_ARGS:-}"
WEBHOOK_PATH="${WEBHOOK_PATH:-/webhooks/whatsapp}"
WEBHOOK_SECRET="${WEBHOOK_SECRET:-loadtest-meta-app-secret}"
WEBHOOK_SIGNATURE_HEADER="${WEBHOOK_SIGNATURE_HEADER:-X-Hub-Signature-256}"
WEBHOOK_CORPUS_SIZE="${WEBHOOK_CORPUS_SIZE:-20000}"
COUNTERS="${COUNTERS:-1}"
SKIP_BUILD="${SKIP_BUILD:-0}"
KEEP_DATA="${KEEP_DATA:-0}"
DATA_ROOT="${DATA_ROOT:-${TMPDIR:-/tmp}}"
REPORTS="${REPORTS:-$HERE/reports}"
OUT="$HERE/.out"

GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT"
BASELINE_URL="http://127.0.0.1:$BASELINE_PORT"
DRIVER=(dotnet "$OUT/driver/MessagingGateway.Driver.dll")
# The gateway and the baseline run from copies of their native launchers under names of their
# own, so that `ps` tells them apart from other gateways on the machine, and a script that stops
# or measures "its" gateway by name (pkill/pgrep -f MessagingGateway.Gateway) does not hit these.
GATEWAY_EXE=mgw-loadtest-gateway
BASELINE_EXE=mgw-loadtest-baseline

# What wrk's Lua scripts read (see loadtests/wrk/common.lua).
export LOADTESTS_LUA="$HERE/wrk" THREADS API_KEY CHANNEL CONVERSATIONS
export WEBHOOK_PATH WEBHOOK_SIGNATURE_HEADER

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }
now_ms() { local t=${EPOCHREALTIME//[!0-9]/}; echo $((10#$t / 1000)); }

# ---------------------------------------------------------------- processes we start
STARTED_PIDS=()
DATA_DIRS=()
SAMPLERS=()
STOP_FILE=""

cleanup() {
  local pid
  # The samplers are subshells of this script that loop until the stop file appears: stop them
  # first, or an early exit (an error, Ctrl+C) would leave them running.
  [[ -n $STOP_FILE ]] && { touch "$STOP_FILE" 2>/dev/null || true; }
  for pid in "${SAMPLERS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]}"; do
    stop_process "$pid"
  done
  if [[ $KEEP_DATA != 1 ]]; then
    local dir
    for dir in "${DATA_DIRS[@]}"; do
      rm -rf "$dir"
    done
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

forget_pid() {
  local keep=() pid
  for pid in "${STARTED_PIDS[@]}"; do
    [[ $pid == "$1" ]] || keep+=("$pid")
  done
  STARTED_PIDS=("${keep[@]}")
}

# SIGTERM, then up to 30 s for a graceful stop (log flush, database close), then SIGKILL.
stop_process() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || { forget_pid "$pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "process $pid did not stop in 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  forget_pid "$pid"
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_ready() {
  local url=$1 pid=$2 logfile=$3 i
  for ((i = 0; i < 600; i++)); do
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$logfile" >&2; die "the process at $url exited while starting (log: $logfile)"; }
    curl -sf -o /dev/null "$url/health/ready" && return 0
    sleep 0.1
  done
  die "$url was not ready within 60 s (log: $logfile)"
}

# Starts the gateway on a new data folder; sets GW_PID and GW_DATA.
start_gateway() {
  local logfile="$RUN_DIR/$1-gateway.log"
  port_free "$GATEWAY_PORT" || die "port $GATEWAY_PORT is in use: stop what listens there or set GATEWAY_PORT"
  GW_DATA="$(mktemp -d "$DATA_ROOT/mgw-load.XXXXXX")"
  DATA_DIRS+=("$GW_DATA")
  # shellcheck disable=SC2086 # GATEWAY_ARGS is a list of flags
  "$OUT/gateway/$GATEWAY_EXE" --data-dir "$GW_DATA" --urls "$GATEWAY_URL" \
    --Logging:LogLevel:Default=Warning $GATEWAY_ARGS >"$logfile" 2>&1 &
  GW_PID=$!
  STARTED_PIDS+=("$GW_PID")
  wait_ready "$GATEWAY_URL" "$GW_PID" "$logfile"
  log "gateway ready (pid $GW_PID, data $GW_DATA)"
}

stop_gateway() {
  stop_process "$GW_PID"
  if [[ $KEEP_DATA != 1 ]]; then
    rm -rf "$GW_DATA"
  fi
}

start_baseline() {
  local logfile="$RUN_DIR/$1-baseline.log"
  port_free "$BASELINE_PORT" || die "port $BASELINE_PORT is in use: set BASELINE_PORT"
  "$OUT/baseline/$BASELINE_EXE" --urls "$BASELINE_URL" \
    --Logging:LogLevel:Default=Warning >"$logfile" 2>&1 &
  BL_PID=$!
  STARTED_PIDS+=("$BL_PID")
  wait_ready "$BASELINE_URL" "$BL_PID" "$logfile"
  log "baseline ready (pid $BL_PID)"
}

# ---------------------------------------------------------------- setup
ensure_tools() {
  local missing=() sudo=""
  command -v wrk >/dev/null || missing+=(wrk)
  command -v curl >/dev/null || missing+=(curl)
  command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is required"
  ((${#missing[@]} == 0)) && return 0
  [[ $(id -u) == 0 ]] || sudo="sudo"
  log "installing ${missing[*]} (Debian packages)"
  $sudo apt-get install -y "${missing[@]}" >/dev/null 2>&1 \
    || { $sudo apt-get update >/dev/null && $sudo apt-get install -y "${missing[@]}" >/dev/null; } \
    || die "could not install ${missing[*]}"
}

build() {
  if [[ $SKIP_BUILD == 1 && -x $OUT/gateway/$GATEWAY_EXE && -x $OUT/baseline/$BASELINE_EXE \
    && -f $OUT/driver/MessagingGateway.Driver.dll ]]; then
    log "SKIP_BUILD=1: using the binaries in $OUT"
    return 0
  fi
  log "building Release: gateway, baseline, driver"
  local project
  # --artifacts-path keeps the intermediate files in $OUT, away from src/*/obj, so a build here does
  # not collide with a build or test run someone is doing in the source tree at the same time.
  for project in "$ROOT/src/Gateway/Gateway.csproj:gateway" "$HERE/Baseline/Baseline.csproj:baseline" "$HERE/Driver/Driver.csproj:driver"; do
    dotnet publish "${project%%:*}" -c Release --artifacts-path "$OUT/artifacts" -o "$OUT/${project##*:}" --nologo -v quiet \
      >"$RUN_DIR/build-${project##*:}.log" 2>&1 \
      || { tail -n 30 "$RUN_DIR/build-${project##*:}.log" >&2; die "build of ${project%%:*} failed"; }
  done
  cp "$OUT/gateway/MessagingGateway.Gateway" "$OUT/gateway/$GATEWAY_EXE"
  cp "$OUT/baseline/MessagingGateway.Baseline" "$OUT/baseline/$BASELINE_EXE"
}

write_run_facts() {
  local cpu mem os
  cpu="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)"
  mem="$(awk '/^MemTotal:/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)"
  os="$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}")"
  {
    echo "scenario=$SCENARIO"
    echo "startedAt=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "runDir=${RUN_DIR#"$ROOT"/}"
    echo "commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "dirty=$([[ -n $(git -C "$ROOT" status --porcelain -- src 2>/dev/null) ]] && echo true || echo false)"
    echo "cores=$(nproc)"
    echo "cpuModel=${cpu:-unknown}"
    echo "memoryGiB=$mem"
    echo "os=${os:-unknown}"
    echo "kernel=$(uname -r)"
    echo "dotnet=$(dotnet --list-runtimes | sed -n 's/^Microsoft.NETCore.App \([^ ]*\).*/\1/p' | tail -n1) (SDK $(dotnet --version))"
    echo "wrk=$(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
    echo "duration=$DURATION"
    echo "warmup=$WARMUP"
    echo "threads=$THREADS"
    echo "connections=$CONNECTIONS"
    echo "clkTck=$(getconf CLK_TCK)"
  } >"$RUN_DIR/run.env"
}

# ---------------------------------------------------------------- sampling
# One line per sample: time, the process's RSS and CPU ticks, the machine's busy and total ticks.
proc_sample() {
  local pid=$1 stat rss="" key value _
  read -r stat 2>/dev/null <"/proc/$pid/stat" || return 1
  stat=${stat##*) }
  local -a f
  read -r -a f <<<"$stat"
  while read -r key value _; do
    [[ $key == VmRSS: ]] && { rss=$value; break; }
  done 2>/dev/null <"/proc/$pid/status"
  local cpu user nice system idle iowait irq softirq steal
  read -r cpu user nice system idle iowait irq softirq steal _ </proc/stat
  local total=$((user + nice + system + idle + iowait + irq + softirq + steal))
  # After the command name, field 0 is the state (stat field 3): utime is field 14, stime 15.
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(now_ms)" "${rss:-0}" "${f[11]}" "${f[12]}" "$((total - idle - iowait))" "$total"
}

metrics_sample() {
  local at body
  at=$(now_ms)
  body="$(curl -s --max-time 2 "$GATEWAY_URL/metrics")" || return 0
  awk -v at="$at" '
    /^mgw_messages_accepted_total/ { a += $NF }
    /^mgw_messages_handed_over_total/ { h += $NF }
    END { printf "%s\t%d\t%d\n", at, a, h }' <<<"$body"
}

# sampler <kind> <pid> <interval s> <out> <stop file>: samples until the stop file appears, then once more.
sampler() {
  local kind=$1 pid=$2 interval=$3 out=$4 stop=$5 next
  while :; do
    if [[ $kind == proc ]]; then proc_sample "$pid" >>"$out" || return 0; else metrics_sample >>"$out"; fi
    [[ -e $stop ]] && return 0
    next=$(( $(now_ms) + interval * 1000 ))
    while [[ ! -e $stop ]] && (( $(now_ms) < next )); do sleep 0.1; done
  done
}

machine_ticks() {
  local cpu user nice system idle iowait irq softirq steal
  read -r cpu user nice system idle iowait irq softirq steal _ </proc/stat
  local total=$((user + nice + system + idle + iowait + irq + softirq + steal))
  echo "$((total - idle - iowait)) $total"
}

# wait_quiet: other work on the machine (a build, a test run) would be measured as the gateway's
# slowness. Waits up to QUIET_TIMEOUT s for a second in which the machine is under 10 % busy and
# records the last reading as quietBusyPercent.
wait_quiet() {
  local start busy0 total0 busy1 total1 percent
  start=$(now_ms)
  while :; do
    read -r busy0 total0 <<<"$(machine_ticks)"
    sleep 1
    read -r busy1 total1 <<<"$(machine_ticks)"
    percent=$(( (busy1 - busy0) * 100 / (total1 - total0 > 0 ? total1 - total0 : 1) ))
    (( percent < 10 )) && break
    if (( $(now_ms) - start > QUIET_TIMEOUT * 1000 )); then
      log "the machine is still $percent % busy with other work; measuring anyway (see quietBusyPercent in the report)"
      break
    fi
  done
  fact quietBusyPercent "$percent"
}

# CPU ticks of this shell's finished children (wrk runs in the foreground, so the difference
# across one wrk run is wrk's own CPU).
children_ticks() {
  local stat
  read -r stat </proc/$$/stat
  stat=${stat##*) }
  local -a f
  read -r -a f <<<"$stat"
  echo $((f[13] + f[14]))
}

# gateway_counts: "accepted handed_over" from /metrics now.
gateway_counts() {
  metrics_sample | cut -f2,3
}

# wait_settled: after a warm-up wrk has gone, but the gateway may still be working on the requests
# that were in flight (a batch of 1,000 takes a while); waits, at most 30 s, until the accepted
# counter has not moved for a second, so that their messages are not counted in the measured window.
wait_settled() {
  local before after i
  before="$(gateway_counts | cut -f1)"
  for ((i = 0; i < 30; i++)); do
    sleep 1
    after="$(gateway_counts | cut -f1)"
    [[ -z $after || $after == "$before" ]] && return 0
    before=$after
  done
}

# wait_drained <timeout s>: until dispatch has handed over everything accepted; sets DRAIN_*.
wait_drained() {
  local timeout=$1 start accepted handed first_backlog=""
  start=$(now_ms)
  while :; do
    accepted="" handed=""
    read -r accepted handed <<<"$(gateway_counts)"
    if [[ -z $accepted || -z $handed ]]; then
      # /metrics did not answer: neither drained nor a number to report.
      accepted=1 handed=0
    fi
    [[ -z $first_backlog ]] && first_backlog=$((accepted - handed))
    if ((handed >= accepted)); then
      DRAINED=true
      break
    fi
    if (( $(now_ms) - start > timeout * 1000 )); then
      DRAINED=false
      break
    fi
    sleep 0.2
  done
  DRAIN_SECONDS=$(awk -v ms=$(( $(now_ms) - start )) 'BEGIN { printf "%.1f", ms / 1000 }')
  DRAIN_MESSAGES=$first_backlog
}

# ---------------------------------------------------------------- phases
PHASE_NO=0

# new_phase <scenario> <name> <target> <description>: creates PHASE_DIR and its phase.env.
new_phase() {
  PHASE_NO=$((PHASE_NO + 1))
  PHASE_DIR="$RUN_DIR/phases/$(printf '%02d' "$PHASE_NO")-$1-$2"
  mkdir -p "$PHASE_DIR"
  {
    echo "scenario=$1"
    echo "name=$2"
    echo "target=$3"
    echo "description=$4"
    echo "cores=$(nproc)"
    echo "clkTck=$(getconf CLK_TCK)"
  } >"$PHASE_DIR/phase.env"
}

fact() { echo "$1=$2" >>"$PHASE_DIR/phase.env"; }

# start_counters <pid>: runtime counters over EventPipe, started before the warm-up so that the
# driver's own start-up is not in the measured window; the report keeps the window's intervals.
start_counters() {
  COUNTERS_PID=""
  [[ $COUNTERS == 1 ]] || return 0
  "${DRIVER[@]}" counters --pid "$1" --duration 2h --result "$PHASE_DIR/counters.json" \
    >/dev/null 2>"$PHASE_DIR/counters.err" &
  COUNTERS_PID=$!
  STARTED_PIDS+=("$COUNTERS_PID")
}

# begin_sampling <pid> <gateway?> <interval s>: process and /metrics samplers.
begin_sampling() {
  local pid=$1 gateway=$2 interval=$3
  STOP_FILE="$PHASE_DIR/.stop"
  rm -f "$STOP_FILE"
  printf 'epochMs\trssKb\tutime\tstime\tmachineBusy\tmachineTotal\n' >"$PHASE_DIR/proc.tsv"
  SAMPLERS=()
  sampler proc "$pid" "$interval" "$PHASE_DIR/proc.tsv" "$STOP_FILE" &
  SAMPLERS+=($!)
  if [[ $gateway == yes ]]; then
    printf 'epochMs\taccepted\thandedOver\n' >"$PHASE_DIR/metrics.tsv"
    sampler metrics "$pid" "$(( interval < 1 ? 1 : (interval > 10 ? 10 : interval) ))" "$PHASE_DIR/metrics.tsv" "$STOP_FILE" &
    SAMPLERS+=($!)
  fi
}

end_sampling() {
  touch "$STOP_FILE"
  local pid
  for pid in "${SAMPLERS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [[ -n $COUNTERS_PID ]]; then
    # One more interval so the last second of the window is reported, then SIGTERM: it writes what it counted.
    sleep 1.2
    kill -TERM "$COUNTERS_PID" 2>/dev/null || true
    wait "$COUNTERS_PID" 2>/dev/null || log "runtime counters failed (see $PHASE_DIR/counters.err)"
    forget_pid "$COUNTERS_PID"
  fi
  rm -f "$STOP_FILE"
  STOP_FILE=""
  SAMPLERS=()
}

# phase_failed <pid> <what failed> <its output>: says whether the measured process is gone (someone
# stopped it, or it crashed: see its log) rather than only that the load generator failed.
phase_failed() {
  local pid=$1 what=$2 output=$3 logs i f
  # A process that was told to stop may still be shutting down: give it a moment before judging.
  for ((i = 0; i < 30; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  local s
  logs=""
  for s in $SCENARIOS; do
    for f in "$RUN_DIR/$s-gateway.log" "$RUN_DIR/$s-baseline.log"; do
      [[ -f $f ]] && logs+="${f#"$ROOT"/} "
    done
  done
  if ! kill -0 "$pid" 2>/dev/null; then
    die "the measured process (pid $pid) is gone: it exited or was stopped by something else during $what (logs: ${logs% })"
  fi
  die "$what failed (see $output)"
}

# run_wrk <json out> <connections> <duration> <timeout> <script> <url> [VAR=value ...]
run_wrk() {
  local json=$1 conns=$2 duration=$3 timeout=$4 script=$5 url=$6
  shift 6
  env "$@" WRK_JSON="$json" wrk -t"$THREADS" -c"$conns" -d"$duration" --timeout "$timeout" --latency \
    -s "$HERE/wrk/$script" "$url"
}

# measure_wrk <scenario> <name> <target> <pid> <url> <script> <connections> <duration> <description> [VAR=value ...]
# Warm-up with the same script, then the measured run with sampling around it.
measure_wrk() {
  local scenario=$1 name=$2 target=$3 pid=$4 url=$5 script=$6 conns=$7 duration=$8 description=$9
  shift 9
  local interval=1 timeout=$WRK_TIMEOUT gateway=no
  [[ $target == gateway ]] && gateway=yes
  [[ $scenario == soak ]] && interval=$SOAK_SAMPLE_SECONDS
  [[ $scenario == batch || $scenario == e2e ]] && timeout=30s
  new_phase "$scenario" "$name" "$target" "$description"
  fact connections "$conns"
  fact threads "$THREADS"
  fact duration "$duration"
  fact script "$script"
  wait_quiet
  start_counters "$pid"
  log "$scenario/$name: warm-up $WARMUP ($script, $conns connections)"
  run_wrk "$PHASE_DIR/warmup.json" "$conns" "$WARMUP" "$timeout" "$script" "$url" "$@" >"$PHASE_DIR/warmup.txt" 2>&1 \
    || phase_failed "$pid" "$scenario/$name warm-up" "$PHASE_DIR/warmup.txt"
  kill -0 "$pid" 2>/dev/null || phase_failed "$pid" "$scenario/$name warm-up" "$PHASE_DIR/warmup.txt"
  [[ $gateway == yes ]] && wait_settled
  if [[ $scenario == e2e ]]; then
    wait_drained "$DRAIN_TIMEOUT"
    fact warmupDrainSeconds "$DRAIN_SECONDS"
  fi
  log "$scenario/$name: measuring $duration"
  begin_sampling "$pid" "$gateway" "$interval"
  if [[ $scenario == e2e ]]; then
    # Open loop next to wrk: LATENCY_RATE sends/s for the measured window, read back afterwards.
    "${DRIVER[@]}" latency --url "$url" --key "$API_KEY" --channel "$CHANNEL" --rate "$LATENCY_RATE" \
      --concurrency "$LATENCY_CONCURRENCY" --duration "$duration" --timeout "$LATENCY_TIMEOUT" --result "$PHASE_DIR/driver.json" \
      >/dev/null 2>"$PHASE_DIR/driver.err" &
    LATENCY_PID=$!
    STARTED_PIDS+=("$LATENCY_PID")
  fi
  local ticks
  ticks=$(children_ticks)
  run_wrk "$PHASE_DIR/wrk.json" "$conns" "$duration" "$timeout" "$script" "$url" "$@" >"$PHASE_DIR/wrk.txt" 2>&1 \
    || phase_failed "$pid" "$scenario/$name" "$PHASE_DIR/wrk.txt"
  kill -0 "$pid" 2>/dev/null || phase_failed "$pid" "$scenario/$name" "$PHASE_DIR/wrk.txt"
  fact loadCpuTicks $(( $(children_ticks) - ticks ))
  end_sampling
  if [[ $scenario == e2e ]]; then
    # The drain first (the latency sample reads its messages back meanwhile, a few GETs), then the sample's result.
    wait_drained "$DRAIN_TIMEOUT"
    fact drainSeconds "$DRAIN_SECONDS"
    fact drained "$DRAINED"
    fact drainedMessages "$DRAIN_MESSAGES"
    wait "$LATENCY_PID" || log "latency sample failed (see $PHASE_DIR/driver.err)"
    forget_pid "$LATENCY_PID"
  fi
  if [[ $gateway == yes ]]; then
    fact dataBytes "$(du -sb "$GW_DATA" | cut -f1)"
  fi
  summarize_phase
}

summarize_phase() {
  [[ -f $PHASE_DIR/wrk.json ]] || return 0
  awk -v name="$(basename "$PHASE_DIR")" '
    match($0, /"requestsPerSecond":[0-9.]+/) { rps = substr($0, RSTART + 20, RLENGTH - 20) }
    match($0, /"p99":[0-9.]+/) { p99 = substr($0, RSTART + 6, RLENGTH - 6) }
    END { printf "  %s: %.0f req/s, p99 %.2f ms\n", name, rps, p99 / 1000 }' "$PHASE_DIR/wrk.json" >&2
}

skip_phase() {
  new_phase "$1" "$2" gateway "$3"
  fact skipped "$4"
  log "$1/$2: $4"
}

# ---------------------------------------------------------------- webhooks
# The corpus of signed WhatsApp Cloud API webhooks, generated once per run before any gateway
# starts, in a temporary folder (about 10 MB; removed at exit like the data folders).
webhook_corpus() {
  [[ -n ${WEBHOOK_CORPUS:-} && -f $WEBHOOK_CORPUS ]] && return 0
  local dir
  dir="$(mktemp -d "$DATA_ROOT/mgw-webhooks.XXXXXX")"
  DATA_DIRS+=("$dir")
  WEBHOOK_CORPUS="$dir/webhooks.corpus"
  "${DRIVER[@]}" webhook-corpus --secret "$WEBHOOK_SECRET" --count "$WEBHOOK_CORPUS_SIZE" \
    --out "$WEBHOOK_CORPUS" >/dev/null || die "could not write the webhook corpus"
}

# webhook_probe: posts the corpus's first webhook; sets WEBHOOK_STATUS and WEBHOOK_SKIP (empty when usable).
webhook_probe() {
  local signature body
  IFS=$'\t' read -r signature body <"$WEBHOOK_CORPUS"
  WEBHOOK_STATUS="$(curl -s -o /dev/null -w '%{http_code}' -X POST "$GATEWAY_URL$WEBHOOK_PATH" \
    -H 'Content-Type: application/json' -H "$WEBHOOK_SIGNATURE_HEADER: $signature" --data-binary "$body")"
  case $WEBHOOK_STATUS in
    2??) WEBHOOK_SKIP="" ;;
    404 | 405) WEBHOOK_SKIP="skipped: endpoint not available yet ($WEBHOOK_STATUS)" ;;
    401 | 403) WEBHOOK_SKIP="skipped: the gateway rejected the signature ($WEBHOOK_STATUS); set WEBHOOK_SECRET to the app secret it verifies with (and GATEWAY_ARGS to configure that secret)" ;;
    *) WEBHOOK_SKIP="skipped: the probe of POST $WEBHOOK_PATH answered $WEBHOOK_STATUS" ;;
  esac
}

# ---------------------------------------------------------------- scenarios
scenario_accept() {
  start_baseline accept
  measure_wrk accept baseline baseline "$BL_PID" "$BASELINE_URL" single.lua "$CONNECTIONS" "$DURATION" \
    "bare Kestrel: read the body, answer 202 (same wrk script)"
  stop_process "$BL_PID"
  start_gateway accept
  measure_wrk accept gateway gateway "$GW_PID" "$GATEWAY_URL" single.lua "$CONNECTIONS" "$DURATION" \
    "POST /v1/messages, one message per request over $CONVERSATIONS conversations"
  stop_gateway
}

scenario_batch() {
  start_gateway batch
  measure_wrk batch gateway gateway "$GW_PID" "$GATEWAY_URL" batch.lua "$BATCH_CONNECTIONS" "$DURATION" \
    "POST /v1/messages/batch, $BATCH_SIZE messages per request" \
    BATCH_SIZE="$BATCH_SIZE" CONVERSATIONS="$BATCH_CONVERSATIONS"
  stop_gateway
}

scenario_webhooks() {
  webhook_corpus
  start_gateway webhooks
  webhook_probe
  if [[ -n $WEBHOOK_SKIP ]]; then
    skip_phase webhooks gateway "POST $WEBHOOK_PATH with $WEBHOOK_SIGNATURE_HEADER" "$WEBHOOK_SKIP"
  else
    measure_wrk webhooks gateway gateway "$GW_PID" "$GATEWAY_URL" webhooks.lua "$CONNECTIONS" "$DURATION" \
      "POST $WEBHOOK_PATH, signed WhatsApp inbound messages ($WEBHOOK_CORPUS_SIZE distinct, then duplicates)" \
      WEBHOOK_CORPUS="$WEBHOOK_CORPUS"
  fi
  stop_gateway
}

scenario_mixed() {
  webhook_corpus
  start_gateway mixed
  webhook_probe
  local corpus="" single webhook note=""
  [[ -z $WEBHOOK_SKIP ]] && corpus="$WEBHOOK_CORPUS"
  # Without the webhook endpoint its share goes to single sends (unless MIX_SINGLE is set).
  webhook="${MIX_WEBHOOK:-5}"
  single="${MIX_SINGLE:-$((60 + (${#corpus} == 0 ? webhook : 0)))}"
  if [[ -z $corpus ]]; then
    note=" (webhooks ${WEBHOOK_SKIP#skipped: }; their share went to single sends)"
    webhook=0
  fi
  measure_wrk mixed gateway gateway "$GW_PID" "$GATEWAY_URL" mixed.lua "$CONNECTIONS" "$DURATION" \
    "$single % single sends, ${MIX_BATCH:-5} % batches of ${MIX_BATCH_SIZE:-100}, ${MIX_READ:-20} % message reads, ${MIX_HANDSET:-10} % handset inbox reads, $webhook % signed webhooks$note" \
    WEBHOOK_CORPUS="$corpus" MIX_SINGLE="$single"
  stop_gateway
}

scenario_e2e() {
  start_gateway e2e
  measure_wrk e2e gateway gateway "$GW_PID" "$GATEWAY_URL" batch.lua "$E2E_CONNECTIONS" "$DURATION" \
    "batches of $E2E_BATCH_SIZE, $E2E_CONNECTIONS connections; handed-over rate from /metrics; accept→handset sample by the driver" \
    BATCH_SIZE="$E2E_BATCH_SIZE" CONVERSATIONS="$BATCH_CONVERSATIONS"
  stop_gateway
}

scenario_flow() {
  start_gateway flow
  new_phase flow gateway gateway "send → handset → reply → visible on the conversation → payment → refund"
  fact connections "$FLOW_CONCURRENCY"
  fact duration "$DURATION"
  wait_quiet
  start_counters "$GW_PID"
  log "flow: warm-up (20 conversations)"
  "${DRIVER[@]}" flow --url "$GATEWAY_URL" --key "$API_KEY" --channel "$CHANNEL" --count 20 --concurrency 4 \
    >"$PHASE_DIR/warmup.json" 2>&1 || phase_failed "$GW_PID" "flow warm-up" "$PHASE_DIR/warmup.json"
  log "flow: measuring up to $FLOW_COUNT conversations or $DURATION"
  begin_sampling "$GW_PID" yes 1
  local ticks
  ticks=$(children_ticks)
  "${DRIVER[@]}" flow --url "$GATEWAY_URL" --key "$API_KEY" --channel "$CHANNEL" --count "$FLOW_COUNT" \
    --concurrency "$FLOW_CONCURRENCY" --duration "$DURATION" --result "$PHASE_DIR/driver.json" \
    >/dev/null 2>"$PHASE_DIR/driver.err" || phase_failed "$GW_PID" "flow" "$PHASE_DIR/driver.err"
  fact loadCpuTicks $(( $(children_ticks) - ticks ))
  end_sampling
  stop_gateway
}

scenario_soak() {
  start_gateway soak
  measure_wrk soak gateway gateway "$GW_PID" "$GATEWAY_URL" single.lua "$CONNECTIONS" "${SOAK_MINUTES}m" \
    "single sends for $SOAK_MINUTES min, RSS every $SOAK_SAMPLE_SECONDS s"
  stop_gateway
}

# ---------------------------------------------------------------- main
ensure_tools
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUN_DIR="$REPORTS/raw/$STAMP-$SCENARIO"
mkdir -p "$RUN_DIR/phases"
build
write_run_facts

if [[ $SCENARIO == all ]]; then
  for s in $SCENARIOS; do
    "scenario_$s"
  done
else
  "scenario_$SCENARIO"
fi

"${DRIVER[@]}" report --run-dir "$RUN_DIR" --scenario "$SCENARIO" --out "$REPORTS/$STAMP-$SCENARIO" >"$RUN_DIR/report.json"
log "report: ${REPORTS#"$ROOT"/}/$STAMP-$SCENARIO.md (and .json)"
sed -n '/^## Targets/,/^## Phases/p' "$REPORTS/$STAMP-$SCENARIO.md" | sed '$d' >&2 || true

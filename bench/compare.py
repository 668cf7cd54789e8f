#!/usr/bin/env python3
"""Compares BenchmarkDotNet JSON results with the committed baseline (bench/baseline/results.json).

    compare.py RESULTS_DIR [--baseline FILE] [--allow-missing]
    compare.py RESULTS_DIR --update [--merge] [--note TEXT]

RESULTS_DIR holds the *-report*.json files written by `--exporters json`. A benchmark fails when
its mean time is more than TIME_LIMIT times the baseline's even at the lower end of the run's
99.9% confidence interval (a noisy run is reported, not failed), when it allocates more bytes per
operation than the baseline (plus the tolerance listed in ALLOCATION_TOLERANCES, if any), when it
produced no result, or when it is in the baseline but was not run (unless --allow-missing).
Exit code: 0 all pass, 1 a regression or failure, 2 bad input.

--update writes the results as the new baseline instead of comparing (--merge keeps baseline
entries that were not run, for a filtered run). Standard library only.
"""

import argparse
import datetime
import fnmatch
import glob
import json
import os
import sys

# More than 35% slower fails: this 2-core VM is shared, and run-to-run noise of 10-25% is common.
TIME_LIMIT = 1.35

# Allocations are exact for single-threaded code, so any extra byte fails. These are not: their
# bytes per operation depend on how the threads interleave, so they get a relative tolerance.
ALLOCATION_TOLERANCES = [
    # Appends that share a group commit share its batch and write; how many share one depends on
    # thread timing. Seen: 1,360-1,361 B (1 caller) and 1,185-1,188 B (64) over five runs.
    ("*.GroupCommitBenchmarks.AppendConcurrently*", 0.02),
    # The whole gateway: how sends, dispatcher lanes, log batches and thread-pool work interleave
    # changes every run. Seen: 36,187-36,367 B and 54,695-54,927 B per message over four runs.
    ("*.FullPipelineBenchmarks.*", 0.03),
]

DEFAULT_BASELINE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "baseline", "results.json")
NAMESPACE = "MessagingGateway.Gateway.Benchmarks."


def allocation_tolerance(name):
    for pattern, tolerance in ALLOCATION_TOLERANCES:
        if fnmatch.fnmatchcase(name, pattern):
            return tolerance
    return 0.0


def read_results(directory):
    """{full name: {"meanNs": float|None, "allocatedBytes": int|None}} and the host description."""
    files = sorted(glob.glob(os.path.join(directory, "**", "*-report*.json"), recursive=True))
    if not files:
        raise ValueError(f"no BenchmarkDotNet JSON reports (*-report*.json) under {directory}")
    results, host = {}, None
    for path in files:
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        host = host or describe_host(report.get("HostEnvironmentInfo") or {})
        for benchmark in report.get("Benchmarks", []):
            statistics = benchmark.get("Statistics") or {}
            memory = benchmark.get("Memory") or {}
            interval = statistics.get("ConfidenceInterval") or {}
            results[benchmark["FullName"]] = {
                "meanNs": statistics.get("Mean"),
                "lowerNs": interval.get("Lower"),
                "allocatedBytes": memory.get("BytesAllocatedPerOperation"),
            }
    return results, host


def describe_host(info):
    return "{} ({} logical cores), {}, {}, BenchmarkDotNet {}".format(
        info.get("ProcessorName", "?"), info.get("LogicalCoreCount", "?"), info.get("OsVersion", "?"),
        info.get("RuntimeVersion", "?"), info.get("BenchmarkDotNetVersion", "?"))


def read_baseline(path):
    with open(path, encoding="utf-8") as f:
        baseline = json.load(f)
    return baseline, {b["name"]: b for b in baseline["benchmarks"]}


def format_time(ns):
    if ns is None:
        return "-"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}" if ns / scale < 100 else f"{ns / scale:.0f} {unit}"
    return f"{ns:.3g} ns"


def format_bytes(value):
    return "-" if value is None else f"{value:,} B"


def verdict(name, base, current):
    """(passed, text) for one benchmark; base or current may be None."""
    if current is None:
        return False, "MISSING (not run)"
    if current["meanNs"] is None:
        return False, "FAILED (no result)"
    if base is None:
        return True, "new (no baseline)"
    problems = []
    notes = []
    ratio = current["meanNs"] / base["meanNs"]
    if ratio > TIME_LIMIT:
        # Slower by more than the limit even at the lower end of the run's 99.9% confidence
        # interval: that is the code, not the machine.
        lower = current.get("lowerNs")
        lower_ratio = ratio if lower is None else lower / base["meanNs"]
        if lower_ratio > TIME_LIMIT:
            problems.append(f"SLOWER {ratio:.2f}x > {TIME_LIMIT:.2f}x")
        else:
            notes.append(f"{ratio:.2f}x but {lower_ratio:.2f}x at the low end of its 99.9% interval: noisy run, rerun")
    base_bytes, bytes_now = base.get("allocatedBytes"), current["allocatedBytes"]
    if base_bytes is not None and bytes_now is not None:
        tolerance = allocation_tolerance(name)
        allowed = base_bytes * (1 + tolerance)
        if bytes_now > allowed:
            extra = f" (tolerance {tolerance:.0%})" if tolerance else ""
            problems.append(f"ALLOCATES +{bytes_now - base_bytes:,} B{extra}")
    if problems:
        return False, "; ".join(problems)
    if base_bytes is not None and bytes_now is not None and bytes_now > base_bytes:
        notes.append(f"+{bytes_now - base_bytes:,} B within {allocation_tolerance(name):.0%}")
    if ratio < 1 / TIME_LIMIT:
        notes.append("much faster: update the baseline?")
    return True, "ok" + (f" ({'; '.join(notes)})" if notes else "")


def short(name):
    return name[len(NAMESPACE):] if name.startswith(NAMESPACE) else name


def print_table(rows, headers=("Benchmark", "Baseline", "Current", "Ratio", "Alloc base", "Alloc now", "Verdict")):
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    right = {i for i, header in enumerate(headers) if i > 0 and header != "Verdict"}
    def line(cells):
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def compare(results, baseline_entries, allow_missing):
    names = list(baseline_entries) + sorted(n for n in results if n not in baseline_entries)
    rows, failures = [], 0
    for name in names:
        base, current = baseline_entries.get(name), results.get(name)
        if current is None and allow_missing:
            continue
        passed, text = verdict(name, base, current)
        failures += not passed
        ratio = "-"
        if base and current and current["meanNs"] is not None:
            ratio = f"{current['meanNs'] / base['meanNs']:.2f}x"
        rows.append((
            short(name),
            format_time(base and base["meanNs"]),
            format_time(current and current["meanNs"]),
            ratio,
            format_bytes(base and base.get("allocatedBytes")),
            format_bytes(current and current["allocatedBytes"]),
            text if passed else "FAIL: " + text,
        ))
    print_table(rows)
    print()
    print(f"{len(rows) - failures} passed, {failures} failed "
          f"(limits: mean time <= {TIME_LIMIT:.2f}x baseline unless within the run's 99.9% interval; allocated bytes <= baseline, see ALLOCATION_TOLERANCES)")
    return failures


def update(path, results, host, merge, note):
    failed = sorted(n for n, r in results.items() if r["meanNs"] is None)
    if failed:
        raise ValueError("not writing a baseline with failed benchmarks: " + ", ".join(map(short, failed)))
    entries = {}
    previous = {}
    if merge and os.path.exists(path):
        previous, entries = read_baseline(path)
    for name, result in results.items():
        entries[name] = {"name": name, "meanNs": round(result["meanNs"], 3), "allocatedBytes": result["allocatedBytes"]}
    baseline = {
        "recorded": datetime.date.today().isoformat(),
        "host": host,
        "note": note if note is not None else previous.get("note", ""),
        "benchmarks": [entries[n] for n in sorted(entries)],
    }
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(baseline, f, indent=2)
        f.write("\n")
    print(f"Wrote {len(entries)} benchmarks to {path}")
    print_table([(short(e["name"]), format_time(e["meanNs"]), format_bytes(e["allocatedBytes"]))
                 for e in baseline["benchmarks"]], headers=("Benchmark", "Mean", "Allocated"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", help="folder with BenchmarkDotNet's *-report*.json files")
    parser.add_argument("--baseline", default=DEFAULT_BASELINE)
    parser.add_argument("--allow-missing", action="store_true", help="baseline entries that were not run pass (filtered run)")
    parser.add_argument("--update", action="store_true", help="write the results as the new baseline")
    parser.add_argument("--merge", action="store_true", help="with --update: keep baseline entries that were not run")
    parser.add_argument("--note", help="with --update: how the baseline was recorded (machine load, job)")
    args = parser.parse_args()
    try:
        results, host = read_results(args.results)
        if args.update:
            update(args.baseline, results, host, args.merge, args.note)
            return 0
        baseline, entries = read_baseline(args.baseline)
    except (OSError, ValueError, KeyError) as error:
        print(f"compare.py: {error}", file=sys.stderr)
        return 2
    print(f"Baseline: {args.baseline} (recorded {baseline.get('recorded', '?')} on {baseline.get('host', '?')})")
    if baseline.get("note"):
        print(f"          {baseline['note']}")
    print(f"Current:  {host}")
    print()
    return 1 if compare(results, entries, args.allow_missing) else 0


if __name__ == "__main__":
    sys.exit(main())

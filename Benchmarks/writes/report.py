#!/usr/bin/env python3
"""Reads what Benchmarks/writes/run measured (wrk's output and the answers its Lua scripts wrote) and prints one line
per measure beside its target; with --json, also writes them. Standard library only.

    report.py --phase LABEL KIND DATABASE CONNECTIONS SECONDS WRK_OUTPUT ANSWERS_DIR [--phase …] [--json FILE]

KIND: submit, tickets-api, tickets-kiosk or call. A target missed is printed, never an error."""
import argparse, glob, json, os, re, sys

TARGETS = {  # kind: (answers per second, p99 ms or None, the target in words)
    "submit": (2000, 50, "≥ 2,000/s, p99 < 50 ms at 64 connections"),
    "tickets-api": (1000, None, "≥ 1,000/s"),
    "tickets-kiosk": (1000, None, "≥ 1,000/s"),
    "call": (500, None, "≥ 500/s with 8 agents"),
}


def milliseconds(text):
    number, unit = re.match(r"([0-9.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk_figures(path):
    text = open(path, encoding="utf-8", errors="replace").read() if os.path.exists(path) else ""
    rate = re.search(r"Requests/sec:\s+([0-9.]+)", text)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.MULTILINE)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {
        "requests_per_second": float(rate.group(1)) if rate else 0.0,
        "p99_ms": milliseconds(p99.group(1)) if p99 else None,
        "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0,
    }


def answers(folder, prefix):
    lines = []
    for path in sorted(glob.glob(os.path.join(folder, prefix + "-*.txt"))):
        lines += open(path, encoding="utf-8", errors="replace").read().split("\n")
    return [line.split() for line in lines if line.strip()]


def measure(label, kind, database, connections, seconds, wrk_output, folder):
    seconds = float(seconds)
    figures = wrk_figures(wrk_output)
    row = {"measure": label, "kind": kind, "database": database, "connections": int(connections), "seconds": seconds}
    if kind == "call":
        rows = answers(folder, "call")
        calls = [r for r in rows if r[0] == "call"]
        called = [float(r[2]) for r in calls if r[3] == "called"]
        latencies = sorted(float(r[2]) for r in calls)
        row.update(
            ok=len(called), ok_per_second=len(called) / seconds, requests_per_second=figures["requests_per_second"],
            p99_ms=latencies[max(0, int(len(latencies) * 0.99) - 1)] if latencies else None,
            empty=sum(1 for r in calls if r[3] == "empty"),
            failed=sum(1 for r in calls if r[3] == "error") + sum(1 for r in rows if r[0] == "other"))
    else:
        rows = answers(folder, "submit" if kind == "submit" else "tickets")
        good = (lambda s: s == 303) if kind == "tickets-kiosk" else (lambda s: 200 <= s < 300)
        ok = sum(1 for r in rows if good(int(r[0])))
        row.update(ok=ok, ok_per_second=ok / seconds, requests_per_second=figures["requests_per_second"], p99_ms=figures["p99_ms"],
                   empty=0, failed=len(rows) - ok)
    row["failed"] += figures["socket_errors"]
    rate, p99, words = TARGETS[kind]
    meets = row["ok_per_second"] >= rate and (p99 is None or (row["p99_ms"] is not None and row["p99_ms"] < p99))
    if kind == "submit" and int(connections) != 64:
        words, meets = "(the target is at 64 connections)", None
    row["target"], row["meets"] = words, meets
    return row


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--phase", nargs=7, action="append", default=[])
    parser.add_argument("--json")
    args = parser.parse_args()
    rows = [measure(*phase) for phase in args.phase]
    print(f"\n{'measure':<30}{'database':<12}{'conn':>5}{'ok/s':>9}{'req/s':>9}{'p99 ms':>9}{'failed':>8}  target")
    for row in rows:
        p99 = f"{row['p99_ms']:.1f}" if row["p99_ms"] is not None else "-"
        extra = f" (queue empty {row['empty']}×)" if row["empty"] else ""
        print(f"{row['measure']:<30}{row['database']:<12}{row['connections']:>5}{row['ok_per_second']:>9.0f}"
              f"{row['requests_per_second']:>9.0f}{p99:>9}{row['failed']:>8}  {row['target']}: "
              f"{'' if row['meets'] is None else 'meets' if row['meets'] else 'MISSES'}{extra}")
    print("ok/s: acknowledged writes per second (2xx; kiosk 303; call-next: a ticket called); req/s: wrk's, every request;"
          " failed: other answers and socket errors")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(rows, out, indent=2)


main()

#!/usr/bin/env python3
"""Reads the wrk outputs that Benchmarks/run collected, prints one table per page-cache setting and writes the
same figures as JSON. Standard library only.

The targets (2 cores, 64 connections): a procedure's page and JSON reach 60 % of the baseline's requests/s
with p99 under 50 ms; a search, 25 %. They are reported, never asserted.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import sys

TARGETS = {
    "procedure": {"min_ratio": 0.60, "max_p99_ms": 50.0},
    "search": {"min_ratio": 0.25, "max_p99_ms": None},
}
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def milliseconds(text):
    """wrk prints times as 850.00us, 12.34ms, 1.02s or 1.00m."""
    match = re.fullmatch(r"([0-9.]+)(us|ms|s|m|h)", text.strip())
    return float(match.group(1)) * UNITS_MS[match.group(2)] if match else None


def parse_wrk(text):
    """The figures of one `wrk --latency` run; None where wrk printed nothing (no run, or it failed)."""
    result = {"requests_per_second": None, "p50_ms": None, "p99_ms": None, "requests": None, "non_2xx_3xx": 0,
              "socket_errors": None}
    if match := re.search(r"^Requests/sec:\s+([0-9.]+)", text, re.M):
        result["requests_per_second"] = float(match.group(1))
    for percentile, key in (("50", "p50_ms"), ("99", "p99_ms")):
        if match := re.search(rf"^\s+{percentile}(?:\.000)?%\s+(\S+)", text, re.M):
            result[key] = milliseconds(match.group(1))
    if match := re.search(r"^\s+(\d+) requests in", text, re.M):
        result["requests"] = int(match.group(1))
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text):
        result["non_2xx_3xx"] = int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text):
        result["socket_errors"] = dict(zip(("connect", "read", "write", "timeout"), map(int, match.groups())))
    return result


def verdict(kind, ratio, p99):
    target = TARGETS.get(kind)
    if target is None or ratio is None:
        return None
    ok = ratio >= target["min_ratio"] and (target["max_p99_ms"] is None or (p99 is not None and p99 < target["max_p99_ms"]))
    wanted = f"≥ {target['min_ratio']:.0%}" + (f", p99 < {target['max_p99_ms']:.0f} ms" if target["max_p99_ms"] else "")
    return {"meets": ok, "target": wanted}


def number(value, digits=0):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.{digits}f}".replace(",", " ")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", required=True, help="runs.tsv written by Benchmarks/run")
    parser.add_argument("--css-path", default="/static/guichet.css")
    parser.add_argument("--css-bytes", type=int, default=0)
    parser.add_argument("--css-gzip", type=int, default=0)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--accept-gzip", default="0")
    parser.add_argument("--commit", default="unknown")
    parser.add_argument("--json", required=True)
    args = parser.parse_args()

    rows = []
    with open(args.runs, encoding="utf-8") as runs:
        for line in runs:
            cache, route, kind, form, status, size, gzip_size, encoding, output = line.rstrip("\n").split("\t")
            text = open(output, encoding="utf-8", errors="replace").read() if os.path.exists(output) else ""
            row = {"page_cache": cache, "route": route, "kind": kind, "html": form == "page", "status": int(status or 0),
                   "bytes": int(size or 0), "gzip_bytes": int(gzip_size or 0), "gzip_served": encoding == "gzip"}
            row.update(parse_wrk(text))
            rows.append(row)

    problems = []
    for cache in dict.fromkeys(row["page_cache"] for row in rows):
        group = [row for row in rows if row["page_cache"] == cache]
        baseline = next((row["requests_per_second"] for row in group if row["kind"] == "baseline"), None)
        for row in group:
            rps = row["requests_per_second"]
            row["ratio_to_baseline"] = rps / baseline if rps is not None and baseline else None
            row["verdict"] = verdict(row["kind"], row["ratio_to_baseline"], row["p99_ms"])
            if row["html"]:
                row["bytes_with_css"] = row["bytes"] + args.css_bytes
                row["gzip_bytes_with_css"] = row["gzip_bytes"] + args.css_gzip
            if row["status"] != 200:
                problems.append(f"{row['route']} answered {row['status']} (page cache {cache}): not measured")
            elif rps is None:
                problems.append(f"{row['route']}: wrk gave no figures (page cache {cache})")
            if row["non_2xx_3xx"]:
                problems.append(f"{row['route']}: {row['non_2xx_3xx']} non-2xx/3xx answers under load (page cache {cache})")
            errors = row["socket_errors"] or {}
            if any(errors.values()):
                problems.append(f"{row['route']}: socket errors {errors} (page cache {cache})")

    gzip_note = ", asking for gzip" if args.accept_gzip == "1" else ""
    print(f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}{gzip_note} on {os.cpu_count()} cores, "
          f"commit {args.commit}")
    print(f"stylesheet {args.css_path}: {args.css_bytes} B, {args.css_gzip} B with gzip (one download, then cached)")
    header = (f"{'route':58} {'req/s':>9} {'vs /ping':>8} {'p99 ms':>8} {'bytes':>7} {'gzip':>6} {'+css':>7} "
              f"{'gz+css':>7}  target")
    for cache in dict.fromkeys(row["page_cache"] for row in rows):
        print(f"\npage cache {cache}" + (" (normal setting)" if cache == "on" else " (every request rendered)" if cache == "off" else ""))
        print(header)
        for row in (row for row in rows if row["page_cache"] == cache):
            ratio = row["ratio_to_baseline"]
            target = row["verdict"]
            mark = "" if target is None else ("meets " if target["meets"] else "MISSES ") + target["target"]
            with_css = number(row.get("bytes_with_css")) if row["html"] else ""
            gzip_css = number(row.get("gzip_bytes_with_css")) if row["html"] else ""
            gzip = number(row["gzip_bytes"]) + ("" if row["gzip_served"] or row["route"] == "/ping" else "*")
            print(f"{row['route'][:58]:58} {number(row['requests_per_second']):>9} "
                  f"{(number(100 * ratio, 1) + ' %') if ratio is not None else '—':>8} {number(row['p99_ms'], 2):>8} "
                  f"{number(row['bytes']):>7} {gzip:>6} {with_css:>7} {gzip_css:>7}  {mark}")
    if any(not row["gzip_served"] and row["route"] != "/ping" for row in rows):
        print("* answered without Content-Encoding: gzip although asked for it")

    report = {
        "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "commit": args.commit,
        "machine": {"cores": os.cpu_count(), "system": platform.platform()},
        "wrk": {"threads": args.threads, "connections": args.connections, "duration": args.duration,
                "accept_gzip": args.accept_gzip == "1"},
        "targets": TARGETS,
        "stylesheet": {"path": args.css_path, "bytes": args.css_bytes, "gzip_bytes": args.css_gzip},
        "results": rows,
        "problems": problems,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    print(f"\nwritten to {args.json}")
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

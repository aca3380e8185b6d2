#!/usr/bin/env python3
"""Reads the wrk outputs that Benchmarks/run collected, prints one table per page-cache setting and writes the
same figures as JSON. Standard library only.

Every figure is a share of bare Hummingbird's (the `bare-baseline` target) measured in the same run, of like kind:
`/ping` against the bare `/ping`, an HTML page against a bare page of the same size, a JSON answer against a bare
JSON body of the same size. Each of our routes is compared with the bare measure taken just before it (the
runs file's tenth column); without one, with bare Hummingbird's first measure of that kind. A route measured in several
rounds (several rows) is given by its medians: of its requests/s, of its bare counterparts' and of the rounds' shares;
its p99 is the worst round's.
The targets (issue 16; 2 cores, 64 connections), with the page cache on: `/ping` ≥ 85 %,
a procedure's page (French and English) and its JSON ≥ 80 %, a search (page and API) ≥ 50 %, p99 < 20 ms on every
route; with the page cache off, the procedure's page rendered at ≥ 3 × 780 req/s (780: its rate when the issue was
filed). They are reported, never asserted.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import sys

# By page-cache setting, then kind of route: the least share of bare Hummingbird's requests/s, the greatest p99, the
# least absolute requests/s.
TARGETS = {
    "on": {
        "ping": {"min_ratio": 0.85, "max_p99_ms": 20.0},
        "procedure": {"min_ratio": 0.80, "max_p99_ms": 20.0},
        "search": {"min_ratio": 0.50, "max_p99_ms": 20.0},
    },
    "off": {
        "procedure-page": {"min_rps": 3 * 780.0},
    },
}
# The first render's rate when issue 16 was filed: the cache-off procedure page is also given as a multiple of it.
FIRST_RENDER_BEFORE = 780.0
# Which bare route each of ours is compared with.
BARE_OF = {"ping": "/ping", "page": "/page", "api": "/json"}
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


def median(values):
    values = sorted(value for value in values if value is not None)
    if not values:
        return None
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def merge_rounds(rows):
    """One row per page-cache setting and route: the rounds' medians, the worst p99, each round kept in `rounds`."""
    groups = {}
    for row in rows:
        groups.setdefault((row["page_cache"], row["route"]), []).append(row)
    merged = []
    for group in groups.values():
        first = dict(group[0])
        if len(group) > 1:
            for row in group:
                rps, paired = row["requests_per_second"], row["paired_baseline_rps"]
                row["round_ratio"] = rps / paired if rps is not None and paired else None
            first["rounds"] = [{key: row[key] for key in ("requests_per_second", "paired_baseline_rps", "round_ratio", "p99_ms")}
                               for row in group]
            first["requests_per_second"] = median(row["requests_per_second"] for row in group)
            first["paired_baseline_rps"] = median(row["paired_baseline_rps"] for row in group)
            first["round_ratio_median"] = median(row["round_ratio"] for row in group)
            p99s = [row["p99_ms"] for row in group if row["p99_ms"] is not None]
            first["p99_ms"] = max(p99s) if p99s else None
            first["p50_ms"] = median(row["p50_ms"] for row in group)
            first["requests"] = sum(row["requests"] or 0 for row in group)
            first["non_2xx_3xx"] = sum(row["non_2xx_3xx"] for row in group)
            errors = {}
            for row in group:
                for key, value in (row["socket_errors"] or {}).items():
                    errors[key] = errors.get(key, 0) + value
            first["socket_errors"] = errors or None
        merged.append(first)
    return merged


def target_of(cache, kind, form):
    targets = TARGETS.get(cache, {})
    return targets.get(f"{kind}-{form}") or targets.get(kind)


def verdict(target, rps, ratio, p99):
    if target is None or rps is None:
        return None
    ok = True
    wanted = []
    if "min_ratio" in target:
        ok = ok and ratio is not None and ratio >= target["min_ratio"]
        wanted.append(f"≥ {target['min_ratio']:.0%}")
    if "min_rps" in target:
        ok = ok and rps >= target["min_rps"]
        wanted.append(f"≥ {target['min_rps']:,.0f} req/s".replace(",", " "))
    if target.get("max_p99_ms"):
        ok = ok and p99 is not None and p99 < target["max_p99_ms"]
        wanted.append(f"p99 < {target['max_p99_ms']:.0f} ms")
    return {"meets": ok, "target": ", ".join(wanted)}


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
            fields = line.rstrip("\n").split("\t")
            cache, route, kind, form, status, size, gzip_size, encoding, output = fields[:9]
            paired = fields[9] if len(fields) > 9 else ""
            text = open(output, encoding="utf-8", errors="replace").read() if os.path.exists(output) else ""
            row = {"page_cache": cache, "route": route, "kind": kind, "form": form, "html": form == "page", "status": int(status or 0),
                   "bytes": int(size or 0), "gzip_bytes": int(gzip_size or 0), "gzip_served": encoding == "gzip"}
            row.update(parse_wrk(text))
            paired_text = open(paired, encoding="utf-8", errors="replace").read() if paired and os.path.exists(paired) else ""
            row["paired_baseline_rps"] = parse_wrk(paired_text)["requests_per_second"]
            rows.append(row)
    rows = merge_rounds(rows)

    problems = []
    bare = {row["route"]: row["requests_per_second"] for row in rows if row["page_cache"] == "bare"}
    for row in rows:
        rps = row["requests_per_second"]
        cache = row["page_cache"]
        if cache == "bare":
            row["baseline"] = None
            row["ratio_to_baseline"] = None
            row["verdict"] = None
        else:
            row["baseline"] = BARE_OF.get(row["form"])
            baseline = row["paired_baseline_rps"] or bare.get(row["baseline"])
            row["ratio_to_baseline"] = row.get("round_ratio_median") or (rps / baseline if rps is not None and baseline else None)
            row["verdict"] = verdict(target_of(cache, row["kind"], row["form"]), rps, row["ratio_to_baseline"], row["p99_ms"])
            if cache == "off" and row["kind"] == "procedure" and row["form"] == "page" and rps is not None:
                row["times_first_render_before"] = rps / FIRST_RENDER_BEFORE
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

    gzip_note = ", asking for gzip (bare Hummingbird never compresses)" if args.accept_gzip == "1" else ""
    print(f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}{gzip_note} on {os.cpu_count()} cores, "
          f"commit {args.commit}")
    print(f"stylesheet {args.css_path}: {args.css_bytes} B, {args.css_gzip} B with gzip (one download, then cached)")
    print("vs bare: requests/s as a share of bare Hummingbird's of like kind (ping, page or json), measured just before "
          "(bare now)")
    header = (f"{'route':52} {'req/s':>9} {'bare now':>9} {'vs bare':>13} {'p99 ms':>8} {'bytes':>7} {'gzip':>6} {'+css':>7} "
              f"{'gz+css':>7}  target")
    titles = {"bare": "bare Hummingbird (the baseline)", "on": "page cache on (normal setting)",
              "off": "page cache off (every request rendered)"}
    for cache in dict.fromkeys(row["page_cache"] for row in rows):
        print(f"\n{titles.get(cache, 'page cache ' + cache)}")
        print(header)
        for row in (row for row in rows if row["page_cache"] == cache):
            ratio = row["ratio_to_baseline"]
            target = row["verdict"]
            mark = "" if target is None else ("meets " if target["meets"] else "MISSES ") + target["target"]
            if "times_first_render_before" in row:
                mark += f" ({row['times_first_render_before']:.2f} × {FIRST_RENDER_BEFORE:.0f})"
            with_css = number(row.get("bytes_with_css")) if row["html"] else ""
            gzip_css = number(row.get("gzip_bytes_with_css")) if row["html"] else ""
            gzip = number(row["gzip_bytes"]) + ("" if row["gzip_served"] or row["form"] == "ping" or cache == "bare" else "*")
            share = f"{number(100 * ratio, 1)} % {row['baseline'].lstrip('/')}" if ratio is not None else "—"
            if row.get("rounds"):
                shares = [round["round_ratio"] for round in row["rounds"] if round["round_ratio"] is not None]
                if shares:
                    mark = f"[{len(shares)} rounds: {100 * min(shares):.0f}–{100 * max(shares):.0f} %] " + mark
            print(f"{row['route'][:52]:52} {number(row['requests_per_second']):>9} {number(row['paired_baseline_rps']):>9} {share:>13} "
                  f"{number(row['p99_ms'], 2):>8} "
                  f"{number(row['bytes']):>7} {gzip:>6} {with_css:>7} {gzip_css:>7}  {mark}")
    if any(not row["gzip_served"] and row["form"] != "ping" and row["page_cache"] != "bare" for row in rows):
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

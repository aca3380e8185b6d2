#!/usr/bin/env python3
"""What clients saw around the SIGKILL of one process (Benchmarks/multiprocess/run, part b), from the answer files the
wrk scripts wrote (each line ends with the answer's wall-clock time). Standard library only.

    after_kill.py KILLED_AT SUBMIT_DIR TICKETS_DIR CALL_DIR BASE AGENTS_FILE CENTRE PREFIX

For each load: answers before the kill, in the 2 s after it (requests in flight on the killed process: nginx answers
502 to a POST it had already sent, and does not send it again) and after those 2 s. Then, the killed process still
down, one submission, one ticket and one call-next cycle through BASE (nginx) must be acknowledged. Fails (exit 1) on
a 5xx later than 2 s after the kill or on a probe not acknowledged: the other processes must go on."""
import glob, http.client, json, os, re, sys, urllib.parse, uuid
from collections import Counter

KILLED_AT = float(sys.argv[1])
GRACE = 2.0
failed = False


def rows(folder, prefix):
    for path in glob.glob(os.path.join(folder, prefix + "-*.txt")):
        for line in open(path, encoding="utf-8", errors="replace"):
            parts = line.split()
            if parts:
                yield parts


def summary(counter):
    return ", ".join(f"{count}× {status}" for status, count in sorted(counter.items())) or "none"


print(f"  {'load':<12}{'before the kill':<28} {'0–2 s after':<28} {'later'}")
for name, folder, prefix, good in (
    ("submissions", sys.argv[2], "submit", lambda r: r[0].startswith("2")),
    ("tickets", sys.argv[3], "tickets", lambda r: r[0].startswith("2")),
    ("call-next", sys.argv[4], "call", None),
):
    windows = [Counter(), Counter(), Counter()]
    ok_later, bad_later = 0, 0
    for r in rows(folder, prefix):
        if prefix == "call":
            status, at = r[1], float(r[-1])
            label = f"{status} {r[3]}" if r[0] == "call" else f"{status} (console/no-show)"
            ok = r[0] == "call" and r[3] == "called"
        else:
            status, at = r[0], float(r[-1])
            label = status
            ok = good(r)
        window = 0 if at < KILLED_AT else 1 if at < KILLED_AT + GRACE else 2
        windows[window][label] += 1
        if window == 2:
            bad_later += status.startswith("5")
    print(f"  {name:<12}{summary(windows[0]):<28} {summary(windows[1]):<28} {summary(windows[2])}")
    if bad_later:
        print(f"    {name}: {bad_later} 5xx later than {GRACE:.0f} s after the kill: FAILED (the other processes must go on)")
        failed = True
print("  (call-next: 'called' a ticket called, 'empty' none waiting; a 502 is a request in flight on the killed process; a 409 a\n"
      "  call-next whose agent's no-show got that 502, so the counter still held its ticket: the console is then read again)")

BASE, AGENTS, CENTRE, PREFIX = sys.argv[5].rstrip("/"), sys.argv[6], sys.argv[7], sys.argv[8]
url = urllib.parse.urlsplit(BASE)


def send(method, path, body=None, headers=None):
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    conn.request(method, path, body=body.encode("utf-8") if isinstance(body, str) else body, headers=headers or {})
    response = conn.getresponse()
    text = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, text, {k.lower(): v for k, v in response.getheaders()}


def probe(name, ok, detail):
    global failed
    print(f"    {name:<72} {'ok' if ok else 'FAILED: ' + detail}")
    failed = failed or not ok


submission = os.environ["SUBMIT_BODY"]
status, text, _ = send("POST", "/api/v1/applications", submission,
                       {"Content-Type": "application/json", "Idempotency-Key": f"{PREFIX}-after-{uuid.uuid4()}"})
probe("after the load, process 2 still down: a submission through nginx", status == 201, f"{status} {text[:200]}")
status, text, _ = send("POST", f"/api/v1/centres/{CENTRE}/tickets", json.dumps({"service": os.environ["SERVICE"]}),
                       {"Content-Type": "application/json", "Idempotency-Key": f"{PREFIX}-after-{uuid.uuid4()}",
                        "X-Forwarded-For": "10.66.0.1"})
probe("a ticket through nginx", status == 201, f"{status} {text[:200]}")
cookie, csrf, counter = open(AGENTS, encoding="utf-8").readline().rstrip("\n").split("\t")
form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
console = f"/admin/centres/{CENTRE}"
_, page, _ = send("GET", console, headers={"Cookie": cookie})
held = re.search(rf'action="({re.escape(console)}/counters/{re.escape(counter)}/tickets/[^"/]+/no-show)"', page)
if held:  # the agent's last cycle was cut by the end of the load: free the counter first
    send("POST", held.group(1), "_csrf=" + csrf, form)
status, _, headers = send("POST", f"{console}/counters/{counter}/call", "_csrf=" + csrf, form)
probe("a call-next through nginx by an agent signed in before the kill", status == 303 and "empty=1" not in headers.get("location", ""),
      f"{status} {headers.get('location')}")
sys.exit(1 if failed else 0)

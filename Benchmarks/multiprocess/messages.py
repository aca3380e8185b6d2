#!/usr/bin/env python3
"""The notification workers across processes (Benchmarks/multiprocess/run, after part b): every process runs the SMS
worker, sending through the aggregator simulator (Tools/sms-simulator.py). Waits until the outbox has drained (the
killed process's claims expire and another process takes them), then reads what the simulator accepted: each
acknowledged submission (the "submit-*.txt" answer files under ANSWERS) must have had exactly one "application
received" SMS naming its reference. A resend the simulator recognised by its Idempotency-Key (a message claimed again
after the kill) is not a duplicate: it is counted apart. Standard library only; psql for the outbox.

    messages.py SIM_PORT DATABASE_URL ANSWERS"""
import glob, json, os, subprocess, sys, time, urllib.request

SIM_PORT, URL, ANSWERS = int(sys.argv[1]), sys.argv[2], sys.argv[3]


def outbox_pending():
    query = "SELECT COUNT(*) FROM channel_outbox WHERE status IN ('queued', 'sending')"
    result = subprocess.run(["psql", "-X", "-At", URL, "-c", query], capture_output=True, text=True)
    if result.returncode != 0:
        if "does not exist" in result.stderr:
            print("  notification workers: no channel_outbox table (a build without the SMS worker): not checked")
            sys.exit(0)
        sys.exit(f"  notification workers: psql failed: {result.stderr.strip()}")
    return int(result.stdout.strip())


def simulator(path):
    with urllib.request.urlopen(f"http://127.0.0.1:{SIM_PORT}{path}", timeout=30) as response:
        return json.loads(response.read())


references = set()
for path in glob.glob(os.path.join(ANSWERS, "**", "submit-*.txt"), recursive=True):
    for line in open(path, encoding="utf-8", errors="replace"):
        parts = line.split()
        if len(parts) >= 2 and parts[0].startswith("2") and parts[1] != "-":
            references.add(parts[1])
started = time.time()
pending = outbox_pending()
while pending > 0 and time.time() - started < 120:
    time.sleep(0.5)
    pending = outbox_pending()
print(f"  notification workers: outbox drained in {time.time() - started:.1f} s ({pending} left)")
sent = {}
for message in simulator("/messages"):
    text = message.get("message", "")
    for word in text.replace(".", " ").split():
        if word in references:
            sent[word] = sent.get(word, 0) + 1
            break
lost = [reference for reference in references if reference not in sent]
duplicates = sum(count - 1 for count in sent.values() if count > 1)
stats = simulator("/stats")
print(f"    {len(references)} acknowledged submissions: {sum(sent.values())} SMS accepted by the gateway, {duplicates} sent twice, "
      f"{len(lost)} never sent; resends recognised by their Idempotency-Key: {stats.get('retries')}")
ok = pending == 0 and not lost and not duplicates
print(f"    {'every acknowledged submission got its SMS exactly once' if ok else 'FAILED'}"
      + ("" if pending == 0 else f": {pending} messages still queued or claimed after 120 s"))
sys.exit(0 if ok else 1)

#!/usr/bin/env python3
"""Applications load: submissions per second (POST /api/v1/applications, each with its own Idempotency-Key, answers
complete, submitted at once) and tracking lookups per second (POST /api/v1/track), with p99, each as a ratio to the
bare /ping route measured by the same client in the same run. Standard library only: keep-alive connections, one
per client thread."""
import http.client, json, sys, threading, time, uuid

HOST, PORT = "127.0.0.1", int(sys.argv[1])
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 10
CLIENTS = int(sys.argv[3]) if len(sys.argv) > 3 else 8
LABEL = sys.argv[4] if len(sys.argv) > 4 else "sqlite"
PROCEDURE = "tg-copie-acte-etat-civil"
ANSWERS = {"record_kind": "birth", "last_name": "BENCH", "first_names": "Charge", "event_date": "2001-02-03",
           "registry_centre": "Lomé", "phone": "+22890000000"}


def connection():
    return http.client.HTTPConnection(HOST, PORT, timeout=30)


def call(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    return response.status, data


def submit(conn):
    body = json.dumps({"procedure": PROCEDURE, "answers": ANSWERS})
    status, data = call(conn, "POST", "/api/v1/applications", body,
                        {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())})
    return status == 201, data


def measure(step, setup=lambda index: None):
    latencies, errors, lock, stop = [], [], threading.Lock(), time.time() + SECONDS

    def worker(index):
        conn, state = connection(), setup(index)
        mine, bad = [], 0
        while time.time() < stop:
            started = time.perf_counter()
            ok = step(conn, state)
            mine.append(time.perf_counter() - started)
            if not ok:
                bad += 1
        with lock:
            latencies.extend(mine)
            errors.append(bad)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    began = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.time() - began
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("nan")
    return len(latencies) / elapsed, p99, sum(errors)


def main():
    # Warm up, and make the applications that tracking will look up.
    conn = connection()
    tracked = []
    for _ in range(64):
        ok, data = submit(conn)
        if not ok:
            sys.exit(f"submission failed: {data[:300]!r}")
        answer = json.loads(data)
        tracked.append(json.dumps({"reference": answer["reference"], "pin": answer["pin"]}))
    results = {}
    results["/ping (baseline)"] = measure(lambda c, s: call(c, "GET", "/ping")[0] == 200)
    results["submission"] = measure(lambda c, s: submit(c)[0])
    results["tracking lookup"] = measure(
        lambda c, s: call(c, "POST", "/api/v1/track", tracked[s["i"].__next__() % len(tracked)], {"Content-Type": "application/json"})[0] == 200,
        setup=lambda index: {"i": iter(range(index, 10**9, CLIENTS))})
    baseline = results["/ping (baseline)"][0]
    print(f"\n{LABEL}: {CLIENTS} client threads, {SECONDS:.0f} s per measure")
    print(f"{'measure':<22}{'req/s':>10}{'% of /ping':>12}{'p99 ms':>10}{'errors':>8}")
    for name, (rate, p99, errors) in results.items():
        print(f"{name:<22}{rate:>10.1f}{100 * rate / baseline:>11.1f}%{p99:>10.1f}{errors:>8}")
    if any(errors for _, _, errors in results.values()):
        sys.exit(1)


main()

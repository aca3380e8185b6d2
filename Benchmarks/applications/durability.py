#!/usr/bin/env python3
"""Durability under SIGKILL: client threads submit applications, each with its own Idempotency-Key, and retry the same
request (same key, same body) on any failure until the server acknowledges it (201, or 200 for a retry that finds
it). Midway the server is killed with SIGKILL and started again; the clients keep retrying through the outage.
Afterwards the database is read directly, and the script prints acknowledged / found / lost / duplicates:
an acknowledged reference missing from the database is lost; a key whose retries got two different references, or
a reference stored twice, is a duplicate. Exits non-zero unless both are 0. Standard library only (sqlite3 for
SQLite; psql for PostgreSQL)."""
import http.client, json, os, signal, sqlite3, subprocess, sys, threading, time, uuid

BIN, PORT, DB_ENV, DATA = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
RUN_SECONDS = float(os.environ.get("RUN_SECONDS", "12"))
KILL_AFTER = float(os.environ.get("KILL_AFTER", "5"))
CLIENTS = int(os.environ.get("CLIENTS", "8"))
LOG = open(os.path.join(DATA, "durability-server.log"), "a")
PROCEDURE = "tg-copie-acte-etat-civil"


def environment():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    key, _, value = DB_ENV.partition("=")
    env[key] = value
    env.update({"GUICHET_DATA_DIR": DATA, "LOG_LEVEL": "warning"})
    return env


def start():
    process = subprocess.Popen([BIN, "serve", "--demo", "--port", str(PORT)], env=environment(), stdout=LOG, stderr=LOG)
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            sys.exit("server exited at start; see durability-server.log")
        time.sleep(0.3)
    sys.exit("server did not start")


acknowledged, seen, lock = {}, {}, threading.Lock()
stop_at = 0.0


def client(index):
    conn = None
    while time.time() < stop_at:
        key = str(uuid.uuid4())
        body = json.dumps({"procedure": PROCEDURE, "answers": {
            "record_kind": "birth", "last_name": f"DURABLE{index}", "first_names": "Test", "event_date": "2000-01-01",
            "registry_centre": "Lomé", "phone": "+22890000000"}})
        while True:  # the same request until it is acknowledged, even past the end of the run
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
                conn.request("POST", "/api/v1/applications", body=body,
                             headers={"Content-Type": "application/json", "Idempotency-Key": key})
                response = conn.getresponse()
                data = response.read()
                if response.status in (200, 201):
                    reference = json.loads(data)["reference"]
                    with lock:
                        seen.setdefault(key, set()).add(reference)
                        acknowledged[key] = reference
                    break
                if response.status >= 500 or response.status == 503:
                    time.sleep(0.05)
                    continue
                sys.stderr.write(f"unexpected {response.status}: {data[:200]!r}\n")
                break
            except (OSError, http.client.HTTPException):
                conn = None
                time.sleep(0.1)


def stored():
    key, _, value = DB_ENV.partition("=")
    query = "SELECT idempotency_key, reference FROM applications WHERE idempotency_scope = 'public'"
    if key == "GUICHET_SQLITE_PATH":
        with sqlite3.connect(value) as db:
            return db.execute(query).fetchall()
    output = subprocess.run(["psql", value, "-At", "-F", "\t", "-c", query], capture_output=True, text=True, check=True).stdout
    return [tuple(line.split("\t")) for line in output.splitlines() if line]


def main():
    global stop_at
    server = start()
    stop_at = time.time() + RUN_SECONDS
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(KILL_AFTER)
    with lock:
        before = len(acknowledged)
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    print(f"SIGKILL after {KILL_AFTER:.0f} s, {before} acknowledged so far; restarting")
    server = start()
    for thread in threads:
        thread.join()
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)
    rows = stored()
    by_key, by_reference = {}, {}
    for key, reference in rows:
        by_key.setdefault(key, []).append(reference)
        by_reference[reference] = by_reference.get(reference, 0) + 1
    lost = [k for k, ref in acknowledged.items() if ref not in by_reference or by_key.get(k) != [ref]]
    duplicates = sum(1 for refs in seen.values() if len(refs) > 1) + sum(1 for refs in by_key.values() if len(refs) > 1) \
        + sum(1 for count in by_reference.values() if count > 1)
    found = sum(1 for ref in acknowledged.values() if ref in by_reference)
    print(f"acknowledged {len(acknowledged)} / found {found} / lost {len(lost)} / duplicates {duplicates}")
    sys.exit(0 if not lost and not duplicates and acknowledged else 1)


main()

#!/usr/bin/env python3
"""Messages under SIGKILL. Client threads submit applications through the API, each with its own Idempotency-Key and
its own phone number, and retry the same request until it is acknowledged; every acknowledged application must give
exactly one "application received" SMS. Guichet sends through its Africa's Talking transport to the simulator
(Tools/sms-simulator.py), whose delivery reports come back. Midway the server is killed with SIGKILL (messages may be
queued, claimed or in flight) and started again. When the outbox has drained, the script prints
queued / sent / duplicates / lost: an acknowledged application whose number received no message is lost; a number that
received its message twice is a duplicate. It also prints the resends the gateway recognised by their Idempotency-Key
(a message claimed again after the kill) and the delivery rate. Exits non-zero unless lost and duplicates are 0."""
import http.client, json, os, signal, sqlite3, subprocess, sys, threading, time, urllib.request, uuid

BIN, PORT, SIM_PORT, DB_ENV, DATA = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
RUN_SECONDS = float(os.environ.get("RUN_SECONDS", "10"))
KILL_AFTER = float(os.environ.get("KILL_AFTER", "4"))
CLIENTS = int(os.environ.get("CLIENTS", "8"))
LOG = open(os.path.join(DATA, "durability-server.log"), "a")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROCEDURE = "tg-copie-acte-etat-civil"
SECRET = "durability-secret"
KEY = "durability-key"


def environment():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    key, _, value = DB_ENV.partition("=")
    env[key] = value
    env.update({
        "GUICHET_DATA_DIR": DATA, "LOG_LEVEL": "warning", "GUICHET_SMS_TRANSPORT": "africastalking",
        "GUICHET_SMS_URL": f"http://127.0.0.1:{SIM_PORT}/version1/messaging", "GUICHET_SMS_USERNAME": "guichet",
        "GUICHET_SMS_API_KEY": KEY, "GUICHET_CHANNELS_SECRET": SECRET, "GUICHET_SMS_POLL_MS": "50",
        "GUICHET_SMS_CLAIM_SECONDS": "3",
    })
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


acknowledged, lock = {}, threading.Lock()
stop_at = 0.0


def client(index):
    conn = None
    serial = 0
    while time.time() < stop_at:
        serial += 1
        key = str(uuid.uuid4())
        phone = f"+2289{index:03d}{serial:04d}"
        body = json.dumps({"procedure": PROCEDURE, "answers": {
            "record_kind": "birth", "last_name": f"MESSAGE{index}", "first_names": "Test", "event_date": "2000-01-01",
            "registry_centre": "Lomé", "phone": phone}})
        while True:
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
                conn.request("POST", "/api/v1/applications", body=body,
                             headers={"Content-Type": "application/json", "Idempotency-Key": key})
                response = conn.getresponse()
                data = response.read()
                if response.status in (200, 201):
                    with lock:
                        acknowledged[phone] = json.loads(data)["reference"]
                    break
                if response.status >= 500:
                    time.sleep(0.05)
                    continue
                sys.stderr.write(f"unexpected {response.status}: {data[:200]!r}\n")
                break
            except (OSError, http.client.HTTPException):
                conn = None
                time.sleep(0.1)


def pending():
    key, _, value = DB_ENV.partition("=")
    query = "SELECT COUNT(*) FROM channel_outbox WHERE status IN ('queued', 'sending', 'sent')"
    if key == "GUICHET_SQLITE_PATH":
        with sqlite3.connect(value, timeout=30) as db:
            return db.execute(query).fetchone()[0]
    return int(subprocess.run(["psql", value, "-At", "-c", query], capture_output=True, text=True, check=True).stdout.strip())


def simulator(path):
    with urllib.request.urlopen(f"http://127.0.0.1:{SIM_PORT}{path}", timeout=10) as response:
        return json.loads(response.read())


def main():
    global stop_at
    sim = subprocess.Popen(["python3", os.path.join(ROOT, "Tools/sms-simulator.py"), "--port", str(SIM_PORT), "--guichet",
                            f"http://127.0.0.1:{PORT}", "--secret", SECRET, "--api-key", KEY, "--report-delay", "0.05"],
                           stdout=subprocess.DEVNULL)
    try:
        server = start()
        started = time.time()
        stop_at = started + RUN_SECONDS
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
        deadline = time.time() + 120
        while pending() > 0 and time.time() < deadline:
            time.sleep(0.2)
        drained = time.time() - started
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        messages = simulator("/messages")
        stats = simulator("/stats")
    finally:
        sim.terminate()
    received = {}
    for message in messages:
        if "reçue" in message["message"] or "recue" in message["message"]:
            received[message["to"]] = received.get(message["to"], 0) + 1
    lost = [phone for phone in acknowledged if received.get(phone, 0) == 0]
    duplicates = sum(received[phone] - 1 for phone in acknowledged if received.get(phone, 0) > 1)
    sent = sum(received.get(phone, 0) for phone in acknowledged)
    print(f"queued {len(acknowledged)} / sent {sent} / duplicates {duplicates} / lost {len(lost)}")
    print(f"resends recognised by Idempotency-Key {stats['retries']}, delivery reports {stats['reports_sent']}, "
          f"{len(messages) / max(drained, 0.001):.0f} messages/s from the first submission to an empty outbox "
          f"(the restart and the killed worker's claim timeout included)")
    sys.exit(0 if not lost and not duplicates and acknowledged else 1)


main()

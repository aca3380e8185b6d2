#!/usr/bin/env python3
"""Payments under SIGKILL. Guichet is served with its demo catalogue and the operator simulator (Tools/momo-simulator.py,
MTN-MoMo-shaped, callbacks after CALLBACK_DELAY s); ORDERS applications with a fee due at submission (the
criminal-record extract's 200 FCFA stamp) are filed and submitted through the API, and their payment pages found through
the public tracking form (orders.py). Then CLIENTS threads pay them as a person would: `GET /pay/{order}` for the form
(its one-time key and CSRF token), `POST /pay/{order}` with an operator and a number, the same POST (same key) retried
until it is acknowledged by a 303 to `/pay/{order}/requests/{id}`. When KILL_AT of the orders are acknowledged — most of
them are then between the request to pay and the callback, and some POSTs are in flight — the server is killed with
SIGKILL and started again DOWN_SECONDS (2) later: callbacks that meet the dead server are retried by the simulator for
about 15 s (DOWN_SECONDS=20: they are all given up), and the restarted server's worker polls the operator about the rest
(GUICHET_PAY_POLL_SECONDS=1). A request written before the kill but never sent is sent again, under the same reference
id, by the restarted server (the client's retried POST, or its worker). The script waits (at most WAIT_SECONDS) until the simulator has nothing pending and no
payment page shows a payment under way, then compares:

    paid           orders the simulator charged (SUCCESSFUL transactions, mapped to orders by the request ids of the
                   redirects the clients were given)
    found          orders whose payment page says "Ces frais sont payés."
    double-charged orders with more than one SUCCESSFUL transaction
    lost           orders charged that Guichet does not show paid

It exits non-zero unless double-charged and lost are 0, found equals paid, and no charge is left that no order accounts
for. The database is read only at the end, for a cross-check (requests by status, orders paid).

    python3 durability.py BIN PORT SIM_PORT DB_ENV DATA      # DB_ENV: GUICHET_SQLITE_PATH=… or DATABASE_URL=postgres://…
"""
import http.client, json, os, re, signal, sqlite3, subprocess, sys, threading, time, urllib.parse, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import orders as ordering  # noqa: E402

BIN, PORT, SIM_PORT, DB_ENV, DATA = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
ORDERS = int(os.environ.get("ORDERS", "50"))
CLIENTS = int(os.environ.get("CLIENTS", "8"))
KILL_AT = float(os.environ.get("KILL_AT", "0.5"))
CALLBACK_DELAY = float(os.environ.get("CALLBACK_DELAY", "1"))
WAIT_SECONDS = float(os.environ.get("WAIT_SECONDS", "90"))
DOWN_SECONDS = float(os.environ.get("DOWN_SECONDS", "2"))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOG_PATH = os.path.join(DATA, "durability-server.log")
LOG = open(LOG_PATH, "a")
SECRET = "durability-callback-secret"
API_USER, API_KEY, SUBSCRIPTION_KEY = "durability-user", "durability-key", "durability-subscription"
PAID_TEXT = "Ces frais sont payés."
KEY_RE = re.compile(r'name="key" value="([^"]+)"')
REQUEST_RE = re.compile(r"/pay/[A-Za-z0-9_-]+/requests/([0-9a-fA-F-]{36})")
PROCESSES = []


def environment():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "GUICHET_SQLITE_PATH") and not k.startswith("GUICHET_PAY_")}
    key, _, value = DB_ENV.partition("=")
    env[key] = value
    env.update({
        "GUICHET_DATA_DIR": DATA, "LOG_LEVEL": os.environ.get("LOG_LEVEL", "info"),
        "GUICHET_PAY_URL": f"http://127.0.0.1:{SIM_PORT}", "GUICHET_PAY_API_USER": API_USER, "GUICHET_PAY_API_KEY": API_KEY,
        "GUICHET_PAY_SUBSCRIPTION_KEY": SUBSCRIPTION_KEY, "GUICHET_PAY_CALLBACK_URL": f"http://127.0.0.1:{PORT}",
        "GUICHET_PAY_CALLBACK_SECRET": SECRET, "GUICHET_PAY_POLL_SECONDS": "1", "GUICHET_PAY_EXPIRY_SECONDS": "900",
    })
    return env


def stop(process, grace=20):
    """SIGTERM, then SIGKILL when it is ignored for `grace` seconds."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        print(f"pid {process.pid} ignored SIGTERM for {grace} s: SIGKILL")
        process.kill()
        process.wait()


def answers(port, path="/healthz"):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", path)
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except (OSError, http.client.HTTPException):
        return False


def start_server():
    LOG.write(f"==== durability.py: starting {BIN} serve --demo --port {PORT} at {time.strftime('%H:%M:%S')}\n")
    LOG.flush()
    process = subprocess.Popen([BIN, "serve", "--demo", "--port", str(PORT)], env=environment(), cwd=DATA, stdout=LOG, stderr=LOG)
    PROCESSES.append(process)
    deadline = time.time() + 180
    while time.time() < deadline:
        if answers(PORT):
            return process
        if process.poll() is not None:
            sys.exit(f"the server exited at start (status {process.returncode}); see {LOG_PATH}")
        time.sleep(0.2)
    sys.exit(f"the server did not answer /healthz within 180 s; see {LOG_PATH}")


def simulator(path):
    with urllib.request.urlopen(f"http://127.0.0.1:{SIM_PORT}{path}", timeout=10) as response:
        return json.loads(response.read())


# What the clients saw, by order path.
lock = threading.Lock()
requests_of = {}  # order path -> set of request ids the server pointed to (redirects, "payment under way" links)
acknowledged = set()  # order paths whose POST got its 303
events = {"posts": 0, "retries": 0, "server_errors": 0, "csrf_refused": 0, "other_answers": 0, "gave_up": 0}
samples = []  # a few unexpected answers, for the report


def note(kind, text=None):
    with lock:
        events[kind] += 1
        if text and len(samples) < 8:
            samples.append(text)


def remember(path, request_id):
    with lock:
        requests_of.setdefault(path, set()).add(request_id.lower())


def pay(client, path, index, deadline):
    """Starts the payment of one order; True when the server acknowledged it with a 303."""
    key = csrf = None
    while time.time() < deadline:
        if csrf is None:  # the form: its key (kept for every retry) and a CSRF token for this client's cookie
            try:
                status, _, data = client.request("GET", path)
            except (OSError, http.client.HTTPException):
                time.sleep(0.2)
                continue
            html = data.decode("utf-8", "replace")
            if status >= 500:
                note("server_errors", f"GET {path}: {status}")
                time.sleep(0.2)
                continue
            under_way = REQUEST_RE.search(html)
            if PAID_TEXT in html or under_way:
                # After a refusal: the page shows that the request was recorded (or already paid).
                if under_way:
                    remember(path, under_way.group(1))
                return key is not None
            try:
                csrf = ordering.csrf_token(html)
            except RuntimeError:
                note("other_answers", f"GET {path}: {status}, no form")
                return False
            if key is None:
                key = KEY_RE.search(html).group(1)
        form = urllib.parse.urlencode({"operator": "orange-money", "phone": f"77{index % 1000:03d}4567", "key": key, "_csrf": csrf})
        try:
            note("posts")
            status, headers, data = client.request("POST", path, form, {"Content-Type": "application/x-www-form-urlencoded"})
        except (OSError, http.client.HTTPException):
            note("retries")
            time.sleep(0.2)
            continue
        if status == 303:
            found = REQUEST_RE.search(headers.get("location", ""))
            if not found:
                note("other_answers", f"POST {path}: 303 to {headers.get('location')!r}")
                return False
            remember(path, found.group(1))
            with lock:
                acknowledged.add(path)
            return True
        if status >= 500:
            note("server_errors", f"POST {path}: {status} {data[:160]!r}")
            note("retries")
            time.sleep(0.2)
            continue
        if status == 403:  # the CSRF token no longer matches (a new site secret after the restart?): the form again, same key
            note("csrf_refused", f"POST {path}: 403 {data[:160]!r}")
            csrf = None
            continue
        note("other_answers", f"POST {path}: {status} {data.decode('utf-8', 'replace')[:200]!r}")
        csrf = None  # look at the page again: it says whether a request is under way
        time.sleep(0.2)
    note("gave_up", f"{path}: not acknowledged before the deadline")
    return False


def clients(paths, deadline):
    queue, queue_lock = list(enumerate(paths)), threading.Lock()

    def work():
        client = ordering.Client("127.0.0.1", PORT, timeout=10)
        while True:
            with queue_lock:
                if not queue:
                    break
                index, path = queue.pop(0)
            pay(client, path, index, deadline)
        client.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    return threads


def page_state(client, path):
    """paid, pending (a request under way), due, closed or unknown, as the order's payment page says."""
    try:
        status, _, data = client.request("GET", path)
    except (OSError, http.client.HTTPException):
        return "unknown"
    html = data.decode("utf-8", "replace")
    if status != 200:
        return "unknown"
    if PAID_TEXT in html:
        return "paid"
    under_way = REQUEST_RE.search(html)
    if under_way:
        remember(path, under_way.group(1))
        return "pending"
    return "due" if 'name="key"' in html else "closed"


def database_check(order_ids):
    """Requests and orders as the database has them (a cross-check, read after the server stopped)."""
    ids = ",".join("'" + i.replace("'", "") + "'" for i in order_ids)
    queries = {
        "requests": f"SELECT status || COALESCE(' ' || reason, '') || CASE WHEN refund THEN ' (refund)' ELSE '' END, COUNT(*) "
                    f"FROM payment_requests "
                    f"WHERE order_id IN ({ids}) GROUP BY 1 ORDER BY 1",
        "orders": f"SELECT status, COUNT(*) FROM payment_orders WHERE id IN ({ids}) GROUP BY 1 ORDER BY 1",
        "successful twice": f"SELECT COUNT(*) FROM (SELECT order_id FROM payment_requests WHERE order_id IN ({ids}) "
                            f"AND status = 'successful' GROUP BY order_id HAVING COUNT(*) > 1) AS twice",
    }
    key, _, value = DB_ENV.partition("=")
    out = {}
    for name, query in queries.items():
        if key == "GUICHET_SQLITE_PATH":
            with sqlite3.connect(f"file:{value}?mode=ro", uri=True, timeout=30) as db:
                rows = db.execute(query).fetchall()
        else:
            text = subprocess.run(["psql", value, "-X", "-At", "-F", "|", "-c", query], capture_output=True, text=True, check=True).stdout
            rows = [tuple(line.split("|")) for line in text.strip().splitlines() if line]
        out[name] = ", ".join(" ".join(str(c) for c in row) for row in rows) or "none"
    return out


def log_problems():
    """5xx answers and error lines the server logged (both runs)."""
    server_errors, errors = [], []
    with open(LOG_PATH, encoding="utf-8", errors="replace") as log:
        for line in log:
            if re.search(r"\bstatus=5\d\d\b", line):
                server_errors.append(line.strip())
            elif re.search(r"^\S+ (error|critical) ", line):
                errors.append(line.strip())
    return server_errors, errors


def main():
    sim = subprocess.Popen(["python3", os.path.join(ROOT, "Tools/momo-simulator.py"), "--port", str(SIM_PORT), "--api-user", API_USER,
                            "--api-key", API_KEY, "--subscription-key", SUBSCRIPTION_KEY, "--callback-delay", str(CALLBACK_DELAY)],
                           stdout=open(os.path.join(DATA, "simulator.log"), "a"), stderr=subprocess.STDOUT)
    PROCESSES.append(sim)
    t0 = time.time()
    while not answers(SIM_PORT, "/health"):
        if sim.poll() is not None or time.time() - t0 > 20:
            sys.exit(f"the simulator did not start (port {SIM_PORT} taken?); see {DATA}/simulator.log")
        time.sleep(0.1)
    server = start_server()
    started_in = time.time() - t0
    t1 = time.time()
    made = ordering.prepare("127.0.0.1", PORT, ORDERS, threads=8, deadline=time.time() + 120)
    paths = [path for _, _, path in made]
    prepared_in = time.time() - t1
    print(f"server up in {started_in:.1f} s; {len(paths)} orders of 200 FCFA filed and found in {prepared_in:.1f} s")

    t2 = time.time()
    deadline = t2 + 120
    threads = clients(paths, deadline)
    kill_at = max(1, int(len(paths) * KILL_AT))
    while time.time() < deadline:
        with lock:
            if len(acknowledged) >= kill_at:
                break
        if not any(thread.is_alive() for thread in threads):
            break
        time.sleep(0.005)
    at_kill = simulator("/stats")
    with lock:
        acked_before, posts_before = len(acknowledged), events["posts"]
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    killed = time.time()
    print(f"SIGKILL {killed - t2:.2f} s after the first payment: {acked_before} acknowledged of {posts_before} POSTs sent; the "
          f"simulator had {at_kill['accepted']} requests to pay, {at_kill['pending']} of them not yet settled, "
          f"{at_kill['callbacks_sent']} callbacks delivered")
    time.sleep(DOWN_SECONDS)
    server = start_server()
    restarted = time.time()
    for thread in threads:
        thread.join(timeout=max(0, deadline - time.time()))
    acknowledged_all = time.time()

    # Wait until nothing is under way, at the operator or on a payment page.
    viewer = ordering.Client("127.0.0.1", PORT, timeout=10)
    states = {}
    wait_until = time.time() + WAIT_SECONDS
    while True:
        txs = simulator("/transactions")
        sim_pending = sum(tx["status"] == "PENDING" for tx in txs)
        for path in paths:
            if states.get(path) != "paid":
                states[path] = page_state(viewer, path)
        under_way = sum(state in ("pending", "unknown") for state in states.values())
        if (sim_pending == 0 and under_way == 0) or time.time() > wait_until:
            break
        time.sleep(0.5)
    drained = time.time()
    viewer.close()
    stats = simulator("/stats")
    stop(server)
    stop(sim, grace=5)

    order_of = {rid: path for path, rids in requests_of.items() for rid in rids}
    charged, unattributed = {}, []
    for tx in txs:
        if tx["status"] != "SUCCESSFUL":
            continue
        path = order_of.get(tx["referenceId"].lower()) or order_of.get(tx["externalId"].lower())
        if path is None:
            unattributed.append(tx["referenceId"])
        else:
            charged[path] = charged.get(path, 0) + 1
    paid = set(charged)
    found = {path for path, state in states.items() if state == "paid"}
    double = {path for path, count in charged.items() if count > 1}
    lost = paid - found
    phantom = found - paid  # shown paid, but the operator charged nothing
    not_done = {path: state for path, state in states.items() if state != "paid"}
    failed = sum(tx["status"] == "FAILED" for tx in txs)
    known = {tx["referenceId"].lower() for tx in txs}
    never_sent = {path for path in acknowledged if not requests_of.get(path, set()) & known}

    print(f"paid {len(paid)} / found {len(found)} / double-charged {len(double)} / lost {len(lost)}")
    print(f"acknowledged {len(acknowledged)} of {len(paths)} orders; simulator: {stats['accepted']} requests to pay, "
          f"{stats['successful']} successful, {failed} failed, {sim_pending} pending, {len(unattributed)} charges no order accounts for; "
          f"{stats['callbacks_sent']} callbacks delivered, {stats['callbacks_failed']} given up, {stats['status_queries']} status queries")
    print(f"clients: {events['posts']} POSTs, {events['retries']} retried, {events['server_errors']} 5xx answers, "
          f"{events['csrf_refused']} CSRF refusals, {events['other_answers']} other answers, {events['gave_up']} given up")
    if never_sent:
        print(f"acknowledged (303) but never sent to the operator: {len(never_sent)} "
              f"({', '.join(f'{path}: {states.get(path)}' for path in sorted(never_sent)[:5])})")
    if not_done:
        print("not paid on Guichet: " + ", ".join(f"{path} ({state})" for path, state in list(not_done.items())[:10]))
    if phantom:
        print(f"shown paid but not charged by the simulator: {len(phantom)}: " + ", ".join(sorted(phantom)[:5]))
    for path in sorted(double)[:5]:
        print(f"double-charged: {path}: requests {sorted(requests_of.get(path, []))}")
    for path in sorted(lost)[:5]:
        print(f"lost: {path} ({states.get(path)}): requests {sorted(requests_of.get(path, []))}")
    for sample in samples:
        print(f"  seen: {sample}")
    print(f"timings: payments {acked_before} acknowledged in {killed - t2:.2f} s before the kill; down {DOWN_SECONDS:.0f} s, "
          f"restart {restarted - killed - DOWN_SECONDS:.1f} s; "
          f"all acknowledged {acknowledged_all - t2:.1f} s after the first; nothing under way {drained - restarted:.1f} s after the "
          f"restart; whole run {drained - t0:.0f} s")
    try:
        check = database_check([path.rsplit("/", 1)[1] for path in paths])
        print(f"database: requests {check['requests']}; orders {check['orders']}; orders with two successful requests "
              f"{check['successful twice']}")
    except Exception as error:  # the cross-check is informative only
        print(f"database: not read ({error})")
    server_errors, errors = log_problems()
    print(f"server log ({LOG_PATH}): {len(server_errors)} 5xx answers, {len(errors)} error lines")
    for line in (server_errors + errors)[:6]:
        print("  " + line[:300])
    ok = not double and not lost and not phantom and not unattributed and paid and len(found) == len(paid)
    sys.exit(0 if ok else 1)


try:
    main()
finally:
    for process in PROCESSES:
        if process.poll() is None:
            try:
                stop(process, grace=10)
            except Exception:
                process.kill()

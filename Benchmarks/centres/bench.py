#!/usr/bin/env python3
"""Queue load: tickets issued per second at the kiosk and call-next per second by concurrent agents, with p99 latency,
each as a ratio to the bare /ping route measured by the same client in the same run. Standard library only."""
import http.client, json, re, sys, threading, time, urllib.parse

HOST, PORT = "127.0.0.1", int(sys.argv[1])
CENTRE, EMAIL, PASSWORD = sys.argv[2], sys.argv[3], sys.argv[4]
SECONDS = float(sys.argv[5]) if len(sys.argv) > 5 else 10
CLIENTS = int(sys.argv[6]) if len(sys.argv) > 6 else 8


class Browser:
    """One keep-alive connection with its cookies and the CSRF token of the last page read."""

    def __init__(self):
        self.conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        self.cookies, self.csrf = {}, None

    def request(self, method, path, form=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form + [("_csrf", self.csrf or "")])
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";")[0]
        token = re.search(r'name="_csrf" value="([^"]+)"', text)
        if token:
            self.csrf = token.group(1)
        return response.status, text, dict(response.getheaders())


def measure(name, setup, step):
    """Runs `step(state)` in CLIENTS threads for SECONDS; returns requests/s and p99 (ms) of the timed requests."""
    latencies, lock, stop = [], threading.Lock(), time.time() + SECONDS
    errors = []

    def worker(index):
        state = setup(index)
        mine = []
        while time.time() < stop:
            started = time.perf_counter()
            if not step(state):
                break
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    began = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.time() - began
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("nan")
    return {"route": name, "requests": len(latencies), "per_second": len(latencies) / elapsed, "p99_ms": p99}


def ping_setup(_):
    return Browser()


def ping_step(browser):
    status, _, _ = browser.request("GET", "/ping")
    return status == 200


def kiosk_setup(_):
    browser = Browser()
    browser.request("GET", f"/centres/{CENTRE}/kiosk")
    return browser


def kiosk_step(browser):
    status, _, _ = browser.request("POST", f"/centres/{CENTRE}/kiosk/tickets", [("service", f"{CENTRE}.etat-civil")])
    return status == 303


def agent_setup(index):
    browser = Browser()
    browser.request("GET", "/admin/sign-in")
    status, _, _ = browser.request("POST", "/admin/sign-in", [("email", EMAIL), ("password", PASSWORD)])
    assert status == 303, f"sign-in failed: {status}"
    browser.request("GET", f"/admin/centres/{CENTRE}")
    counter = f"{CENTRE}.{index + 1}"
    browser.request("POST", f"/admin/centres/{CENTRE}/counters/{counter}/open", [("service", f"{CENTRE}.etat-civil")])
    return (browser, counter)


def call_step(state):
    """One timed call-next; the ticket is then marked a no-show (untimed) so the counter is free again."""
    browser, counter = state
    status, _, _ = browser.request("POST", f"/admin/centres/{CENTRE}/counters/{counter}/call", [])
    if status != 303:
        return False
    _, page, _ = browser.request("GET", f"/admin/centres/{CENTRE}")
    action = re.search(rf'action="(/admin/centres/{re.escape(CENTRE)}/counters/{re.escape(counter)}/tickets/[^"]+/no-show)"', page)
    if not action:
        return False  # nobody left to call
    browser.request("POST", action.group(1), [])
    return True


def first_sign_in():
    """A new account must change its password at its first sign-in: done once, before the agents sign in."""
    global PASSWORD
    browser = Browser()
    browser.request("GET", "/admin/sign-in")
    status, _, headers = browser.request("POST", "/admin/sign-in", [("email", EMAIL), ("password", PASSWORD)])
    assert status == 303, f"sign-in failed: {status}"
    location = headers.get("Location", "")
    if "password" in location:
        browser.request("GET", location)
        new = PASSWORD + "-bench-2026"
        status, _, _ = browser.request("POST", location, [("current", PASSWORD), ("password", new), ("confirmation", new)])
        assert status in (200, 303), f"password change failed: {status}"
        PASSWORD = new


first_sign_in()
baseline = measure("/ping", ping_setup, ping_step)
issue = measure("kiosk ticket", kiosk_setup, kiosk_step)
agents = int(sys.argv[7]) if len(sys.argv) > 7 else 3
CLIENTS = agents
call = measure("call-next", agent_setup, call_step)
print(f"{'route':<14} {'req/s':>9} {'p99 ms':>8} {'req/s ÷ /ping':>14} {'p99 ÷ /ping':>12}")
for row in (baseline, issue, call):
    print(f"{row['route']:<14} {row['per_second']:>9.1f} {row['p99_ms']:>8.1f} {row['per_second'] / baseline['per_second']:>14.3f} "
          f"{row['p99_ms'] / baseline['p99_ms']:>12.2f}")
print(json.dumps({"baseline": baseline, "issue": issue, "call_next": call}))

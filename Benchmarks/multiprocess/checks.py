#!/usr/bin/env python3
"""What must hold across several `guichet serve` processes on one database, each check sending its requests to
different processes directly (not through the proxy), as a load balancer may. Standard library only.

    checks.py PREFIX PASSWORD CENTRE SERVICE BASE1 BASE2 BASE3

PREFIX starts every Idempotency-Key sent here (the caller's SQL checks find them); PASSWORD is the benchmark accounts'
(bench-admin@bench.example, bench-agent-1@bench.example). Prints one line per check; exits 1 if any fails."""
import http.client, json, re, sys, threading, time, urllib.parse, uuid

PREFIX, PASSWORD, CENTRE, SERVICE = sys.argv[1:5]
BASES = [base.rstrip("/") for base in sys.argv[5:8]]
FAILURES = []
SUBMISSION = {"procedure": "tg-copie-acte-etat-civil", "answers": {
    "record_kind": "birth", "last_name": "BENCH", "first_names": "Multi", "event_date": "2001-02-03", "registry_centre": "Lomé",
    "phone": "+22890000000"}}


def check(name, ok, detail=""):
    print(f"    {name:<76} {'ok' if ok else 'FAILED'}{'' if ok or not detail else ': ' + detail}")
    if not ok:
        FAILURES.append(name)


class Browser:
    """Cookies and the last CSRF token seen, whichever process answered."""

    def __init__(self, address=None):
        self.cookies, self.csrf, self.address = {}, None, address

    def request(self, base, method, path, form=None, json_body=None, headers=None):
        url = urllib.parse.urlsplit(base)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.address:
            headers["X-Forwarded-For"] = self.address
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form + [("_csrf", self.csrf or "")])
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body)
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        conn.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";")[0]
        token = re.search(r'name="_csrf" value="([^"]+)"', text)
        if token:
            self.csrf = token.group(1)
        return response.status, text, {k.lower(): v for k, v in response.getheaders()}

    def sign_in(self, base, email):
        self.request(base, "GET", "/admin/sign-in")
        return self.request(base, "POST", "/admin/sign-in", [("email", email), ("password", PASSWORD)])


def sessions_and_csrf():
    print("  sessions and CSRF")
    agent = Browser()
    status, _, headers = agent.sign_in(BASES[0], "bench-agent-1@bench.example")
    check("sign-in on process 1", status == 303, f"{status} {headers.get('location')}")
    for index in (1, 2):
        status, text, _ = agent.request(BASES[index], "GET", f"/admin/centres/{CENTRE}")
        check(f"the session of process 1 is signed in on process {index + 1}", status == 200 and "/admin/sign-out" in text, str(status))
    # The CSRF token of a page read from process 2 is taken by process 3 (it belongs to the session, in the database).
    agent.request(BASES[1], "GET", f"/admin/centres/{CENTRE}")
    status, _, _ = agent.request(BASES[2], "POST", f"/admin/centres/{CENTRE}/counters/{CENTRE}.1/open", [("service", SERVICE)])
    check("a form read on process 2 is accepted by process 3 (session CSRF token)", status == 303, str(status))
    token = agent.csrf
    agent.csrf = "x" * len(token or "x")
    status, _, _ = agent.request(BASES[0], "POST", f"/admin/centres/{CENTRE}/counters/{CENTRE}.1/open", [("service", SERVICE)])
    check("a wrong CSRF token is refused (403)", status == 403, str(status))
    agent.csrf = token
    # A visitor's token (an HMAC of the cookie under the site secret, shared through the data folder).
    visitor = Browser(address="10.77.0.1")
    visitor.request(BASES[0], "GET", f"/centres/{CENTRE}/kiosk")
    status, _, headers = visitor.request(BASES[1], "POST", f"/centres/{CENTRE}/kiosk/tickets", [("service", SERVICE)])
    check("a kiosk form read on process 1 is accepted by process 2 (visitor CSRF token)", status == 303, str(status))
    # Signing out on one process ends the session on the others.
    other = Browser()
    other.sign_in(BASES[2], "bench-agent-2@bench.example")
    other.request(BASES[2], "GET", "/admin")
    status, _, _ = other.request(BASES[2], "POST", "/admin/sign-out", [])
    status1, _, headers1 = other.request(BASES[0], "GET", f"/admin/centres/{CENTRE}")
    check("signed out on process 3: process 1 asks to sign in again", status == 303 and status1 in (302, 303)
          and "sign-in" in headers1.get("location", ""), f"sign-out {status}, then {status1} {headers1.get('location')}")
    return agent


def idempotency():
    print("  idempotency")
    key = f"{PREFIX}-idem-{uuid.uuid4()}"
    client = Browser()
    first = client.request(BASES[0], "POST", "/api/v1/applications", json_body=SUBMISSION, headers={"Idempotency-Key": key})
    second = client.request(BASES[1], "POST", "/api/v1/applications", json_body=SUBMISSION, headers={"Idempotency-Key": key})
    references = [json.loads(answer[1]).get("reference") if answer[0] in (200, 201) else None for answer in (first, second)]
    check("the same key on processes 1 then 2: 201 then 200, one reference", first[0] == 201 and second[0] == 200
          and references[0] and references[0] == references[1], f"{first[0]} {second[0]} {references}")
    # The same key sent to the three processes at once: one application, the same reference for all.
    key = f"{PREFIX}-race-{uuid.uuid4()}"
    answers = [None] * 3

    def send(index):
        answers[index] = Browser().request(BASES[index], "POST", "/api/v1/applications", json_body=SUBMISSION,
                                           headers={"Idempotency-Key": key})

    threads = [threading.Thread(target=send, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(answer[0] for answer in answers)
    references = {json.loads(answer[1]).get("reference") for answer in answers if answer[0] in (200, 201)}
    check("the same key on the three processes at once: one 201, two 200, one reference",
          statuses == [200, 200, 201] and len(references) == 1, f"{statuses} {references}")


def rate_limits():
    print("  rate limits")
    # Wrong passwords for one account from one address, sent in turn to the three processes: the limit (5 failures in
    # 15 minutes, per account and per address) holds for all of them together.
    visitor = Browser(address=f"10.88.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}")
    email = f"nobody-{uuid.uuid4().hex[:8]}@bench.example"
    statuses = []
    for attempt in range(9):
        base = BASES[attempt % 3]
        visitor.request(base, "GET", "/admin/sign-in")
        statuses.append(visitor.request(base, "POST", "/admin/sign-in", [("email", email), ("password", "wrong-password")])[0])
    check("9 wrong sign-ins over the three processes: 5 refused (401), then 4 blocked (429)",
          statuses == [401] * 5 + [429] * 4, str(statuses))


def queue(agent):
    print("  queue")
    client = Browser(address="10.77.0.2")
    status, text, _ = client.request(BASES[0], "POST", f"/api/v1/centres/{CENTRE}/tickets", json_body={"service": SERVICE},
                                     headers={"Idempotency-Key": f"{PREFIX}-ticket-{uuid.uuid4()}"})
    code = json.loads(text).get("code") if status == 201 else None
    check("a ticket taken on process 1", status == 201 and code, f"{status} {text[:200]}")
    # Whatever waits before it (the kiosk ticket of the CSRF check) is called first: call until this one is.
    agent.request(BASES[1], "GET", f"/admin/centres/{CENTRE}")
    called, calls = False, 0
    while not called and calls < 5:
        calls += 1
        status, _, headers = agent.request(BASES[1], "POST", f"/admin/centres/{CENTRE}/counters/{CENTRE}.1/call", [])
        _, ticket, _ = client.request(BASES[2], "GET", f"/api/v1/tickets/{code}")
        called = json.loads(ticket).get("status") == "called"
        _, page, _ = agent.request(BASES[2], "GET", f"/admin/centres/{CENTRE}")
        action = re.search(rf'action="(/admin/centres/{re.escape(CENTRE)}/counters/{re.escape(CENTRE)}\.1/tickets/[^"/]+/no-show)"', page)
        if action:
            agent.request(BASES[0], "POST", action.group(1), [])
    check("called by an agent on process 2, seen called on process 3, freed on process 1", called, f"after {calls} calls")


def page_cache():
    print("  page cache generations")
    admin = Browser()
    status, _, _ = admin.sign_in(BASES[1], "bench-admin@bench.example")
    admin.request(BASES[1], "GET", "/admin/tokens")
    status, text, _ = admin.request(BASES[1], "POST", "/admin/tokens", [("name", "multiprocess"), ("role", "administrator"),
                                                                           ("institution", "")])
    secret = re.search(r"gch_[A-Za-z0-9_-]+", text)
    check("an API token created on process 2", bool(secret), str(status))
    if not secret:
        return
    auth = {"Authorization": f"Bearer {secret.group(0)}"}
    procedure = "tg-copie-acte-etat-civil"
    path = f"/procedures/{procedure}"
    api = Browser()
    for base in BASES:  # each process caches the page
        for _ in range(2):
            api.request(base, "GET", path)
    status, text, _ = api.request(BASES[2], "GET", f"/api/v1/procedures/{procedure}/draft", headers=auth)
    if status != 200:
        check("the draft read with the token on process 3", False, f"{status} {text[:200]}")
        return
    draft = json.loads(text)
    marker = f"mp{uuid.uuid4().hex[:10]}"
    body = draft["procedure"]
    body["title"]["fr"] = f"{body['title']['fr']} {marker}"
    status, text, headers = api.request(BASES[2], "PUT", f"/api/v1/procedures/{procedure}/draft", json_body=body,
                                        headers={**auth, "If-Match": f'"{draft["revision"]}"'})
    revision = json.loads(text).get("revision") if status in (200, 201) else None
    status2, text2, _ = api.request(BASES[0], "POST", f"/api/v1/procedures/{procedure}/publish", headers={**auth, "If-Match": f'"{revision}"'})
    check("a changed title saved on process 3 and published on process 1", status in (200, 201) and status2 == 200,
          f"draft {status} {text[:120]}, publish {status2} {text2[:120]}")
    published = time.monotonic()
    seen = {}
    while len(seen) < 3 and time.monotonic() - published < 10:
        for index, base in enumerate(BASES):
            if index not in seen and marker in api.request(base, "GET", path)[1]:
                seen[index] = time.monotonic() - published
        time.sleep(0.1)
    for index in range(3):
        delay = seen.get(index)
        check(f"process {index + 1} serves the new page within 3 s (its cache polls the generation every second)",
              delay is not None and delay <= 3, "not within 10 s" if delay is None else f"after {delay:.1f} s")


agent = sessions_and_csrf()
idempotency()
rate_limits()
queue(agent)
page_cache()
if FAILURES:
    print(f"  {len(FAILURES)} cross-process check(s) FAILED")
    sys.exit(1)
print("  every cross-process check passed")

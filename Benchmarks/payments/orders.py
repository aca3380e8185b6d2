#!/usr/bin/env python3
"""Payment orders for the payment benchmarks, made as a person would, over HTTP only (standard library).

For each order: a draft of the criminal-record extract (`sn-casier-judiciaire`, whose 200 FCFA fiscal stamp falls due
at submission) through `POST /api/v1/applications` (its own Idempotency-Key), its PDF through
`PUT /api/v1/applications/{reference}/files/identity`, `POST /api/v1/applications/{reference}/submit`, then the public
tracking form (`GET /track` for the CSRF cookie and token, `POST /track` with reference and PIN), whose page links to
the order's payment page `/pay/{order}`. Every step is retried on no connection or a 5xx (the API's writes are
idempotent: the same key, the same submission).

    python3 Benchmarks/payments/orders.py http://127.0.0.1:18420 500 orders.txt [threads]

writes one payment path (`/pay/…`) a line. durability.py imports it.
"""
import http.client, json, re, sys, threading, time, urllib.parse, uuid

PROCEDURE = "sn-casier-judiciaire"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CSRF_RE = re.compile(r'name="_csrf" value="([^"]+)"')
PAY_RE = re.compile(r'href="(/pay/[A-Za-z0-9_-]+)"')


class Client:
    """One keep-alive connection to the server, with its cookies; reconnects after a broken connection."""

    def __init__(self, host, port, timeout=15):
        self.host, self.port, self.timeout, self.conn, self.cookies = host, port, timeout, None, {}

    def close(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        """(status, headers as a dict of lower-case names, body bytes); raises OSError or HTTPException."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                self.cookies[key.strip()] = val.strip()
        if (response.getheader("Connection") or "").lower() == "close":
            self.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def retried(self, method, path, body=None, headers=None, deadline=None):
        """The same request until it is answered below 500 (or the deadline passes: RuntimeError)."""
        deadline = deadline or time.time() + 120
        while True:
            try:
                status, answer_headers, data = self.request(method, path, body, headers)
                if status < 500:
                    return status, answer_headers, data
                problem = f"{status} {data[:200]!r}"
            except (OSError, http.client.HTTPException) as error:
                problem = repr(error)
            if time.time() > deadline:
                raise RuntimeError(f"{method} {path}: no answer below 500 before the deadline (last: {problem})")
            time.sleep(0.2)


def csrf_token(html):
    found = CSRF_RE.search(html)
    if not found:
        raise RuntimeError("no _csrf token on the page")
    return found.group(1)


def make_order(client, index, deadline=None):
    """Creates, files and submits one application; returns (reference, pin, payment path)."""
    answers = {"last_name": f"PAIEMENT{index}", "first_names": "Awa", "birth_date": "1990-01-01", "birth_place": "Dakar",
               "father_name": "Moussa DIOP", "mother_name": "Fatou SY", "id_number": f"BN{index:08d}", "phone": "77 000 11 22"}
    body = json.dumps({"procedure": PROCEDURE, "submit": False, "answers": answers})
    key = f"bench-payments-{uuid.uuid4()}"
    status, _, data = client.retried("POST", "/api/v1/applications", body,
                                     {"Content-Type": "application/json", "Idempotency-Key": key}, deadline)
    if status not in (200, 201):
        raise RuntimeError(f"application not created: {status} {data[:300]!r}")
    created = json.loads(data)
    reference, pin = created["reference"], created["pin"]
    status, _, data = client.retried("PUT", f"/api/v1/applications/{reference}/files/identity", PDF,
                                     {"Content-Type": "application/pdf", "X-Tracking-Pin": pin, "X-File-Name": "identity.pdf"},
                                     deadline)
    if status not in (200, 201):
        raise RuntimeError(f"{reference}: file not stored: {status} {data[:300]!r}")
    status, _, data = client.retried("POST", f"/api/v1/applications/{reference}/submit", None, {"X-Tracking-Pin": pin}, deadline)
    if status != 200:
        raise RuntimeError(f"{reference}: not submitted: {status} {data[:300]!r}")
    return reference, pin, pay_path(client, reference, pin, deadline)


def pay_path(client, reference, pin, deadline=None):
    """The order's payment page, as the tracking page links to it."""
    status, _, data = client.retried("GET", "/track", deadline=deadline)
    if status != 200:
        raise RuntimeError(f"GET /track: {status}")
    form = urllib.parse.urlencode({"reference": reference, "pin": pin, "_csrf": csrf_token(data.decode("utf-8", "replace"))})
    status, _, data = client.retried("POST", "/track", form, {"Content-Type": "application/x-www-form-urlencoded"}, deadline)
    found = PAY_RE.search(data.decode("utf-8", "replace"))
    if status != 200 or not found:
        raise RuntimeError(f"{reference}: no payment link on the tracking page ({status})")
    return found.group(1)


def prepare(host, port, count, threads=8, deadline=None):
    """count orders made by `threads` clients in parallel; a list of (reference, pin, path) in no particular order."""
    made, lock, errors, next_index = [], threading.Lock(), [], iter(range(count))

    def work():
        client = Client(host, port)
        while True:
            with lock:
                index = next(next_index, None)
            if index is None or errors:
                break
            try:
                order = make_order(client, index, deadline)
            except Exception as error:  # reported by the caller
                with lock:
                    errors.append(error)
                break
            with lock:
                made.append(order)
        client.close()

    workers = [threading.Thread(target=work) for _ in range(max(1, min(threads, count)))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise RuntimeError(f"order preparation failed: {errors[0]}")
    return made


def main():
    base = urllib.parse.urlparse(sys.argv[1])
    count, out = int(sys.argv[2]), sys.argv[3]
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else 8
    started = time.time()
    orders = prepare(base.hostname, base.port, count, threads, deadline=time.time() + 600)
    with open(out, "w") as file:
        file.writelines(path + "\n" for _, _, path in orders)
    elapsed = time.time() - started
    print(f"{len(orders)} orders in {elapsed:.1f} s ({len(orders) / max(elapsed, 0.001):.0f}/s)", file=sys.stderr)


if __name__ == "__main__":
    main()

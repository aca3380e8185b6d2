#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
"""A receiver of Guichet's webhooks, as an institution would run one: it checks each request's signature, refuses one
whose timestamp is too far from its clock, handles each delivery id once, and keeps what it received.

    python3 Tools/webhook-receiver.py --port 8099 --secret whsec_…      # then register http://127.0.0.1:8099/hook

    POST /<any path>   a delivery: 401 when the signature is wrong or stale, 503 for the first --fail-first tries of
                       each delivery (to see Guichet try again), else 200 ({"duplicate": true} for an id already handled)
    POST /config       {"secret": "…", "failFirst": N} changes both while it runs (tests learn the secret after it starts)
    GET  /received     every request received, in order, as JSON: event, delivery, body (parsed), valid, answer
    GET  /health       "ok"

Only the standard library; the check is the one the README describes for any receiver.
"""
import argparse
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
state = {"secret": "", "fail_first": 0, "tolerance": 300, "received": [], "tries": {}, "handled": set()}


def verify(header: str, body: bytes, secret: str, tolerance: int) -> bool:
    """`t=<unix>,v1=<hex>`: HMAC-SHA256 of `<t>.<body>` under the secret, and t within the tolerance of now."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    timestamp, given = parts.get("t", ""), parts.get("v1", "")
    if not timestamp.isdigit() or not given or not secret:
        return False
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status: int, payload) -> None:
        data = json.dumps(payload).encode() if not isinstance(payload, str) else payload.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if not isinstance(payload, str) else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            return self.answer(200, "ok")
        if self.path == "/received":
            with lock:
                return self.answer(200, list(state["received"]))
        return self.answer(404, {"error": "not found"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/config":
            config = json.loads(body or b"{}")
            with lock:
                state["secret"] = config.get("secret", state["secret"])
                state["fail_first"] = int(config.get("failFirst", state["fail_first"]))
            return self.answer(200, {"ok": True})
        delivery = self.headers.get("X-Guichet-Delivery", "")
        with lock:
            valid = verify(self.headers.get("X-Guichet-Signature", ""), body, state["secret"], state["tolerance"])
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            record = {"path": self.path, "event": self.headers.get("X-Guichet-Event", ""), "delivery": delivery, "body": parsed,
                      "valid": valid}
            if not valid:
                status, payload = 401, {"error": "bad signature"}
            else:
                tries = state["tries"].get(delivery, 0) + 1
                state["tries"][delivery] = tries
                if tries <= state["fail_first"]:
                    status, payload = 503, {"error": "try again"}
                elif delivery in state["handled"]:
                    status, payload = 200, {"duplicate": True}
                else:
                    state["handled"].add(delivery)
                    status, payload = 200, {"duplicate": False}
            record["answer"] = status
            state["received"].append(record)
        return self.answer(status, payload)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--secret", default="")
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--tolerance", type=int, default=300, help="seconds the timestamp may be away from this clock")
    args = parser.parse_args()
    state.update(secret=args.secret, fail_first=args.fail_first, tolerance=args.tolerance)
    ThreadingHTTPServer((args.host, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()

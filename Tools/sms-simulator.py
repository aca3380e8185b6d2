#!/usr/bin/env python3
"""A stand-in for an SMS/USSD aggregator, for Guichet's tests, CI and demo (Python standard library only).

It speaks the request shapes Guichet's HTTP transport sends, modelled on Africa's Talking's documented
messaging API, plus a generic JSON webhook:

  POST /version1/messaging   form fields username, to, message, from; header apiKey.
                             Answers 201 {"SMSMessageData": {"Message": ..., "Recipients": [{"statusCode": 101,
                             "number", "status": "Success", "cost", "messageId"}]}}.
  POST /webhook              JSON {"id", "to", "message", "from"}, signed X-Guichet-Signature:
                             sha256=HMAC(key, timestamp + "." + body). Answers {"messageId": ...}.

Both honour an Idempotency-Key header: a request whose key was already accepted gets the same messageId
back and is counted as a retry, not sent again. After accepting a message, the simulator posts a delivery
report (form fields id, status, phoneNumber, networkCode, failureReason, retryCount) to
<guichet>/channels/sms/delivery?secret=<secret>, after --report-delay seconds.

For people and tests:
  GET  /                     an HTML page of the messages "sent" (numbers shown: this is the handset's view)
  GET  /messages             the same as JSON; ?to=+221... filters
  GET  /stats                {"accepted", "retries", "requests", "reports_sent", "reports_failed"}
  POST /control              JSON {"fail_next": n (answer 500), "timeout_next": n (answer after 15 s),
                             "reject_numbers": [...] (statusCode 403 InvalidPhoneNumber),
                             "fail_reports_for": [...] (delivery report Failed), "duplicate_reports": bool}
  POST /inbound              JSON {"from", "text"}: posted to Guichet as an inbound SMS (form fields from, to,
                             text, date, id, linkId); answers Guichet's status
  POST /ussd                 JSON {"sessionId", "phoneNumber", "text"}: posted to Guichet's USSD callback;
                             answers Guichet's reply text

Usage: sms-simulator.py --port 9101 --guichet http://127.0.0.1:8080 --secret S [--api-key K] [--report-delay 0.2]
                        [--answer-delay 0.1]
"""

import argparse
import hashlib
import hmac
import html
import json
import signal
import threading
import time
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {
    "messages": [],  # {"id", "key", "to", "message", "from", "at"}
    "by_key": {},  # idempotency key -> messageId
    "requests": 0,
    "retries": 0,
    "reports_sent": 0,
    "reports_failed": 0,
    "fail_next": 0,
    "timeout_next": 0,
    "reject_numbers": set(),
    "fail_reports_for": set(),
    "duplicate_reports": False,
}
ARGS = None


def post_form(path, fields):
    url = ARGS.guichet.rstrip("/") + path + "?" + urllib.parse.urlencode({"secret": ARGS.secret})
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode("utf-8", "replace")


def send_report(message_id, number, failed):
    time.sleep(ARGS.report_delay)
    fields = {
        "id": message_id,
        "status": "Failed" if failed else "Success",
        "phoneNumber": number,
        "networkCode": "60801",
        "failureReason": "AbsentSubscriber" if failed else "",
        "retryCount": "0",
    }
    times = 2 if STATE["duplicate_reports"] else 1
    for _ in range(times):
        # Retried as a gateway does when the callback is down or slow: about a minute in all.
        for attempt in range(8):
            try:
                post_form("/channels/sms/delivery", fields)
                with LOCK:
                    STATE["reports_sent"] += 1
                break
            except Exception:
                time.sleep(min(0.5 * 2**attempt, 16))
        else:
            with LOCK:
                STATE["reports_failed"] += 1


def accept(key, to, message, sender):
    """Returns (status code, messageId or None, reason)."""
    with LOCK:
        STATE["requests"] += 1
        if key and key in STATE["by_key"]:
            STATE["retries"] += 1
            return 101, STATE["by_key"][key], "Success"
        if to in STATE["reject_numbers"]:
            return 403, None, "InvalidPhoneNumber"
        message_id = "ATXid_" + uuid.uuid4().hex[:20]
        STATE["messages"].append(
            {"id": message_id, "key": key, "to": to, "message": message, "from": sender, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        )
        if key:
            STATE["by_key"][key] = message_id
        failed = to in STATE["fail_reports_for"]
    threading.Thread(target=send_report, args=(message_id, to, failed), daemon=True).start()
    return 101, message_id, "Success"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY a kept-alive client waits ~40 ms for each answer
    # (Nagle against the delayed ACK), which caps a sequential sender near 25 requests/s.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def faults(self):
        """Answers a planned failure; True when the request was answered."""
        with LOCK:
            if STATE["fail_next"] > 0:
                STATE["fail_next"] -= 1
                STATE["requests"] += 1
                fail = True
            else:
                fail = False
            timeout = STATE["timeout_next"] > 0 and not fail
            if timeout:
                STATE["timeout_next"] -= 1
        if fail:
            self.reply(500, json.dumps({"error": "simulated failure"}))
            return True
        if timeout:
            time.sleep(15)
        elif ARGS.answer_delay > 0:
            time.sleep(ARGS.answer_delay)
        return False

    def do_POST(self):
        path = urllib.parse.urlparse(self.path).path
        raw = self.body()
        if path == "/version1/messaging":
            if ARGS.api_key and self.headers.get("apiKey") != ARGS.api_key:
                return self.reply(401, json.dumps({"error": "bad apiKey"}))
            if self.faults():
                return
            fields = urllib.parse.parse_qs(raw.decode(), keep_blank_values=True)
            to = (fields.get("to") or [""])[0]
            message = (fields.get("message") or [""])[0]
            if not to or not message:
                return self.reply(400, json.dumps({"error": "to and message are required"}))
            code, message_id, status = accept(self.headers.get("Idempotency-Key"), to, message, (fields.get("from") or [""])[0])
            recipient = {"statusCode": code, "number": to, "status": status, "cost": "XOF 15.0000" if message_id else "0", "messageId": message_id or "None"}
            return self.reply(201, json.dumps({"SMSMessageData": {"Message": "Sent to 1/1", "Recipients": [recipient]}}))
        if path == "/webhook":
            if ARGS.api_key:
                timestamp = self.headers.get("X-Guichet-Timestamp", "")
                expected = "sha256=" + hmac.new(ARGS.api_key.encode(), (timestamp + ".").encode() + raw, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected, self.headers.get("X-Guichet-Signature", "")):
                    return self.reply(401, json.dumps({"error": "bad signature"}))
            if self.faults():
                return
            try:
                payload = json.loads(raw)
            except ValueError:
                return self.reply(400, json.dumps({"error": "JSON expected"}))
            code, message_id, status = accept(self.headers.get("Idempotency-Key"), payload.get("to", ""), payload.get("message", ""), payload.get("from", ""))
            if not message_id:
                return self.reply(422, json.dumps({"error": status}))
            return self.reply(200, json.dumps({"messageId": message_id}))
        if path == "/control":
            settings = json.loads(raw or b"{}")
            with LOCK:
                for name in ("fail_next", "timeout_next"):
                    if name in settings:
                        STATE[name] = int(settings[name])
                for name in ("reject_numbers", "fail_reports_for"):
                    if name in settings:
                        STATE[name] = set(settings[name])
                if "duplicate_reports" in settings:
                    STATE["duplicate_reports"] = bool(settings["duplicate_reports"])
            return self.reply(200, json.dumps({"ok": True}))
        if path == "/inbound":
            payload = json.loads(raw or b"{}")
            fields = {
                "from": payload.get("from", ""),
                "to": ARGS.shortcode,
                "text": payload.get("text", ""),
                "date": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
                "id": payload.get("id") or uuid.uuid4().hex,
                "linkId": uuid.uuid4().hex[:12],
            }
            try:
                status, text = post_form("/channels/sms", fields)
            except urllib.error.HTTPError as error:
                status, text = error.code, error.read().decode("utf-8", "replace")
            return self.reply(200, json.dumps({"status": status, "answer": text, "id": fields["id"]}))
        if path == "/ussd":
            payload = json.loads(raw or b"{}")
            fields = {
                "sessionId": payload.get("sessionId", ""),
                "serviceCode": ARGS.service_code,
                "phoneNumber": payload.get("phoneNumber", ""),
                "networkCode": "60801",
                "text": payload.get("text", ""),
            }
            try:
                status, text = post_form("/channels/ussd", fields)
            except urllib.error.HTTPError as error:
                status, text = error.code, error.read().decode("utf-8", "replace")
            return self.reply(200, json.dumps({"status": status, "answer": text}))
        self.reply(404, json.dumps({"error": "not found"}))

    def do_GET(self):
        parsed = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(parsed.query)
        with LOCK:
            messages = list(STATE["messages"])
            stats = {name: STATE[name] for name in ("requests", "retries", "reports_sent", "reports_failed")}
        stats["accepted"] = len(messages)
        if parsed.path == "/messages":
            if "to" in query:
                messages = [m for m in messages if m["to"] == query["to"][0]]
            return self.reply(200, json.dumps(messages))
        if parsed.path == "/stats":
            return self.reply(200, json.dumps(stats))
        if parsed.path == "/health":
            return self.reply(200, "ok", "text/plain")
        if parsed.path == "/":
            rows = "".join(
                f"<tr><td>{html.escape(m['at'])}</td><td>{html.escape(m['to'])}</td><td>{html.escape(m['message'])}</td></tr>" for m in reversed(messages[-200:])
            )
            page = (
                "<!doctype html><html lang=en><meta charset=utf-8><title>SMS simulator</title>"
                f"<h1>Messages received by the simulated handsets ({len(messages)})</h1>"
                f"<table><thead><tr><th>At (UTC)</th><th>To</th><th>Text</th></tr></thead><tbody>{rows}</tbody></table>"
            )
            return self.reply(200, page, "text/html; charset=utf-8")
        self.reply(404, json.dumps({"error": "not found"}))


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=9101)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--guichet", default="http://127.0.0.1:8080", help="Guichet's base URL, for callbacks")
    parser.add_argument("--secret", default="", help="Guichet's GUICHET_CHANNELS_SECRET")
    parser.add_argument("--api-key", default="", help="the key Guichet must send (apiKey header, or the webhook's HMAC key)")
    parser.add_argument("--report-delay", type=float, default=0.2)
    parser.add_argument("--answer-delay", type=float, default=0.0, help="seconds before each send is answered (a real gateway's latency)")
    parser.add_argument("--shortcode", default="21414")
    parser.add_argument("--service-code", default="*221#")
    ARGS = parser.parse_args()
    # A parent that ignores SIGTERM (a server's signal handling) passes that on: stop on SIGTERM all the same.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    server = ThreadingHTTPServer((ARGS.host, ARGS.port), Handler)
    server.daemon_threads = True
    print(f"sms simulator on http://{ARGS.host}:{ARGS.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

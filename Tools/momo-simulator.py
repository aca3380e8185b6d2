#!/usr/bin/env python3
"""A stand-in for a mobile-money operator, for Guichet's tests, CI and demo (Python standard library only).

Shaped like MTN MoMo's documented Collection API ("request to pay"); amounts are strings of integers, in XOF or XAF.

  POST /collection/token/                  Basic auth api-user:api-key, Ocp-Apim-Subscription-Key. 200 {"access_token",
                                           "token_type", "expires_in": 3600}; 401 {"error": "login_failed"}.
  POST /collection/v1_0/requesttopay       Authorization: Bearer, Ocp-Apim-Subscription-Key, X-Reference-Id (a UUID),
                                           X-Target-Environment, optional X-Callback-Url; body {"amount", "currency",
                                           "externalId", "payer": {"partyIdType": "MSISDN", "partyId"}, "payerMessage",
                                           "payeeNote"}. 202 (empty) when recorded; 400 {"code": "INVALID_...", "message"};
                                           401; 409 RESOURCE_ALREADY_EXIST for a reference id already used. After
                                           --callback-delay s: SUCCESSFUL (financialTransactionId) or FAILED (reason), and
                                           the callback (PUT by default) to X-Callback-Url, retried after 0.5, 1, 2, 4, 8 s
                                           on no connection or a 5xx. Payers ending 0000 fail APPROVAL_REJECTED; payers
                                           ending 9999 stay PENDING (no callback).
  GET  /collection/v1_0/requesttopay/{id}  bearer and subscription key; 200 the transaction; 404 RESOURCE_NOT_FOUND.

For tests (no authentication):
  POST /control          JSON, each key optional: fail_next n (FAILED with fail_reason, by default NOT_ENOUGH_FUNDS),
                         drop_callbacks_next n, duplicate_callbacks bool, timeout_next n (recorded, answered after 15 s),
                         error_next n (500, nothing recorded), callback_method PUT|POST, fail_reason, reset true,
                         settle {"referenceId", "status", "reason"} (ends a PENDING transaction now, with its callback)
  GET  /stats, /transactions, /health, /statement?date=YYYY-MM-DD (CSV of that UTC day's SUCCESSFUL transactions)
  POST /statement/plant  {"extra": [{"external_id", "amount", "currency"}], "drop": [referenceId], "amount_delta":
                         {referenceId: -500}} alters the statements from then on; {"clear": true} undoes

Usage: momo-simulator.py --port 9201 [--host 127.0.0.1] --api-user U --api-key K --subscription-key S
                         [--callback-delay 0.2] [--currency-check] [--statement-operator mtn-momo]
"""

import argparse
import base64
import csv
import http.client
import io
import json
import os
import random
import re
import secrets
import signal
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
AMOUNT_RE = re.compile(r"^[1-9][0-9]{0,14}$")
MSISDN_RE = re.compile(r"^[0-9]{8,15}$")
# For --currency-check: the currency of a payer's country, by calling code (UEMOA: XOF; CEMAC: XAF).
CURRENCY_OF_PREFIX = dict.fromkeys(("221", "223", "225", "226", "227", "228", "229", "245"), "XOF")
CURRENCY_OF_PREFIX.update(dict.fromkeys(("235", "236", "237", "240", "241", "242"), "XAF"))
RETRY_DELAYS = (0.5, 1, 2, 4, 8)  # between the tries of one callback
TOKEN_LIFETIME = 3600
CONTROL_DEFAULTS = {"fail_next": 0, "fail_reason": "NOT_ENOUGH_FUNDS", "drop_callbacks_next": 0, "duplicate_callbacks": False,
                    "timeout_next": 0, "error_next": 0, "callback_method": "PUT"}
COUNTERS = ("requests", "accepted", "duplicates_refused", "errors_injected", "timeouts_injected", "callbacks_sent", "callbacks_failed",
            "callbacks_duplicated", "callbacks_dropped", "status_queries")

LOCK = threading.Lock()
STATE = {
    "tokens": {},  # access token -> expiry (epoch seconds); kept across a reset
    "transactions": {},  # referenceId -> transaction, in arrival order
    "counters": dict.fromkeys(COUNTERS, 0),
    "control": dict(CONTROL_DEFAULTS),
    "plant": {"extra": [], "drop": set(), "amount_delta": {}},
    "generation": 0,  # bumped by a reset: callback threads of an older generation leave STATE alone
}
ARGS = None


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def view(tx):
    """The transaction as the status query answers it, and as its callback's body."""
    out = {"amount": tx["amount"], "currency": tx["currency"]}
    if tx["status"] == "SUCCESSFUL":
        out["financialTransactionId"] = tx["financialTransactionId"]
    out.update(externalId=tx["externalId"], payer=tx["payer"], payerMessage=tx["payerMessage"], payeeNote=tx["payeeNote"], status=tx["status"])
    if tx["status"] == "FAILED":
        out["reason"] = tx["reason"]
    return out


def send_once(url, body, method):
    """One callback, with its retries; True when the receiver answered 2xx or 3xx."""
    data = json.dumps(body).encode()
    for attempt in range(len(RETRY_DELAYS) + 1):
        try:
            request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
            return True
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return False  # refused: trying again would not help
        except (OSError, http.client.HTTPException):
            pass  # no connection, or it broke: try again
        except ValueError:
            return False  # not a usable URL
        if attempt < len(RETRY_DELAYS):
            time.sleep(RETRY_DELAYS[attempt])
    return False


def settle(reference, status, reason, plan, generation, delay=0.0):
    """After delay, gives a PENDING transaction its final status, then sends its callback (unless dropped, maybe twice)."""
    time.sleep(delay)
    with LOCK:
        tx = STATE["transactions"].get(reference)
        if generation != STATE["generation"] or tx is None or tx["status"] != "PENDING":
            return
        tx["status"], tx["completed_at"] = status, now_iso()
        if status == "SUCCESSFUL":
            tx["financialTransactionId"] = str(random.randint(10**8, 10**10 - 1))  # 9 or 10 digits
        else:
            tx["reason"] = reason
        url, body = tx["callback_url"], view(tx)
        if url and plan["drop"]:
            STATE["counters"]["callbacks_dropped"] += 1
    if not url or plan["drop"]:
        return
    for copy in range(2 if plan["duplicate"] else 1):
        ok = send_once(url, body, plan["method"])
        with LOCK:
            if generation != STATE["generation"]:
                return
            STATE["counters"]["callbacks_sent" if ok else "callbacks_failed"] += 1
            STATE["counters"]["callbacks_duplicated"] += ok and copy == 1


def validate(payload):
    """Returns (code, message) for an invalid request to pay, else None."""
    if not isinstance(payload, dict):
        return "INVALID_BODY", "a JSON object is expected"
    amount, currency, payer = payload.get("amount"), payload.get("currency"), payload.get("payer")
    if not isinstance(amount, str) or not AMOUNT_RE.match(amount):
        return "INVALID_AMOUNT", "amount must be a positive integer, as a string"
    if currency not in ("XOF", "XAF"):
        return "INVALID_CURRENCY", "currency must be XOF or XAF"
    if not isinstance(payer, dict) or payer.get("partyIdType") != "MSISDN":
        return "INVALID_PAYER", "payer.partyIdType must be MSISDN"
    party = payer.get("partyId")
    if not isinstance(party, str) or not MSISDN_RE.match(party):
        return "INVALID_PAYER", "payer.partyId must be 8 to 15 digits"
    if ARGS.currency_check and CURRENCY_OF_PREFIX.get(party[:3], currency) != currency:
        return "INVALID_CURRENCY", f"{currency} is not the currency of the payer's country"
    for name in ("externalId", "payerMessage", "payeeNote"):
        if not isinstance(payload.get(name, ""), str):
            return "INVALID_" + name.upper(), f"{name} must be a string"
    return None


def statement_csv(day):
    """The operator's statement of one UTC day: the money that moved, altered by what was planted."""
    with LOCK:
        plant, rows = STATE["plant"], []
        for tx in STATE["transactions"].values():
            if tx["status"] == "SUCCESSFUL" and tx["completed_at"].startswith(day) and tx["referenceId"] not in plant["drop"]:
                amount = int(tx["amount"]) + plant["amount_delta"].get(tx["referenceId"], 0)
                rows.append([tx["financialTransactionId"], tx["referenceId"], tx["externalId"], tx["completed_at"], str(amount), tx["currency"],
                             tx["payer"]["partyId"]])
        for extra in plant["extra"]:
            if extra["date"].startswith(day):
                rows.append([extra[k] for k in ("transaction_id", "reference_id", "external_id", "date", "amount", "currency", "msisdn")])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["transaction_id", "reference_id", "external_id", "date", "amount", "currency", "msisdn", "status"])
    writer.writerows(row + ["SUCCESSFUL"] for row in sorted(rows, key=lambda row: row[3]))
    return out.getvalue()


def stats():
    with LOCK:
        txs, out = list(STATE["transactions"].values()), dict(STATE["counters"])
    successful = [tx for tx in txs if tx["status"] == "SUCCESSFUL"]
    out.update(successful=len(successful), failed=sum(tx["status"] == "FAILED" for tx in txs), pending=sum(tx["status"] == "PENDING" for tx in txs))
    out["charged_total"] = sum(int(tx["amount"]) for tx in successful)
    out["charged_per_external_id_max"] = max(Counter(tx["externalId"] for tx in successful).values(), default=0)
    return out


def apply_control(settings):
    """Applies /control's settings; returns the control state, or an error message."""
    if settings.get("callback_method", "PUT") not in ("PUT", "POST"):
        return "callback_method must be PUT or POST"
    order = settings.get("settle")
    with LOCK:
        if settings.get("reset"):  # tokens survive: a reset between tests must not log Guichet out
            STATE.update(transactions={}, counters=dict.fromkeys(COUNTERS, 0), control=dict(CONTROL_DEFAULTS))
            STATE.update(plant={"extra": [], "drop": set(), "amount_delta": {}}, generation=STATE["generation"] + 1)
        control = STATE["control"]
        for name in ("fail_next", "drop_callbacks_next", "timeout_next", "error_next"):
            control[name] = max(0, int(settings.get(name, control[name])))
        control["duplicate_callbacks"] = bool(settings.get("duplicate_callbacks", control["duplicate_callbacks"]))
        control["callback_method"], control["fail_reason"] = (str(settings.get(k, control[k])) for k in ("callback_method", "fail_reason"))
        if order is not None:
            tx = STATE["transactions"].get(order.get("referenceId")) if isinstance(order, dict) else None
            if tx is None or tx["status"] != "PENDING" or order.get("status") not in ("SUCCESSFUL", "FAILED"):
                return "settle needs the referenceId of a PENDING transaction and a status SUCCESSFUL or FAILED"
            plan = {"drop": False, "duplicate": control["duplicate_callbacks"], "method": control["callback_method"]}
            args = (tx["referenceId"], order["status"], order.get("reason") or "APPROVAL_REJECTED", plan, STATE["generation"])
            threading.Thread(target=settle, args=args, daemon=True).start()
        return dict(control)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY a kept-alive client waits ~40 ms for each answer
    # (Nagle against the delayed ACK), which caps a sequential sender near 25 requests/s.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", content_type="application/json", headers=()):
        data = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
        try:
            self.send_response(status)
            if data:
                self.send_header("Content-Type", content_type)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away (a timeout test): nothing to tell it

    def json_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            raw = b""
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                raw += self.rfile.read(size)
                self.rfile.readline()
            while self.rfile.readline().strip():  # trailers
                pass
        else:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return None

    def refused_auth(self):
        """Answers 401 for a wrong subscription key or an unknown or expired bearer token; True when it did."""
        if self.headers.get("Ocp-Apim-Subscription-Key") != ARGS.subscription_key:
            self.reply(401, {"statusCode": 401, "message": "Access denied due to invalid subscription key."})
            return True
        auth = self.headers.get("Authorization") or ""
        with LOCK:
            valid = auth[:7].lower() == "bearer " and STATE["tokens"].get(auth[7:].strip(), 0) > time.time()
        if not valid:
            self.reply(401, {"code": "UNAUTHORIZED", "message": "Access token is missing, invalid or expired."})
        return not valid

    def do_POST(self):
        path, payload = urllib.parse.urlparse(self.path).path, self.json_body()
        if path in ("/collection/token/", "/collection/token"):
            return self.token()
        if path == "/collection/v1_0/requesttopay":
            return self.request_to_pay(payload)
        if path == "/control":
            try:
                answer = apply_control(payload) if isinstance(payload, dict) else "a JSON object is expected"
            except (AttributeError, ValueError, TypeError) as error:
                answer = f"bad value: {error}"
            return self.reply(400, {"error": answer}) if isinstance(answer, str) else self.reply(200, answer)
        if path == "/statement/plant":
            return self.plant(payload)
        self.reply(404, {"error": "not found"})

    def token(self):
        auth = self.headers.get("Authorization") or ""
        try:
            user, _, key = base64.b64decode(auth[6:].strip(), validate=True).decode().partition(":")
        except ValueError:
            user, key = "", ""
        if auth[:6].lower() != "basic " or (user, key) != (ARGS.api_user, ARGS.api_key) or \
                self.headers.get("Ocp-Apim-Subscription-Key") != ARGS.subscription_key:
            return self.reply(401, {"error": "login_failed"})
        token = secrets.token_urlsafe(32)
        with LOCK:
            STATE["tokens"][token] = time.time() + TOKEN_LIFETIME
        self.reply(200, {"access_token": token, "token_type": "access_token", "expires_in": TOKEN_LIFETIME})

    def request_to_pay(self, payload):
        with LOCK:
            STATE["counters"]["requests"] += 1
        if self.refused_auth():
            return
        if not (self.headers.get("X-Target-Environment") or "").strip():
            return self.reply(400, {"code": "INVALID_TARGET_ENVIRONMENT", "message": "X-Target-Environment is required"})
        reference = (self.headers.get("X-Reference-Id") or "").strip()
        if not UUID_RE.match(reference):
            return self.reply(400, {"code": "INVALID_REFERENCE_ID", "message": "X-Reference-Id must be a UUID"})
        with LOCK:
            injected = STATE["control"]["error_next"] > 0
            STATE["control"]["error_next"] -= injected
            STATE["counters"]["errors_injected"] += injected
        if injected:  # the operator broke before recording anything
            return self.reply(500, {"code": "INTERNAL_PROCESSING_ERROR", "message": "An internal error occurred while processing."})
        if problem := validate(payload):
            return self.reply(400, {"code": problem[0], "message": problem[1]})
        with LOCK:
            duplicate = reference in STATE["transactions"]
            STATE["counters"]["duplicates_refused"] += duplicate
            if not duplicate:
                outcome, plan, late, generation = self.record(reference, payload)
        if duplicate:  # never charged twice
            return self.reply(409, {"code": "RESOURCE_ALREADY_EXIST", "message": "Duplicated reference id"})
        if outcome:
            threading.Thread(target=settle, args=(reference, *outcome, plan, generation, ARGS.callback_delay), daemon=True).start()
        if late:
            time.sleep(15)  # the operator took the request; the client gives up before hearing so
        self.reply(202)

    def record(self, reference, payload):
        """Records a new request to pay (LOCK held); returns (outcome or None, callback plan, answer late?, generation)."""
        party = payload["payer"]["partyId"]
        control, generation = STATE["control"], STATE["generation"]
        # The outcome and the callback's fate are decided now, so that a control set before a request governs it.
        if party.endswith("9999"):
            outcome = None  # the payer never approves
        elif party.endswith("0000"):
            outcome = ("FAILED", "APPROVAL_REJECTED")
        elif control["fail_next"] > 0:
            control["fail_next"] -= 1
            outcome = ("FAILED", control["fail_reason"])
        else:
            outcome = ("SUCCESSFUL", None)
        drop = outcome is not None and control["drop_callbacks_next"] > 0
        control["drop_callbacks_next"] -= drop
        plan = {"drop": drop, "duplicate": control["duplicate_callbacks"], "method": control["callback_method"]}
        late = control["timeout_next"] > 0
        control["timeout_next"] -= late
        STATE["counters"]["timeouts_injected"] += late
        STATE["transactions"][reference] = {
            "referenceId": reference, "externalId": payload.get("externalId", ""), "amount": payload["amount"], "currency": payload["currency"],
            "payer": {"partyIdType": "MSISDN", "partyId": party}, "payerMessage": payload.get("payerMessage", ""),
            "payeeNote": payload.get("payeeNote", ""), "status": "PENDING", "financialTransactionId": None, "reason": None,
            "created_at": now_iso(), "completed_at": None, "callback_url": (self.headers.get("X-Callback-Url") or "").strip(),
        }
        STATE["counters"]["accepted"] += 1
        return outcome, plan, late, generation

    def plant(self, payload):
        try:
            extras = [{
                "transaction_id": str(extra.get("transaction_id") or random.randint(10**8, 10**10 - 1)),
                "reference_id": str(extra.get("reference_id") or uuid.uuid4()), "external_id": str(extra.get("external_id", "")),
                "date": str(extra.get("date") or now_iso()), "amount": str(int(extra.get("amount", 0))),
                "currency": str(extra.get("currency") or "XOF"), "msisdn": str(extra.get("msisdn") or "221770000000"),
            } for extra in payload.get("extra") or []]
            deltas = {str(reference): int(delta) for reference, delta in (payload.get("amount_delta") or {}).items()}
            drops = {str(reference) for reference in payload.get("drop") or []}
        except (AttributeError, ValueError, TypeError) as error:
            return self.reply(400, {"error": f"bad plant: {error}"})
        with LOCK:
            if payload.get("clear"):
                STATE["plant"] = {"extra": [], "drop": set(), "amount_delta": {}}
            plant = STATE["plant"]
            plant["extra"] += extras
            plant["drop"] |= drops
            plant["amount_delta"].update(deltas)
            answer = {"extra": plant["extra"], "drop": sorted(plant["drop"]), "amount_delta": plant["amount_delta"]}
        self.reply(200, answer)

    def do_GET(self):
        parsed = urllib.parse.urlparse(self.path)
        path, query = parsed.path, urllib.parse.parse_qs(parsed.query)
        prefix = "/collection/v1_0/requesttopay/"
        if path.startswith(prefix):
            with LOCK:
                STATE["counters"]["status_queries"] += 1
            if self.refused_auth():
                return
            with LOCK:
                tx = STATE["transactions"].get(path[len(prefix):])
                answer = view(tx) if tx else None
            if answer is None:
                return self.reply(404, {"code": "RESOURCE_NOT_FOUND", "message": "Requested resource was not found."})
            return self.reply(200, answer)
        if path == "/stats":
            return self.reply(200, stats())
        if path == "/transactions":
            keys = ("referenceId", "externalId", "amount", "currency", "status", "financialTransactionId", "reason", "created_at", "completed_at")
            with LOCK:
                txs = [dict({k: tx[k] for k in keys}, partyId=tx["payer"]["partyId"]) for tx in STATE["transactions"].values()]
            return self.reply(200, txs)
        if path == "/statement":
            day = (query.get("date") or [now_iso()[:10]])[0]
            try:
                datetime.strptime(day, "%Y-%m-%d")
            except ValueError:
                return self.reply(400, {"error": "date must be YYYY-MM-DD"})
            operator = ARGS.statement_operator
            headers = (("Content-Disposition", f'attachment; filename="{operator}-{day}.csv"'), ("X-Statement-Operator", operator))
            return self.reply(200, statement_csv(day), "text/csv; charset=utf-8", headers)
        if path == "/health":
            return self.reply(200, {"ok": True})
        self.reply(404, {"error": "not found"})


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)):
            return  # a client that hung up is no error here
        super().handle_error(request, client_address)


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=9201, help="0 picks a free port (the line printed tells which)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--api-user", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--subscription-key", required=True)
    parser.add_argument("--callback-delay", type=float, default=0.2, help="seconds before a request to pay is settled")
    parser.add_argument("--currency-check", action="store_true", help="refuse a currency other than the payer's country's (221: XOF, 237: XAF...)")
    parser.add_argument("--statement-operator", default="mtn-momo", help="the operator named in the statement's file name")
    parser.add_argument("--exit-with-parent", action="store_true", help="stop when the process that started it ends (the demo server)")
    ARGS = parser.parse_args()
    # A parent that ignores SIGTERM (a server's signal handling) passes that on: stop on SIGTERM all the same.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    server = Server((ARGS.host, ARGS.port), Handler)
    print(f"momo-simulator listening on http://{ARGS.host}:{server.server_address[1]}", flush=True)
    if ARGS.exit_with_parent:
        parent = os.getppid()

        def watch():
            while os.getppid() == parent:
                time.sleep(1)
            os._exit(0)

        threading.Thread(target=watch, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Signs agents in and opens their counters, for wrk's call-next script (callnext.lua). Standard library only.

    agents.py BASE CENTRE SERVICE PASSWORD EMAIL...

For each e-mail (a centre agent whose password is PASSWORD and need not be changed), in order: signs in through the
form, opens counter <CENTRE>.<n> (n = 1, 2, …) for SERVICE (one service id, or several separated by commas), and prints one line `<cookies>\t<csrf>\t<counter id>`: the
cookies ("name=value; …"), the CSRF token of the session (from the console's form) and the counter. Exits non-zero
when any step does not answer as a browser would see it."""
import http.client, re, sys, urllib.parse

BASE, CENTRE, SERVICE, PASSWORD = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], sys.argv[4]
EMAILS = sys.argv[5:]
url = urllib.parse.urlsplit(BASE)


class Browser:
    def __init__(self):
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
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
        return response.status, text, {k.lower(): v for k, v in response.getheaders()}


for index, email in enumerate(EMAILS):
    browser = Browser()
    browser.request("GET", "/admin/sign-in")
    status, _, headers = browser.request("POST", "/admin/sign-in", [("email", email), ("password", PASSWORD)])
    if status != 303 or "password" in headers.get("location", ""):
        sys.exit(f"{email}: sign-in answered {status} {headers.get('location', '')}")
    counter = f"{CENTRE}.{index + 1}"
    status, _, _ = browser.request("GET", f"/admin/centres/{CENTRE}")
    if status != 200:
        sys.exit(f"{email}: the console answered {status}")
    status, _, _ = browser.request("POST", f"/admin/centres/{CENTRE}/counters/{counter}/open", [("service", service) for service in SERVICE.split(",")])
    if status != 303:
        sys.exit(f"{email}: opening counter {counter} answered {status}")
    status, _, _ = browser.request("GET", f"/admin/centres/{CENTRE}")
    session = [f"{k}={v}" for k, v in browser.cookies.items() if "session" in k]
    if status != 200 or not session or not browser.csrf:
        sys.exit(f"{email}: no session cookie or CSRF token after sign-in ({status}, cookies {sorted(browser.cookies)})")
    print("\t".join(["; ".join(f"{k}={v}" for k, v in browser.cookies.items()), browser.csrf, counter]))

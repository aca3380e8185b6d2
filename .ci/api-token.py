#!/usr/bin/env python3
"""Prints a new administrator API token of the demo server, for schemathesis in .ci/run.

    python .ci/api-token.py http://127.0.0.1:8089 server.log

Signs in through the form as the demo administrator (the account `guichet serve --demo` printed in its log) and
creates the token on /admin/tokens, as a person would; only the standard library is used.
"""

import http.cookiejar
import re
import sys
import urllib.parse
import urllib.request


def main(base, log_path):
    with open(log_path, encoding="utf-8", errors="replace") as log:
        account = re.search(r"^\s*administrator\s+(\S+@\S+)\s+(\S+)\s*$", log.read(), re.MULTILINE)
    if not account:
        sys.exit("no demo administrator in the server's log")
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def page(path, form=None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        with opener.open(base + path, data=data, timeout=30) as response:
            return response.read().decode("utf-8", errors="replace")

    def token(html):
        return re.search(r'name="_csrf" value="([^"]+)"', html).group(1)

    signed_in = page("/admin/sign-in", {"email": account.group(1), "password": account.group(2), "_csrf": token(page("/admin/sign-in"))})
    if "/admin/sign-out" not in signed_in:
        sys.exit("the demo administrator could not sign in")
    created = page("/admin/tokens", {"name": "schemathesis", "role": "administrator", "institution": "", "_csrf": token(page("/admin/tokens"))})
    secret = re.search(r"gch_[A-Za-z0-9_-]+", created)
    if not secret:
        sys.exit("no token secret on the page /admin/tokens answered")
    print(secret.group(0))


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2])

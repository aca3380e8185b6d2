#!/usr/bin/env python3
"""Real-browser check of Guichet's public pages.

Headless Chromium (Debian's, with its chromedriver) opens, in French then in English, the home page, the
results of a search for "acte de naissance", and the procedure page reached by following that search's
first result. On each page it checks `<html lang>` and an `<h1>`, runs axe, and fails on any violation of
serious or critical impact. It prints each page's bytes as a client downloads them (HTML fetched raw, not
the browser's DOM) with its stylesheet, and warns past the 20 KB budget of a page on 2G.

    python Tests/browser/check_pages.py --base http://127.0.0.1:8089

With `--apply PROCEDURE` it also applies for the birth-certificate extract as a person would, on a phone-sized window:
start page, each question page (also in its error state), upload, check your answers, declaration, confirmation,
then the tracking page with the reference and PIN it was given; each page is checked like the others.

With `--credentials` (the output of `guichet serve --demo`, which prints the demo accounts once), it also signs in
through the form as the catalogue editor and the administrator and checks their back-office pages the same way.

Exit code 0 when every page passes, 1 otherwise.
"""

import argparse
import importlib.util
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

BUDGET = 20 * 1024
QUERY = "acte de naissance"
FAILING_IMPACTS = ("serious", "critical")
# Rules waived on purpose, by the end of a page's path, each with its reason. The waiting room's display board is a
# wall screen nobody operates: it must reload itself (the issue asks for it), which axe's meta-refresh rule forbids
# for pages people read and use.
WAIVED = {"/board": {"meta-refresh"}}
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# The visitor's browser asks for French; English is then chosen on the site, with ?lang=en, so that each way of
# choosing the language is what the check depends on (an English browser would hide a broken ?lang=en).
ACCEPT_LANGUAGE = "fr-FR,fr;q=0.9"


def axe_script():
    """axe-core's script: axe-selenium-python bundles axe-core 3.1 (2018); axe-playwright-python, when
    installed (without its dependencies: only its script is used), carries a current 4.x."""
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            path = os.path.join(folder, "axe.min.js")
            if os.path.exists(path):
                return path
    return None


def with_language(url, lang):
    """French pages are asked for as a French browser asks (no parameter); English adds ?lang=en / &lang=en."""
    parts = urllib.parse.urlsplit(url)
    query = [(key, value) for key, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if key != "lang"]
    if lang != "fr":
        query.append(("lang", lang))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def fetch(url, cookie=None, status=200):
    """The bytes a client gets without compression: a fresh request, with no cookie (the URL alone sets English),
    or, for back-office pages, with the signed-in browser's session cookie. `status`: the answer expected (a page
    that says "not found" is checked like any other)."""
    headers = {"Accept-Language": ACCEPT_LANGUAGE, "Accept-Encoding": "identity"}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        if error.code != status:
            raise
        return error.read()


class Head(HTMLParser):
    """Finds the `<html lang>` and the stylesheets of a page's markup."""

    def __init__(self):
        super().__init__()
        self.html_lang = None
        self.stylesheets = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html" and self.html_lang is None:
            self.html_lang = attributes.get("lang")
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").lower().split() and attributes.get("href"):
            self.stylesheets.append(attributes["href"])


def start_browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=390,844", "--lang=fr-FR"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(120)
    return driver


def follow_first_result(driver, base):
    """Clicks the first procedure link among the search results, as a person would, and returns where it leads."""
    links = driver.find_elements(By.CSS_SELECTOR, "main a[href^='/procedures/']") or driver.find_elements(
        By.CSS_SELECTOR, "a[href^='/procedures/']")
    if not links:
        return None
    href = links[0].get_attribute("href")
    try:
        links[0].click()
        WebDriverWait(driver, 30).until(expected_conditions.url_contains("/procedures/"))
    except WebDriverException:
        driver.get(urllib.parse.urljoin(base + "/", href))
    return driver.current_url


class Report:
    def __init__(self):
        self.failures = []
        self.warnings = []
        self.rows = []

    def fail(self, where, message):
        self.failures.append(f"{where}: {message}")

    def finish(self, passed):
        """Prints the warnings, then the failures or `passed`; the exit code."""
        for warning in self.warnings:
            print(f"warning: {warning}")
        if self.failures:
            print(f"\nFAILED: {len(self.failures)} problem(s)")
            for failure in self.failures:
                print(f"  - {failure}")
            return 1
        print(f"\n{passed}")
        return 0


def check_page(driver, axe_path, lang, name, url, report, stylesheet_sizes, cookie=None, status=200):
    where = f"[{lang}] {name} {url}"
    if driver.current_url != url:
        driver.get(url)
    if cookie is not None and "/admin/sign-in" in driver.current_url and "/admin/sign-in" not in url:
        report.fail(where, "the signed-in browser was sent to the sign-in page")
        return "?"

    # What the browser built.
    dom_lang = driver.execute_script("return document.documentElement.getAttribute('lang')")
    if dom_lang != lang:
        report.fail(where, f'<html lang="{dom_lang}">, expected lang="{lang}"')
    headings = [h.text.strip() for h in driver.find_elements(By.TAG_NAME, "h1")]
    if not any(headings):
        report.fail(where, "no <h1> (or an empty one)")
    axe = Axe(driver, script_url=axe_path) if axe_path else Axe(driver)
    axe.inject()
    results = axe.run()
    version = (results.get("testEngine") or {}).get("version", "?")
    minor = 0
    waived = set().union(*[rules for suffix, rules in WAIVED.items() if urllib.parse.urlsplit(url).path.endswith(suffix)])
    for violation in results.get("violations", []):
        if violation.get("id") in waived:
            report.warnings.append(f"{where}: axe {violation['id']} waived for this page (see WAIVED)")
            continue
        if violation.get("impact") in FAILING_IMPACTS:
            targets = [" ".join(map(str, node.get("target", []))) for node in violation.get("nodes", [])]
            shown = "; ".join(targets[:8]) + (f"; … {len(targets) - 8} more" if len(targets) > 8 else "")
            report.fail(where, f"axe {violation['id']} ({violation['impact']}): {violation.get('help', '')}\n"
                               f"        {violation.get('helpUrl', '')}\n        nodes: {shown}")
        else:
            minor += len(violation.get("nodes", [])) or 1
    if minor:
        report.warnings.append(f"{where}: {minor} axe finding(s) of minor or moderate impact (not failing)")

    # What a client downloads.
    try:
        html = fetch(url, cookie, status)
    except (urllib.error.URLError, OSError) as error:
        report.fail(where, f"fetching the page's bytes failed: {error}")
        return version
    head = Head()
    head.feed(html.decode("utf-8", errors="replace"))
    if head.html_lang != lang:
        report.fail(where, f'the served markup has <html lang="{head.html_lang}">, expected lang="{lang}"')
    css = 0
    for href in head.stylesheets:
        stylesheet = urllib.parse.urljoin(url, href)
        if stylesheet not in stylesheet_sizes:
            try:
                stylesheet_sizes[stylesheet] = len(fetch(stylesheet))
            except (urllib.error.URLError, OSError) as error:
                report.fail(where, f"stylesheet {stylesheet}: {error}")
                stylesheet_sizes[stylesheet] = 0
        css += stylesheet_sizes[stylesheet]
    if not head.stylesheets:
        report.warnings.append(f"{where}: no stylesheet linked")
    if len(html) + css > BUDGET:
        report.warnings.append(f"{where}: {len(html) + css} B of HTML+CSS, over the {BUDGET} B budget for 2G")
    report.rows.append((lang, name, len(html), css, url))
    return version


def demo_credentials(path):
    """The demo accounts `guichet serve --demo` printed once at start: role -> (e-mail, password)."""
    accounts = {}
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            parts = line.split()
            if len(parts) == 3 and "@" in parts[1] and parts[0].replace("_", "").isalpha():
                accounts[parts[0]] = (parts[1], parts[2])
    return accounts


def sign_in(driver, base, email, password):
    """Signs in through the form, as a person would."""
    driver.get(f"{base}/admin/sign-in")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(driver, 30).until(lambda d: "/admin/sign-in" not in d.current_url)
    cookie = driver.get_cookie("guichet_session")
    return f"guichet_session={cookie['value']}" if cookie else None


# Back-office pages checked for each demo role, after signing in through the form.
BACK_OFFICE = {
    "catalog_editor": [
        ("admin home", "/admin"),
        ("catalogue", "/admin/catalog"),
        ("procedure form", "/admin/catalog/procedures/sn-declaration-naissance"),
        ("step form", "/admin/catalog/procedures/sn-declaration-naissance/steps/0/0"),
        ("new procedure", "/admin/catalog/new"),
        ("history", "/admin/catalog/procedures/sn-declaration-naissance/history"),
        ("password", "/admin/account/password"),
    ],
    "administrator": [
        ("users", "/admin/users"),
        ("new user", "/admin/users/new"),
        ("tokens", "/admin/tokens"),
        ("audit log", "/admin/audit"),
        ("institutions", "/admin/catalog/institutions"),
    ],
}


def check_back_office(base, axe_path, report, stylesheet_sizes, credentials, versions, extra):
    driver = start_browser()
    try:
        versions.add(check_page(driver, axe_path, "fr", "sign-in", f"{base}/admin/sign-in", report, stylesheet_sizes))
    finally:
        driver.quit()
    pages = dict(BACK_OFFICE)
    for role, path in extra:
        pages.setdefault(role, []).append((path, path))
    for role, paths in pages.items():
        if role not in credentials:
            report.fail(f"[fr] back office as {role}", "no demo account of this role in the server's output")
            continue
        driver = start_browser()
        try:
            email, password = credentials[role]
            cookie = sign_in(driver, base, email, password)
            if not cookie:
                report.fail(f"[fr] sign-in as {role}", "no session cookie after signing in")
                continue
            for name, path in paths:
                try:
                    versions.add(check_page(driver, axe_path, "fr", f"{name} ({role})", f"{base}{path}", report, stylesheet_sizes, cookie))
                except WebDriverException as error:
                    report.fail(f"[fr] {name} {path}", f"the browser failed: {error.msg or error}")
        except WebDriverException as error:
            report.fail(f"[fr] sign-in as {role}", f"the browser failed: {error.msg or error}")
        finally:
            driver.quit()


# Answers for the demo form of the birth-certificate extract (Sources/Applications/Resources/Demo/forms.yaml).
APPLY_ANSWERS = {
    "requester": [("radio", "requester-0"), ("requester_name", "Awa Navigateur")],
    "record": [("last_name", "NAVIGATEUR"), ("first_names", "Awa"), ("birth_date", "2019-03-27"), ("birth_place", "Dakar"),
               ("registry_centre", "Plateau"), ("mother_name", "Mariama Navigateur")],
    "contact": [("phone", "+221 77 000 00 00"), ("copies", "1")],
    "documents": [("file", "record_proof")],
}


def fill_answers(driver, answers, upload):
    """Fills in one question page: `radio` and `file` name the input to click or to give the file to; other fields are
    typed, except dates, set as their picker would (a date input's typing order depends on the browser's locale)."""
    for field, value in answers:
        if field == "radio":
            driver.find_element(By.ID, value).click()
        elif field == "file":
            driver.find_element(By.ID, value).send_keys(upload)
        else:
            element = driver.find_element(By.ID, field)
            element.clear()
            if element.get_attribute("type") == "date":
                driver.execute_script("arguments[0].value = arguments[1]", element, value)
            else:
                element.send_keys(value)


def check_apply_flow(base, axe_path, report, stylesheet_sizes, versions, procedure, lang):
    """Applies online through the pages, as a person on a phone would, checking each page on the way."""
    driver = start_browser()
    where = f"[{lang}] apply {procedure}"
    upload = os.path.join(os.environ.get("TMPDIR", "/tmp"), "guichet-browser-check.pdf")
    with open(upload, "wb") as file:
        file.write(b"%PDF-1.4\n% browser check\n%%EOF\n")

    def check(name):
        cookie = driver.get_cookie("guichet_apply")
        versions.add(check_page(driver, axe_path, lang, name, driver.current_url, report, stylesheet_sizes,
                                f"guichet_apply={cookie['value']}" if cookie else None))

    def submit(selector="main form button[type=submit]"):
        # Waits for the next page: the clicked element goes stale once the browser has left its page.
        element = driver.find_element(By.CSS_SELECTOR, selector)
        element.click()

        def left(d):
            # Chromium may report the node as belonging to no document while the next page replaces it: that is gone too.
            try:
                return expected_conditions.staleness_of(element)(d)
            except WebDriverException as error:
                if "does not belong to the document" in str(error):
                    return True
                raise

        WebDriverWait(driver, 30).until(left)

    try:
        driver.get(with_language(f"{base}/procedures/{procedure}/apply", lang))
        submit()
        if "/pages/" not in driver.current_url:
            report.fail(where, f"the start button led to {driver.current_url}")
            return
        check("question")
        submit()  # nothing answered: the same page with its errors
        if not driver.find_elements(By.CSS_SELECTOR, ".errors"):
            report.fail(where, "an empty page was accepted")
        check("q. errors")
        for page, answers in APPLY_ANSWERS.items():
            if f"/pages/{page}" not in driver.current_url:
                report.fail(where, f"expected the page '{page}', got {driver.current_url}")
                return
            fill_answers(driver, answers, upload)
            submit()
        if "/check" not in driver.current_url:
            errors = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".error")]
            report.fail(where, f"expected the check page, got {driver.current_url}: {errors}")
            return
        check("check")
        submit("main a.button")
        check("declaration")
        driver.find_element(By.ID, "confirm").click()
        submit()
        if "/confirmation" not in driver.current_url:
            report.fail(where, f"expected the confirmation, got {driver.current_url}")
            return
        check("confirmed")
        codes = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "strong.big")]
        driver.get(with_language(f"{base}/track", lang))
        driver.find_element(By.ID, "reference").send_keys(codes[0])
        driver.find_element(By.ID, "pin").send_keys(codes[1])
        submit()
        if "NAVIGATEUR" in driver.page_source:
            report.fail(where, "the tracking page shows the person's answers")
        check("tracked")
    except WebDriverException as error:
        report.fail(where, f"the browser failed: {error.msg or error}")
    finally:
        driver.quit()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8080", help="the server's address (default %(default)s)")
    parser.add_argument("--credentials", help="the output of `guichet serve --demo`, with the demo accounts it printed: "
                                              "signs in as each role and checks the back-office pages")
    parser.add_argument("--public", action="append", default=[], help="another public page to check (path), repeatable")
    parser.add_argument("--admin", action="append", default=[], help="ROLE:PATH, another back-office page to check, repeatable")
    parser.add_argument("--apply", help="a procedure with the demo extract form: apply through its pages in both languages")
    arguments = parser.parse_args()
    base = arguments.base.rstrip("/")
    axe_path = axe_script()
    report = Report()
    stylesheet_sizes = {}
    versions = set()

    for lang in ("fr", "en"):
        # A fresh browser per language: the cookie that remembers ?lang=en must not carry into the French pages.
        driver = start_browser()
        try:
            search = with_language(f"{base}/search?{urllib.parse.urlencode({'q': QUERY})}", lang)
            pages = [("home", with_language(f"{base}/", lang)), ("search", search)]
            pages += [(path, with_language(f"{base}{path}", lang)) for path in arguments.public]
            try:
                driver.get(search)
                procedure = follow_first_result(driver, base)
                if procedure is None:
                    report.fail(f"[{lang}] search {search}", f"no result link <a href=\"/procedures/…\"> for '{QUERY}'")
                else:
                    pages.append(("procedure", procedure))
            except WebDriverException as error:
                report.fail(f"[{lang}] search {search}", f"the browser failed: {error.msg or error}")
            for name, url in pages:
                try:
                    versions.add(check_page(driver, axe_path, lang, name, url, report, stylesheet_sizes))
                except WebDriverException as error:
                    report.fail(f"[{lang}] {name} {url}", f"the browser failed: {error.msg or error}")
        finally:
            driver.quit()

    if arguments.apply:
        for lang in ("fr", "en"):
            check_apply_flow(base, axe_path, report, stylesheet_sizes, versions, arguments.apply, lang)

    if arguments.credentials:
        extra = [tuple(item.split(":", 1)) for item in arguments.admin]
        check_back_office(base, axe_path, report, stylesheet_sizes, demo_credentials(arguments.credentials), versions, extra)

    print(f"axe-core {', '.join(sorted(versions)) or '?'}; failing impacts: {', '.join(FAILING_IMPACTS)}")
    print(f"{'lang':4} {'page':10} {'HTML B':>8} {'CSS B':>7} {'total B':>8}  url")
    for lang, name, html, css, url in report.rows:
        flag = "  > budget" if html + css > BUDGET else ""
        print(f"{lang:4} {name:10} {html:8} {css:7} {html + css:8}  {url}{flag}")
    html_total = sum(row[2] for row in report.rows)
    css_once = sum(stylesheet_sizes.values())
    print(f"all {len(report.rows)} pages: {html_total} B of HTML + {css_once} B of stylesheet fetched once = {html_total + css_once} B; "
          f"with the stylesheet counted on every page: {sum(row[2] + row[3] for row in report.rows)} B")

    return report.finish(f"browser check passed: {len(report.rows)} pages, no serious or critical accessibility violation")


if __name__ == "__main__":
    sys.exit(main())

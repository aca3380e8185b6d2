#!/usr/bin/env python3
"""The whole journey in a real browser, as a new user on a phone would take it, in French and in English.

Headless Chromium (Debian's) in a phone-sized window starts at the home page and from there only clicks links and
fills in forms: it never types an address after the home page. Every page on the way is checked like the other
browser checks (`check_pages.check_page`: `<html lang>`, an `<h1>`, axe with no serious or critical violation, bytes).

    python Tests/browser/journey.py --base http://127.0.0.1:8089 --credentials server.log

The journeys (each in both languages, each in a fresh browser):
  1. home → say the country → search with a typo → the procedure → apply → confirmation → track (reference and PIN);
  2. home → centres → a centre → remote ticket → ticket page; a centre agent (signed in through the form, in another
     browser) calls and serves that ticket; the ticket page then offers feedback, which is given;
  3. home → verify a document (an unknown code is told so, in the person's language);
  4. home → our commitments, our results: figures are shown, marked as simulated in the demo;
  5. home → the criminal-record extract → apply → its 200 FCFA stamp on the check page → confirmation → pay by
     (simulated) mobile money → the page that waits for the handset's approval reloads itself → paid → the receipt,
     which verifies.

The centres must be open when it runs: `.ci/run` serves the demo with `GUICHET_DEMO_CLOCK` set to a weekday morning.
Exit code 0 when every journey passes, 1 otherwise.
"""

import argparse
import os
import sys
import urllib.parse

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_pages import (  # noqa: E402
    APPLY_ANSWERS, Report, axe_script, check_page, demo_credentials, fill_answers, sign_in, start_browser)

TYPO_QUERY = {"fr": "extrai de naissence", "en": "birth certificat"}
PROCEDURE = "sn-extrait-acte-naissance"
CENTRE = "sn-ess-dakar"
CONSOLE_BUTTONS = ("Ouvrir le guichet", "Appeler le suivant", "Commencer le service", "Terminer")


class Journey:
    def __init__(self, base, lang, axe_path, report, stylesheet_sizes, versions):
        self.base = base
        self.lang = lang
        self.axe_path = axe_path
        self.report = report
        self.stylesheet_sizes = stylesheet_sizes
        self.versions = versions
        self.driver = start_browser()
        self.name = "?"

    def fail(self, message):
        self.report.fail(f"[{self.lang}] journey {self.name}", f"{message} (at {self.driver.current_url})")

    def check(self, page, status=200):
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())
        self.versions.add(check_page(self.driver, self.axe_path, self.lang, f"{self.name}:{page}", self.driver.current_url, self.report,
                                     self.stylesheet_sizes, cookies or None, status))

    def wait_leaving(self, element, driver=None):
        """Waits for the page holding `element` to be replaced (in this journey's browser, or `driver`'s)."""
        def left(driver):
            try:
                return expected_conditions.staleness_of(element)(driver)
            except WebDriverException as error:
                if "does not belong to the document" in str(error):
                    return True
                raise

        WebDriverWait(driver or self.driver, 30).until(left)

    def click(self, selector, within="main"):
        """Clicks the first element matching the CSS selector (inside `within`) and waits for the next page."""
        elements = self.driver.find_elements(By.CSS_SELECTOR, f"{within} {selector}" if within else selector)
        if not elements:
            raise LookupError(f"nothing to click matching {selector!r}")
        element = elements[0]
        element.click()
        self.wait_leaving(element)

    def submit(self, selector="main form button[type=submit]"):
        self.click(selector, within=None)

    def home(self):
        """The only address typed: the home page, then English by its link when the journey is in English."""
        self.driver.get(self.base + "/")
        if self.lang == "en":
            self.click("a[hreflang='en']", within="header")
        self.check("home")

    def choose_country(self, code):
        self.click(f"a[href^='/country/{code}']")
        if "/country" in self.driver.current_url:
            self.fail("choosing the country did not lead back")

    def quit(self):
        self.driver.quit()


def answer_pages(journey, pages, upload, check):
    """Fills in the question pages in order and goes on from each; False, with the failure recorded, when the flow
    leaves the expected pages."""
    driver = journey.driver
    for page, answers in pages.items():
        if f"/pages/{page}" not in driver.current_url:
            journey.fail(f"expected the question page '{page}', got {driver.current_url}")
            return False
        if check:
            journey.check(f"page {page}")
        fill_answers(driver, answers, upload)
        journey.submit()
    return True


def apply_and_track(journey):
    journey.name = "apply"
    driver = journey.driver
    journey.home()
    journey.choose_country("SN")
    search = driver.find_element(By.ID, "q")
    search.send_keys(TYPO_QUERY[journey.lang])
    journey.submit("form[role=search] button[type=submit]")
    journey.check("search")
    if not driver.find_elements(By.CSS_SELECTOR, f"main a[href^='/procedures/{PROCEDURE}']"):
        journey.fail(f"the search for {TYPO_QUERY[journey.lang]!r} does not list {PROCEDURE}")
        return
    journey.click(f"a[href^='/procedures/{PROCEDURE}']")
    journey.check("procedure")
    journey.click(f"a[href^='/procedures/{PROCEDURE}/apply']")
    journey.check("apply start")
    journey.submit()
    upload = os.path.join(os.environ.get("TMPDIR", "/tmp"), "guichet-journey.pdf")
    with open(upload, "wb") as file:
        file.write(b"%PDF-1.4\n% journey\n%%EOF\n")
    if not answer_pages(journey, APPLY_ANSWERS, upload, check=True):
        return
    if "/check" not in driver.current_url:
        journey.fail("expected the check-your-answers page")
        return
    journey.check("check")
    journey.click("a.button")
    journey.check("declaration")
    driver.find_element(By.ID, "confirm").click()
    journey.submit()
    if "/confirmation" not in driver.current_url:
        journey.fail("expected the confirmation")
        return
    journey.check("confirmation")
    codes = [e.text.strip() for e in driver.find_elements(By.CSS_SELECTOR, "strong.big")]
    if len(codes) < 2:
        journey.fail("the confirmation shows no reference and PIN")
        return
    journey.click("a[href^='/track']")
    if "NAVIGATEUR" in driver.page_source:
        journey.fail("the tracking page shows the person's answers")
    reference = driver.find_element(By.ID, "reference")
    if reference.get_attribute("value").strip() != codes[0]:
        reference.clear()
        reference.send_keys(codes[0])
    driver.find_element(By.ID, "pin").send_keys(codes[1])
    journey.submit()
    journey.check("tracked")
    if codes[0] not in driver.page_source:
        journey.fail("the tracking page does not show the application's reference")


def ticket_and_feedback(journey, credentials):
    journey.name = "ticket"
    driver = journey.driver
    journey.home()
    journey.click("a[href^='/centres']")
    journey.check("centres")
    journey.click(f"a[href^='/centres/{CENTRE}']")
    journey.check("centre")
    journey.click(f"a[href^='/centres/{CENTRE}/remote']")
    journey.check("remote")
    if not driver.find_elements(By.ID, "phone"):
        journey.fail("the remote ticket form is not offered (is the centre open? set GUICHET_DEMO_CLOCK)")
        return
    driver.find_element(By.ID, "phone").send_keys("+221 77 000 00 01")
    journey.submit()
    if "/tickets/" not in driver.current_url:
        journey.fail("taking a remote ticket did not lead to the ticket page")
        return
    journey.check("ticket")
    ticket_url = driver.current_url
    label = driver.find_element(By.TAG_NAME, "h1").text
    if not serve_ticket(journey, credentials, label):
        return
    driver.refresh()
    feedback = driver.find_elements(By.CSS_SELECTOR, "main a[href*='/feedback']")
    if not feedback:
        journey.fail("once served, the ticket page offers no feedback")
        return
    journey.click("a[href*='/feedback']")
    journey.check("feedback")
    driver.find_element(By.CSS_SELECTOR, "main input[name=rating]").click()
    journey.submit()
    journey.check("feedback sent")
    if driver.current_url == ticket_url:
        return
    if not driver.find_elements(By.CSS_SELECTOR, "main [role=status]"):
        journey.fail("no thanks after the feedback was sent")


def serve_ticket(journey, credentials, label):
    """A centre agent, in another browser, works at the first counter of the centre: opens it (ticking its services) if
    needed, finishes whatever it was serving, then calls tickets until the journey's and serves it."""
    if "centre_agent" not in credentials:
        journey.fail("no centre agent among the demo accounts printed by the server")
        return False
    agent = start_browser()
    try:
        email, password = credentials["centre_agent"]
        sign_in(agent, journey.base, email, password)
        agent.get(f"{journey.base}/admin/centres/{CENTRE}")

        def counter():
            sections = agent.find_elements(By.CSS_SELECTOR, "main section.step")
            return sections[0] if sections else None

        def buttons():
            section = counter()
            return [] if section is None else [b.text.strip() for b in section.find_elements(By.CSS_SELECTOR, "form button[type=submit]")]

        def post(text):
            section = counter()
            if section is None:
                return False
            matching = [b for b in section.find_elements(By.CSS_SELECTOR, "form button[type=submit]") if b.text.strip() == text]
            if not matching:
                return False
            # Opening a counter: the services it takes are ticked by the agent.
            for box in matching[0].find_elements(By.XPATH, "./ancestor::form//input[@type='checkbox']"):
                if not box.is_selected():
                    box.click()
            matching[0].click()
            journey.wait_leaving(matching[0], agent)
            return True

        # The agent's browser is French: the console's buttons as the French locale names them.
        open_text, call_text, start_text, finish_text = CONSOLE_BUTTONS
        if open_text in buttons():
            post(open_text)
        for _ in range(60):
            # Whatever the counter was doing is finished first.
            post(start_text)
            post(finish_text)
            if not post(call_text):
                journey.fail(f"the agent's first counter offers no '{call_text}': {buttons()}")
                return False
            section = counter()
            mine = section is not None and label.split()[-1] in section.text
            post(start_text)
            post(finish_text)
            if mine:
                return True
        journey.fail(f"the agent called 60 tickets without reaching {label}")
        return False
    except WebDriverException as error:
        journey.fail(f"the agent's browser failed: {error.msg or error}")
        return False
    finally:
        agent.quit()


PAID_PROCEDURE = "sn-casier-judiciaire"
PAID_QUERY = {"fr": "casier judiciaire", "en": "criminal record"}
PAID_ANSWERS = {
    "person": [("last_name", "NAVIGATEUR"), ("first_names", "Awa"), ("birth_date", "1990-05-17"), ("birth_place", "Dakar"),
               ("father_name", "Pere Navigateur"), ("mother_name", "Mere Navigateur"), ("id_number", "1234567890123"),
               ("phone", "77 000 00 01")],
    "documents": [("file", "identity")],
}


def apply_and_pay(journey):
    journey.name = "pay"
    driver = journey.driver
    journey.home()
    journey.choose_country("SN")
    driver.find_element(By.ID, "q").send_keys(PAID_QUERY[journey.lang])
    journey.submit("form[role=search] button[type=submit]")
    journey.click(f"a[href^='/procedures/{PAID_PROCEDURE}']")
    journey.check("procedure with a fee")
    journey.click(f"a[href^='/procedures/{PAID_PROCEDURE}/apply']")
    journey.check("apply start with a fee")
    if "200" not in driver.find_element(By.TAG_NAME, "main").text:
        journey.fail("the start page does not announce the 200 FCFA stamp")
    journey.submit()
    upload = os.path.join(os.environ.get("TMPDIR", "/tmp"), "guichet-journey-pay.pdf")
    with open(upload, "wb") as file:
        file.write(b"%PDF-1.4\n% journey\n%%EOF\n")
    if not answer_pages(journey, PAID_ANSWERS, upload, check=False):
        return
    if "/check" not in driver.current_url:
        journey.fail(f"expected the check-your-answers page, got {driver.current_url}")
        return
    journey.check("check with a fee")
    journey.click("a.button")
    driver.find_element(By.ID, "confirm").click()
    journey.submit()
    journey.check("confirmation with a fee")
    journey.click("a[href^='/pay/']")
    journey.check("pay")
    if not driver.find_elements(By.ID, "phone"):
        journey.fail(f"the payment page offers no form: {driver.find_element(By.TAG_NAME, 'main').text[:300]!r}")
        return
    driver.find_element(By.ID, "phone").send_keys("77 123 45 67")
    journey.submit()
    # The page reloads itself (a Refresh header) until the simulated handset approves, about three seconds later.
    paid = {"fr": "Paiement reçu", "en": "Payment received"}[journey.lang]
    try:
        WebDriverWait(driver, 60).until(lambda d: paid in d.find_element(By.TAG_NAME, "h1").text)
    except WebDriverException:
        journey.fail(f"the payment page never said '{paid}': {driver.find_element(By.TAG_NAME, 'main').text[:300]!r}")
        return
    journey.check("paid")
    journey.click("a[href^='/verify/']")
    journey.check("receipt")
    title = {"fr": "Reçu de paiement", "en": "Payment receipt"}[journey.lang]
    if title not in driver.page_source or "200" not in driver.find_element(By.TAG_NAME, "main").text:
        journey.fail("the receipt's verification page does not show the receipt")


def verify(journey):
    journey.name = "verify"
    driver = journey.driver
    journey.home()
    journey.click("a[href^='/verify']")
    journey.check("verify")
    field = driver.find_elements(By.CSS_SELECTOR, "main input[type=text], main input:not([type])")
    if not field:
        journey.fail("the verification page has no field for the code")
        return
    field[0].send_keys("ZZZZ-ZZZZ-ZZZZ")
    journey.submit()
    # An unknown code is a page of its own, "not found" (404), in the person's language.
    journey.check("verify unknown", status=404)
    expected = {"fr": "Aucun document", "en": "No document"}[journey.lang]
    if expected.lower() not in driver.find_element(By.TAG_NAME, "main").text.lower():
        journey.fail(f"an unknown code does not say '{expected}'")


def results(journey):
    journey.name = "results"
    driver = journey.driver
    journey.home()
    journey.click("a[href^='/engagements']")
    journey.check("results")
    text = driver.find_element(By.TAG_NAME, "main").text
    marker = {"fr": "Données simulées", "en": "Simulated data"}[journey.lang]
    if marker.lower() not in text.lower():
        journey.fail(f"the demo's results do not say '{marker}'")
    if not driver.find_elements(By.CSS_SELECTOR, "main table td"):
        journey.fail("the results page shows no figures")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8080")
    parser.add_argument("--credentials", required=True, help="the output of `guichet serve --demo` (its demo accounts)")
    arguments = parser.parse_args()
    base = arguments.base.rstrip("/")
    credentials = demo_credentials(arguments.credentials)
    report = Report()
    stylesheet_sizes, versions = {}, set()
    axe_path = axe_script()
    journeys = [apply_and_track, lambda j: ticket_and_feedback(j, credentials), verify, results, apply_and_pay]
    for lang in ("fr", "en"):
        for run in journeys:
            journey = Journey(base, lang, axe_path, report, stylesheet_sizes, versions)
            try:
                run(journey)
            except (WebDriverException, LookupError) as error:
                journey.fail(f"{getattr(error, 'msg', None) or error}")
            finally:
                journey.quit()
    print(f"{'lang':4} {'page':28} {'HTML B':>8} {'CSS B':>7}  url")
    for lang, name, html, css, url in report.rows:
        print(f"{lang:4} {name:28} {html:8} {css:7}  {urllib.parse.urlsplit(url).path}")
    return report.finish(
        f"journey check passed: {len(report.rows)} pages in {len(journeys) * 2} journeys, no serious or critical accessibility violation")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Real-browser check of Guichet's public pages: Chromium opens home, search results and a procedure page in
French and English, axe audits each one, and any violation of serious or critical impact fails the run.
Prints each page's HTML and stylesheet bytes."""
import argparse
import re
import sys
import urllib.request

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

BUDGET = 20 * 1024


def raw_bytes(url):
    request = urllib.request.Request(url)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=390,844"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8080")
    base = parser.parse_args().base.rstrip("/")
    driver = browser()
    failures = []
    total = 0
    try:
        for lang in ("fr", "en"):
            # Explicit: Chromium asks for English in Accept-Language, which the site honours when no lang is given.
            suffix = f"lang={lang}"
            driver.get(f"{base}/search?q=acte+de+naissance" + (f"&{suffix}" if suffix else ""))
            links = driver.find_elements(By.CSS_SELECTOR, "main a[href^='/procedures/']")
            if not links:
                failures.append(f"[{lang}] the search for 'acte de naissance' shows no procedure link")
                continue
            procedure = links[0].get_attribute("href")
            pages = {
                "home": f"{base}/" + (f"?{suffix}" if suffix else ""),
                "search": f"{base}/search?q=acte+de+naissance" + (f"&{suffix}" if suffix else ""),
                "procedure": procedure,
            }
            for name, url in pages.items():
                driver.get(url)
                html_lang = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
                if html_lang != lang:
                    failures.append(f"[{lang}] {name}: <html lang=\"{html_lang}\">, expected \"{lang}\"")
                if not driver.find_elements(By.TAG_NAME, "h1"):
                    failures.append(f"[{lang}] {name}: no <h1>")
                axe = Axe(driver)
                axe.inject()
                results = axe.run()
                for violation in results["violations"]:
                    if violation.get("impact") in ("serious", "critical"):
                        targets = [" ".join(node.get("target", [])) for node in violation.get("nodes", [])][:5]
                        failures.append(
                            f"[{lang}] {name}: {violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
                html = raw_bytes(url)
                stylesheet = re.search(rb'<link rel="stylesheet" href="([^"]+)"', html)
                css = len(raw_bytes(base + stylesheet.group(1).decode())) if stylesheet else 0
                size = len(html) + css
                total += size
                marker = "" if size <= BUDGET else "  (over the 20 KB budget)"
                print(f"{lang} {name:9} {len(html):6} B HTML + {css:5} B CSS = {size:6} B  {url}{marker}")
    finally:
        driver.quit()
    print(f"total {total} B for 6 pages")
    if failures:
        print("\nAccessibility check failed:")
        for failure in failures:
            print("  - " + failure)
        return 1
    print("No serious or critical accessibility violation.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

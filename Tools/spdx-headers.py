#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
"""Puts `// SPDX-License-Identifier: MPL-2.0` on the first line of every Swift file in Sources/, Tests/ and Benchmarks/.

`--check` changes nothing and exits 1 naming each file without the line (for CI).
"""
import pathlib
import sys

HEADER = "// SPDX-License-Identifier: MPL-2.0"
ROOT = pathlib.Path(__file__).resolve().parent.parent


def files():
    for folder in ("Sources", "Tests", "Benchmarks"):
        yield from sorted((ROOT / folder).rglob("*.swift"))


def main() -> int:
    check = "--check" in sys.argv[1:]
    missing = []
    for path in files():
        text = path.read_text(encoding="utf-8")
        if text.startswith(HEADER + "\n"):
            continue
        missing.append(path.relative_to(ROOT))
        if not check:
            path.write_text(HEADER + "\n" + text, encoding="utf-8")
    if check and missing:
        for path in missing:
            print(f"{path}: no '{HEADER}' on the first line", file=sys.stderr)
        return 1
    if not check:
        print(f"{len(missing)} file(s) given the header")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Fails on a trapping operation in Sources/ (STYLE.md rule 11: nothing derived from input may trap).

Usage, from anywhere (paths are relative to the repository root):
    python3 .ci/check-traps.py              # check Sources/**/*.swift; exit 1 on a violation
    python3 .ci/check-traps.py --list       # also list the allowed and pending sites
    python3 .ci/check-traps.py --self-test  # check the checker on built-in examples

Each Swift file is first reduced to its code: comments (`//`, nested `/* */`), string literals
(`"…"`, `\"\"\"…\"\"\"`, raw `#"…"#`, but not the code of their `\\(…)` interpolations) and regex
literals (`#/…/#`, and a bare `/…/` that starts where an expression does and ends on its line)
become blanks. The code is then searched for:
  - `try!` and `as!`;
  - a postfix force unwrap: `!` right after an identifier character, `)`, `]`, `>` or `?`, not
    followed by `=` (so `!=`, `!==` and a prefix `!x` pass); this also catches `Int(x)!` and
    implicitly unwrapped types (`T!`);
  - `Int(…)`, `Int64(…)`, `UInt8(…)` and the like whose argument looks floating (it names
    `Double`, `Float`, `TimeInterval`, `timeInterval…`, `.rounded`, or holds a float literal
    such as `2.5` or `1e6`), unless it is `Int(exactly:)`: that conversion traps on NaN, infinity
    or a value out of range;
  - `fatalError(`, `precondition(` and `preconditionFailure(`.

A site is allowed when a comment `// trap-safe: <reason>` (non-empty reason) sits on its line or on
the line just above. An allowance that covers no site, or that gives no reason, is itself a
violation, so the allow-list stays exact.

PENDING holds the files being rewritten on another branch, with the traps they still had when this
check came in: there, the check fails only when a file has more than that (a new one), and says
when it has fewer (lower the number; remove the file once at 0).

Not detected: overflowing `+`, `-`, `*` (types are not known here; overflow is kept out by the
shared input parsers, which read bounded ASCII digits, and by counts that are bounded by
construction), out-of-range subscripts (`array[i]`, `string.index(…, offsetBy:)`), `Int(x)` where
`x` is a Double variable whose name says nothing, `unsafelyUnwrapped`, and traps inside
dependencies. Those stay a matter for review and tests.
"""

import pathlib
import re
import sys

ALLOW = re.compile(r"trap-safe:(.*)")

# Path → how many traps it may still hold (see the docstring). Only ever lower these.
PENDING: dict[str, int] = {}

CHECKS = [
    ("try!", re.compile(r"\btry!")),
    ("as!", re.compile(r"\bas!")),
    ("force unwrap", re.compile(r"(?<!\btry)(?<!\bas)(?<=[A-Za-z0-9_)\]>?])!(?!=)")),
    ("trap call", re.compile(r"\b(?:fatalError|precondition|preconditionFailure)\s*\(")),
]
INT_CALL = re.compile(r"\bU?Int(?:8|16|32|64)?\s*\(")
FLOATING = re.compile(
    r"\b(?:Double|Float(?:32|64|80)?|CGFloat|TimeInterval)\b|\btimeInterval|\.rounded\b"
    r"|(?<![\w.])\d[\d_]*(?:\.\d[\d_]*(?:[eE][+-]?\d+)?|[eE][+-]?\d+)\b"
)
NOT_FLOATING_LABELS = re.compile(r"\s*(?:exactly|clamping|truncatingIfNeeded|bitPattern)\s*:")
# After these, a `/` starts an expression, hence maybe a regex literal, not a division.
REGEX_BEFORE = re.compile(r"(?:[{(\[=,:;!&|?^~]|\breturn|\bin|\bcase|\bthrow|\btry|\bawait)\s*$")


def reduce(text):
    """Returns (code, comments): code has the same length and newlines as text, with comments,
    literals and regexes blanked; comments maps a 1-based line to the comment text on it."""
    out = list(text)
    comments = {}
    n = len(text)
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def line_of(pos):
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def blank(start, end):
        for k in range(start, end):
            if out[k] != "\n":
                out[k] = " "

    def note_comment(start, end):
        for number, part in enumerate(text[start:end].split("\n")):
            line = line_of(start) + number
            comments[line] = comments.get(line, "") + " " + part

    def code(i, closing):
        """Scans code from i; returns the index after `closing` (a ")" ending an interpolation) or n."""
        depth = 0
        while i < n:
            c = text[i]
            if text.startswith("//", i):
                end = text.find("\n", i)
                end = n if end < 0 else end
                note_comment(i, end)
                blank(i, end)
                i = end
            elif text.startswith("/*", i):
                start, level, i = i, 1, i + 2
                while i < n and level:
                    if text.startswith("/*", i):
                        level, i = level + 1, i + 2
                    elif text.startswith("*/", i):
                        level, i = level - 1, i + 2
                    else:
                        i += 1
                note_comment(start, i)
                blank(start, i)
            elif c == "#" and re.match(r"#+[\"/]", text[i:]):
                hashes = len(re.match(r"#+", text[i:]).group())
                j = i + hashes
                if text[j] == '"':
                    i = string(i, j, hashes)
                else:
                    end = text.find("/" + "#" * hashes, j + 1)
                    end = n if end < 0 else end + 1 + hashes
                    blank(i, end)
                    i = end
            elif c == '"':
                i = string(i, i, 0)
            elif c == "/" and bare_regex_end(i) is not None:
                end = bare_regex_end(i)
                blank(i, end)
                i = end
            elif c == "(":
                depth += 1
                i += 1
            elif c == ")":
                if closing and depth == 0:
                    return i + 1
                depth -= 1
                i += 1
            else:
                i += 1
        return n

    def bare_regex_end(i):
        line_start = text.rfind("\n", 0, i) + 1
        if not REGEX_BEFORE.search("".join(out[line_start:i])) and "".join(out[line_start:i]).strip():
            return None
        if i + 1 >= n or text[i + 1] in " \t\n/*=":
            return None
        j = i + 1
        while j < n and text[j] != "\n":
            if text[j] == "\\":
                j += 2
            elif text[j] == "/":
                return j + 1 if text[j - 1] not in " \t" else None
            else:
                j += 1
        return None

    def string(start, quote, hashes):
        """Blanks the literal opening at start (its quote at index quote); returns the index after it."""
        multi = text.startswith('"""', quote)
        delimiter = ('"""' if multi else '"') + "#" * hashes
        escape = "\\" + "#" * hashes
        i = quote + (3 if multi else 1)
        blank(start, i)
        while i < n:
            if text.startswith(escape, i):
                after = i + len(escape)
                if after < n and text[after] == "(":
                    blank(i, after + 1)
                    i = code(after + 1, True)
                    continue
                blank(i, min(after + 1, n))
                i = after + 1
            elif text.startswith(delimiter, i):
                blank(i, i + len(delimiter))
                return i + len(delimiter)
            elif text[i] == "\n" and not multi:
                return i
            else:
                blank(i, i + 1)
                i += 1
        return n

    code(0, False)
    return "".join(out), comments


def int_conversions(code):
    """Yields the offsets of Int…(…) calls whose argument looks floating."""
    for match in INT_CALL.finditer(code):
        start = match.end()
        depth, j = 1, start
        while j < len(code) and depth:
            depth += {"(": 1, ")": -1}.get(code[j], 0)
            j += 1
        argument = code[start : j - 1]
        if NOT_FLOATING_LABELS.match(argument):
            continue
        if FLOATING.search(argument):
            yield match.start()


def check(text):
    """Returns (violations, allowed): lists of (line, kind)."""
    code, comments = reduce(text)
    lines = code.split("\n")
    sites = []
    for number, line in enumerate(lines, 1):
        for kind, pattern in CHECKS:
            sites += [(number, kind) for _ in pattern.finditer(line)]
    sites += [(code.count("\n", 0, offset) + 1, "Int(floating)") for offset in int_conversions(code)]
    allowances = {}
    for number, comment in comments.items():
        found = ALLOW.search(comment)
        if found:
            allowances[number] = found.group(1).strip().rstrip("*/").strip()
    violations, allowed, used = [], [], set()
    for number, kind in sorted(sites):
        cover = next((k for k in (number, number - 1) if allowances.get(k)), None)
        if cover is None:
            violations.append((number, kind))
        else:
            allowed.append((number, kind))
            used.add(cover)
    for number, reason in sorted(allowances.items()):
        if not reason:
            violations.append((number, "trap-safe without a reason"))
        elif number not in used:
            violations.append((number, "trap-safe that allows nothing"))
    return sorted(violations), allowed


SELF_TEST = [
    ("let x = y!", 1),
    ("let x = try! f()", 1),
    ("let x = y as! Z", 1),
    ("let x = Int(s)!", 1),
    ("let x = a[b]!.c", 1),
    ("if a != b, !c, d !== e {}", 0),
    ('let s = "wow!" + "\\(name)!"', 0),
    ('let s = "\\(name!)"', 1),
    ('let s = "\\("wow!")"', 0),
    ('let s = #"\\#(name!) \\(no!)"#', 1),
    ('let s = """\n  \\(name!) hey!\n  """', 1),
    ("var name: String!", 1),
    ('let s = #"a"b!"# + """\nhey!\n"""', 0),
    ("let r = /!\\[[^\\]]*\\]/", 0),
    ("let r = #/a!/b!/#", 0),
    ("let q = a / b! / c", 1),
    ("// x!\n/* y! /* z! */ w! */ let a = 1", 0),
    ("let n = Int(seconds * 1000.0)", 1),
    ("let n = Int(d.rounded())", 1),
    ("let n = Int(exactly: d.rounded())", 0),
    ("let n = Int(\n  Double(x) * 2)", 1),
    ("let n = Int(count)", 0),
    ("fatalError(\"no\")", 1),
    ("let x = y! // trap-safe: y is set just above", 0),
    ("// trap-safe: the pattern is a constant\nlet x = try! f()", 0),
    ("let x = y! // trap-safe:", 2),
    ("// trap-safe: nothing here\nlet x = 1", 1),
]


def self_test():
    failures = 0
    for source, expected in SELF_TEST:
        violations, _ = check(source)
        if len(violations) != expected:
            failures += 1
            print(f"self-test: expected {expected}, got {violations} for {source!r}")
    print(f"self-test: {len(SELF_TEST) - failures}/{len(SELF_TEST)} passed")
    return 1 if failures else 0


def main(arguments):
    if "--self-test" in arguments:
        return self_test()
    root = pathlib.Path(__file__).resolve().parent.parent
    total_violations, total_allowed, pending = 0, [], []
    for path in sorted((root / "Sources").rglob("*.swift")):
        text = path.read_text(encoding="utf-8")
        source_lines = text.split("\n")
        relative = path.relative_to(root).as_posix()
        violations, allowed = check(text)
        found = [f"{relative}:{number}: {kind}: {source_lines[number - 1].strip()}" for number, kind in violations]
        limit = PENDING.get(relative)
        if limit is not None and len(found) <= limit:
            pending += [f"pending {line}" for line in found]
            if len(found) < limit:
                print(f"{relative}: {len(found)} pending trap(s), fewer than PENDING's {limit}: lower it in .ci/check-traps.py")
        else:
            if limit is not None:
                print(f"{relative}: {len(found)} trap(s), more than PENDING's {limit}: a new one is among these")
            for line in found:
                print(line)
            total_violations += len(found)
        total_allowed += [(relative, number, kind, source_lines[number - 1].strip()) for number, kind in allowed]
    if "--list" in arguments:
        for relative, number, kind, line in total_allowed:
            print(f"allowed {relative}:{number}: {kind}: {line}")
        for line in pending:
            print(line)
    if total_violations:
        print(f"{total_violations} trapping operation(s) in Sources/: remove them, or if one is proven safe, "
              "say why in a `// trap-safe: <reason>` comment on its line or the line above (STYLE.md rule 11)")
        return 1
    print(f"no new trapping operation in Sources/: {len(total_allowed)} allowed site(s) (`// trap-safe:`), "
          f"{len(pending)} pending in {len(PENDING)} file(s) being rewritten (--list shows them)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

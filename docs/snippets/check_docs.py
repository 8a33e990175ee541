#!/usr/bin/env python3
"""Keeps the documentation honest (Python 3 standard library only).

  check_docs.py snippets   every code block preceded by <!-- snippet: FILE#REGION --> in README.md
                           and docs/*.md equals the region of docs/snippets/FILE between the lines
                           "// snippet-begin: REGION" and "// snippet-end"; every region is quoted
                           at least once.
  check_docs.py --fix snippets
                           rewrites the marked blocks from the snippet files instead of checking.
  check_docs.py links      every relative Markdown link in those files points at an existing file
                           or directory.
"""
import argparse
import difflib
import pathlib
import re
import sys

MARKER = re.compile(r"^<!-- snippet: (?P<file>[\w.-]+)#(?P<region>[\w-]+) -->\s*$")
BEGIN = re.compile(r"^\s*// snippet-begin: (?P<region>[\w-]+)\s*$")
END = re.compile(r"^\s*// snippet-end\s*$")
LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")


def pages(root: pathlib.Path) -> list:
    return [root / "README.md"] + sorted((root / "docs").glob("*.md"))


def regions(path: pathlib.Path) -> dict:
    """REGION -> text of the lines between its begin and end markers."""
    found, current, lines = {}, None, []
    for number, line in enumerate(path.read_text().splitlines(keepends=True), 1):
        begin = BEGIN.match(line)
        if begin:
            if current:
                raise SystemExit(f"{path}:{number}: snippet-begin inside region {current}")
            current, lines = begin.group("region"), []
            if current in found:
                raise SystemExit(f"{path}:{number}: region {current} defined twice")
        elif END.match(line):
            if not current:
                raise SystemExit(f"{path}:{number}: snippet-end without snippet-begin")
            found[current] = "".join(lines)
            current = None
        elif current:
            lines.append(line)
    if current:
        raise SystemExit(f"{path}: region {current} is not closed")
    return found


def marked_blocks(page: pathlib.Path):
    """Yields (marker line index, file, region, first and last+1 line index of the block body)."""
    lines = page.read_text().splitlines(keepends=True)
    for i, line in enumerate(lines):
        marker = MARKER.match(line)
        if not marker:
            continue
        if i + 1 >= len(lines) or not lines[i + 1].startswith("```"):
            raise SystemExit(f"{page}:{i + 1}: a snippet marker must be followed by a ``` code block")
        end = i + 2
        while end < len(lines) and not lines[end].startswith("```"):
            end += 1
        if end >= len(lines):
            raise SystemExit(f"{page}:{i + 2}: the code block is not closed")
        yield i, marker.group("file"), marker.group("region"), i + 2, end


def check_snippets(root: pathlib.Path, fix: bool) -> int:
    snippet_dir = root / "docs" / "snippets"
    sources = {p.name: regions(p) for p in sorted(snippet_dir.glob("*.cpp"))}
    used, errors = set(), 0
    for page in pages(root):
        lines = page.read_text().splitlines(keepends=True)
        replacements = []
        for i, file, region, body_start, body_end in marked_blocks(page):
            where = f"{page.relative_to(root)}:{i + 1}"
            if file not in sources or region not in sources[file]:
                print(f"{where}: no region '{region}' in docs/snippets/{file}")
                errors += 1
                continue
            used.add((file, region))
            expected = sources[file][region]
            actual = "".join(lines[body_start:body_end])
            if actual != expected:
                if fix:
                    replacements.append((body_start, body_end, expected))
                    continue
                print(f"{where}: the code block differs from docs/snippets/{file}#{region} "
                      f"(run docs/snippets/check_docs.py --fix snippets):")
                sys.stdout.writelines(difflib.unified_diff(
                    expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                    f"docs/snippets/{file}#{region}", str(page.relative_to(root))))
                errors += 1
        if replacements:
            for start, end, text in reversed(replacements):
                lines[start:end] = [text]
            page.write_text("".join(lines))
            print(f"rewrote {len(replacements)} block(s) in {page.relative_to(root)}")
    for file, found in sources.items():
        for region in found:
            if (file, region) not in used:
                print(f"docs/snippets/{file}: region '{region}' is quoted in no page")
                errors += 1
    print(f"{len(used)} snippet regions checked, {errors} problem(s)")
    return 1 if errors else 0


def check_links(root: pathlib.Path) -> int:
    errors, count = 0, 0
    for page in pages(root):
        in_code = False
        for number, line in enumerate(page.read_text().splitlines(), 1):
            if line.startswith("```"):
                in_code = not in_code
            if in_code:
                continue
            for match in LINK.finditer(line):
                target = match.group("target")
                if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                    continue  # absolute URL or an anchor in the same page
                count += 1
                path = (page.parent / target.split("#", 1)[0]).resolve()
                if not path.exists():
                    print(f"{page.relative_to(root)}:{number}: broken link {target}")
                    errors += 1
    print(f"{count} relative links checked, {errors} broken")
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=str(pathlib.Path(__file__).resolve().parents[2]))
    parser.add_argument("--fix", action="store_true")
    parser.add_argument("check", choices=["snippets", "links"])
    args = parser.parse_args()
    root = pathlib.Path(args.root).resolve()
    return check_snippets(root, args.fix) if args.check == "snippets" else check_links(root)


if __name__ == "__main__":
    sys.exit(main())

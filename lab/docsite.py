#!/usr/bin/env python
"""The guides in docs/*.md as the RST pages antsibull-docs puts on the docsite.

antsibull-docs reads extra docs only as RST (docs/docsite/rst/*.rst, listed in
docs/docsite/extra-docs.yml). The Markdown files stay the one source: this script renders each
to docs/docsite/rst/guide_<name>.rst with pandoc (pypandoc-binary, requirements/test.txt) and
writes extra-docs.yml from the same list. With --check it writes nothing and fails when a
rendered page or extra-docs.yml is not what the Markdown gives (make docs-lint).
"""

import argparse
import difflib
import pathlib
import sys

import pypandoc

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DOCSITE = DOCS / "docsite"
RST = DOCSITE / "rst"
LABEL_PREFIX = "ansible_collections.anchorage.registry.docsite."
HEADER = ".. Rendered from docs/{name}.md by lab/docsite.py (make docsite): edit the Markdown.\n\n"


def guide_name(md):
    return "guide_" + md.stem.replace("-", "_")


def render(md):
    text = md.read_text(encoding="utf-8")
    body = pypandoc.convert_text(text, "rst", format="gfm-gfm_auto_identifiers", extra_args=["--wrap=preserve"])
    return HEADER.format(name=md.stem) + f".. _{LABEL_PREFIX}{guide_name(md)}:\n\n" + body


def extra_docs(guides):
    lines = ["---", "# Written by lab/docsite.py (make docsite) from docs/*.md.", "sections:", "  - title: Guides", "    toctree:"]
    lines += [f"      - {name}" for name in guides]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; fail when a page is stale")
    args = parser.parse_args()
    mds = sorted(DOCS.glob("*.md"))
    wanted = {RST / f"{guide_name(md)}.rst": render(md) for md in mds}
    wanted[DOCSITE / "extra-docs.yml"] = extra_docs([guide_name(md) for md in mds])
    stale = [p for p in RST.glob("*.rst") if p not in wanted]
    for path, text in wanted.items():
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if old == text:
            continue
        if args.check:
            sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), text.splitlines(True), str(path), "rendered"))
            stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        sys.exit("docsite: stale or unknown pages (run make docsite): " + ", ".join(str(p.relative_to(ROOT)) for p in stale))
    if not args.check:
        for path in stale:
            path.unlink()
    print(f"docsite: {len(mds)} guides " + ("current" if args.check else "rendered"))


if __name__ == "__main__":
    main()

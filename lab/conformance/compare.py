#!/usr/bin/env python
"""Compare the conformance suite's results.yaml files with expected.yml and print one table.

    compare.py EXPECTED RESULTS...            fail (exit 1) on any part whose result differs
    compare.py --record EXPECTED RESULTS...   write EXPECTED from the results (review the diff)
"""

import argparse
import sys

import yaml


def load_results(paths):
    """{spec version: {"apis": {part: result}, "data": {part: result}}}."""
    found = {}
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            doc = yaml.safe_load(handle)
        found[str(doc["config"]["version"])] = {kind: dict(doc.get(kind) or {}) for kind in ("apis", "data")}
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true")
    parser.add_argument("expected")
    parser.add_argument("results", nargs="+")
    args = parser.parse_args()
    found = load_results(args.results)
    if args.record:
        with open(args.expected, "w", encoding="utf-8") as handle:
            handle.write("---\n# What the conformance suite reports for Distribution 2.8.2 as the registry role configures it,\n"
                         "# per spec version (lab/conformance/run.sh; docs/conformance.md explains each FAIL).\n")
            yaml.safe_dump(found, handle, sort_keys=True, default_flow_style=False)
        return
    with open(args.expected, encoding="utf-8") as handle:
        expected = yaml.safe_load(handle)
    versions = sorted(found, reverse=True)
    differences = []
    for kind in ("apis", "data"):
        parts = sorted(set().union(*(found[v][kind] for v in versions), *(expected.get(v, {}).get(kind, {}) for v in versions)))
        print("%-34s %s" % (kind, "  ".join("%-9s" % ("spec " + v) for v in versions)))
        for part in parts:
            cells = []
            for version in versions:
                got = found[version][kind].get(part, "-")
                want = expected.get(version, {}).get(kind, {}).get(part, "-")
                cells.append("%-9s" % got if got == want else "%-9s" % ("%s!" % got))
                if got != want:
                    differences.append("spec %s %s %r: %s, expected %s" % (version, kind, part, got, want))
            print("  %-32s %s" % (part, "  ".join(cells)))
    passed = sum(1 for v in versions for kind in ("apis", "data") for r in found[v][kind].values() if r == "Pass")
    total = sum(len(found[v][kind]) for v in versions for kind in ("apis", "data"))
    if differences:
        sys.exit("conformance: results differ from %s:\n  %s" % (args.expected, "\n  ".join(differences)))
    print("conformance: %d of %d parts pass across spec %s, as %s expects" % (passed, total, ", ".join(versions), args.expected))


if __name__ == "__main__":
    main()

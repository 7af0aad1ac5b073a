#!/usr/bin/env python3
"""What failed in a molecule run's log: the failing action's failed tasks and tests, for the end of a CI log.

    python3 lab/molecule_failures.py LOG

Molecule frames each action's output (colours, box-drawing characters, lines wrapped at the
terminal's width). This takes the action that molecule reports as failed and prints its failed
Ansible tasks (not those a play ignores or rescues on purpose) and pytest's failures.
"""

import re
import sys

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# The widest line molecule writes inside its frame (80 columns less the frame).
WIDTH = 76
ACTION = re.compile(r"➜ (\w+): (Executing|Executed: Failed)")


def failing_section(lines):
    start = None
    for number, line in enumerate(lines):
        found = ACTION.search(line)
        if found and found.group(2) == "Executing":
            start = number
        elif found and start is not None:
            return found.group(1), lines[start:number]
    return None, []


def failures(section):
    out = []
    for number, line in enumerate(section):
        following = section[number + 1] if number + 1 < len(section) else ""
        if re.match(r"(fatal|failed): ", line) and "...ignoring" not in following:
            out.append(line + " " + following if not following.startswith(("TASK", "fatal", "failed")) else line)
        elif re.match(r"(FAILED|ERROR) |E +\w*(Error|Exception)\b|=+ .*\b(failed|error)", line):
            out.append(line)
    return out


def unwrapped(raw):
    """The log's lines with molecule's frame taken off and its wrapped lines joined again."""
    lines = []
    for line in raw:
        framed = re.match(r"\s*│ ?(.*)", ANSI.sub("", line.rstrip("\n")))
        text = framed.group(1) if framed else ANSI.sub("", line.rstrip("\n"))
        if framed and lines and text.startswith("  ") and text.strip():
            # A word cut at the frame's width continues without a space.
            lines[-1] += ("" if len(lines[-1]) >= WIDTH else " ") + text.strip()
        else:
            lines.append(text)
    return lines


def main():
    with open(sys.argv[1], encoding="utf-8", errors="replace") as handle:
        lines = unwrapped(handle)
    action, section = failing_section(lines)
    if action is None:
        print("(no failed action found in %s)" % sys.argv[1])
        return 0
    print("failed action: %s" % action)
    for line in failures(section)[-40:]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

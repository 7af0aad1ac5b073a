#!/usr/bin/env python3
"""What failed in a molecule run's log: the failing action's failed tasks and tests, for the end of a CI log.

    python3 lab/molecule_failures.py LOG

Molecule frames each action's output (colours, box-drawing characters, and a line longer than
the frame cut at the last space that fits, else mid-word, each further part indented by two
spaces). This takes the action that molecule reports as failed and prints molecule's errors (a
failed idempotence names its tasks), Ansible's errors, the failed tasks that stopped a host (not
those a play ignores or rescues on purpose: that host runs on), and pytest's failures.
"""

import re
import sys

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# The frame's width: molecule's 80 columns (its width when not on a terminal) less "  │ ". The
# further parts of a cut line are two narrower, after their two-space indent.
WIDTH = 76
ACTION = re.compile(r"➜ (\w+): (Executing|Executed: Failed)")
FRAMED = re.compile(r"\s*│ ?(.*)")
TASK = re.compile(r"(TASK|RUNNING HANDLER) \[")
FAILED_TASK = re.compile(r"(fatal|failed): \[([^\]\s]+)")
# A host's line in a PLAY RECAP: what stopped it counts in unreachable and failed (what a play
# rescues or ignores does not).
RECAP_HOST = re.compile(r"(\S+)\s+: ok=\d+ .*\bunreachable=(\d+)\s+failed=(\d+)")
# Molecule's errors (a failed idempotence lists its tasks after one, "*  => role : task");
# Ansible's (not "Task failed": the task's fatal line says it again); pytest's failed tests,
# their exceptions and its last line.
REPORTED = re.compile(r"CRITICAL |\*  => |\[ERROR\]: (?!Task failed)"
                      r"|(FAILED|ERROR) \S+\.py\b|E +\w*(Error|Exception)\b|=+ .*\b(failed|error)")
# Printed lines are cut here: the whole log is beside it.
LONGEST = 600


def failing_section(lines):
    start = None
    for number, line in enumerate(lines):
        found = ACTION.search(line)
        if found and found.group(2) == "Executing":
            start = number
        elif found and start is not None:
            return found.group(1), lines[start:number]
    return None, []


def joint(part, width, text):
    """What joined a framed line ``text`` to the part before it (cut at ``width``): "" or " "; None if it starts a line."""
    if part is None or not re.match(r"  \S", text):
        return None
    if len(part) == width and " " not in part:
        return ""  # a word longer than the frame, cut
    # Cut at the last space before the width: the next word did not fit after it.
    if len(part) < width <= len(part) + 1 + len(text[2:].split(" ", 1)[0]):
        return " "
    return None


def unwrapped(raw):
    """The log's lines with molecule's frame taken off and its cut lines joined again."""
    lines = []
    part = width = None
    for line in raw:
        plain = ANSI.sub("", line.rstrip("\n"))
        framed = FRAMED.match(plain)
        if not framed:
            lines.append(plain)
            part = None
            continue
        text = framed.group(1)
        glue = joint(part, width, text)
        if glue is None:
            lines.append(text)
            part, width = text, WIDTH
        else:
            lines[-1] += glue + text[2:]
            part, width = text[2:], WIDTH - 2
    return lines


def stopped(section):
    """The numbers of the failed-task lines that stopped a host: per playbook run, a host's last
    failed tasks, as many as its PLAY RECAP counts (a task failing on several loop items is one)."""
    numbers = set()
    run = []  # (host, task, line number) of the failed-task lines of the current playbook run
    ended = []
    task = 0
    for number, line in enumerate(section):
        failed = FAILED_TASK.match(line)
        recap = RECAP_HOST.match(line)
        if TASK.match(line):
            task += 1
        elif failed and section[number + 1:number + 2] != ["...ignoring"]:
            run.append((failed.group(2), task, number))
        elif line.startswith("PLAY RECAP"):
            ended, run = run, []
        elif recap:
            mine = [item for item in ended if item[0] == recap.group(1)]
            last = sorted(set(item[1] for item in mine), reverse=True)[:int(recap.group(2)) + int(recap.group(3))]
            numbers.update(item[2] for item in mine if item[1] in last)
    # A run cut short without its recap: every failure it printed.
    return numbers | set(item[2] for item in run)


def result_text(section, number):
    """The failed task's line, with the result that follows it when it is printed over several lines."""
    line = section[number]
    if not line.endswith("=> {"):
        return line
    for end in range(number + 1, len(section)):
        if section[end] == "}":
            return " ".join([line] + [item.strip() for item in section[number + 1:end + 1]])
    return line


def failures(section):
    stopping = stopped(section)
    out = []
    for number, line in enumerate(section):
        if number in stopping:
            out.append(result_text(section, number))
        elif not FAILED_TASK.match(line) and REPORTED.match(line):
            out.append(line)
    return out


def main():
    with open(sys.argv[1], encoding="utf-8", errors="replace") as handle:
        lines = unwrapped(handle)
    action, section = failing_section(lines)
    if action is None:
        print("(no failed action found in %s)" % sys.argv[1])
        return 0
    print("failed action: %s" % action)
    for line in failures(section)[-40:]:
        print("  " + (line if len(line) <= LONGEST else line[:LONGEST] + " ..."))
    return 0


if __name__ == "__main__":
    sys.exit(main())

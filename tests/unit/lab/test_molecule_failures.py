# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""lab/molecule_failures.py on excerpts of real molecule logs (molecule_logs/, as lab/molecule.sh
keeps them: molecule's colours and frame, lines cut at its 80 columns; parts of each run left out):

converge-failed.log   harbor's converge: `up -d` failed in a block whose rescue put things back
                      and failed naming it, then an always task ran on the host
verify-failed.log     registry_ha's verify: pytest's failures (a traceback whose message holds a
                      playbook's output), its summary with node ids cut mid-word
idempotence-failed.log day2's idempotence: the task that changed on the second run
passed.log            registry_ha passing, its prepare's bad-input cases failing on purpose (rescued)
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "..", "lab", "molecule_failures.py")
sys.path.insert(0, os.path.dirname(SCRIPT))

import molecule_failures as mf  # noqa: E402


def log(name):
    return os.path.join(HERE, "molecule_logs", name)


def lines(name):
    with open(log(name), encoding="utf-8") as handle:
        return mf.unwrapped(handle)


def report(name):
    """What the script prints at the end of lab/molecule.sh for this log."""
    done = subprocess.run([sys.executable, SCRIPT, log(name)], capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.splitlines()


def test_a_failed_task_is_reported_and_the_one_its_block_rescued_is_not():
    out = report("converge-failed.log")
    assert out[0] == "failed action: converge"
    # The rescue's own failure, which stopped the host (PLAY RECAP: failed=1 rescued=1), whole on one line.
    assert out[1].startswith('  fatal: [hb-harbor]: FAILED! => {"changed": false, "msg": "Create or recreate the containers'
                             ' (docker compose up -d) failed: Creating network \\"harbor_harbor\\" with the default driver')
    assert out[1].endswith(" ...") and len(out[1]) == 2 + mf.LONGEST + 4
    assert out[2].startswith("  CRITICAL Ansible return code was 2, command was: ansible-playbook --inventory ")
    assert len(out) == 3, out
    # The rescued failure of `up -d` is in the log, and not reported.
    section = mf.failing_section(lines("converge-failed.log"))[1]
    rescued = [line for line in section if line.startswith('fatal: [hb-harbor]: FAILED! => {"changed": true, "cmd":')]
    assert len(rescued) == 1 and rescued[0] not in mf.failures(section)


def test_failed_tests_are_reported_with_their_cut_node_ids_joined():
    out = report("verify-failed.log")
    assert out[0] == "failed action: verify"
    assert out[1].startswith("  E       AssertionError: 3) 0:00:01.346 ****** ok: [ha-reg1] ok: [ha-reg2] TASK [")
    assert out[2:] == [
        "  FAILED tests/test_failover.py::test_a_directory_that_is_not_shared_is_refused",
        "  FAILED tests/test_failover.py::test_node_loss_behind_the_load_balancer_costs_a_puller_at_most_one_request",
        "  ERROR tests/test_uninstall.py::test_check_mode_says_what_absent_removes_and_changes_nothing",
        "  ERROR tests/test_uninstall.py::test_absent_takes_keepalived_and_haproxy_off_the_backup_only",
        "  ERROR tests/test_uninstall.py::test_a_second_absent_run_changes_nothing_and_the_vip_stays",
        "  ERROR tests/test_uninstall.py::test_present_again_restores_the_node_without_moving_the_vip",
        "  ============== 2 failed, 10 passed, 4 errors in 330.19s (0:05:30) ==============",
        "  CRITICAL Verifier tests failed",
    ]


def test_a_failed_idempotence_names_the_task_that_changed():
    assert report("idempotence-failed.log") == [
        "failed action: idempotence",
        "  CRITICAL Idempotence test failed because of the following tasks:",
        "  *  => anchorage.registry.node_trust : Write every runtime's registry files",
    ]


def test_a_passing_run_reports_no_failed_action_and_its_rescued_failures_are_none():
    assert report("passed.log") == ["(no failed action found in %s)" % log("passed.log")]
    found = lines("passed.log")
    start = found.index("INFO     registry_ha ➜ prepare: Executing")
    prepare = found[start:found.index("INFO     registry_ha ➜ prepare: Executed: Successful")]
    assert sum(1 for line in prepare if line.startswith("fatal: ")) == 4
    assert mf.failures(prepare) == []


@pytest.mark.parametrize("name, line", [
    # Cut at a space: joined with one.
    ("converge-failed.log", "TASK [anchorage.registry.harbor : Create or recreate the containers (docker compose up -d)] ***"),
    # (the spaces at a cut are lost but one)
    ("passed.log", "ha-reg1                    : ok=205  changed=9    unreachable=0    failed=0 skipped=45   rescued=19   ignored=0"),
    # Indented lines that start lines of their own stay apart.
    ("verify-failed.log", "    def test_a_directory_that_is_not_shared_is_refused():"),
    ("verify-failed.log", "        for node in NODES:"),
])
def test_the_frame_is_taken_off_and_cut_lines_joined(name, line):
    assert line in lines(name)


def test_a_result_printed_over_several_lines_is_reported_on_one():
    section = ["TASK [Check] ***", "fatal: [d2-client]: FAILED! => {", '    "changed": false,', '    "msg": "3 blocking problem(s)"', "}",
               "", "PLAY RECAP ***", "d2-client                  : ok=41   changed=9    unreachable=0    failed=1    skipped=0"]
    assert mf.failures(section) == ['fatal: [d2-client]: FAILED! => { "changed": false, "msg": "3 blocking problem(s)" }']

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shared pipeline, driven through a small format of its own on real temp files."""

from __future__ import annotations

import json
import os
import stat
import types

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils import _config_file
from ansible_collections.anchorage.registry.plugins.module_utils._config_file import (
    RELOAD,
    ConfigFormat,
    Invalid,
    Merged,
    file_options,
)

TOKEN = "s3cr3t-token-value"


class TokenFile(ConfigFormat):
    """``token = ...`` plus lines; its checker refuses any line that says ``bad``."""

    signal = RELOAD
    private = True
    summary = "Invalid token file"

    def secrets(self, params):
        return [params["token"]]

    def build(self, params, facts):
        if not params["lines"]:
            raise Invalid(["lines: give at least one line"], self.summary)
        return {"token": params["token"], "lines": params["lines"]}

    def file_secrets(self, doc):
        return [line[len("token = "):] for line in (doc or "").splitlines() if line.startswith("token = ")]

    def render(self, doc, path):
        return "token = %s\n%s\n" % (doc["token"], "\n".join(doc["lines"]))

    def test(self, module, text, path, merged):
        return True, ("the checker refused %s: a line says bad" % path) if "bad" in text else None

    def report(self, wanted, outcome):
        return {"lines": len(wanted["lines"])}


SPEC = file_options(
    path=dict(type="path", required=True),
    validate=True,
    token=dict(type="str", no_log=False),
    lines=dict(type="list", elements="str", default=[]),
)


def _main():
    _config_file.run(TokenFile(), dict(SPEC), add_file_common_args=True, supports_check_mode=True)


MODULE = types.SimpleNamespace(main=_main)


def args(path, **extra):
    return dict(dict(path=str(path), token=TOKEN, lines=["a", "b"]), **extra)


def test_writes_once_privately_then_reports_nothing_to_do(run_module, tmp_path):
    path = tmp_path / "etc" / "token.conf"
    check = run_module(MODULE, args(path), check_mode=True, diff=True)
    assert check["changed"] and check["reload_required"] and not check["restart_required"]
    assert not path.exists()
    first = run_module(MODULE, args(path))
    assert first["changed"] and first["reload_required"] and first["config_test"] == "passed"
    assert first["lines"] == 2
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600
    second = run_module(MODULE, args(path))
    assert not second["changed"] and not second["reload_required"] and second["config_test"] == "unchanged"


def test_a_mode_change_alone_changes_but_asks_for_no_reload(run_module, tmp_path):
    path = tmp_path / "token.conf"
    run_module(MODULE, args(path))
    result = run_module(MODULE, args(path, mode="0640"))
    assert result["changed"] and not result["reload_required"]
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o640


def test_a_candidate_the_checker_refuses_is_never_written(run_module, tmp_path, monkeypatch):
    path = tmp_path / "token.conf"
    run_module(MODULE, args(path))
    before = path.read_text()
    result = run_module(MODULE, args(path, lines=["bad"]))
    assert result["failed"] and "the checker refused %s" % path in result["msg"]
    assert path.read_text() == before
    # In check mode the refusal is a warning: what the checker needs may come with the real run.
    # (recorded at the source: earlier tests may have sent module warnings to the display)
    warned = []
    monkeypatch.setattr(_config_file.SecretMaskingModule, "warn", lambda self, text, **kwargs: warned.append(text))
    check = run_module(MODULE, args(path, lines=["bad"]), check_mode=True)
    assert check["changed"] and check["config_test"] == "skipped"
    assert [text for text in warned if text.startswith("config test inconclusive in check mode")]
    assert run_module(MODULE, args(path, lines=["bad"], validate=False))["config_test"] == "disabled"


def test_bad_input_fails_naming_the_option_and_writes_nothing(run_module, tmp_path):
    path = tmp_path / "token.conf"
    result = run_module(MODULE, args(path, lines=[]))
    assert result["failed"] and result["msg"] == "Invalid token file: lines: give at least one line"
    assert result["errors"] == ["lines: give at least one line"]
    assert not path.exists()


def test_the_secret_is_masked_in_the_result_diff_and_invocation(run_module, tmp_path):
    path = tmp_path / "token.conf"
    result = run_module(MODULE, args(path), diff=True)
    assert TOKEN in path.read_text()
    assert TOKEN not in json.dumps(result)
    assert "token = ********" in result["diff"]["after"]


def test_a_changed_secret_shows_in_the_diff_without_either_value(run_module, tmp_path):
    path = tmp_path / "token.conf"
    run_module(MODULE, args(path, token="old-token-Q7"))
    result = run_module(MODULE, args(path), diff=True)
    assert result["changed"] and result["diff"]["before"] != result["diff"]["after"]
    assert result["diff"]["after"].startswith("token = ********")
    assert "old-token-Q7" not in json.dumps(result) and TOKEN not in json.dumps(result)
    unchanged = run_module(MODULE, args(path), diff=True)
    assert unchanged["diff"]["before"] == unchanged["diff"]["after"]


@pytest.mark.parametrize("validate, names", [(False, {"path", "backup", "x"}), (True, {"path", "backup", "validate", "x"})])
def test_file_options_are_the_shared_piece(validate, names):
    spec = file_options(path=dict(type="path"), validate=validate, x=dict(type="str"))
    assert set(spec) == names
    assert spec["backup"] == dict(type="bool", default=False)


def _main_two():
    """Two token files in one module, each prepared before either is written (as node_trust does)."""
    module = _config_file.SecretMaskingModule(
        lambda params: [params["token"]], supports_check_mode=True, argument_spec=dict(
            token=dict(type="str", no_log=False),
            files=dict(type="list", elements="dict", options=dict(SPEC, token=dict(type="str", no_log=False)),
                       required=True)))
    try:
        prepared = [_config_file.prepare(_config_file.OptionsView(module, dict(options, mode=None)), TokenFile())
                    for options in module.params["files"]]
    except Invalid as exc:
        module.fail_json(msg=exc.message, errors=exc.errors)
    module.exit_json(changed=False, results=[ready.write() for ready in prepared])


TWO = types.SimpleNamespace(main=_main_two)


def two(first, second, second_lines):
    return dict(token=TOKEN, files=[args(first, lines=["a"]), args(second, lines=second_lines)])


@pytest.mark.parametrize("second_lines, message", [
    ([], "lines: give at least one line"),  # refused by the format's build
    (["bad"], "the checker refused"),  # refused by the service's checker on the rendered candidate
])
def test_a_refusal_of_the_second_file_writes_neither(run_module, tmp_path, second_lines, message):
    first, second = tmp_path / "first.conf", tmp_path / "second.conf"
    first.write_text("token = old\nkept\n")
    result = run_module(TWO, two(first, second, second_lines))
    assert result["failed"] and message in result["msg"]
    assert first.read_text() == "token = old\nkept\n" and not second.exists()
    written = run_module(TWO, two(first, second, ["b"]), diff=True)
    assert [item["changed"] for item in written["results"]] == [True, True]
    assert first.read_text() == "token = %s\na\n" % TOKEN and second.read_text() == "token = %s\nb\n" % TOKEN
    # Each diff is still the file's own, the old secret read from it masked.
    assert written["results"][0]["diff"]["before"].startswith("token = ******** (")
    assert written["results"][0]["diff"]["before"].endswith(")\nkept\n")


class OwnedLines(TokenFile):
    """TokenFile recording its lines as entries it owns (a state file beside it)."""

    owns_entries = True

    def merge(self, doc, wanted, owned):
        return Merged(wanted, {"lines": wanted["lines"]})


def _main_removing():
    """The file is removed instead of written once its only line is ``gone`` (node_trust's files it created)."""
    module = _config_file.SecretMaskingModule(lambda params: [params["token"]], argument_spec=dict(SPEC),
                                              add_file_common_args=True, supports_check_mode=True)
    ready = _config_file.prepare(module, OwnedLines(), remove_if=lambda doc: doc["lines"] == ["gone"])
    module.exit_json(**ready.write())


REMOVING = types.SimpleNamespace(main=_main_removing)


def test_remove_if_removes_the_file_and_its_state_in_check_mode_truthfully(run_module, tmp_path):
    path = tmp_path / "token.conf"
    state = tmp_path / ".token.conf.anchorage-owned.json"
    first = run_module(REMOVING, args(path, lines=["a"]))
    assert first["changed"] and path.exists() and state.exists() and "removed" not in first
    for check_mode in (True, False):
        result = run_module(REMOVING, args(path, lines=["gone"]), check_mode=check_mode, diff=True)
        assert result["changed"] and result["reload_required"] and result["removed"] == [str(path), str(state)]
        assert result["diff"]["after_header"] == "%s (absent)" % path and result["diff"]["after"] == ""
        assert result["diff"]["before"].startswith("token = ******** (") and TOKEN not in json.dumps(result)
        assert "config_test" not in result
        assert path.exists() == check_mode and state.exists() == check_mode
    again = run_module(REMOVING, args(path, lines=["gone"]), diff=True)
    assert not again["changed"] and not again["reload_required"] and again["removed"] == []
    assert not path.exists()

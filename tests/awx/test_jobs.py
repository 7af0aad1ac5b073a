# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Jobs run the way AWX runs them: ansible-runner (the engine AWX uses) with a private data
directory per job, as AWX lays it out: the inventory, extravars as a survey sends them (text and
multiple-choice answers are strings), the credentials the README's custom credential types inject
as environment variables, a project playbook importing the collection's, no one at a terminal
(runner's pseudo-terminal as in AWX, with no passwords to answer a prompt), and a fresh controller
each job (HOME and ANSIBLE_HOME inside the job's directory, so nothing carries over in ~/.ansible
or a fact cache). The second job must change nothing, and no job's output or events may hold a
credential."""

from __future__ import annotations

import json
import sys

import ansible_runner
import pytest

ADMIN = ("admin", "Harbor12345")


def run_job(tmp_path, name, playbook, extravars, envvars):
    """One job in a new private data directory; the runner's result."""
    job = tmp_path / name
    for directory in ("inventory", "env", "project", "home"):
        (job / directory).mkdir(parents=True)
    (job / "inventory" / "hosts").write_text(
        "localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    (job / "env" / "extravars").write_text(json.dumps(extravars))
    (job / "env" / "envvars").write_text(json.dumps(dict(
        envvars, HOME=str(job / "home"), ANSIBLE_HOME=str(job / "home" / ".ansible"))))
    project = "---\n- name: The collection's playbook\n  ansible.builtin.import_playbook: %s\n" % playbook
    (job / "project" / "job.yml").write_text(project)
    # No env/passwords: a prompt (become, vault) is answered by no one and fails the job on idle_timeout.
    (job / "env" / "settings").write_text(json.dumps({"idle_timeout": 120, "job_timeout": 300}))
    result = ansible_runner.run(private_data_dir=str(job), playbook="job.yml", quiet=True)
    # What AWX shows and keeps of a job: its output and events (runner's own "command" record
    # holds the environment, as AWX's job_env does, and is not output).
    result.output = "".join(path.read_text(errors="replace") for path in (job / "artifacts").rglob("*")
                            if path.is_file() and (path.name in ("stdout", "stderr") or path.parent.name == "job_events"))
    return result


def changed(result):
    return sum((result.stats or {}).get("changed", {}).values())


def assert_no_secret(result, *secrets):
    for secret in secrets:
        assert secret not in result.output, "a credential is in the job's output or events"


@pytest.fixture
def harbor_credential(harbor):
    """What the "Harbor API" credential type injects."""
    return {
        "ANCHORAGE_HARBOR_API_URL": harbor.prism.url,
        "ANCHORAGE_HARBOR_API_USERNAME": ADMIN[0],
        "ANCHORAGE_HARBOR_API_PASSWORD": ADMIN[1],
        "ANCHORAGE_HARBOR_API_VALIDATE_CERTS": "false",
    }


def test_harbor_project_job_twice_changes_nothing_the_second_time(tmp_path, harbor, harbor_credential):
    survey = {"harbor_project_name": "team-a", "harbor_project_public": "false",
              "harbor_project_storage_limit_gib": 20, "harbor_project_auto_scan": "true"}
    first = run_job(tmp_path, "job-1", "anchorage.registry.harbor_project", survey, harbor_credential)
    assert first.status == "successful", first.output[-3000:]
    assert changed(first) == 1
    project = harbor.double.project_named("team-a")
    assert project["metadata"]["public"] == "false" and project["metadata"]["auto_scan"] == "true"
    assert harbor.double.quota_of(project["project_id"])["storage"] == 20 << 30
    second = run_job(tmp_path, "job-2", "anchorage.registry.harbor_project", survey, harbor_credential)
    assert second.status == "successful", second.output[-3000:]
    assert changed(second) == 0
    assert_no_secret(first, ADMIN[1])
    assert_no_secret(second, ADMIN[1])


def test_harbor_project_job_with_a_wrong_password_fails(tmp_path, harbor, harbor_credential):
    credential = dict(harbor_credential, ANCHORAGE_HARBOR_API_PASSWORD="not-the-password")
    result = run_job(tmp_path, "job", "anchorage.registry.harbor_project", {"harbor_project_name": "team-b"}, credential)
    assert result.status == "failed"
    assert "401" in result.output or "nauthorized" in result.output
    assert_no_secret(result, "not-the-password")


def test_registry_check_job_uses_the_injected_credential(tmp_path, htpasswd_distribution):
    storage = {"filesystem": {"rootdirectory": str(tmp_path / "data")}, "delete": {"enabled": True}}
    registry = htpasswd_distribution({"ci": "ci-password"}, storage=storage)
    survey = {"registry_check_url": registry.url, "registry_check_validate_certs": "false"}
    credential = {"ANCHORAGE_REGISTRY_USERNAME": "ci", "ANCHORAGE_REGISTRY_PASSWORD": "ci-password"}
    jobs = [run_job(tmp_path, "job-%d" % number, "anchorage.registry.registry_check", survey, credential)
            for number in (1, 2)]
    for job in jobs:
        assert job.status == "successful", job.output[-3000:]
        assert changed(job) == 0
        assert_no_secret(job, "ci-password")
    refused = run_job(tmp_path, "job-anonymous", "anchorage.registry.registry_check", survey, {})
    assert refused.status == "failed"

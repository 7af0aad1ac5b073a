# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import os

from ansible_collections.anchorage.registry.plugins.module_utils._runtimes import exec_start, libraries, runtimes, unit_file, unit_state


def unit(root, directory, name, target=None):
    path = root / directory.lstrip("/") / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if target:
        os.symlink(target, str(path))
    else:
        path.write_text("[Service]\nExecStart=/bin/true\n")


def test_units_are_found_along_systemds_search_path(tmp_path):
    unit(tmp_path, "/lib/systemd/system", "containerd.service")
    unit(tmp_path, "/etc/systemd/system", "k3s.service")
    unit(tmp_path, "/usr/local/lib/systemd/system", "rke2-agent.service")
    assert runtimes(str(tmp_path)) == {"runtimes": ["containerd", "k3s", "rke2-agent"], "not_configured": [], "masked": []}


def test_containerd_under_docker_counts_only_with_a_kubelet(tmp_path):
    unit(tmp_path, "/lib/systemd/system", "docker.service")
    unit(tmp_path, "/lib/systemd/system", "containerd.service")
    assert runtimes(str(tmp_path)) == {"runtimes": ["docker"], "not_configured": ["containerd"], "masked": []}
    unit(tmp_path, "/etc/systemd/system", "kubelet.service")
    assert runtimes(str(tmp_path)) == {"runtimes": ["docker", "containerd"], "not_configured": [], "masked": []}


def test_a_mask_in_etc_hides_the_packaged_unit(tmp_path):
    unit(tmp_path, "/lib/systemd/system", "docker.service")
    unit(tmp_path, "/etc/systemd/system", "docker.service", target="/dev/null")
    unit(tmp_path, "/lib/systemd/system", "containerd.service")
    unit(tmp_path, "/etc/systemd/system", "containerd.service", target="/lib/systemd/system/containerd.service")
    assert unit_state("docker.service", str(tmp_path)) == "masked"
    assert runtimes(str(tmp_path)) == {"runtimes": ["containerd"], "not_configured": [], "masked": ["docker"]}


def test_nothing_installed(tmp_path):
    assert runtimes(str(tmp_path)) == {"runtimes": [], "not_configured": [], "masked": []}
    assert unit_state("k3s.service", str(tmp_path)) is None


def test_libraries_answer_for_this_python():
    assert libraries() == {"yaml": True, "tomlkit": True}  # both are in the test venv


def test_the_program_a_unit_starts_is_its_first_exec_start(tmp_path):
    unit(tmp_path, "/etc/systemd/system", "k3s.service")
    unit(tmp_path, "/lib/systemd/system", "k3s.service")
    assert unit_file("k3s.service", str(tmp_path)) == str(tmp_path / "etc/systemd/system/k3s.service")
    assert unit_file("rke2-server.service", str(tmp_path)) is None
    # As k3s's installer writes it: the arguments on continuation lines.
    assert exec_start("[Unit]\nDescription=k3s\n[Service]\nExecStartPre=-/sbin/modprobe br_netfilter\n"
                      "ExecStart=/usr/local/bin/k3s \\\n    server \\\n") == "/usr/local/bin/k3s"
    assert exec_start("[Service]\nExecStart = -/opt/rke2/bin/rke2 server\n") == "/opt/rke2/bin/rke2"
    assert exec_start("[Service]\nExecStart=k3s server\n") is None  # not a path systemd would run
    assert exec_start("[Service]\nType=notify\n") is None

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""roles/keepalived/files/keepalived-watch-container against this machine's real Docker engine.

A real container (the lab's Distribution image) is started, stopped, killed and started again;
the state file keepalived tracks must follow within a second each time, and a container whose
name merely starts with the watched one (the registry role's trial start) must not count.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

WATCHER = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "roles", "keepalived", "files", "keepalived-watch-container")
IMAGE = "anchorage-lab/registry:2.8.2"
# Per test run: two runs at once (two engineers on one machine) must not see each other's containers.
NAME = "anchorage-watch-test-%d" % os.getpid()


def docker(*argv, check=True):
    return subprocess.run(["docker"] + list(argv), capture_output=True, text=True, timeout=60, check=check)


def state_becomes(path, value, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.path.exists(path) and open(path).read().strip() == value:
            return time.monotonic()
        time.sleep(0.02)
    pytest.fail("%s did not become %s within %ss (it holds %r)" % (path, value, seconds, open(path).read() if os.path.exists(path) else None))


def watch(container, path):
    """The watcher in a process group of its own: systemd stops its whole cgroup, the test its group."""
    return subprocess.Popen(["sh", WATCHER, container, path], stderr=subprocess.PIPE, text=True, start_new_session=True)


def stop(watcher):
    os.killpg(watcher.pid, signal.SIGTERM)
    watcher.wait(timeout=10)


@pytest.fixture
def container():
    if docker("image", "inspect", IMAGE, check=False).returncode != 0:
        pytest.fail("%s is missing: build the lab images (make lab-images)" % IMAGE)
    for name in (NAME, NAME + "-trial"):
        docker("rm", "-f", name, check=False)
    docker("run", "-d", "--name", NAME, IMAGE)
    yield NAME
    for name in (NAME, NAME + "-trial"):
        docker("rm", "-f", name, check=False)


def test_the_state_file_follows_the_container_within_a_second(container, tmp_path):
    path = str(tmp_path / (container + ".down"))
    watcher = watch(container, path)
    try:
        state_becomes(path, "0")
        # Another container whose name starts with the watched one changes nothing.
        docker("run", "-d", "--name", container + "-trial", IMAGE)
        docker("rm", "-f", container + "-trial")
        time.sleep(0.5)
        assert open(path).read().strip() == "0"
        for ending in (["stop", "-t", "5"], ["kill"]):
            docker(*(ending + [container]))
            state_becomes(path, "1", seconds=1.0)
            docker("start", container)
            state_becomes(path, "0", seconds=1.0)
    finally:
        stop(watcher)


def test_a_watcher_started_while_the_container_is_down_says_so(container, tmp_path):
    docker("stop", "-t", "5", container)
    path = str(tmp_path / (container + ".down"))
    watcher = watch(container, path)
    try:
        state_becomes(path, "1")
        docker("start", container)
        state_becomes(path, "0", seconds=1.0)
    finally:
        stop(watcher)

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shared fixtures for the unit tests.

``run_module``   runs a module's ``main()`` with arguments and returns its JSON result.
``distribution`` starts the real CNCF Distribution binary on 127.0.0.1 (a free port, storage in
                 a temp dir), with a config rendered by ``_distribution``; stopped after the test.
``htpasswd_distribution`` the same with htpasswd auth, the file written by ``_htpasswd``.
``free_port``    a TCP port free on 127.0.0.1.
``apache_verifies`` ``(path, user, password) -> bool``: Apache's own ``htpasswd -vb`` check.
``tree``         ``(directory) -> {relative path: text}`` of every path under it (None for a directory).
"""

from __future__ import annotations

import json
import os
import pathlib
import socket
import subprocess
import time

import pytest

from ansible.module_utils.common.parameters import PASS_VARS
from module_args import patch_module_args
from processes import stop_process

from ansible_collections.anchorage.registry.plugins.module_utils._distribution import (
    build_config,
    config_errors,
    render,
)
from ansible_collections.anchorage.registry.plugins.module_utils._htpasswd import hash_password, update_entries

REGISTRY_BINARY = "/usr/bin/docker-registry"  # Debian's package of CNCF Distribution (2.8.2)
# ansible-core 2.21 returns a module's invocation only when asked (INJECT_INVOCATION, default off);
# the tests read what it would show, so they ask. Older cores always return it.
INJECT_INVOCATION = {"_ansible_inject_invocation": True} if "inject_invocation" in PASS_VARS else {}
START_TIMEOUT = 10.0


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def free_port():
    return _free_port()


@pytest.fixture
def apache_verifies():
    def check(path, user, password):
        done = subprocess.run(["htpasswd", "-vb", str(path), user, password], capture_output=True, timeout=30, check=False)
        return done.returncode == 0

    return check


@pytest.fixture
def tree():
    """What a module or role wrote, to compare before and after a run (a rerun must change no byte)."""

    def read(directory):
        root = pathlib.Path(directory)
        return dict((str(path.relative_to(root)), None if path.is_dir() else path.read_text())
                    for path in sorted(root.rglob("*")))

    return read


@pytest.fixture
def run_module(capsys, tmp_path):
    """``run(module, args, check_mode=False, diff=False)`` -> the module's result dict."""

    def run(module, args, check_mode=False, diff=False):
        args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff, _ansible_remote_tmp=str(tmp_path),
                    **INJECT_INVOCATION)
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                module.main()
        return json.loads(capsys.readouterr().out)

    return run


class Distribution(object):
    """A running registry: ``url``, ``port``, ``root`` (its temp dir), ``config`` (data), ``log()``."""

    def __init__(self, root, port, config, process):
        self.root = root
        self.port = port
        self.config = config
        self.process = process
        scheme = "https" if (config.get("http") or {}).get("tls") else "http"
        self.url = "%s://127.0.0.1:%d" % (scheme, port)
        self.address = "127.0.0.1:%d" % port

    def log(self):
        return (self.root / "registry.log").read_text(errors="replace")

    def stop(self):
        stop_process(self.process)


def _wait_listening(registry):
    """Until the port accepts connections (at most START_TIMEOUT seconds)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if registry.process.poll() is not None:
            raise AssertionError("Distribution exited with %s:\n%s" % (registry.process.returncode, registry.log()))
        try:
            with socket.create_connection(("127.0.0.1", registry.port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("Distribution did not listen within %ss:\n%s" % (START_TIMEOUT, registry.log()))


@pytest.fixture
def distribution(tmp_path_factory):
    """``start(**sections)`` -> a running :class:`Distribution`.

    ``sections`` are registry_config options (``storage``, ``auth``, ``http``...); storage
    defaults to a temp filesystem dir and ``http.addr`` is always a free loopback port.
    """
    if not os.access(REGISTRY_BINARY, os.X_OK):
        pytest.fail("%s is missing: install Debian's docker-registry package (make host-deps)" % REGISTRY_BINARY)
    running = []

    def start(**sections):
        root = tmp_path_factory.mktemp("distribution")
        port = _free_port()
        sections.setdefault("storage", {"filesystem": {"rootdirectory": str(root / "data")}})
        sections["http"] = dict(sections.get("http") or {}, addr="127.0.0.1:%d" % port)
        config = build_config(sections)
        errors = config_errors(config)
        assert not errors, errors
        (root / "config.yml").write_text(render(config))
        # Distribution panics at start when AWS_CA_BUNDLE is set (these machines set it).
        env = dict((key, value) for key, value in os.environ.items() if key != "AWS_CA_BUNDLE")
        with open(str(root / "registry.log"), "wb") as log:
            process = subprocess.Popen(
                [REGISTRY_BINARY, "serve", str(root / "config.yml")],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            )
        registry = Distribution(root, port, config, process)
        running.append(registry)
        _wait_listening(registry)
        return registry

    yield start
    for registry in running:
        registry.stop()


@pytest.fixture
def htpasswd_distribution(distribution, tmp_path_factory):
    """``start(users, **sections)`` -> a running :class:`Distribution` with htpasswd auth for
    ``users`` (``{name: password}``; bcrypt cost 4 to keep tests fast)."""

    def start(users, **sections):
        path = tmp_path_factory.mktemp("htpasswd") / "htpasswd"
        wanted = [{"name": name, "password": password} for name, password in sorted(users.items())]
        text, _added, _updated, _removed = update_entries(None, wanted, False, lambda password: hash_password(password, 4))
        path.write_text(text)
        return distribution(auth={"htpasswd": {"realm": "anchorage-test", "path": str(path)}}, **sections)

    return start

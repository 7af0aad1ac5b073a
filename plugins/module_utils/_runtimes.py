# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Which container runtimes a node has, read from its systemd unit files.

systemd looks for ``<unit>.service`` along its unit search path, earliest directory first;
a unit whose first match is a link to /dev/null is masked. Reading the directories answers
in a few milliseconds, where asking systemctl for every unit takes a second or more.

On a Docker host containerd is usually there only as Docker's backend: Docker pulls images
itself and never reads containerd's registry settings. containerd counts as a runtime of its
own there only when a kubelet (which pulls through containerd's CRI plugin) is installed too.
"""

from __future__ import annotations

import importlib.util
import os

# Runtime name -> its systemd unit (the names k3s, RKE2, Docker and containerd install).
UNITS = (
    ("docker", "docker.service"),
    ("containerd", "containerd.service"),
    ("k3s", "k3s.service"),
    ("k3s-agent", "k3s-agent.service"),
    ("rke2-server", "rke2-server.service"),
    ("rke2-agent", "rke2-agent.service"),
)
# systemd's unit search path for the system manager (systemd.unit(5)), in precedence order.
UNIT_PATH = (
    "/etc/systemd/system",
    "/run/systemd/system",
    "/usr/local/lib/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
)
# Python libraries the runtime config modules import: PyYAML (k3s_registries), tomlkit
# (containerd_config).
LIBRARIES = ("yaml", "tomlkit")


def unit_file(unit, root="/"):
    """The path of the file systemd loads ``unit`` from (under ``root``), or ``None``."""
    for directory in UNIT_PATH:
        path = os.path.join(root, directory.lstrip("/"), unit)
        if os.path.lexists(path):
            return path
    return None


def unit_state(unit, root="/"):
    """``"present"``, ``"masked"`` or ``None`` (no unit file) for ``unit`` under ``root``."""
    path = unit_file(unit, root)
    if path is None:
        return None
    if os.path.islink(path) and os.readlink(path) == "/dev/null":
        return "masked"
    return "present"


def exec_start(text):
    """The program the first ``ExecStart=`` of a unit file's text runs, or ``None``."""
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key.strip() == "ExecStart":
            # systemd.service(5): "@", "-", ":", "+" and "!" may prefix the path.
            words = value.strip().lstrip("@-:+!").split()
            return words[0] if words and words[0].startswith("/") else None
    return None


def runtimes(root="/"):
    """{"runtimes": [to configure], "not_configured": [present, not configured], "masked": [...]}, in UNITS order."""
    states = dict((name, unit_state(unit, root)) for name, unit in UNITS)
    present = [name for name, _unit in UNITS if states[name] == "present"]
    not_configured = []
    if "docker" in present and "containerd" in present and unit_state("kubelet.service", root) != "present":
        not_configured.append("containerd")
    return {
        "runtimes": [name for name in present if name not in not_configured],
        # Not "skipped": Ansible would take a task whose result has it for a skipped one.
        "not_configured": not_configured,
        "masked": [name for name, _unit in UNITS if states[name] == "masked"],
    }


def libraries():
    """{library: importable} for the libraries the modules need."""
    return dict((name, importlib.util.find_spec(name) is not None) for name in LIBRARIES)

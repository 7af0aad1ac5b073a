# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Real Debian packages for the bundle tests, built with dpkg-deb."""

from __future__ import annotations

import subprocess


def build_deb(directory, name, version, depends=None):
    """An empty package ``name`` built with ``dpkg-deb --build`` in ``directory``; its path, named as apt names it."""
    root = directory / ("%s-src" % name)
    (root / "DEBIAN").mkdir(parents=True)
    control = "Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: lab <lab@example.invalid>\n" % (name, version)
    if depends:
        control += "Depends: %s\n" % depends
    (root / "DEBIAN" / "control").write_text(control + "Description: anchorage test package\n")
    path = directory / ("%s_%s_all.deb" % (name, version.replace(":", "%3a")))
    subprocess.run(["dpkg-deb", "--root-owner-group", "--build", str(root), str(path)], check=True,
                   capture_output=True, timeout=60)
    return str(path)


def control_of(deb):
    """The package's control fields, as ``dpkg-deb --field`` prints them."""
    return subprocess.run(["dpkg-deb", "--field", deb], check=True, capture_output=True, text=True, timeout=30).stdout

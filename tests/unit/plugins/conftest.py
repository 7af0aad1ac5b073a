# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import subprocess

import pytest


@pytest.fixture(scope="module")
def ca_pem(tmp_path_factory):
    """A self-signed CA certificate in PEM form (openssl)."""
    root = tmp_path_factory.mktemp("pki")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=unit CA",
                    "-keyout", str(root / "ca.key"), "-out", str(root / "ca.crt")], check=True, capture_output=True)
    return (root / "ca.crt").read_text()

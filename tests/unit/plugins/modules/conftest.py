# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``harbor``: the Harbor API test double behind Prism (harbor_double.py), fresh for each test.

Prism starts once per session (it takes seconds); the double's state is emptied before each
test, and a test fails when Prism found any request or response off Harbor's spec during it.
"""

from __future__ import annotations

import pytest

from harbor_double import ADMIN, HarborDouble, Prism, free_port


class Harbor(object):
    """``double`` (its state and ``requests``), ``prism``, and ``args(**options)`` for a module."""

    def __init__(self, double, prism):
        self.double = double
        self.prism = prism

    def args(self, user=ADMIN, **options):
        return dict(options, api_url=self.prism.url, api_username=user[0], api_password=user[1], timeout=10)


@pytest.fixture(scope="session")
def harbor_stack(tmp_path_factory):
    double = HarborDouble()
    try:
        prism = Prism(str(tmp_path_factory.mktemp("prism")), double.url, free_port())
    except RuntimeError as exc:
        double.stop()
        pytest.fail(str(exc))
    yield double, prism
    prism.stop()
    double.stop()


@pytest.fixture
def harbor(harbor_stack):
    double, prism = harbor_stack
    double.reset()
    del double.errors[:]
    prism.mark()
    yield Harbor(double, prism)
    assert not double.errors, "the double failed on a request:\n" + "\n".join(double.errors)
    violations = prism.violations()
    assert not violations, "Prism found requests or responses off Harbor's spec:\n" + "\n".join(violations)

"""No secret in any log (secret_search.py), for scenarios verified with testinfra.

Listed in .config/molecule/config.yml's verifier.additional_files_or_dirs: molecule sorts test
paths, and ``tests/../../shared/`` sorts before ``tests/test_*``, so this runs first, while the
hosts are as converge left them (and before any test restarts one or uses a secret itself).
"""

import os

import pytest

from secret_search import check


def test_no_secret_in_any_log(capsys):
    passed, text = check(os.environ)
    if not passed:
        pytest.fail(text, pytrace=False)
    with capsys.disabled():
        print("\n[secret search] " + text.replace("\n", "\n[secret search] "))

"""Stand-in for ansible-test's pip bootstrap script.

ansible-test --venv downloads its get-pip script from a host the lab machines cannot reach
(only PyPI is reachable). lab/run-sanity.sh puts this file in ansible-test's cache under the
name it looks for, next to a pip wheel downloaded from PyPI; it runs pip from that wheel to
install the pip version ansible-test asked for, as the real script does.
"""

import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WHEEL = sorted(glob.glob(os.path.join(HERE, "pip-*-py3-none-any.whl")))[-1]
sys.path.insert(0, WHEEL)

from pip._internal.cli.main import main  # noqa: E402  (importable only once the wheel is on the path)

# The real script's own flags: pip does not know them, and setuptools/wheel are not wanted anyway.
args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
sys.exit(main(["install"] + args))

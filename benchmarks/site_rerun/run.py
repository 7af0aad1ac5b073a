"""The demo's site on the lab (examples/lab/inventory.yml), first converge against fresh lab hosts
and then a no-op re-run, in one run: prints both times, what the re-run changed and restarted
(goal 0), and last the ratio re-run/first (goal <= 0.2).

The lab hosts are `make demo`'s: this removes the demo lab before and after. Run it under the lab
lock, as molecule and the demo are:

    cd /work/main && make venv lab-images && flock /tmp/anchorage-molecule.lock .venv/bin/python benchmarks/site_rerun/run.py
"""

import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(ROOT, "lab", "demo.sh")
INVENTORY = os.path.join(ROOT, "examples", "lab", "inventory.yml")


def run(*argv, timeout=1800):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
               PATH=os.path.join(ROOT, ".venv", "bin") + os.pathsep + os.environ["PATH"])
    env.pop("AWS_CA_BUNDLE", None)
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit("%s exited %d:\n%s%s" % (" ".join(argv), done.returncode, done.stdout[-3000:], done.stderr[-2000:]))
    return done.stdout


def site():
    """Seconds of one `ansible-playbook anchorage.registry.site`, and the tasks it changed."""
    start = time.monotonic()
    output = run("ansible-playbook", "-i", INVENTORY, "anchorage.registry.site")
    seconds = time.monotonic() - start
    changed = sum(int(n) for n in re.findall(r"^\S+\s+:.*?changed=(\d+)", output, re.MULTILINE))
    return seconds, changed


def main():
    try:
        run("bash", DEMO, "down")
        run("bash", DEMO, "hosts")
        first, first_changed = site()
        before = run("bash", DEMO, "services").splitlines()
        rerun, rerun_changed = site()
        after = run("bash", DEMO, "services").splitlines()
    finally:
        subprocess.run(["bash", DEMO, "down"], capture_output=True, check=False)
    restarted = sorted(set(after) - set(before))
    print("first converge:  %7.1f s  (%d tasks changed)" % (first, first_changed))
    print("no-op re-run:    %7.1f s  (%d tasks changed; goal 0)" % (rerun, rerun_changed))
    print("restarted on the re-run: %d (goal 0)%s" % (len(restarted), "".join("\n  " + line for line in restarted)))
    print("ratio re-run/first: %.2f (goal <= 0.2)" % (rerun / first))
    return 0 if rerun_changed == 0 and not restarted else 1


if __name__ == "__main__":
    sys.exit(main())

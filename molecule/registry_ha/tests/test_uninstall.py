"""keepalived_state and load_balancer_state absent on the backup node, then present again.

Runs after test_failover.py, on the load-balanced variant it leaves (HAProxy on port 5000 of both
nodes behind the VIP, the registries on 5001). The uninstall playbook limited to the backup node
(`-l`) takes keepalived and HAProxy off it: check mode first, which changes nothing, then for real,
then again (0 changed), while the master keeps the VIP and still balances over both registries.
The converge of that variant then puts both back on the node, the VIP staying where it is, and a
run after it changes nothing. Both nodes end as test_failover left them.
"""

import pytest

from conftest import CLUSTER, LOAD_BALANCED, NODES, SHARED_DIR, converge, playbook
from lab import recap

# What the two roles wrote on a node; each must be gone after absent.
ROLE_FILES = [
    "/etc/keepalived/keepalived.conf",
    "/etc/haproxy/haproxy.cfg",
    "/usr/local/libexec/anchorage",
    "/etc/systemd/system/anchorage-keepalived-watch@.service",
    "/var/lib/anchorage/keepalived",
    "/var/lib/anchorage/load_balancer",
]
# The packages the roles installed in converge (the lab image has curl already: it stays).
ROLE_PACKAGES = ["keepalived", "haproxy"]
PRESENT = ["-e", "registry_data_dir=/srv/registry-shared"] + SHARED_DIR + LOAD_BALANCED


def uninstall(node, *args):
    done = playbook("anchorage.registry.uninstall", "-l", node, *args, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    return done, recap(done.stdout)[node]


def on_node(node, script):
    return CLUSTER.on(node, "sh", "-c", script, check=False).stdout.split()


def present_files(node):
    return on_node(node, " ".join("[ ! -e %s ] || echo %s;" % (path, path) for path in ROLE_FILES))


def installed_packages(node):
    return on_node(node, "dpkg-query -W -f '${Package} ${db:Status-Status}\\n' %s | sed -n 's/ installed$//p'" % " ".join(ROLE_PACKAGES))


def active_services(node):
    return on_node(node, "for unit in keepalived haproxy; do systemctl -q is-active $unit && echo $unit; done")


@pytest.fixture(scope="module")
def nodes():
    # After test_failover.py the variant is deployed already; on its own (pytest --ignore of
    # test_failover.py after converge) this file deploys it first. A node test_failover just
    # restarted is given time to come back before its services are looked at.
    CLUSTER.wait_healthy(seconds=60)
    if any(active_services(node) != ["keepalived", "haproxy"] for node in NODES):
        done = converge(*PRESENT)
        assert done.returncode == 0, done.stdout[-3000:]
        CLUSTER.wait_healthy(seconds=60)
    master = CLUSTER.master()
    return master, CLUSTER.other(master)


def test_check_mode_says_what_absent_removes_and_changes_nothing(nodes):
    master, backup = nodes
    files = present_files(backup)
    assert set(ROLE_FILES[:3]) <= set(files), files
    done, totals = uninstall(backup, "--check", "--diff")
    assert totals["changed"] > 0, totals
    # --diff names every file absent removes.
    for path in files:
        assert '"path": "%s"' % path in done.stdout, path
    assert active_services(backup) == ["keepalived", "haproxy"]
    assert present_files(backup) == files
    assert sorted(installed_packages(backup)) == sorted(ROLE_PACKAGES)


def test_absent_takes_keepalived_and_haproxy_off_the_backup_only(nodes):
    master, backup = nodes
    done, totals = uninstall(backup)
    assert totals["changed"] > 0, totals
    assert active_services(backup) == []
    assert present_files(backup) == []
    assert installed_packages(backup) == []
    assert on_node(backup, "systemctl list-units --all --plain --no-legend --state=loaded 'anchorage-keepalived-watch@*'") == []
    # The VIP stays on the master, whose HAProxy still balances over both registries: the
    # backup's registry (not these roles') still runs.
    assert CLUSTER.holders() == [master]
    assert sorted(set(CLUSTER.answering(10))) == list(NODES)
    assert active_services(master) == ["keepalived", "haproxy"]


def test_a_second_absent_run_changes_nothing_and_the_vip_stays(nodes):
    master, backup = nodes
    done, totals = uninstall(backup)
    assert totals["changed"] == 0, done.stdout[-3000:]
    CLUSTER.watch_no_flap(master, 3)


def test_present_again_restores_the_node_without_moving_the_vip(nodes):
    master, backup = nodes
    done = converge(*PRESENT)
    assert done.returncode == 0, done.stdout[-3000:]
    CLUSTER.wait_healthy([backup], seconds=60)
    assert active_services(backup) == ["keepalived", "haproxy"]
    CLUSTER.watch_no_flap(master, 3)
    # The verification through the VIP changes nothing either: skipped to keep the re-run short.
    again = converge(*(PRESENT + ["-e", "registry_ha_verify=false"]))
    assert again.returncode == 0, again.stdout[-3000:]
    totals = recap(again.stdout)
    assert all(item["changed"] == 0 for item in totals.values()), totals
    assert CLUSTER.holders() == [master]

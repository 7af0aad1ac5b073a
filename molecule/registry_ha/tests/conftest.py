"""The registry_ha scenario's lab, shared by its test files: names and addresses (molecule.yml), the
variants converge deploys, and converge itself. Plain names rather than fixtures: test_failover.py
needs them when it is collected (its parametrize). The lab's helpers are the benchmark's lab.py.
"""

import os
import sys

SCENARIO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SCENARIO, "..", "..", "benchmarks", "failover"))

from lab import Cluster, ansible_playbook  # noqa: E402  (the benchmark's lab helpers)

VIP = "172.28.30.100"
NODES = ("ha-reg1", "ha-reg2")
CLIENT = "ha-client"
CREDS = "admin:molecule-ha-secret"
CLUSTER = Cluster(NODES, CLIENT, VIP)
# The shared directory's variant: one host directory both nodes mount, standing in for NFS.
SHARED_DIR = ["-e", "registry_ha_shared_filesystem=true",
              "-e", '{"registry_storage": {"filesystem": {"rootdirectory": "/var/lib/registry"}, "delete": {"enabled": true}}}']
# Active-active: HAProxy on both nodes listens on 5000 behind the VIP and balances to both
# registries, which move to 5001.
LOAD_BALANCED = ["-e", "registry_ha_load_balancer=true", "-e", "registry_port=5001"]


def playbook(name, *args, timeout=900):
    """ansible-playbook NAME on the scenario's inventory."""
    return ansible_playbook(os.environ["MOLECULE_INVENTORY_FILE"], name, *args, timeout=timeout)


def converge(*args):
    """The scenario's converge.yml with ARGS (variables of a variant)."""
    return playbook(os.path.join(SCENARIO, "converge.yml"), *args)

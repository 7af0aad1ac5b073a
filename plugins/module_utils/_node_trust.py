# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Everything the node_trust role writes on a node, in one module execution.

The registry list is planned once (``_registry_hosts.plan``); then each writer the node's
runtimes need runs the one pipeline with its own options, exactly as its single-purpose module
would: the CA files (``registry_ca``), ``daemon.json`` (``docker_daemon_config``), the docker CLI's
logins in ``config.json``, ``hosts.toml`` (``containerd_hosts``), ``config.toml``'s ``config_path``
(``containerd_config``), the ``/etc/hosts`` block and ``registries.yaml`` for k3s and RKE2
(``k3s_registries``). Every file is prepared (``_config_file.prepare``) before the first is
written. One round trip per node, where the single-purpose modules take five.
"""

from __future__ import annotations

import os

from ansible_collections.anchorage.registry.plugins.module_utils import _runtimes
from ansible_collections.anchorage.registry.plugins.module_utils._ca_certificates import CACertificates
from ansible_collections.anchorage.registry.plugins.module_utils._config_file import Invalid, OptionsView, TreeFormat, prepare
from ansible_collections.anchorage.registry.plugins.module_utils._containerd import ContainerdConfig, ContainerdHosts
from ansible_collections.anchorage.registry.plugins.module_utils._docker_auth import DockerAuths
from ansible_collections.anchorage.registry.plugins.module_utils._docker_daemon import DockerDaemon
from ansible_collections.anchorage.registry.plugins.module_utils._etc_hosts import EtcHosts
from ansible_collections.anchorage.registry.plugins.module_utils._k3s import K3sRegistries
from ansible_collections.anchorage.registry.plugins.module_utils._registry_hosts import credential_secrets, plan

K3S_UNITS = ("k3s", "k3s-agent")
RKE2_UNITS = ("rke2-server", "rke2-agent")
RUNTIMES = ("docker", "containerd") + K3S_UNITS + RKE2_UNITS
# The Python library (as _runtimes.libraries names it) each writer imports on the node.
LIBRARY = {"containerd_config": "tomlkit", "k3s": "yaml", "rke2": "yaml"}


def secrets(params):
    """The registries' passwords and the authorization headers made from them."""
    return credential_secrets(params.get("registries"))


def _under(root, path):
    return os.path.join(root, path.lstrip("/")) if root else path


def writers(params, runtimes, planned):
    """``[(name, option, format, options)]`` in the order they run, CA files first (the others name
    them); ``option`` is the one of this module a refusal of the writer's file is reported under."""
    root = params["root"]
    backup = params["backup"]
    k3s_files = [(name, path, [unit for unit in runtimes if unit in units]) for name, path, units in (
        ("k3s", params["k3s_registries_path"], K3S_UNITS), ("rke2", params["rke2_registries_path"], RKE2_UNITS))]
    k3s_files = [entry for entry in k3s_files if entry[2]]
    destinations = []
    if "containerd" in runtimes or k3s_files:
        destinations.append(params["ca_dir"])
    if "docker" in runtimes:
        destinations.append(params["docker_certs_dir"])
    ca = dict(certificates=planned["certificates"],
              destinations=[dict(path=_under(root, path), layout="certs.d", state="present") for path in destinations])
    ca["destinations"].append(dict(path=_under(root, params["system_trust_dir"]), layout="flat",
                                   state="present" if params["system_trust"] else "absent"))
    result = [("ca", "registries", CACertificates(), ca)]
    if "docker" in runtimes:
        result.append(("docker", "docker_daemon_json", DockerDaemon(), dict(
            path=_under(root, params["docker_daemon_json"]), backup=backup,
            validate=params["validate"], **{key: planned["docker"][key] for key in ("insecure_registries", "registry_mirrors")})))
        result.append(("docker_auth", "docker_config_json", DockerAuths(), dict(
            path=_under(root, params["docker_config_json"]), auths=planned["docker"]["auths"])))
    if "containerd" in runtimes:
        result.append(("containerd_hosts", "containerd_hosts_dir", ContainerdHosts(), dict(
            path=_under(root, params["containerd_hosts_dir"]), registries=planned["containerd_hosts"])))
        result.append(("containerd_config", "containerd_config", ContainerdConfig(params["containerd_config_version"]), dict(
            path=_under(root, params["containerd_config"]), backup=backup,
            config_path=params["containerd_hosts_dir"])))
    etc_hosts = _under(root, params["etc_hosts"])
    if planned["etc_hosts"] or os.path.exists(etc_hosts):
        # Not on a node without the file and with nothing to map: no empty /etc/hosts is made.
        result.append(("etc_hosts", "etc_hosts", EtcHosts(), dict(path=etc_hosts, entries=planned["etc_hosts"])))
    for name, path, units in k3s_files:
        result.append((name, name + "_registries_path", K3sRegistries(), dict(
            path=_under(root, path), mode="0600", backup=backup,
            mirrors=planned["k3s"]["mirrors"], configs=planned["k3s"]["configs"], units=units)))
    return result


def units_to_apply(files):
    """``(restart units, reload units)`` from each writer's result."""
    restart, reload = [], []
    if files.get("docker", {}).get("reload_required"):
        reload.append("docker")
    if files.get("containerd_config", {}).get("restart_required"):
        restart.append("containerd")
    for name in ("k3s", "rke2"):
        if files.get(name, {}).get("restart_required"):
            restart.extend(files[name]["units"])
    return restart, reload


def run(module):
    """The module's result; raises Invalid naming the option (nothing written for bad input)."""
    params = module.params
    found = _runtimes.runtimes()
    runtimes = params["runtimes"] if params["runtimes"] is not None else found["runtimes"]
    libraries = _runtimes.libraries()
    registries = params["registries"] if params["state"] == "present" else []
    planned = plan(registries, params["ca_dir"], params["ca_files"], path="registries")
    if params["state"] == "absent":
        params = dict(params, system_trust=False)
    if "docker" in runtimes:
        for warning in planned["warnings"]:
            module.warn(warning)
    # Every file of every runtime is read, merged, rendered and checked before the first is
    # written: a refusal of any of them leaves all of them untouched.
    prepared, missing = [], []
    for name, option, fmt, options in writers(params, runtimes, planned):
        library = LIBRARY.get(name)
        if library and not libraries[library]:
            missing.append(library)
            continue
        units = options.pop("units", None)
        try:
            prepared.append((name, units, prepare(OptionsView(module, options), fmt)))
        except Invalid as exc:
            # The writer names its own option (path, destinations, registries); say ours.
            own = "%s: " % (fmt.tree_option if isinstance(fmt, TreeFormat) else "path")
            raise Invalid([option + ": " + error[len(own):] if error.startswith(own) else error
                           for error in exc.errors])
    files, diffs = {}, []
    for name, units, ready in prepared:
        result = ready.write()
        if units is not None:
            result["units"] = units
        diff = result.pop("diff", None)
        diffs.extend(diff if isinstance(diff, list) else [diff] if diff else [])
        files[name] = result
    restart, reload = units_to_apply(files)
    ca_changed = files["ca"]["changed_destinations"]
    result = dict(
        changed=any(result["changed"] for result in files.values()),
        runtimes=runtimes,
        not_configured=found["not_configured"],
        masked=found["masked"],
        python_libraries=libraries,
        missing_libraries=sorted(set(missing)),
        files=files,
        restart_units=restart,
        reload_units=reload,
        trust_store_changed=_under(params["root"], params["system_trust_dir"]) in ca_changed,
    )
    if module._diff:
        result["diff"] = diffs
    return result


def batch_size(share, count):
    """How many of ``count`` nodes restart at once for ``share`` (a number of nodes, or ``"N%"``
    of them, at least one); ValueError naming the variable when it is neither."""
    text = str(share).strip()
    percent = text.endswith("%")
    number = text[:-1].strip() if percent else text
    if isinstance(share, bool) or not number.isdigit() or int(number) < 1 or (percent and int(number) > 100):
        raise ValueError("node_trust_restart_batch: %r is neither a number of nodes (1 or more) nor a share "
                         "of them from 1%% to 100%% (e.g. 25%%)" % (share,))
    if percent:
        return max(1, count * int(number) // 100)
    return int(number)


def batches(results_by_host, share, runtimes):
    """The hosts (in order) whose module results (the first call's, and the one after the libraries
    came) ask to restart or reload one of ``runtimes``, in groups that restart together."""
    hosts = []
    for host, results in results_by_host.items():
        units = set()
        for result in results:
            if isinstance(result, dict):
                units.update(result.get("restart_units") or [])
                units.update(result.get("reload_units") or [])
        if units & set(runtimes):
            hosts.append(host)
    size = batch_size(share, len(results_by_host))
    return [hosts[start:start + size] for start in range(0, len(hosts), size)]

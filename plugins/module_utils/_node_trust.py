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
(``k3s_registries``), with the servers' config drop-in for their embedded registry mirror. Every
file is prepared (``_config_file.prepare``) before the first is written. One round trip per node,
where the single-purpose modules take five.

What the module creates (files, and directories up to the first that existed) is recorded on the
node (``record``): a file it created goes once nothing is left in it, a directory it created once
it is empty, and nothing that existed before the module is ever removed.
"""

from __future__ import annotations

import json
import os

from ansible_collections.anchorage.registry.plugins.module_utils import _files, _runtimes
from ansible_collections.anchorage.registry.plugins.module_utils._ca_certificates import CACertificates
from ansible_collections.anchorage.registry.plugins.module_utils._config_file import Invalid, OptionsView, TreeFormat, prepare
from ansible_collections.anchorage.registry.plugins.module_utils._containerd import ContainerdConfig, ContainerdHosts
from ansible_collections.anchorage.registry.plugins.module_utils._docker_auth import AUTHS, DockerAuths
from ansible_collections.anchorage.registry.plugins.module_utils._docker_daemon import DockerDaemon
from ansible_collections.anchorage.registry.plugins.module_utils._etc_hosts import EtcHosts
from ansible_collections.anchorage.registry.plugins.module_utils._k3s import (
    SECTIONS, EmbeddedRegistry, K3sRegistries, embedded_registry_version, shared_errors)
from ansible_collections.anchorage.registry.plugins.module_utils._managed_dirs import MARKER, mode_args
from ansible_collections.anchorage.registry.plugins.module_utils._registry_hosts import credential_secrets, plan
from ansible_collections.anchorage.registry.plugins.module_utils._role_input import range_errors

K3S_UNITS = ("k3s", "k3s-agent")
RKE2_UNITS = ("rke2-server", "rke2-agent")
# The server unit of each, the only one reading embedded-registry (an agent refuses to start with it).
SERVER_UNIT = {"k3s": "k3s", "rke2": "rke2-server"}
RUNTIMES = ("docker", "containerd") + K3S_UNITS + RKE2_UNITS
# The Python library (as _runtimes.libraries names it) each writer imports on the node.
# A drop-in waits with its registries.yaml: the embedded mirror serves only registries listed there.
LIBRARY = {"containerd_config": "tomlkit", "k3s": "yaml", "rke2": "yaml", "k3s_config": "yaml", "rke2_config": "yaml"}
# The writers whose file goes when the module created it and nothing is left in it: the top-level
# keys that may be left, empty. daemon.json only when it holds no key at all: the lists we emptied
# stay (dockerd's reload forgets only keys present in the file). Not config.toml, whose
# config_path stays (other tools' hosts.toml files may use it).
REMOVABLE = {"docker": (), "docker_auth": (AUTHS,), "k3s": SECTIONS, "rke2": SECTIONS}
# Files owned whole, whoever made them: removed when their option is off.
DROPINS = ("k3s_config", "rke2_config")


def secrets(params):
    """The registries' passwords and the authorization headers made from them."""
    return credential_secrets(params.get("registries"))


def _under(root, path):
    return os.path.join(root, path.lstrip("/")) if root else path


def _inside(root, path):
    """The node's own name of ``path`` (as recorded): ``_under``'s inverse."""
    return "/" + os.path.relpath(path, root) if root else path


def nothing_left(keys):
    """The test of a merged document holding nothing but ``keys``, each of them empty."""
    return lambda doc: set(doc) <= set(keys) and not any(doc.values())


def dropin_off(options):
    """The test of a drop-in's options (its document) saying it goes."""
    return not options["embedded_registry"]


def new_paths(path, root):
    """``path`` and those of its parent directories below ``root`` that do not exist yet, deepest first."""
    result = []
    while path.startswith((root or "").rstrip("/") + "/") and not os.path.lexists(path):
        result.append(path)
        path = os.path.dirname(path)
    return result


def targets(options):
    """The paths a writer's options make it write: its file, or its destination directories."""
    if "destinations" in options:
        return [destination["path"] for destination in options["destinations"]]
    return [options["path"]]


def read_record(path):
    """The paths the record at ``path`` lists ([] when there is none); ValueError when damaged."""
    text = _files.read_text(path)
    if text is None:
        return []
    try:
        created = json.loads(text)["created"]
    except (ValueError, KeyError, TypeError):
        created = None
    if not isinstance(created, list) or not all(isinstance(item, str) and item.startswith("/") for item in created):
        raise ValueError("%s is damaged; delete it (what it listed is then kept, as another writer's)" % path)
    return created


def record_text(paths):
    return json.dumps({"managed_by": "anchorage.registry node_trust", "created": sorted(paths)}, indent=2) + "\n"


def gone(path, removed):
    """Whether ``path`` is gone once the paths in ``removed`` are: a directory when everything in
    it is, but for its marker (the writers take a managed directory apart with its last file)."""
    if path in removed:
        return True
    if os.path.islink(path) or not os.path.isdir(path):
        return not os.path.lexists(path)
    return all(gone(os.path.join(path, name), removed) for name in os.listdir(path) if name != MARKER)


def emptied_directories(module, created, removed):
    """Remove the directories of ``created`` that are empty now (check mode: once ``removed`` are
    gone), deepest first; those removed. A managed directory (with its marker) is its writer's."""
    result = []
    for path in sorted(created, reverse=True):  # a directory sorts after its parent
        if os.path.islink(path) or not os.path.isdir(path) or os.path.lexists(os.path.join(path, MARKER)):
            continue
        if module.check_mode:
            if gone(path, set(removed) | set(result)):
                result.append(path)
        elif not os.listdir(path):
            os.rmdir(path)
            result.append(path)
    return result


def directory_diff(path):
    """A directory's removal as --diff shows it (as ansible.builtin.file does)."""
    return dict(before={"path": path, "state": "directory"}, after={"path": path, "state": "absent"},
                before_header=path, after_header="%s (absent)" % path)


def record_change(module, path, created, own_dirs, root):
    """Keep the record at ``path`` listing ``created`` and the directories ``own_dirs`` made for it;
    with ``created`` None or empty, remove it, and those directories once empty. ``(changed,
    directories removed)``."""
    if created:
        text = record_text([_inside(root, item) for item in created + own_dirs])
        return _files.apply_text(module, path, text, file_args=mode_args(module, path, "0644"))["changed"], []
    changed = _files.remove_file(module, path)["changed"]
    return changed, emptied_directories(module, own_dirs, [path])


def clean_up(module, files, created, record, own_dirs, root, keep):
    """After the writes (``files``, each writer's result): the directories of ``created`` left
    empty are removed, and the record (with ``own_dirs``, made for it) lists what is still ours,
    or goes when not ``keep``. ``(record changed, directories removed)``."""
    removed = [path for result in files.values() for path in result.get("removed", [])]
    directories = emptied_directories(module, created, removed)
    created = [path for path in created if not gone(path, removed + directories)]
    changed, own_removed = record_change(module, record, created if keep else None, own_dirs, root)
    return changed, directories + own_removed


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
        result.append((name, name + "_registries_path", K3sRegistries(params["embedded_registry_mirrors"]), dict(
            path=_under(root, path), mode="0600", backup=backup,
            mirrors=planned["k3s"]["mirrors"], configs=planned["k3s"]["configs"], units=units)))
        dropin = _under(root, params[name + "_config_dropin"])
        if SERVER_UNIT[name] in units and (params["embedded_registry"] or os.path.lexists(dropin)):
            result.append((name + "_config", name + "_config_dropin", EmbeddedRegistry(), dict(
                path=dropin, mode="0644", embedded_registry=params["embedded_registry"], units=[SERVER_UNIT[name]])))
    return result


def server_version_errors(module, runtimes, root, wildcard):
    """Errors for the k3s / RKE2 servers among ``runtimes`` whose release has no embedded registry
    mirror, asked with the ``--version`` of the program their unit starts; warnings for the rest
    that cannot say, or cannot share ``"*"`` (``wildcard``)."""
    errors = []
    for unit in SERVER_UNIT.values():
        if unit not in runtimes:
            continue
        path = _runtimes.unit_file(unit + ".service", root or "/")
        program = _runtimes.exec_start(_files.read_text(path) or "") if path else None
        if program is None or not os.access(_under(root, program), os.X_OK):
            module.warn("embedded_registry: the %s version was not checked: %s" % (
                unit, "no %s.service unit file" % unit if path is None else "its unit's ExecStart names no program here"))
            continue
        output = module.run_command([_under(root, program), "--version"])[1]
        error, warning = embedded_registry_version(output, wildcard)
        if error:
            errors.append("embedded_registry: " + error)
        if warning:
            module.warn("embedded_registry: %s (%s)" % (warning, unit))
    return errors


def units_to_apply(files):
    """``(restart units, reload units)`` from each writer's result."""
    restart, reload = [], []
    if files.get("docker", {}).get("reload_required"):
        reload.append("docker")
    if files.get("containerd_config", {}).get("restart_required"):
        restart.append("containerd")
    for name in ("k3s", "rke2") + DROPINS:
        if files.get(name, {}).get("restart_required"):
            restart.extend(files[name]["units"])
    return list(dict.fromkeys(restart)), reload  # a server reading both its files restarts once


def run(module):
    """The module's result; raises Invalid naming the option (nothing written for bad input)."""
    params = module.params
    found = _runtimes.runtimes()
    runtimes = params["runtimes"] if params["runtimes"] is not None else found["runtimes"]
    libraries = _runtimes.libraries()
    registries = params["registries"] if params["state"] == "present" else []
    planned = plan(registries, params["ca_dir"], params["ca_files"], path="registries")
    if params["state"] == "absent":
        params = dict(params, system_trust=False, embedded_registry=False, embedded_registry_mirrors=[])
    errors = shared_errors(params["embedded_registry_mirrors"], params["embedded_registry"])
    if not errors and params["embedded_registry"] and params["validate"]:
        wildcard = "*" in params["embedded_registry_mirrors"] or "*" in planned["k3s"]["mirrors"]
        errors = server_version_errors(module, runtimes, params["root"], wildcard)
    if errors:
        raise Invalid(errors)
    if "docker" in runtimes:
        for warning in planned["warnings"]:
            module.warn(warning)
    if (params["embedded_registry"] and set(runtimes) & set(K3S_UNITS + RKE2_UNITS)
            and not planned["k3s"]["mirrors"] and not params["embedded_registry_mirrors"]):
        module.warn("embedded_registry: no registry is listed in registries.yaml's mirrors, so this node takes no "
                    "part in the embedded registry mirror; list some in embedded_registry_mirrors (\"*\": every one)")
    root = params["root"]
    record = _under(root, params["record"])
    try:
        recorded = [_under(root, path) for path in read_record(record)]
    except ValueError as exc:
        raise Invalid("record: %s" % exc)
    own_dirs = [path for path in recorded if record.startswith(path + "/")] + new_paths(os.path.dirname(record), root)
    recorded = [path for path in recorded if path not in own_dirs]
    # Every file of every runtime is read, merged, rendered and checked before the first is
    # written: a refusal of any of them leaves all of them untouched.
    prepared, missing, new = [], [], []
    for name, option, fmt, options in writers(params, runtimes, planned):
        library = LIBRARY.get(name)
        if library and not libraries[library]:
            missing.append(library)
            continue
        units = options.pop("units", None)
        paths = targets(options)
        # A file this module created (or would create) is not kept with nothing in it.
        remove_if = (dropin_off if name in DROPINS else nothing_left(REMOVABLE[name]) if name in REMOVABLE
                     and (paths[0] in recorded or not os.path.lexists(paths[0])) else None)
        try:
            prepared.append((name, units, prepare(OptionsView(module, options), fmt, remove_if)))
        except Invalid as exc:
            # The writer names its own option (path, destinations, registries); say ours.
            own = "%s: " % (fmt.tree_option if isinstance(fmt, TreeFormat) else "path")
            raise Invalid([option + ": " + error[len(own):] if error.startswith(own) else error
                           for error in exc.errors])
        for path in paths:
            new.extend(new_paths(path, root))
    files, diffs = {}, []
    for name, units, ready in prepared:
        result = ready.write()
        if units is not None:
            result["units"] = units
        diff = result.pop("diff", None)
        diffs.extend(diff if isinstance(diff, list) else [diff] if diff else [])
        files[name] = result
    # Recorded after the writes: what a run interrupted before then made counts as another writer's.
    created = recorded + [path for path in dict.fromkeys(new) if path not in recorded and os.path.lexists(path)]
    # Absent forgets (what it leaves, daemon.json's emptied lists, others' logins, is the node's now),
    # unless files were left for the call after the missing libraries are installed.
    keep = params["state"] == "present" or missing
    record_changed, directories = clean_up(module, files, created, record, own_dirs, root, keep)
    diffs.extend(directory_diff(path) for path in directories)
    restart, reload = units_to_apply(files)
    ca_changed = files["ca"]["changed_destinations"]
    result = dict(
        changed=any(result["changed"] for result in files.values()) or bool(directories) or record_changed,
        runtimes=runtimes,
        not_configured=found["not_configured"],
        masked=found["masked"],
        python_libraries=libraries,
        missing_libraries=sorted(set(missing)),
        files=files,
        restart_units=restart,
        reload_units=reload,
        trust_store_changed=_under(root, params["system_trust_dir"]) in ca_changed,
        removed_directories=directories,
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


def input_errors(values):
    """``{variable: [values]}`` of the role's own numbers (``node_trust_wait_timeout``,
    ``node_trust_restart_batch``) -> one message per bad value, each once."""
    errors = range_errors([{"name": "node_trust_wait_timeout", "value": value, "low": 1, "high": 3600, "unit": "seconds"}
                           for value in values.get("node_trust_wait_timeout", [])])
    for share in values.get("node_trust_restart_batch", []):
        try:
            batch_size(share, 1)
        except ValueError as exc:
            errors.append(str(exc))
    return list(dict.fromkeys(errors))


def batches(results_by_host, share, runtimes):
    """The hosts (in order) whose module result asks to restart or reload one of ``runtimes``, in
    groups that restart together."""
    hosts = []
    for host, result in results_by_host.items():
        result = result if isinstance(result, dict) else {}
        if set((result.get("restart_units") or []) + (result.get("reload_units") or [])) & set(runtimes):
            hosts.append(host)
    size = batch_size(share, len(results_by_host))
    return [hosts[start:start + size] for start in range(0, len(hosts), size)]

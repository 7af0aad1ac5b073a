# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""The offline bundle: what it holds (manifest.json), its package repositories, and installing from them.

Layout of a bundle directory::

    manifest.json               versions and sha256 of everything below (written last)
    packages/<arch>/Packages    an apt index of the architecture's packages (amd64, arm64)
    packages/<arch>/*.deb       Debian packages with all their dependencies
    images/<name>.tar           image archives (docker-archive, or oci-archive for k3s and containerd)
    files/<file name>           other artifacts the roles use (Harbor's offline installer)

``bundle_manifest`` (on the connected machine) writes the package directories and the manifest.
A host gets the index alone first; ``bundle_install`` there, in check mode, checks it against
the manifest's sha256 and asks apt, against the host's real package database, which package
files the missing packages need; the role copies just those, and ``bundle_install`` checks each
against the index and lets apt install from that directory alone: its own sources list, lists
and cache, no other source, so nothing is fetched.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from urllib.parse import unquote, urlsplit

from ansible_collections.anchorage.registry.plugins.module_utils._files import apply_text

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
PACKAGES_INDEX = "Packages"
CHUNK = 1024 * 1024
# apt-get --simulate: "Inst name [old version] (version release [architecture])"
_SIMULATED = re.compile(r"^Inst (\S+) (?:\[[^]]*\] )?\((\S+) .*\[(\S+)\]\)")


class BundleError(Exception):
    """Something in or about the bundle that is wrong; the message names the file or package."""


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def deb_fields(filename):
    """``(package, version, architecture)`` from a ``name_version_arch.deb`` file name (apt's
    naming, the epoch's colon written ``%3a``)."""
    base = os.path.basename(filename)
    if not base.endswith(".deb") or base.count("_") != 2:
        raise BundleError("%s: not a name_version_architecture.deb file name" % base)
    package, version, architecture = base[:-4].split("_")
    return package, unquote(version), architecture


def packages_stanza(control, filename, size, sha256):
    """One stanza of an apt ``Packages`` index: the package's control fields and where the file is."""
    return "%s\nFilename: ./%s\nSize: %d\nSHA256: %s\n" % (control.rstrip("\n"), filename, size, sha256)


def read_packages_index(text):
    """``{(package, version, architecture): {"file", "sha256", "size"}}`` from an apt ``Packages``
    index as :func:`packages_stanza` writes it (continuation lines skipped)."""
    entries = {}
    for stanza in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in stanza.splitlines() if ": " in line and not line[:1].isspace())
        if "Package" in fields:
            key = (fields["Package"], fields.get("Version"), fields.get("Architecture"))
            entries[key] = {"file": os.path.basename(fields.get("Filename", "")), "sha256": fields.get("SHA256"),
                            "size": int(fields.get("Size", 0))}
    return entries


def simulated_installs(output):
    """``[(package, version, architecture)]`` apt-get --simulate would unpack, in its order."""
    return [match.groups() for match in map(_SIMULATED.match, output.splitlines()) if match]


def _replace(path, source=None, text=None):
    """``path`` replaced by a copy of ``source`` or by ``text``, through a temp file beside it."""
    handle, temp = tempfile.mkstemp(prefix=".bundle-", dir=os.path.dirname(path))
    try:
        with os.fdopen(handle, "wb") as target:
            if source is None:
                target.write(text.encode("utf-8"))
            else:
                with open(source, "rb") as origin:
                    shutil.copyfileobj(origin, target, CHUNK)
        os.chmod(temp, 0o644)
        os.rename(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def write_repository(debs, control_of, directory, check_mode=False):
    """``directory`` made a flat apt repository of ``debs`` (paths): each file copied in unless
    the same bytes are there, other ``.deb`` files removed, and a ``Packages`` index of them,
    sorted by name, the same bytes for the same packages. ``control_of(deb)`` -> the package's
    control text (``dpkg-deb -f``). Check mode writes nothing. Returns ``{"debs", "sha256",
    "size", "changed"}``, the last three of the index."""
    entries, stanzas, copies = [], [], []
    for deb in sorted(debs, key=os.path.basename):
        name = os.path.basename(deb)
        package, version, architecture = deb_fields(name)
        size, digest = os.path.getsize(deb), sha256_file(deb)
        entries.append({"package": package, "version": version, "architecture": architecture,
                        "file": name, "sha256": digest, "size": size})
        stanzas.append(packages_stanza(control_of(deb), name, size, digest))
        target = os.path.join(directory, name)
        if not os.path.isfile(target) or sha256_file(target) != digest:
            copies.append((deb, target))
    kept = {entry["file"] for entry in entries}
    stale = [os.path.join(directory, name) for name in sorted(os.listdir(directory))
             if name.endswith(".deb") and name not in kept] if os.path.isdir(directory) else []
    index = "\n".join(stanzas)
    index_path = os.path.join(directory, PACKAGES_INDEX)
    before = None
    if os.path.isfile(index_path):
        with open(index_path, encoding="utf-8") as handle:
            before = handle.read()
    encoded = index.encode("utf-8")
    result = {"debs": entries, "sha256": hashlib.sha256(encoded).hexdigest(), "size": len(encoded),
              "changed": bool(copies or stale) or before != index}
    if result["changed"] and not check_mode:
        if not os.path.isdir(directory):
            os.makedirs(directory)
        for source, target in copies:
            _replace(target, source=source)
        for path in stale:
            os.unlink(path)
        if before != index:
            _replace(index_path, text=index)
    return result


def _artifacts(root, items, section, check_mode):
    """Manifest entries of ``items`` (each with ``name`` and ``file``, the path inside ``root``),
    sorted by name, with the sha256 and size read from the files (null in check mode for a file
    not there yet)."""
    entries = []
    for item in sorted(items, key=lambda entry: entry["name"]):
        path = os.path.join(root, item["file"])
        if os.path.isfile(path):
            entries.append(dict(item, sha256=sha256_file(path), size=os.path.getsize(path)))
        elif check_mode:
            entries.append(dict(item, sha256=None, size=None))
        else:
            raise BundleError("%s: %s (%s) is missing" % (section, item["file"], item["name"]))
    return entries


def package_index(arch):
    """The architecture's ``Packages`` index in the bundle; its package files lie beside it."""
    return "packages/%s/%s" % (arch, PACKAGES_INDEX)


def build_manifest(root, packages, images, files=(), check_mode=False):
    """The manifest of the bundle at ``root``. ``packages``: {arch: {"requested": [...], and what
    :func:`write_repository` returned}}; ``images``: [{"name", "file", "format", "reference",
    "source"}]; ``files``: [{"name", "file", "source"}]; their checksums read from the files."""
    manifest = {"format": MANIFEST_FORMAT, "packages": {}, "images": _artifacts(root, images, "images", check_mode),
                "files": _artifacts(root, files, "files", check_mode)}
    for arch in sorted(packages):
        repository = packages[arch]
        manifest["packages"][arch] = {
            "file": package_index(arch), "sha256": repository["sha256"], "size": repository["size"],
            "requested": sorted(repository["requested"]), "debs": repository["debs"],
        }
    return manifest


def bundle_file(source):
    """Where a file copied or downloaded from ``source`` (a path or a URL) lies in the bundle."""
    return "files/" + os.path.basename(urlsplit(source).path)


def render_manifest(manifest):
    return json.dumps(manifest, indent=2, sort_keys=True) + "\n"


def missing_packages(dpkg_output, wanted):
    """The ``wanted`` packages that ``dpkg-query -W -f='${Package} ${db:Status-Status}\\n'`` does not say are installed."""
    installed = set()
    for line in dpkg_output.splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[1] == "installed":
            installed.add(fields[0].split(":")[0])
    return [name for name in wanted if name not in installed]


def apt_options(root, repository):
    """apt options that read packages from the flat repository ``repository`` only: its own
    sources list, lists and cache under ``root`` (made here); the host's package database stays
    the real one."""
    for directory in ("sources.list.d", "lists/partial", "cache/archives/partial"):
        os.makedirs(os.path.join(root, directory))
    with open(os.path.join(root, "sources.list"), "w") as handle:
        # trusted: the index's sha256 was checked against the manifest; it has no Release signature.
        handle.write("deb [trusted=yes] file:%s ./\n" % repository)
    return [
        "-o", "Dir::Etc::SourceList=%s" % os.path.join(root, "sources.list"),
        "-o", "Dir::Etc::SourceParts=%s" % os.path.join(root, "sources.list.d"),
        "-o", "Dir::State::Lists=%s" % os.path.join(root, "lists"),
        "-o", "Dir::Cache=%s" % os.path.join(root, "cache"),
        "-o", "APT::Get::List-Cleanup=false",
        "-o", "Acquire::Languages=none",
    ]


def _mismatch(label, name, actual, expected):
    return "%s/%s: sha256 is %s, the bundle's manifest says %s: nothing installed" % (label, name, actual, expected)


def _apt(module, step, label):
    rc, out, err = module.run_command(step, environ_update={"DEBIAN_FRONTEND": "noninteractive"})
    if rc != 0:
        raise BundleError("%s: %s failed (rc %d): %s" % (label, " ".join(step[:2] + step[-1:]), rc, (err or out)[-1500:]))
    return out


def plan_install(module, options, index, missing, label):
    """The index's entries of the package files apt needs to install ``missing`` on this host,
    in apt's order: apt (``options``) reads the repository's index and the host's package
    database, and simulates."""
    _apt(module, ["apt-get", "-q"] + options + ["update"], label)
    out = _apt(module, ["apt-get", "-q", "--simulate", "--no-install-recommends"] + options + ["install"] + missing, label)
    plan = []
    for key in simulated_installs(out):
        if key not in index:
            raise BundleError("%s/%s: no %s %s (%s) in it" % (label, PACKAGES_INDEX, key[0], key[1], key[2]))
        plan.append(dict(index[key], package=key[0], version=key[1], architecture=key[2]))
    return plan


def _check_files(repository, plan, label):
    for entry in plan:
        path = os.path.join(repository, entry["file"])
        if not os.path.isfile(path):
            raise BundleError("%s/%s: not on the host: nothing installed" % (label, entry["file"]))
        actual = sha256_file(path)
        if actual != entry["sha256"]:
            raise BundleError(_mismatch(label, entry["file"], actual, entry["sha256"]))


def run_install(module):
    """The bundle_install module: check the index, find the package files the missing packages
    need (all that check mode does), check each, install from them alone, remove them."""
    params = module.params
    names, repository, label = params["names"], params["repository"], params["label"] or params["repository"]
    rc, out, err = module.run_command(["dpkg-query", "-W", "-f=${Package} ${db:Status-Status}\\n"] + names)
    missing = missing_packages(out, names)
    result = {"changed": bool(missing), "installed": [], "missing": missing, "debs": []}
    if not missing:
        return result
    index_path = os.path.join(repository, PACKAGES_INDEX)
    if not os.path.isfile(index_path):
        if module.check_mode:
            # The role copies the index only in a real run.
            return dict(result, msg="would install %s from %s" % (", ".join(missing), label))
        module.fail_json(msg="%s/%s: not on the host (%s)" % (label, PACKAGES_INDEX, index_path), **result)
    actual = sha256_file(index_path)
    if actual != params["sha256"].lower():
        module.fail_json(msg=_mismatch(label, PACKAGES_INDEX, actual, params["sha256"]), **result)
    with open(index_path, encoding="utf-8") as handle:
        index = read_packages_index(handle.read())
    root = tempfile.mkdtemp(prefix="anchorage-bundle-")
    try:
        os.chmod(root, 0o755)  # apt reads the repository as its own _apt user
        options = apt_options(root, repository)
        result["debs"] = plan_install(module, options, index, missing, label)
        if not module.check_mode:
            _check_files(repository, result["debs"], label)
            _apt(module, ["apt-get", "-q", "-y", "--no-install-recommends"] + options + ["install"] + missing, label)
            result["installed"] = missing
    except BundleError as exc:
        module.fail_json(msg=str(exc), **result)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        if not module.check_mode:
            # Installed, or refused: the package files are not needed again (the index stays).
            for entry in result["debs"]:
                path = os.path.join(repository, entry["file"])
                if os.path.isfile(path):
                    os.unlink(path)
    return result


def run_manifest(module):
    """The bundle_manifest module: package archives per architecture, then the manifest."""
    params = module.params
    root = params["path"]

    def control_of(deb):
        rc, out, err = module.run_command(["dpkg-deb", "--field", deb])
        if rc != 0:
            raise BundleError("%s: dpkg-deb cannot read it: %s" % (deb, err.strip()))
        return out

    packages, rebuilt = {}, []
    try:
        for arch, directory in sorted(params["directories"].items()):
            debs = [os.path.join(directory, name) for name in sorted(os.listdir(directory))
                    if name.endswith(".deb")] if os.path.isdir(directory) else []
            if not debs:
                raise BundleError("directories.%s: %s holds no .deb files" % (arch, directory))
            repository = write_repository(debs, control_of, os.path.join(root, os.path.dirname(package_index(arch))),
                                          module.check_mode)
            if repository.pop("changed"):
                rebuilt.append(arch)
            packages[arch] = dict(repository, requested=params["packages"])
        images = [dict(image, file=image["file"] or "images/%s.tar" % image["name"]) for image in params["images"]]
        files = [dict(item, file=item["file"] or bundle_file(item["source"])) for item in params["files"]]
        manifest = build_manifest(root, packages, images, files, module.check_mode)
    except BundleError as exc:
        module.fail_json(msg=str(exc))
    result = apply_text(module, os.path.join(root, MANIFEST), render_manifest(manifest))
    result.update(changed=result["changed"] or bool(rebuilt), packages_rebuilt=rebuilt, manifest=manifest)
    return result

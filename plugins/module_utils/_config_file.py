# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""The one pipeline every config-writing module runs.

A format (``_distribution``, ``_htpasswd``, ``_keepalived``, ``_zot``, ``_k3s``,
``_docker_daemon``, ``_containerd``, ``_ca_certificates``) describes itself once as a
``ConfigFormat`` (or, for formats that keep a set of files in directories, a ``TreeFormat``):
how to build the wanted content from the options, parse the live file, merge the two, render,
which values are secret, its own checker and what its service needs when it changes. It never
calls ``exit_json`` or ``fail_json``: it raises ``Invalid``. ``run()`` does the rest, the same
way for every format:

    options -> secrets masked (before Ansible logs the invocation) -> probe the host -> build
    -> read the file once -> parse -> merge with what others wrote -> render -> test the
    candidate with the service's checker -> write atomically (_files) -> one result:
    changed, diff, backup_file, restart_required, reload_required, plus the format's own keys.

Everything up to the write is ``prepare()``; its ``write()`` is the rest. ``apply()`` does both
for one file; a module writing several files (node_trust) prepares every one before writing any.
"""

from __future__ import annotations

import os
import re

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.anchorage.registry.plugins.module_utils import _files
from ansible_collections.anchorage.registry.plugins.module_utils import _managed_dirs
from ansible_collections.anchorage.registry.plugins.module_utils import _owned_entries
from ansible_collections.anchorage.registry.plugins.module_utils._module import SecretMaskingModule, no_log_strings
from ansible_collections.anchorage.registry.plugins.module_utils._schema import diff_masker

RESTART = "restart"
RELOAD = "reload"


class Invalid(Exception):
    """Input a format refuses: one message per problem, each starting with the option's path."""

    def __init__(self, errors, summary=None):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        self.summary = summary
        super(Invalid, self).__init__(self.message)

    @property
    def message(self):
        text = "; ".join(self.errors)
        return "%s: %s" % (self.summary, text) if self.summary else text


class Merged(object):
    """What ``ConfigFormat.merge`` returns: the new document, what we own in it, warnings."""

    def __init__(self, doc, owned=None, warnings=(), report=None):
        self.doc = doc
        self.owned = owned
        self.warnings = list(warnings)
        self.report = report or {}


class ConfigFormat(object):
    """One file format. Subclasses override what differs; the defaults describe a file we own whole."""

    #: What the service needs once the content changed: RESTART, RELOAD or None (it re-reads by itself).
    signal = None
    #: The file can hold secrets: a new one is created 0600 unless ``mode`` is given.
    private = False
    #: We own entries inside a file others write too; a state file next to it records which.
    owns_entries = False
    #: ((pip name, imported, import traceback), ...) the format needs on the target.
    libraries = ()
    #: Words for error messages ("Invalid Distribution configuration: ...").
    summary = None

    def secrets(self, params):
        """Secret values in the options: masked everywhere, from the invocation log on."""
        return []

    def probe(self, module):
        """Facts about the host the build needs (addresses, installed versions); raise Invalid."""
        return {}

    def build(self, params, facts):
        """The wanted content from the options; raise Invalid naming each bad option."""
        raise NotImplementedError

    def warnings(self, wanted):
        """What the module should tell the user about the wanted content (accepted, but doubtful)."""
        return []

    def parse(self, text, path):
        """The live file (None when absent) as a document; ValueError when it cannot be read."""
        return text

    def file_secrets(self, doc):
        """Secret values already in the live file (old credentials, other writers')."""
        return []

    def merge(self, doc, wanted, owned):
        """A ``Merged``: by default the wanted content replaces the file. ValueError: the live file
        must not be edited (the message names it)."""
        return Merged(wanted)

    def same(self, doc, new_doc):
        """True when the live file already says this: it is then kept byte for byte."""
        return doc == new_doc

    def render(self, doc, path):
        """The file's text."""
        return doc

    def test(self, module, text, path, merged):
        """The service's own check of the candidate text: ``(ran, problem or None)``."""
        return False, None

    def diff(self, path, before, after, merged):
        """The --diff of the file; formats that hold secrets mask them here."""
        return _files.text_diff(path, before, after)

    def report(self, wanted, outcome):
        """Extra return values of the module; ``outcome`` is the ``Merged`` (for a TreeFormat, the
        totals of the write, with ``changed_roots``)."""
        return {}


class CheckedFormat(ConfigFormat):
    """A file the module owns whole, rendered from its options once they pass ``check``:
    subclasses set ``check`` (options -> error messages) and ``text`` (options -> the file's text)."""

    check = None
    text = None

    def build(self, params, facts):
        errors = self.check(params)
        if errors:
            raise Invalid(errors)
        return params

    def render(self, doc, path):
        return self.text(doc)


class TreeFormat(ConfigFormat):
    """A set of files kept in managed directories (``_managed_dirs``): certs.d, hosts.toml.

    ``build`` returns ``{"destinations": [(root, layout, files), ...], ...}``: layout ``tree`` keeps
    ``{directory name: {file name: (text, mode)}}`` under ``root``, layout ``flat`` keeps
    ``{file name: (text, mode)}`` in ``root`` itself. Every directory is checked before the first
    write, so a refusal leaves everything untouched.
    """

    #: The option a refused directory is reported under.
    tree_option = "path"

    def file_secrets(self, doc):
        """Secret values in the files already under the destinations (``doc``: the destinations)."""
        return []


def file_options(path, validate=False, **options):
    """The options every config-writing module shares (doc fragment ``anchorage.registry.config_file``).

    ``path`` is the spec of the file (its default differs per format); ``validate`` adds the
    option that runs the service's own checker on the candidate file.
    """
    spec = dict(path=path, backup=dict(type="bool", default=False))
    if validate:
        spec["validate"] = dict(type="bool", default=True)
    spec.update(options)
    return spec


class OptionsView(object):
    """The module as one of several files' writers sees it: that writer's own options as
    ``params``, everything else shared (check mode, --diff, masked values, warnings, temporary
    directory). File attributes a writer's options lack count as not given."""

    _FILE_ATTRIBUTES = ("mode", "owner", "group", "seuser", "serole", "setype", "selevel", "attributes")

    def __init__(self, module, params):
        self._module = module
        self.params = dict(dict.fromkeys(self._FILE_ATTRIBUTES), **params)

    def __getattr__(self, name):
        return getattr(self._module, name)


def _file_args(module, fmt, path):
    if fmt.private:
        return _files.secret_file_args(module, path)
    return module.load_file_common_arguments(module.params, path=path)


def _signals(fmt, changed):
    return {
        "restart_required": bool(changed) and fmt.signal == RESTART,
        "reload_required": bool(changed) and fmt.signal == RELOAD,
    }


def _config_test(module, fmt, path, before, after, merged):
    """Run the format's checker on a changed candidate: the ``config_test`` result.

    ``disabled`` (validate=false), ``unchanged`` (nothing to test), ``passed``, or ``skipped``
    (the host has no checker, or check mode could not conclude). A refusal raises Invalid, so
    nothing is written.
    """
    if not module.params["validate"]:
        return "disabled"
    if after == before:
        return "unchanged"
    ran, problem = fmt.test(module, after, path, merged)
    if problem:
        if not module.check_mode:
            raise Invalid(problem)
        # In check mode what the checker needs (a user, a script) may only come with the real run.
        module.warn("config test inconclusive in check mode: %s" % problem)
        return "skipped"
    return "passed" if ran else "skipped"


def _tag_secrets(module, diffs):
    """``diffs`` with every value Ansible would mask shown as a keyed tag instead: masked alike,
    a changed password or header leaves both sides equal, and ``--diff`` prints nothing."""
    secrets = sorted((value for value in module.no_log_values if value), key=len, reverse=True)
    if not secrets:
        return diffs
    # One pass, longest first: a secret inside a longer one, or inside a tag, is never re-tagged.
    pattern = re.compile("|".join(re.escape(value) for value in secrets))
    replace = diff_masker(os.urandom(16))

    def tag(text):
        return pattern.sub(lambda match: replace(match.group(0)), text)

    return [dict(diff, before=tag(diff["before"]), after=tag(diff["after"])) for diff in diffs]


class _Prepared(object):
    """What ``prepare`` made ready: everything read, merged, checked and rendered; ``write()``
    writes it and returns the module result."""

    def __init__(self, module, fmt, wanted):
        self.module = module
        self.fmt = fmt
        self.wanted = wanted

    def write(self):
        # Render only (zot_config without a file): nothing on the host changes.
        result = dict(changed=False, **_signals(self.fmt, False))
        result.update(self.fmt.report(self.wanted, Merged(self.wanted)))
        return result


class _PreparedFile(_Prepared):
    """One file: read once, parsed, merged, rendered and tested by ``__init__``; written by ``write``
    (or removed, when ``remove_if`` holds for the merged document)."""

    def __init__(self, module, fmt, wanted, path, remove_if=None):
        super(_PreparedFile, self).__init__(module, fmt, wanted)
        self.path = path
        self.before = _files.read_text(path)
        try:
            doc = fmt.parse(self.before, path)
            owned = _owned_entries.read_state(path) if fmt.owns_entries else None
            module.no_log_values.update(no_log_strings(fmt.file_secrets(doc)))
            self.merged = fmt.merge(doc, wanted, owned)
        except ValueError as exc:  # a live file (or state) we cannot read or must not edit
            raise Invalid("path: %s" % exc)
        self.remove = remove_if is not None and remove_if(self.merged.doc)
        if self.remove:
            self.unchanged = self.before is None
            self.after = None
        else:
            self.unchanged = self.before is not None and fmt.same(doc, self.merged.doc)
            self.after = self.before if self.unchanged else fmt.render(self.merged.doc, path)
        self.config_test = (_config_test(module, fmt, path, self.before, self.after, self.merged)
                            if "validate" in module.params and not self.remove else None)
        self.file_args = _file_args(module, fmt, path)
        # Masked at write time, once every prepared file has added the secrets it found.
        self.diff = fmt.diff(path, self.before, self.after, self.merged) if module._diff else None

    def write(self):
        module, fmt, path = self.module, self.fmt, self.path
        backup = module.params.get("backup", False)
        if self.remove:
            written = _files.remove_file(module, path, backup=backup)
            written["removed"] = [path] if written["content_changed"] else []
            if fmt.owns_entries:  # the record of what we owned in it goes with it
                state = _owned_entries.state_path(path)
                if _files.remove_file(module, state)["changed"]:
                    written["changed"] = True
                    written["removed"].append(state)
        elif fmt.owns_entries:
            written = _owned_entries.save(module, path, self.before, None if self.unchanged else self.after,
                                          self.merged.owned, backup=backup, file_args=self.file_args)
        else:
            written = _files.apply_text(module, path, self.after, backup=backup, file_args=self.file_args)
        if "diff" in written:
            written["diff"] = _tag_secrets(module, [self.diff])[0]
        for warning in self.merged.warnings:
            module.warn(warning)
        content_changed = written.pop("content_changed")
        result = dict(written, **_signals(fmt, content_changed))
        if self.config_test:
            result["config_test"] = self.config_test
        result.update(fmt.report(self.wanted, self.merged))
        return result


class _PreparedTree(_Prepared):
    """Managed directories: every one checked by ``__init__``; synced by ``write``."""

    def __init__(self, module, fmt, wanted):
        super(_PreparedTree, self).__init__(module, fmt, wanted)
        destinations = wanted["destinations"]
        module.no_log_values.update(no_log_strings(fmt.file_secrets(destinations)))
        try:
            for root, layout, files in destinations:
                if layout == "flat":
                    _managed_dirs.check_managed(root)
                else:
                    _managed_dirs.check_tree(root, list(files))
        except ValueError as exc:  # a directory someone else made, or a damaged marker
            raise Invalid("%s: %s" % (fmt.tree_option, exc))

    def write(self):
        module, fmt = self.module, self.fmt
        totals = {"changed": False, "diff": [], "written": [], "removed": [], "left": [], "changed_roots": []}
        for root, layout, files in self.wanted["destinations"]:
            sync = _managed_dirs.sync_dir if layout == "flat" else _managed_dirs.sync_tree
            result = sync(module, root, files)
            if result["changed"]:
                totals["changed"] = True
                totals["changed_roots"].append(root)
            for key in ("diff", "written", "removed", "left"):
                totals[key].extend(result[key])
        for path in totals.pop("left"):
            module.warn("%s was kept: anchorage.registry did not write it" % path)
        if module._diff:
            totals["diff"] = _tag_secrets(module, totals["diff"])
        else:
            totals.pop("diff")
        report = fmt.report(self.wanted, totals)
        totals.pop("changed_roots")
        totals.update(_signals(fmt, totals["changed"]))
        totals.update(report)
        return totals


def prepare(module, fmt, remove_if=None):
    """Everything before the first write for ``module.params``: secrets masked, probe, build, the
    live file read, merged, rendered and tested (a tree: every directory checked). Raises Invalid;
    writes nothing. ``prepare(...).write()`` then writes and returns the module result, so a caller
    with several files prepares them all before writing any.

    ``remove_if`` (one file only): a test of the merged document; when it holds, ``write()``
    removes the file (and the entries recorded beside it) instead, its diff ending ``(absent)``
    and its result listing it in ``removed``. node_trust passes one for files it created, true
    once nothing is left in them."""
    params = module.params
    # Also when the invocation was not logged (task-level no_log), for results and errors.
    module.no_log_values.update(no_log_strings(fmt.secrets(params)))
    facts = fmt.probe(module)
    wanted = fmt.build(params, facts)
    for warning in fmt.warnings(wanted):
        module.warn(warning)
    if isinstance(fmt, TreeFormat):
        return _PreparedTree(module, fmt, wanted)
    path = params.get("path")
    if path is None:
        return _Prepared(module, fmt, wanted)
    return _PreparedFile(module, fmt, wanted, path, remove_if)


def apply(module, fmt):
    """The whole cycle for one file (or tree): ``prepare``, then write; the result, raises Invalid."""
    return prepare(module, fmt).write()


def run(fmt, argument_spec, **module_kwargs):
    """A config-writing module's ``main()``: parse the options, run the cycle, exit."""
    module = SecretMaskingModule(fmt.secrets, argument_spec=argument_spec, **module_kwargs)
    for name, imported, error in fmt.libraries:
        if not imported:
            module.fail_json(msg=missing_required_lib(name), exception=error)
    try:
        result = apply(module, fmt)
    except Invalid as exc:
        module.fail_json(msg=exc.message, errors=exc.errors)
    module.exit_json(**result)

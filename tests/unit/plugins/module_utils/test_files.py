"""_files: the one way modules write files (check mode, diff, backup, modes, atomic rename)."""

from __future__ import annotations

import os
import stat

import pytest

from ansible.module_utils.basic import AnsibleModule
from module_args import patch_module_args

from ansible_collections.anchorage.registry.plugins.module_utils._files import (
    apply_text,
    remove_file,
    secret_file_args,
)


def make_module(tmp_path, check_mode=False, diff=True, **args):
    args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff, _ansible_remote_tmp=str(tmp_path))
    with patch_module_args(args):
        return AnsibleModule(argument_spec=dict(path=dict(type="path")), add_file_common_args=True,
                             supports_check_mode=True)


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_private_file_is_never_readable_by_others(tmp_path, monkeypatch):
    path = str(tmp_path / "secret.yml")
    module = make_module(tmp_path, path=path, mode="0600")
    modes = []
    move = module.atomic_move

    def recording_move(src, dest, *args, **kwargs):
        move(src, dest, *args, **kwargs)
        modes.append(mode_of(dest))  # before apply_text sets the final mode

    monkeypatch.setattr(module, "atomic_move", recording_move)
    old_umask = os.umask(0o022)  # a usual umask, which would make the renamed file 0644
    try:
        apply_text(module, path, "password: x\n", file_args=module.load_file_common_arguments(module.params))
    finally:
        os.umask(old_umask)
    assert modes == [0o600] and mode_of(path) == 0o600


def test_new_file_is_written_with_the_given_mode_and_a_diff(tmp_path):
    path = str(tmp_path / "sub" / "config.yml")
    module = make_module(tmp_path, path=path, mode="0640")
    result = apply_text(module, path, "a: 1\n", file_args=module.load_file_common_arguments(module.params))
    assert result["changed"] and result["content_changed"]
    assert open(path).read() == "a: 1\n"
    assert mode_of(path) == 0o640
    assert result["diff"]["before"] == "" and result["diff"]["after"] == "a: 1\n"
    assert result["diff"]["before_header"].endswith("(absent)")


def test_check_mode_reports_the_change_and_writes_nothing(tmp_path):
    path = str(tmp_path / "sub" / "config.yml")
    module = make_module(tmp_path, check_mode=True, path=path, mode="0600")
    result = apply_text(module, path, "a: 1\n", file_args=module.load_file_common_arguments(module.params))
    assert result["changed"]
    assert not os.path.exists(os.path.dirname(path))


def test_same_text_is_not_rewritten(tmp_path):
    path = tmp_path / "config.yml"
    path.write_text("a: 1\n")
    inode = os.stat(path).st_ino
    module = make_module(tmp_path, path=str(path))
    result = apply_text(module, str(path), "a: 1\n")
    assert not result["changed"]
    assert os.stat(path).st_ino == inode


def test_replacing_keeps_the_live_files_mode_and_makes_a_backup(tmp_path):
    path = tmp_path / "config.yml"
    path.write_text("a: 1\n")
    os.chmod(path, 0o600)
    module = make_module(tmp_path, path=str(path))
    result = apply_text(module, str(path), "a: 2\n", backup=True)
    assert result["changed"]
    assert path.read_text() == "a: 2\n"
    assert mode_of(path) == 0o600
    assert open(result["backup_file"]).read() == "a: 1\n"
    # Nothing but the file and its backup: the temp file was renamed, not left behind.
    assert sorted(os.listdir(tmp_path)) == sorted(["config.yml", os.path.basename(result["backup_file"])])


def test_a_mode_change_alone_is_a_change(tmp_path):
    path = tmp_path / "config.yml"
    path.write_text("a: 1\n")
    os.chmod(path, 0o644)
    module = make_module(tmp_path, path=str(path), mode="0640")
    result = apply_text(module, str(path), "a: 1\n", file_args=module.load_file_common_arguments(module.params))
    assert result["changed"] and not result["content_changed"]
    assert mode_of(path) == 0o640


@pytest.mark.parametrize("mode,expected", [(None, 0o600), ("0644", 0o644)])
def test_secret_files_are_private_unless_a_mode_is_given(tmp_path, mode, expected):
    path = str(tmp_path / "htpasswd")
    module = make_module(tmp_path, path=path, mode=mode)
    apply_text(module, path, "admin:$2y$...\n", file_args=secret_file_args(module, path))
    assert mode_of(path) == expected


def test_remove_file_honours_check_mode(tmp_path):
    path = tmp_path / "hosts.toml"
    path.write_text("server = 'x'\n")
    checked = remove_file(make_module(tmp_path, check_mode=True, path=str(path)), str(path))
    assert checked["changed"] and path.exists()
    removed = remove_file(make_module(tmp_path, path=str(path)), str(path))
    assert removed["changed"] and not path.exists()
    assert removed["diff"]["after"] == ""
    assert not remove_file(make_module(tmp_path, path=str(path)), str(path))["changed"]

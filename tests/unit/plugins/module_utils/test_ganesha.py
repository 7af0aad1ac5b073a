# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ganesha.conf for the NFS server: checks, rendering, and the module on temp files.

nfs-ganesha itself reads the rendered file in molecule day2 (the nfs_server role on a lab host),
where a registry node reads and writes the export with a userspace NFS client.
"""

from __future__ import annotations

import os

import pytest
import yaml

from ansible_collections.anchorage.registry.plugins.module_utils._ganesha import HEADER, check, client_errors, render
from ansible_collections.anchorage.registry.plugins.modules import ganesha_config

EXPORT = {"export_id": 1, "path": "/srv/anchorage/registry", "pseudo": "/registry", "clients": ["10.0.0.11", "10.0.0.12"],
          "access_type": "RW", "squash": "no_root_squash", "anonymous_uid": None, "anonymous_gid": None, "sectype": ["sys"]}
PARAMS = {"port": 2049, "lease_lifetime": 60, "grace_period": 90, "exports": [EXPORT]}


def test_render_exports_over_nfsv4_to_the_listed_clients_only():
    assert render(PARAMS) == HEADER + """\
NFS_CORE_PARAM {
    Protocols = 4;
    NFS_Port = 2049;
}

NFSV4 {
    Lease_Lifetime = 60;
    Grace_Period = 90;
}

EXPORT {
    Export_Id = 1;
    Path = "/srv/anchorage/registry";
    Pseudo = "/registry";
    Protocols = 4;
    Transports = TCP;
    SecType = sys;
    Access_Type = None;
    FSAL {
        Name = VFS;
    }
    CLIENT {
        Clients = 10.0.0.11, 10.0.0.12;
        Access_Type = RW;
        Squash = no_root_squash;
    }
}
"""


def test_render_gives_the_anonymous_ids_only_when_set():
    text = render(dict(PARAMS, exports=[dict(EXPORT, squash="all_squash", anonymous_uid=-2, anonymous_gid=999)]))
    assert "        Squash = all_squash;\n        Anonymous_Uid = -2;\n        Anonymous_Gid = 999;\n    }" in text
    assert "Anonymous" not in render(PARAMS)


@pytest.mark.parametrize("value", ["10.0.0.11", "10.0.0.0/24", "fd00::1", "fd00::/64", "reg1.example.net", "*.example.net",
                                   "reg?.example.net", "@registry-nodes"])
def test_clients_ganesha_reads(value):
    assert client_errors(value, "clients[0]") == []


@pytest.mark.parametrize("value, expected", [
    ("*", "clients[0]: '*' lets every host in"),
    ("0.0.0.0/0", "clients[0]: '0.0.0.0/0' lets every host in"),
    ("::/0", "clients[0]: '::/0' lets every host in"),
    ("10.0.0.300", "clients[0]: '10.0.0.300' is not an IP address or CIDR network"),
    ("10.0.0.0/33", "clients[0]: '10.0.0.0/33' is not an IP address or CIDR network"),
    ("reg1 reg2", "clients[0]: 'reg1 reg2' is not an IP address, a CIDR network, a host name or @netgroup"),
    ('"reg1"', "clients[0]: '\"reg1\"' is not an IP address"),
    ("reg1;", "clients[0]: 'reg1;' is not an IP address"),
    ("", "clients[0]: give an IP address"),
])
def test_clients_refused(value, expected):
    errors = client_errors(value, "clients[0]")
    assert errors and errors[0].startswith(expected), errors


@pytest.mark.parametrize("changes, expected", [
    ({"port": 0}, "port: 0 is not a port number"),
    ({"lease_lifetime": 121}, "lease_lifetime: 121 is outside 0-120 seconds"),
    ({"grace_period": 181}, "grace_period: 181 is outside 0-180 seconds"),
    ({"grace_period": 30}, "grace_period: 30 is shorter than lease_lifetime (60)"),
    ({"exports": []}, "exports: give at least one export"),
    ({"exports": [dict(EXPORT, export_id=0)]}, "exports[0].export_id: 0 is outside 1-65535"),
    ({"exports": [dict(EXPORT, path="srv/registry")]}, "exports[0].path: 'srv/registry' must be an absolute path"),
    ({"exports": [dict(EXPORT, path='/srv/"x')]}, "exports[0].path: '/srv/\"x' must be an absolute path"),
    ({"exports": [dict(EXPORT, path="/srv/../etc")]}, "exports[0].path: '/srv/../etc' is not a normalised path (write /etc)"),
    ({"exports": [dict(EXPORT, path="/")]}, "exports[0].path: '/' cannot be exported"),
    ({"exports": [dict(EXPORT, pseudo="/registry/")]}, "exports[0].pseudo: '/registry/' is not a normalised path (write /registry)"),
    ({"exports": [dict(EXPORT, clients=[])]}, "exports[0].clients: give at least one client"),
    ({"exports": [dict(EXPORT, clients=["10.0.0.11", "*"])]}, "exports[0].clients[1]: '*' lets every host in"),
    ({"exports": [dict(EXPORT, sectype=[])]}, "exports[0].sectype: give at least one of sys"),
    ({"exports": [dict(EXPORT, anonymous_uid=4294967296)]}, "exports[0].anonymous_uid: 4294967296 is outside"),
    ({"exports": [EXPORT, dict(EXPORT, path="/srv/other")]}, "exports[1].export_id: 1 is listed twice"),
    ({"exports": [EXPORT, dict(EXPORT, export_id=2)]}, "exports[1].pseudo: '/registry' is listed twice"),
])
def test_bad_options_are_named(changes, expected):
    errors = check(dict(PARAMS, **changes))
    assert any(error.startswith(expected) for error in errors), errors


def _args(path, **changes):
    args = dict(PARAMS, path=str(path), mode="0644")
    args.update(changes)
    return args


def test_the_module_writes_once_then_reports_nothing_to_do(run_module, tmp_path):
    path = tmp_path / "ganesha.conf"
    result = run_module(ganesha_config, _args(path))
    assert result["changed"] and result["restart_required"] and not result["reload_required"]
    assert result["pseudo_paths"] == ["/registry"]
    assert path.read_text() == render(PARAMS)
    assert oct(path.stat().st_mode & 0o777) == "0o644"
    again = run_module(ganesha_config, _args(path))
    assert not again["changed"] and not again["restart_required"]


def test_check_mode_and_diff_say_what_would_change_and_write_nothing(run_module, tmp_path):
    path = tmp_path / "ganesha.conf"
    path.write_text(render(PARAMS))
    result = run_module(ganesha_config, _args(path, grace_period=120), check_mode=True, diff=True)
    assert result["changed"] and result["restart_required"]
    assert "Grace_Period = 90;" in result["diff"]["before"] and "Grace_Period = 120;" in result["diff"]["after"]
    assert path.read_text() == render(PARAMS)


def test_bad_input_writes_nothing(run_module, tmp_path):
    path = tmp_path / "ganesha.conf"
    path.write_text("# live\n")
    export = dict(EXPORT, clients=["*"])
    result = run_module(ganesha_config, _args(path, exports=[export]))
    assert result["failed"] and result["errors"] == [
        "exports[0].clients[0]: '*' lets every host in; list the registry nodes' addresses or their network"]
    assert path.read_text() == "# live\n"


def test_the_argument_spec_refuses_an_unknown_squash(run_module, tmp_path):
    path = tmp_path / "ganesha.conf"
    result = run_module(ganesha_config, _args(path, exports=[dict(EXPORT, squash="no_squash")]))
    assert result["failed"] and "squash" in result["msg"] and not path.exists()


def test_the_role_removes_only_files_that_start_with_this_header():
    # roles/nfs_server removes ganesha_config's file on absent only when it starts with the role's copy of the header.
    path = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "roles", "nfs_server", "vars", "main.yml")
    with open(path) as handle:
        header = yaml.safe_load(handle)["__nfs_server_config_header"]
    assert HEADER.startswith(header) and len(header) > len("# Managed by anchorage.registry")

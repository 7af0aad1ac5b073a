# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import http.server
import os
import socket
import threading

from ansible_collections.anchorage.registry.plugins.module_utils import _precheck

# Real lines of /proc/net/tcp and tcp6: 127.0.0.1:5000 listening, 0.0.0.0:22 listening, an
# established connection, [::]:5000 listening.
TCP = """  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1388 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0 100 0 0 10 0
   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 17 1 0 100 0 0 10 0
   2: 0100007F:1388 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0 20 4 30 10 -1
"""
TCP6 = """  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1388 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 99 1 0 100 0 0 10 0
   1: 0000000000000000FFFF00000100007F:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 98 1 0 100 0 0 10 0
"""


def test_listening_sockets_are_read_from_the_kernel_tables():
    assert _precheck.parse_proc_net(TCP) == [
        {"address": "127.0.0.1", "port": 5000, "inode": "4242"},
        {"address": "0.0.0.0", "port": 22, "inode": "17"},
    ]
    assert _precheck.parse_proc_net(TCP6, ipv6=True) == [
        {"address": "::", "port": 5000, "inode": "99"},
        {"address": "127.0.0.1", "port": 80, "inode": "98"},
    ]


def _listener(address, port=5000, ours=False):
    return {"address": address, "port": port, "pid": 7, "command": "nginx", "ours": ours}


def test_a_port_another_process_holds_is_named_with_its_holder():
    errors = _precheck.bind_errors([_listener("0.0.0.0")], "", 5000, ["10.0.0.5"], "registry_bind_address", "registry_port")
    assert errors == ["registry_port: 5000 is taken on 0.0.0.0 by nginx (pid 7)"]


def test_our_own_registry_and_other_addresses_and_ports_do_not_count():
    listeners = [_listener("0.0.0.0", ours=True), _listener("127.0.0.1", port=5001), _listener("10.0.0.6")]
    assert _precheck.bind_errors(listeners, "10.0.0.5", 5000, ["10.0.0.5", "10.0.0.6"], "a", "p") == []


def test_a_wildcard_collides_with_one_address_and_one_address_with_a_wildcard():
    assert _precheck.bind_errors([_listener("127.0.0.1")], "0.0.0.0", 5000, [], "a", "p") == [
        "p: 5000 is taken on 127.0.0.1 by nginx (pid 7)"]
    assert _precheck.bind_errors([_listener("::")], "10.0.0.5", 5000, ["10.0.0.5"], "a", "p") == [
        "p: 5000 is taken on :: by nginx (pid 7)"]


def test_an_address_the_host_lacks_is_named():
    errors = _precheck.bind_errors([], "192.0.2.9", 5000, ["10.0.0.5", "127.0.0.1"], "registry_bind_address", "p")
    assert errors == ["registry_bind_address: 192.0.2.9 is not an address of this host (it has 10.0.0.5, 127.0.0.1);"
                      " give one of them, or 0.0.0.0 or :: for all"]
    assert _precheck.bind_errors([], "[fd00::1]", 5000, ["fd00::1"], "a", "p") == []


def test_our_container_is_found_by_cgroup_or_by_the_docker_proxy_forwarding_to_it():
    ours = {"ids": ["abc123"], "ips": ["172.17.0.2"]}
    assert _precheck.is_ours("0::/docker/lab1/docker/abc123\n", ["/bin/registry", "serve"], ours)
    assert _precheck.is_ours("", ["/usr/sbin/docker-proxy", "-proto", "tcp", "-container-ip", "172.17.0.2"], ours)
    assert not _precheck.is_ours("", ["/usr/sbin/docker-proxy", "-container-ip", "172.17.0.3"], ours)
    assert not _precheck.is_ours("0::/system.slice/nginx.service\n", ["nginx"], ours)


def test_a_real_listener_of_this_process_is_found_with_its_pid():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        port = server.getsockname()[1]
        found = _precheck.probe_listeners({port}, {"ids": [], "ips": []})
    finally:
        server.close()
    assert [(item["address"], item["port"], item["pid"], item["ours"]) for item in found] == [
        ("127.0.0.1", port, os.getpid(), False)]


def test_disk_of_a_directory_not_created_yet_is_its_parents():
    disk = _precheck.probe_disk("/tmp/anchorage-precheck-not-there/data")
    assert disk["checked"] == "/tmp" and 0 < disk["free_bytes"] <= disk["total_bytes"]


def test_a_real_registry_answering_and_one_refusing_connections():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(401 if self.path == "/v2/" else 404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        url = "http://127.0.0.1:%d" % server.server_address[1]
        assert _precheck.probe_registry(url, "", 5) == {"url": url + "/v2/", "status": 401, "error": None}
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    refused = _precheck.probe_registry(url, "", 5)
    assert refused["status"] is None and "refused" in refused["error"].lower()


def _facts(**changes):
    facts = {"listeners": [], "disks": [{"path": "/data", "checked": "/", "free_bytes": 20 << 30, "total_bytes": 40 << 30}],
             "memory_bytes": 4 << 30, "cpus": 2, "time": 1000.0, "versions": {"engine": "20.10.24", "compose": None},
             "names": {"reg1": ["10.0.0.5"]}, "registries": [{"url": "https://reg1:5000/v2/", "status": 401, "error": None}]}
    facts.update(changes)
    return facts


MINIMUMS = {"memory_mb": 1024, "cpus": 1, "free_disk_mb": 10240, "engine": "20.10", "compose": "1.29"}


def test_a_good_host_has_no_problem():
    hosts = {"reg1": {"facts": _facts(), "minimums": MINIMUMS, "host_addresses": ["10.0.0.5"], "need_engine": True,
                      "binds": [{"address": "", "port": 5000, "where_address": "a", "where_port": "p"}]}}
    assert _precheck.problems(hosts, 5) == []
    assert _precheck.table([]) == ["no problem"]


def test_every_problem_of_every_host_is_one_row():
    small = {"path": "/data", "checked": "/mnt", "free_bytes": 5 << 20, "total_bytes": 8 << 20}
    bad = _facts(listeners=[_listener("0.0.0.0")], disks=[small],
                 memory_bytes=512 << 20, cpus=1, time=1100.0, versions={"engine": "19.03.1", "compose": "1.29.2"},
                 names={"reg1": []}, registries=[{"url": "https://reg1:5000/v2/", "status": None, "error": "certificate verify failed"}])
    hosts = {
        "good1": {"facts": _facts(), "minimums": MINIMUMS, "host_addresses": []},
        "good2": {"facts": _facts(versions={"engine": None, "compose": "1.0"}), "minimums": MINIMUMS, "host_addresses": []},
        "bad": {"facts": bad, "minimums": MINIMUMS, "host_addresses": ["10.0.0.5"], "need_engine": True, "need_compose": True,
                "binds": [{"address": "", "port": 5000, "where_address": "registry_bind_address", "where_port": "registry_port"}]},
    }
    rows = _precheck.problems(hosts, 5, unreachable=["gone"])
    assert rows.pop(0) == {"host": "gone", "check": "reach", "severity": "blocking",
                           "detail": "could not be read (unreachable or failed)"}
    assert [(row["host"], row["check"], row["severity"]) for row in rows] == [
        ("bad", "port", "blocking"), ("bad", "disk", "blocking"), ("bad", "memory", "blocking"),
        ("bad", "engine", "blocking"), ("bad", "time", "blocking"), ("bad", "names", "blocking"),
        ("bad", "registry", "blocking"), ("good2", "compose", "warning"),
    ]
    assert rows[1]["detail"] == "/data: 5 MiB free on /mnt, fewer than 10240 MiB"
    assert rows[4]["detail"].startswith("clock +100 s off")
    assert rows[6]["detail"] == "https://reg1:5000/v2/: certificate verify failed"
    lines = _precheck.table(rows)
    assert lines[0].split() == ["HOST", "CHECK", "SEVERITY", "DETAIL"]
    assert len(lines) == 9 and lines[1].index("port") == lines[0].index("CHECK")


def test_node_trust_registries_become_urls_with_their_ca_and_names_to_resolve():
    registries = [{"host": "reg1.example:5000", "ca": "PEM1", "mirrors": ["docker.io"]},
                  {"host": "10.0.0.5:5000", "insecure": True},
                  {"host": "[fd00::1]:5443", "ca_file": "files/ca.crt"},
                  {"host": "reg1.example", "username": "u", "password": "p"}]
    assert _precheck.targets(registries, {"files/ca.crt": "PEM2"}) == {
        "registries": [{"url": "https://reg1.example:5000", "ca": "PEM1"}, {"url": "http://10.0.0.5:5000", "ca": ""},
                       {"url": "https://[fd00::1]:5443", "ca": "PEM2"}, {"url": "https://reg1.example", "ca": ""}],
        "names": ["reg1.example", "10.0.0.5", "fd00::1"],
    }

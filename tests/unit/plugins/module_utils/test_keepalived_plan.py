# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The keepalived role's plan: router ids and passwords, priorities, health-check commands.

Health-check commands are read back two ways: by a model of keepalived's script-line parsing for
both generations (before 2.3.2 a line is unescaped twice, from 2.3.2 on once), and by the real
keepalived installed here, which runs the script in a network namespace of its own.
"""

from __future__ import annotations

import os
import random
import shutil
import string
import subprocess
import time

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils._keepalived import render
from ansible_collections.anchorage.registry.plugins.module_utils._keepalived_plan import (
    argument_error,
    cluster_shared,
    command_line,
    container_tracks,
    health_scripts,
    host_instances,
)

CHECK = "/usr/local/libexec/anchorage/keepalived-check-http"
KINDS = {  # roles/keepalived/vars/main.yml
    "distribution": {"url": "http://127.0.0.1:5000/v2/", "status_codes": [200, 401], "reject_pattern": ""},
    "zot": {"url": "http://127.0.0.1:5000/readyz", "status_codes": [200], "reject_pattern": ""},
    "harbor": {"url": "https://127.0.0.1/api/v2.0/health", "status_codes": [200], "reject_pattern": "unhealthy"},
    "http": {"url": "", "status_codes": [200], "reject_pattern": ""},
}
TIMERS = {"interval": 1, "timeout": 1, "fall": 2, "rise": 2}
KEEPALIVED = "/usr/sbin/keepalived"


def scripts(*checks, command=CHECK):
    return health_scripts(list(checks), KINDS, command, TIMERS)


def commands(*checks):
    return [script["command"] for script in scripts(*checks)]


# --- router ids and passwords -------------------------------------------------------------------

def test_given_values_win_then_live_ones_then_new_ones():
    live = {"ONE": {"virtual_router_id": 12, "auth_pass": "livepass", "version": 2},
            "TWO": {"virtual_router_id": 13, "auth_pass": "livepass", "version": 2}}
    instances = [{"name": "ONE", "virtual_router_id": 51, "auth_pass": "given", "version": 2},
                 {"name": "TWO", "version": 2},
                 {"name": "NEW", "version": 2}]
    shared = cluster_shared(instances, live, 3)
    assert shared["ONE"] == {"virtual_router_id": 51, "auth_pass": "given"}
    assert shared["TWO"] == {"virtual_router_id": 13, "auth_pass": "livepass"}
    assert shared["NEW"]["virtual_router_id"] not in (51, 12, 13)
    assert len(shared["NEW"]["auth_pass"]) == 8 and set(shared["NEW"]["auth_pass"]) <= set(string.ascii_letters + string.digits)


def test_a_new_router_id_is_one_nobody_uses():
    # Every id but 200 is taken by a given instance, a live one or one allocated in this run.
    instances = [{"name": "I%d" % number, "virtual_router_id": number} for number in range(1, 199)]
    instances += [{"name": "NEW"}, {"name": "LAST"}]
    live = {"OLD": {"virtual_router_id": 199}, "GONE": {"virtual_router_id": None}}
    live.update(("L%d" % number, {"virtual_router_id": number}) for number in range(201, 256))
    with pytest.raises(ValueError, match=r"^keepalived_instances: no free virtual_router_id \(1-255\) for LAST$"):
        cluster_shared(instances, live, 3, random.Random(1))
    assert cluster_shared(instances[:-1], live, 3, random.Random(1))["NEW"]["virtual_router_id"] == 200


def test_passwords_only_for_vrrp_version_2():
    shared = cluster_shared([{"name": "DEFAULT"}, {"name": "V3", "version": 3}, {"name": "GIVEN3", "version": 3, "auth_pass": "x"},
                             {"name": "NULL", "version": None}, {"name": "TEXT", "version": "2"}], {}, 2)
    assert shared["DEFAULT"]["auth_pass"] and shared["TEXT"]["auth_pass"]
    assert shared["V3"]["auth_pass"] is None and shared["NULL"]["auth_pass"] is None
    # Passed on, so that keepalived_config refuses it by name.
    assert shared["GIVEN3"]["auth_pass"] == "x"
    assert cluster_shared([{"name": "V3"}], {}, 3)["V3"]["auth_pass"] is None


def test_new_values_come_from_the_random_source_given():
    first = cluster_shared([{"name": "A", "version": 2}], {}, 3, random.Random(7))
    assert first == cluster_shared([{"name": "A", "version": 2}], {}, 3, random.Random(7))
    assert first != cluster_shared([{"name": "A", "version": 2}], {}, 3, random.Random(8))


def test_router_ids_given_as_text_are_numbers():
    assert cluster_shared([{"name": "A", "virtual_router_id": "51"}], {}, 3)["A"]["virtual_router_id"] == 51


# --- one host's instances -----------------------------------------------------------------------

SHARED = {"ONE": {"virtual_router_id": 51, "auth_pass": None}, "TWO": {"virtual_router_id": 52, "auth_pass": "pw"}}
DEFAULTS = {"state": "BACKUP", "version": 3, "advert_int": 0.5, "nopreempt": True, "track_scripts": ["registry"]}


def priorities(host, hosts=("a", "b", "c")):
    instances = host_instances([{"name": "ONE"}, {"name": "TWO"}], SHARED, list(hosts), host, DEFAULTS, 200, 10)
    return [instance["priority"] for instance in instances]


def test_priorities_rotate_over_hosts_per_instance():
    assert [priorities(host) for host in ("a", "b", "c")] == [[200, 190], [190, 180], [180, 200]]
    assert priorities("a", hosts=["a"]) == [200, 200]


def test_defaults_then_the_instance_then_what_the_cluster_shares():
    instances = [{"name": "ONE", "priority": 150, "advert_int": 1, "track_scripts": [], "virtual_router_id": 9},
                 {"name": "TWO", "version": 2, "auth_pass": "given"}]
    assert host_instances(instances, SHARED, ["a", "b"], "b", DEFAULTS, "200", "10") == [
        {"name": "ONE", "state": "BACKUP", "version": 3, "advert_int": 1, "nopreempt": True, "track_scripts": [],
         "priority": 150, "virtual_router_id": 51, "auth_pass": None, "track_files": []},
        {"name": "TWO", "state": "BACKUP", "version": 2, "advert_int": 0.5, "nopreempt": True, "track_scripts": ["registry"],
         "priority": 200, "virtual_router_id": 52, "auth_pass": "pw", "track_files": []},
    ]


def test_a_host_outside_the_cluster_is_an_error():
    with pytest.raises(ValueError) as caught:
        priorities("z")
    assert str(caught.value) == "keepalived_cluster_hosts: ['a', 'b', 'c'] does not list z"


def test_an_instance_tracks_the_container_of_each_check_it_tracks():
    tracks = container_tracks([{"name": "registry", "container": "anchorage-registry"}, {"name": "metrics"}], "/var/lib/x/")
    assert tracks == [{"name": "registry", "path": "/var/lib/x/anchorage-registry.down", "weight": 0}]
    instances = host_instances([{"name": "ONE"}, {"name": "TWO", "track_scripts": ["metrics"]}], SHARED, ["a"], "a",
                               dict(DEFAULTS, track_scripts=["registry", "metrics"]), 200, 10, tracks)
    assert [instance["track_files"] for instance in instances] == [["registry"], []]


def test_a_container_name_docker_refuses_is_named():
    with pytest.raises(ValueError) as caught:
        container_tracks([{"name": "a", "container": "ok"}, {"name": "b", "container": "../etc"}], "/d")
    assert str(caught.value) == "keepalived_checks[1].container: '../etc' is not a container name (letters, digits, '_', '.', '-')"


@pytest.mark.parametrize("defaults, base, step, hosts, expected", [
    ({"advert_int": 0, "version": 3}, 200, 10, 2, ["keepalived_advert_int: VRRPv3 takes 0.01-40.95 seconds in steps of 0.01, got 0"]),
    ({"advert_int": "0.2", "version": "2"}, 200, 10, 2,
     ["keepalived_advert_int: VRRPv2 sends adverts in whole seconds (1-255), got 0.2", "use version 3 for sub-second adverts"]),
    ({}, 255, 10, 2, ["keepalived_priority_base: 255 is outside 1-254"]),
    ({}, "200", -1, 2, ["keepalived_priority_step: -1 is outside 0-253"]),
    ({}, 20, 10, 3, ["keepalived_priority_step: 10 x 2 hosts below keepalived_priority_base 20 leaves the last host priority 0, outside 1-254"]),
])
def test_role_wide_numbers_are_checked_by_variable_name(defaults, base, step, hosts, expected):
    names = ["h%d" % number for number in range(hosts)]
    with pytest.raises(ValueError) as caught:
        host_instances([{"name": "ONE"}], SHARED, names, "h0", dict(DEFAULTS, **defaults), base, step)
    assert str(caught.value).split("; ") == expected


def test_role_wide_numbers_given_as_strings_are_accepted():
    instances = host_instances([{"name": "ONE"}], SHARED, ["a", "b"], "b", dict(DEFAULTS, advert_int="1", version="2"), "200", "10")
    assert instances[0]["priority"] == 190


# --- health-check commands ----------------------------------------------------------------------

def test_each_kind_gives_its_url_codes_and_pattern():
    assert commands({"name": "registry"}, {"name": "zot", "kind": "zot"}, {"name": "harbor", "kind": "harbor"}) == [
        CHECK + " -c 200,401 -t 1 http://127.0.0.1:5000/v2/",
        CHECK + " -c 200 -t 1 http://127.0.0.1:5000/readyz",
        CHECK + " -c 200 -t 1 -r unhealthy -k https://127.0.0.1/api/v2.0/health",
    ]


def test_a_check_overrides_what_its_kind_gives():
    assert commands({"name": "a", "kind": "harbor", "reject_pattern": "", "status_codes": [200, 204], "timeout": 3,
                     "url": "https://registry.example/health", "validate_certs": True}) == [
        CHECK + " -c 200,204 -t 3 https://registry.example/health"]


@pytest.mark.parametrize("check, tls", [
    ({}, ["-k"]),                                               # loopback https: no certificate check
    ({"validate_certs": True}, []),
    ({"validate_certs": "yes"}, []),                            # as the role's bool filter read it
    ({"validate_certs": False, "ca_file": "/etc/ca.pem"}, ["-a", "/etc/ca.pem"]),   # a CA implies checks
    ({"url": "http://127.0.0.1/health"}, []),
])
def test_certificate_checks(check, tls):
    command = commands(dict(check, name="a", kind="harbor", reject_pattern=""))[0].split(" ")
    assert command[5:-1] == tls


def test_timers_default_from_the_role_and_checks_start_failed():
    assert scripts({"name": "a"}, {"name": "b", "interval": 5, "timeout": 2, "fall": 3, "rise": 4, "weight": -20}) == [
        {"name": "a", "command": CHECK + " -c 200,401 -t 1 http://127.0.0.1:5000/v2/", "init_fail": True,
         "interval": 1, "timeout": 1, "fall": 2, "rise": 2, "weight": None},
        {"name": "b", "command": CHECK + " -c 200,401 -t 2 http://127.0.0.1:5000/v2/", "init_fail": True,
         "interval": 5, "timeout": 2, "fall": 3, "rise": 4, "weight": -20},
    ]


def test_words_with_spaces_are_single_quoted():
    assert commands({"name": "a", "kind": "http", "url": "http://127.0.0.1/a b#c!d$e", "reject_pattern": "is down",
                     "ca_file": "/etc/my certs/ca.pem"}) == [
        CHECK + " -c 200 -t 1 -r 'is down' -a '/etc/my certs/ca.pem' 'http://127.0.0.1/a b#c!d$e'"]
    assert command_line(["/bin/x", "", "a  b"]) == "/bin/x '' 'a  b'"


def test_what_keepalived_cannot_take_is_refused_by_name_all_at_once():
    with pytest.raises(ValueError) as caught:
        scripts({"name": "a", "kind": "http"}, {"name": "b", "kind": "http", "url": ""},
                {"name": "c", "url": "http://127.0.0.1/it's"}, {"name": "d", "kind": "harbor", "reject_pattern": '"status":"unhealthy"'},
                {"name": "e", "ca_file": "C:\\ca.pem", "url": "https://127.0.0.1/"}, {"name": "f", "kind": "nfs"},
                command="/opt/my\tchecks/check")
    assert str(caught.value).split("; ") == [
        "keepalived_checks: a, b of kind http need a url",
        "keepalived_check_command: " + argument_error("/opt/my\tchecks/check"),
        "keepalived_checks[2].url: " + argument_error("http://127.0.0.1/it's"),
        "keepalived_checks[3].reject_pattern: " + argument_error('"status":"unhealthy"'),
        "keepalived_checks[4].ca_file: " + argument_error("C:\\ca.pem"),
        "keepalived_checks[5].kind: 'nfs' is not one of distribution, harbor, http, zot",
    ]
    with pytest.raises(ValueError) as caught:
        health_scripts([{"name": "a", "status_codes": [200, 99, "600"]}], KINDS, CHECK,
                       {"interval": 0, "timeout": "1", "fall": 2, "rise": 1000001})
    assert str(caught.value).split("; ") == [
        "keepalived_check_interval: 0 is outside 1-4294 seconds",
        "keepalived_check_rise: 1000001 is outside 1-1000000",
        "keepalived_checks[0].status_codes[1]: 99 is outside 100-599",
        "keepalived_checks[0].status_codes[2]: 600 is outside 100-599",
    ]
    assert argument_error("http://127.0.0.1/it's").startswith("\"http://127.0.0.1/it's\" holds a quote, a backslash")
    assert argument_error("http://127.0.0.1/a b") is None


# --- how keepalived reads the script line back --------------------------------------------------

_BLANKS = " \t\f\n\r\v"


def _decomment(line):
    """keepalived drops a line's comment: # or ! outside double quotes (no backslashes here)."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char in "#!" and not quoted:
            return line[:index].strip()
    return line.strip()


def _words(text, escapes):
    """keepalived's split: blanks end a word, '...' and "..." group, a backslash takes the next character.

    Only the plain escape (``\\x`` for ``x``) is modelled; with ``escapes`` False it stays as written.
    """
    words, word, quote, started, index = [], "", None, False, 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            word += text[index + 1] if escapes else text[index:index + 2]
            started, index = True, index + 2
            continue
        if quote:
            quote = None if char == quote else quote
            word += "" if quote is None else char
        elif char in "'\"":
            quote, started = char, True
        elif char in _BLANKS:
            if started:
                words.append(word)
            word, started = "", False
        else:
            word, started = word + char, True
        index += 1
    if quote:
        raise ValueError("missing terminating %s" % quote)
    return words + [word] if started else words


def keepalived_argv(line, before_2_3_2):
    """The argv keepalived runs for a ``script "..."`` line: the line is split (unescaped only
    before 2.3.2), then its second word is split again, unescaped."""
    keyword, command = _words(_decomment(line), escapes=before_2_3_2)[:2]
    assert keyword == "script"
    return _words(command, escapes=True)


def script_line(script):
    return [line.strip() for line in render([], [script]).splitlines() if line.strip().startswith("script ")][0]


ODD_CHECK = {"name": "odd", "kind": "http", "url": "http://127.0.0.1:8080/a b#c!d$HOME", "reject_pattern": "is  down",
             "ca_file": "/etc/my certs/ca.pem", "status_codes": [200, 204]}
ODD_ARGV = [CHECK, "-c", "200,204", "-t", "1", "-r", "is  down", "-a", "/etc/my certs/ca.pem", "http://127.0.0.1:8080/a b#c!d$HOME"]


@pytest.mark.parametrize("before_2_3_2", [True, False])
def test_both_keepalived_generations_read_the_same_argv(before_2_3_2):
    for check, argv in [({"name": "plain"}, [CHECK, "-c", "200,401", "-t", "1", "http://127.0.0.1:5000/v2/"]), (ODD_CHECK, ODD_ARGV)]:
        assert keepalived_argv(script_line(scripts(check)[0]), before_2_3_2) == argv


def test_the_generations_differ_on_quotes_and_backslashes_which_is_why_they_are_refused():
    line = 'script "/bin/check c\\\'d"'
    with pytest.raises(ValueError):
        keepalived_argv(line, before_2_3_2=True)
    assert keepalived_argv(line, before_2_3_2=False) == ["/bin/check", "c'd"]


# --- the real keepalived ------------------------------------------------------------------------

needs_keepalived = pytest.mark.skipif(
    not (os.path.exists(KEEPALIVED) and os.geteuid() == 0 and shutil.which("unshare") and shutil.which("ip")),
    reason="needs root, unshare, ip and keepalived (%s)" % KEEPALIVED)

# A network namespace of its own: a veth pair, so VRRP has a real interface and sends nothing out.
_NETNS = "ip link add v0 type veth peer name v1 && ip link set v1 up && ip link set v0 up && ip addr add 10.9.9.1/24 dev v0 && "


def _config(tmp_path, command):
    script = dict(scripts(ODD_CHECK, command=command)[0], init_fail=False)
    instance = {"name": "TEST", "interface": "v0", "virtual_router_id": 51, "priority": 100, "vips": ["10.9.9.100/24"],
                "track_scripts": ["odd"]}
    path = tmp_path / "keepalived.conf"
    path.write_text(render([instance], [script], script_user="root"))
    return path


def _recorder(tmp_path):
    """An executable that writes its arguments, NUL-separated, to ``argv.out``."""
    out = tmp_path / "argv.out"
    recorder = tmp_path / "record-argv"
    recorder.write_text("#!/bin/sh\nprintf '%%s\\0' \"$@\" > %s\n" % out)
    recorder.chmod(0o755)
    return str(recorder), out


@needs_keepalived
def test_keepalived_config_test_accepts_the_line(tmp_path):
    recorder = _recorder(tmp_path)[0]
    done = subprocess.run(["unshare", "-n", "sh", "-c", _NETNS + 'exec "$0" --config-test --use-file "$1"', KEEPALIVED,
                           str(_config(tmp_path, recorder))], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


@needs_keepalived
def test_keepalived_runs_the_check_with_each_value_as_one_argument(tmp_path):
    recorder, out = _recorder(tmp_path)
    config = _config(tmp_path, recorder)
    command = _NETNS + 'exec "$0" --dont-fork --log-console --vrrp --use-file "$1" --pid "$2.pid" --vrrp_pid "$2.vrrp.pid"'
    process = subprocess.Popen(["unshare", "-n", "sh", "-c", command, KEEPALIVED, str(config), str(tmp_path / "keepalived")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 15
        while not (out.exists() and out.read_bytes()) and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
    finally:
        process.terminate()
        log = process.communicate(timeout=30)[0]
    assert out.exists(), log
    assert out.read_bytes().decode().split("\0")[:-1] == ODD_ARGV[1:], log

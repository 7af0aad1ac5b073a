#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: keepalived_config
short_description: Write a checked keepalived.conf for VRRP virtual IPs
version_added: 0.1.0
description:
  - Renders C(keepalived.conf) from typed VRRP instances and health-check scripts, checks it, and
    replaces the live file atomically only when its content changes.
  - Before anything is written the module rejects bad input naming the option, for example a VIP
    outside every interface's subnet on the host, two instances with one router id on one
    interface, or a priority outside 1-254.
  - Finds each instance's interface from its VIPs' subnet when O(instances[].interface) is not
    given, from the host's addresses - O(addresses) when given, else the host's own
    (C(ip -json address show)). With O(addresses) and O(validate=false) the module needs nothing
    from the host, so its checks can run in check mode on the controller before any host is touched.
  - Runs C(keepalived --config-test) on the new text in a temporary file before it replaces the
    live one (O(validate)).
  - Does not reload keepalived. It returns RV(reload_required) so that a handler reloads (SIGHUP)
    once, only when the content changed.
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.attributes
  - anchorage.registry.config_file
  - anchorage.registry.config_file.FILE
  - anchorage.registry.config_file.VALIDATE
  - ansible.builtin.files
options:
  path:
    description: The keepalived configuration file.
    type: path
    default: /etc/keepalived/keepalived.conf
  router_id:
    description:
      - C(global_defs.router_id), the name this node uses in logs and notifications.
      - When not given keepalived uses the host name.
    type: str
  addresses:
    description:
      - This host's addresses per interface, in CIDR form, in the order the interface has them (its
        own address first), as C(ip -json address show) lists them, for example C(eth0) with C([10.0.0.11/24]).
      - When not given the module lists the host's addresses itself.
      - The P(anchorage.registry.keepalived#role) role reads them once on each host and hands them to the module's
        check in check mode on the controller, then to the real write.
    type: dict
  vrrp_priority:
    description:
      - Nice value of keepalived's VRRP process (C(global_defs.vrrp_priority)), -20 to 19. Negative values let it
        send and read adverts on time on a node whose CPUs are busy, so that a backup does not take the VIPs from a
        master that is alive. Needs C(CAP_SYS_NICE) (root has it); without it keepalived logs that it could not set it.
      - When not given keepalived runs at the nice value it was started with.
    type: int
  script_user:
    description:
      - User (and optionally group, as C(user group)) that runs scripts (C(global_defs.script_user)).
      - When not given keepalived uses C(keepalived_script), which must exist, or root with a warning.
    type: str
  instances:
    description: VRRP instances, one per virtual router (one set of VIPs moving together).
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Instance name (letters, digits, C(_), C(.), C(-)); unique in the file.
        type: str
        required: true
      vips:
        description:
          - Virtual IP addresses in CIDR form (C(10.0.0.100/24)); one address family per instance.
          - Each must lie in the subnet of an interface of the host.
        type: list
        elements: str
        required: true
      virtual_router_id:
        description:
          - VRRP router id, 1-255. The same on every node of the cluster, unique on the network segment.
          - Two instances with one router id on one interface and address family are rejected.
        type: int
        required: true
      priority:
        description: This node's priority, 1-254 (255 is for the address owner). Give every node a different one.
        type: int
        required: true
      interface:
        description: Interface that carries the VIPs and VRRP traffic. Default is the interface whose subnet holds the VIPs.
        type: str
      state:
        description: Initial state. Use C(BACKUP) on every node with O(instances[].nopreempt).
        type: str
        choices: [BACKUP, MASTER]
        default: BACKUP
      version:
        description: VRRP version. Version 3 allows sub-second O(instances[].advert_int) and IPv6 and has no authentication.
        type: int
        choices: [2, 3]
        default: 3
      advert_int:
        description:
          - Seconds between adverts. VRRPv2 takes whole seconds (1-255); VRRPv3 takes 0.01-40.95 in steps of 0.01.
          - A backup takes over after about three missed adverts. keepalived's default is 1.
        type: float
      nopreempt:
        description: Do not take the VIPs back from a lower-priority master that is working. Needs state C(BACKUP).
        type: bool
        default: false
      preempt_delay:
        description: Seconds to wait after start before preempting a lower-priority master (0-1000). Needs state C(BACKUP).
        type: float
      auth_pass:
        description: VRRPv2 PASS authentication, 1-8 characters. Not allowed with version 3.
        type: str
      unicast_src_ip:
        description: Source address for unicast adverts; must be an address of the instance's interface.
        type: str
      unicast_peers:
        description:
          - Send adverts to these addresses instead of multicast (for networks that drop multicast).
          - The same list can be given to every node; the host's own addresses are left out.
        type: list
        elements: str
        default: []
      track_scripts:
        description: Names from O(scripts) whose failure moves the VIPs away (FAULT, or a priority change when the script has a weight).
        type: list
        elements: str
        default: []
      track_files:
        description: Names from O(track_files) whose non-zero value moves the VIPs away (FAULT with weight 0).
        type: list
        elements: str
        default: []
      notify_master:
        description: Command run when the instance becomes MASTER (absolute path, arguments allowed).
        type: str
      notify_backup:
        description: Command run when the instance becomes BACKUP.
        type: str
      notify_fault:
        description: Command run when the instance goes to FAULT.
        type: str
      notify_stop:
        description: Command run when the instance stops.
        type: str
      notify:
        description: Command run on every transition, with the type, name, state and priority appended.
        type: str
  scripts:
    description: Health-check scripts (C(vrrp_script)) that instances track.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Script name, referenced from O(instances[].track_scripts).
        type: str
        required: true
      command:
        description:
          - Command with arguments; exit code 0 means healthy. No double quotes.
          - The executable and its directories must not be writable by non-root users (C(enable_script_security)).
        type: str
        required: true
      interval:
        description: Seconds between runs (1-4294). keepalived's default is 1.
        type: int
      timeout:
        description: Seconds after which a run counts as failed. keepalived's default is O(scripts[].interval).
        type: int
      fall:
        description: Consecutive failures before the script is failed. keepalived's default is 1.
        type: int
      rise:
        description: Consecutive successes before the script is healthy again. keepalived's default is 1.
        type: int
      weight:
        description:
          - Priority change while the script fails (negative) or succeeds (positive), -254 to 254.
          - When not given (or 0) a failing script puts the tracking instances in FAULT, which moves the VIPs at once.
        type: int
      init_fail:
        description: Start in the failed state, so a node does not take the VIPs before its service answers.
        type: bool
        default: false
  track_files:
    description:
      - Files (C(track_file)) holding a number that keepalived reads as soon as the file is written
        (inotify), with no polling. A process that watches an event source (the keepalived role's
        watcher of Docker's events) writes them.
      - The file's directory must exist when keepalived starts or tests the configuration.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Track file name, referenced from O(instances[].track_files).
        type: str
        required: true
      path:
        description: Absolute path of the file, without spaces or quotes. A missing file counts as 0.
        type: path
        required: true
      weight:
        description:
          - 0 (the default here; keepalived's own is 1) puts the tracking instances in FAULT while the file holds
            a non-zero number. Otherwise the number times the weight changes the priority (-254 to 254).
        type: int
        default: 0
notes:
  - The module never starts, restarts or reloads keepalived. Reload it (SIGHUP) when RV(reload_required) is true.
  - The file holds O(instances[].auth_pass); a new file is created with mode C(0600) unless O(mode) is given.
seealso:
  - name: keepalived.conf manual
    description: Every keyword the module writes.
    link: https://www.keepalived.org/manpage.html
"""

EXAMPLES = r"""
- name: One VIP for the registry, tracked by an HTTP health check
  anchorage.registry.keepalived_config:
    mode: "0640"
    script_user: keepalived_script
    scripts:
      - name: registry
        command: /usr/local/libexec/anchorage/keepalived-check-http -c 200,401 -t 1 http://127.0.0.1:5000/v2/
        interval: 1
        timeout: 1
        fall: 2
        rise: 2
        init_fail: true
    track_files:
      - name: registry
        path: /var/lib/anchorage/keepalived/anchorage-registry.down
    instances:
      - name: REGISTRY
        vips: [172.28.30.100/24]
        virtual_router_id: 51
        priority: 200
        advert_int: 0.2
        nopreempt: true
        track_scripts: [registry]
        track_files: [registry]
  register: keepalived_conf

- name: Checks only, on the controller, with the host's addresses read before
  anchorage.registry.keepalived_config:
    addresses: {eth0: [172.28.30.11/24]}
    validate: false
    instances:
      - name: REGISTRY
        vips: [172.28.30.100/24]
        virtual_router_id: 51
        priority: 200
  check_mode: true
  delegate_to: localhost

- name: VRRPv2 over unicast with a password, on a given interface
  anchorage.registry.keepalived_config:
    mode: "0640"
    instances:
      - name: VI_1
        interface: eth1
        vips: [10.0.0.100/24]
        virtual_router_id: 17
        priority: 150
        version: 2
        advert_int: 1
        auth_pass: "{{ vrrp_password }}"
        unicast_peers: [10.0.0.11, 10.0.0.12, 10.0.0.13]
        notify_master: /usr/local/bin/became-master
"""

RETURN = r"""
restart_required:
  description: Always false; keepalived reads a changed file on reload.
  returned: always
  type: bool
reload_required:
  description: Whether keepalived must be reloaded to apply the new content.
  returned: always
  type: bool
config_test:
  description:
    - C(passed) when C(keepalived --config-test) accepted new content, C(unchanged) when the content was
      already live, C(skipped) in check mode when keepalived is missing or rejects the content (a warning says
      why, as the script user and scripts it needs may only come with the real run), C(disabled) when
      O(validate=false).
  returned: always
  type: str
  sample: passed
instances:
  description: The instances as written, with the interface found and the unicast peers used; no passwords.
  returned: always
  type: list
  elements: dict
  sample:
    - name: REGISTRY
      interface: eth0
      vips: [172.28.30.100/24]
      virtual_router_id: 51
      priority: 200
      state: BACKUP
      version: 3
backup_file:
  description: The copy of the previous file, when O(backup=true) and the content changed.
  returned: changed and backup requested
  type: str
"""

from ansible_collections.anchorage.registry.plugins.module_utils._config_file import file_options, run
from ansible_collections.anchorage.registry.plugins.module_utils._keepalived import KeepalivedConfig

_INSTANCE = dict(
    name=dict(type="str", required=True),
    vips=dict(type="list", elements="str", required=True),
    virtual_router_id=dict(type="int", required=True),
    priority=dict(type="int", required=True),
    interface=dict(type="str"),
    state=dict(type="str", choices=["BACKUP", "MASTER"], default="BACKUP"),
    version=dict(type="int", choices=[2, 3], default=3),
    advert_int=dict(type="float"),
    nopreempt=dict(type="bool", default=False),
    preempt_delay=dict(type="float"),
    auth_pass=dict(type="str", no_log=True),
    unicast_src_ip=dict(type="str"),
    unicast_peers=dict(type="list", elements="str", default=[]),
    track_scripts=dict(type="list", elements="str", default=[]),
    track_files=dict(type="list", elements="str", default=[]),
    notify_master=dict(type="str"),
    notify_backup=dict(type="str"),
    notify_fault=dict(type="str"),
    notify_stop=dict(type="str"),
    notify=dict(type="str"),
)

_SCRIPT = dict(
    name=dict(type="str", required=True),
    command=dict(type="str", required=True),
    interval=dict(type="int"),
    timeout=dict(type="int"),
    fall=dict(type="int"),
    rise=dict(type="int"),
    weight=dict(type="int"),
    init_fail=dict(type="bool", default=False),
)

_TRACK_FILE = dict(
    name=dict(type="str", required=True),
    path=dict(type="path", required=True),
    weight=dict(type="int", default=0),
)


def main():
    run(KeepalivedConfig(), file_options(
        path=dict(type="path", default="/etc/keepalived/keepalived.conf"),
        validate=True,
        router_id=dict(type="str"),
        addresses=dict(type="dict"),
        vrrp_priority=dict(type="int"),
        script_user=dict(type="str"),
        instances=dict(type="list", elements="dict", required=True, options=_INSTANCE),
        scripts=dict(type="list", elements="dict", default=[], options=_SCRIPT),
        track_files=dict(type="list", elements="dict", default=[], options=_TRACK_FILE),
    ), add_file_common_args=True, supports_check_mode=True)


if __name__ == "__main__":
    main()

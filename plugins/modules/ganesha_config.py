#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: ganesha_config
short_description: Write a checked ganesha.conf that exports directories over NFSv4 to listed clients
version_added: 0.1.0
description:
  - Renders nfs-ganesha's C(ganesha.conf) with NFSv4 only (no NLM, MOUNT or rpcbind), over TCP, and one C(EXPORT)
    block per item of O(exports), served by the VFS FSAL. Only the hosts in O(exports[].clients) get access
    (C(Access_Type = None) for everyone else).
  - nfs-ganesha has no configuration checker and starts even when it refuses a block (it logs the error and
    exports nothing), so every value is checked before anything is written, each error naming the option
    (for example C(exports[0].clients[1]) for a V(*), which would let every host in). A refused input leaves
    the live file untouched.
  - Does not restart nfs-ganesha; it returns RV(restart_required).
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.attributes
  - anchorage.registry.config_file
  - anchorage.registry.config_file.FILE
  - ansible.builtin.files
options:
  path:
    description: The nfs-ganesha configuration file.
    type: path
    default: /etc/ganesha/ganesha.conf
  port:
    description: TCP port nfs-ganesha serves NFSv4 on (C(NFS_Port), 1-65535).
    type: int
    default: 2049
  lease_lifetime:
    description: Seconds a client's NFSv4 lease lasts without renewal (C(Lease_Lifetime), 0-120).
    type: int
    default: 60
  grace_period:
    description:
      - Seconds after a start during which clients may only reclaim their state, and new opens wait
        (C(Grace_Period), 0-180). Not shorter than O(lease_lifetime).
    type: int
    default: 90
  exports:
    description: The exported directories; at least one.
    type: list
    elements: dict
    required: true
    suboptions:
      export_id:
        description: The export's number (1-65535), unique. Changing it is a new export to the clients.
        type: int
        required: true
      path:
        description: The directory on this host that is exported (absolute, normalised, not C(/)).
        type: str
        required: true
      pseudo:
        description:
          - Where NFSv4 clients find the export (absolute, normalised, not C(/)), unique; they mount
            C(SERVER:PSEUDO).
        type: str
        required: true
      clients:
        description:
          - The hosts allowed - IP addresses, CIDR networks, host names (with nfs-ganesha's C(*) and C(?)
            wildcards) or C(@netgroup). C(*) and C(0.0.0.0/0) (every host) are refused.
        type: list
        elements: str
        required: true
      access_type:
        description: What the clients may do (C(RW) everything, C(RO) read only, C(MDONLY) and C(MDONLY_RO) metadata only, C(None)).
        type: str
        choices: [RW, RO, MDONLY, MDONLY_RO, None]
        default: RW
      squash:
        description:
          - Which users the server maps to the anonymous user. C(root_squash) (nfs-ganesha's default) maps
            root; C(root_id_squash) root's uid only; C(all_squash) everyone; C(no_root_squash) nobody, so root on
            a client writes as root (what a registry running as root needs, for the listed clients only).
        type: str
        choices: [root_squash, root_id_squash, all_squash, no_root_squash]
        default: root_squash
      anonymous_uid:
        description: The uid squashed users get (C(Anonymous_Uid)); nfs-ganesha's default is -2.
        type: int
      anonymous_gid:
        description: The gid squashed users get (C(Anonymous_Gid)); nfs-ganesha's default is -2.
        type: int
      sectype:
        description: RPC security flavours allowed (C(sys) is AUTH_SYS; the C(krb5) ones need Kerberos set up).
        type: list
        elements: str
        choices: [sys, krb5, krb5i, krb5p]
        default: [sys]
notes:
  - The module never starts or restarts nfs-ganesha. Restart it when RV(restart_required) is true.
  - The VFS FSAL needs file handles of the exported filesystem (ext4, xfs, tmpfs; not overlayfs) and
    the C(CAP_DAC_READ_SEARCH) capability, which a container must be given.
seealso:
  - name: ganesha-export-config(8)
    description: The EXPORT and CLIENT blocks and their options.
    link: https://github.com/nfs-ganesha/nfs-ganesha/blob/V4.3/src/doc/man/ganesha-export-config.rst
  - name: ansible.posix.mount
    description: Mounts the export on the clients (the registry role's C(registry_nfs_source)).
    link: https://docs.ansible.com/ansible/latest/collections/ansible/posix/mount_module.html
"""

EXAMPLES = r"""
- name: Export the shared registry directory to the two registry nodes
  anchorage.registry.ganesha_config:
    exports:
      - export_id: 1
        path: /srv/anchorage/registry
        pseudo: /registry
        clients: [10.0.0.11, 10.0.0.12]
        squash: no_root_squash
    mode: "0644"
  register: ganesha_conf
"""

RETURN = r"""
restart_required:
  description: Whether nfs-ganesha must be restarted to apply the new content.
  returned: always
  type: bool
reload_required:
  description: Always false; the module asks for a restart.
  returned: always
  type: bool
pseudo_paths:
  description: The NFSv4 paths of the exports, what clients mount as C(SERVER:PSEUDO).
  returned: success
  type: list
  elements: str
  sample: [/registry]
backup_file:
  description: The copy of the previous file, when O(backup=true) and the content changed.
  returned: changed and backup requested
  type: str
"""

from ansible_collections.anchorage.registry.plugins.module_utils._config_file import file_options, run
from ansible_collections.anchorage.registry.plugins.module_utils._ganesha import ACCESS_TYPES, SECTYPES, SQUASH, GaneshaConfig


def main():
    run(GaneshaConfig(), file_options(
        path=dict(type="path", default="/etc/ganesha/ganesha.conf"),
        port=dict(type="int", default=2049),
        lease_lifetime=dict(type="int", default=60),
        grace_period=dict(type="int", default=90),
        exports=dict(type="list", elements="dict", required=True, options=dict(
            export_id=dict(type="int", required=True),
            path=dict(type="str", required=True),
            pseudo=dict(type="str", required=True),
            clients=dict(type="list", elements="str", required=True),
            access_type=dict(type="str", choices=list(ACCESS_TYPES), default="RW"),
            squash=dict(type="str", choices=list(SQUASH), default="root_squash"),
            anonymous_uid=dict(type="int"),
            anonymous_gid=dict(type="int"),
            sectype=dict(type="list", elements="str", choices=list(SECTYPES), default=["sys"]),
        )),
    ), add_file_common_args=True, supports_check_mode=True)


if __name__ == "__main__":
    main()

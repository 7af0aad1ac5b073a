#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: node_trust
short_description: Make a node's container runtimes trust, mirror and pull from private registries, in one call
version_added: 0.1.0
description:
  - In one execution on the node - finds its container runtimes (as M(anchorage.registry.container_runtimes_info)
    does, unless O(runtimes) lists them), checks and plans one list of registries, and writes every file those
    runtimes read - the CA certificates (as M(anchorage.registry.registry_ca)), Docker's C(daemon.json)
    (M(anchorage.registry.docker_daemon_config)) and logins (the docker CLI's C(config.json)), containerd's C(hosts.toml) files
    (M(anchorage.registry.containerd_hosts)) and C(config_path) (M(anchorage.registry.containerd_config)), and
    k3s's and RKE2's C(registries.yaml) (M(anchorage.registry.k3s_registries)), and with O(embedded_registry) the
    k3s and RKE2 servers' config drop-in turning on their embedded registry mirror.
  - Each file goes through the same pipeline as with its own module - merged with what other tools wrote, checked,
    written atomically, shown in C(--diff) with credentials masked - and RV(files) holds each one's result.
  - "Bad input fails before anything is written, each message naming the option
    (C(registries[1].host: 'https://reg:5000' is a URL)). Run in check mode on the controller with O(runtimes)
    given and O(root) an absent directory, it checks the input without looking at any node."
  - It restarts nothing; RV(restart_units), RV(reload_units) and RV(trust_store_changed) say what must be restarted,
    reloaded or rebuilt. The M(anchorage.registry.node_trust) role does that, rolled over the nodes.
  - What it creates is recorded on the node (O(record)) - files, and directories up to the first one that existed. A file it
    created (the docker CLI's C(config.json), a C(registries.yaml)) is removed once nothing is left in it, a directory it
    created once it is empty; whatever existed before the module keeps all but our entries.
  - A file whose Python library the node lacks (PyYAML for C(registries.yaml), tomlkit for C(config.toml)) is left
    alone and the library listed in RV(missing_libraries); the other files are written.
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.attributes
options:
  registries:
    description:
      - The registries, each a mapping with C(host) (C(name[:port]) or C(ip[:port]); a scheme or a path is refused),
        C(insecure) (plain HTTP), C(ca) (PEM text) or C(ca_file) (its content in O(ca_files)), C(username) and
        C(password), C(client_cert) and C(client_key) (a client certificate and its key, PEM, for mTLS),
        C(skip_verify), C(dial_timeout) and C(headers) (containerd C(hosts.toml)), C(address) (mapped to the
        registry's name in O(etc_hosts)), and C(mirrors) (upstream names
        such as C(docker.io) or C(*), or mappings with C(upstream), C(path), C(rewrite), C(capabilities), C(server)
        and C(fallback)), as the role's C(node_trust_registries).
      - Passwords and client keys, and the authorization headers made from the passwords, are masked in the output, the diff and the log the
        node writes of the module's arguments; the rest stays readable there.
    type: list
    elements: dict
    default: []
  ca_files:
    description: The content of every C(ca_file) named in O(registries), keyed by that C(ca_file) value.
    type: dict
    default: {}
  state:
    description:
      - C(absent) takes out everything this module wrote (as with an empty O(registries) and O(system_trust=false))
        and nothing else - files and directories it created go, with O(record) itself.
    type: str
    choices: [present, absent]
    default: present
  runtimes:
    description:
      - The runtimes to configure; omitted, those the node's systemd units show (containerd only with a kubelet
        when Docker is there too).
    type: list
    elements: str
    choices: [docker, containerd, k3s, k3s-agent, rke2-server, rke2-agent]
  root:
    description:
      - A directory every file path is taken under, as in a chroot (the paths written inside the files are not).
        An absent directory with check mode checks the input without reading any live file.
    type: path
  ca_dir:
    description: The node directory of C(<host>/ca.crt) files that containerd and k3s/RKE2 point at.
    type: path
    default: /etc/anchorage/registry-ca
  docker_daemon_json:
    description: Docker's daemon configuration file.
    type: path
    default: /etc/docker/daemon.json
  docker_config_json:
    description:
      - The docker CLI's configuration, where registries with a C(username) and C(password) get their login
        (C(auths.<host>.auth), as C(docker login) writes it; other entries kept, mode C(0600)). dockerd keeps no
        credentials, so nothing restarts.
    type: path
    default: /root/.docker/config.json
  docker_certs_dir:
    description: Docker's per-registry certificate directory.
    type: path
    default: /etc/docker/certs.d
  containerd_config:
    description: containerd's configuration file.
    type: path
    default: /etc/containerd/config.toml
  containerd_config_version:
    description:
      - The version an absent or empty C(config.toml) gets; omitted, the one the installed C(containerd --version)
        reads.
    type: int
    choices: [2, 3]
  containerd_hosts_dir:
    description: containerd's C(config_path) directory of C(hosts.toml) files.
    type: path
    default: /etc/containerd/certs.d
  k3s_registries_path:
    description: k3s's registries file.
    type: path
    default: /etc/rancher/k3s/registries.yaml
  rke2_registries_path:
    description: RKE2's registries file.
    type: path
    default: /etc/rancher/rke2/registries.yaml
  embedded_registry:
    description:
      - Turn on the embedded registry mirror (Spegel) of k3s and RKE2 - nodes then pull the layers of every registry
        listed in C(registries.yaml)'s C(mirrors) from each other first. Servers (units C(k3s), C(rke2-server)) get
        C(embedded-registry) set to C(true) in O(k3s_config_dropin) or O(rke2_config_dropin), agents only the C(mirrors)
        entries (an agent refuses the option; the servers turn it on for the cluster).
      - Off, or with O(state=absent), the drop-in is removed. The service restarts once for both its files.
      - Needs k3s or RKE2 v1.26.13, v1.27.10, v1.28.6, v1.29.1 or later (generally available from v1.29.12, v1.30.8,
        v1.31.4), and the nodes reaching each other on TCP 5001 and 6443 (k3s) or 9345 (RKE2). With O(validate), each
        server is asked its version (the C(--version) of the program its unit's C(ExecStart) runs) and an older one is
        refused before anything is written, since it would skip C(embedded-registry) and start without the mirror.
    type: bool
    default: false
  embedded_registry_mirrors:
    description:
      - Registries whose images the embedded registry shares that have no entry in O(registries)' C(mirrors) yet
        (C(registry.k8s.io), or C(*) for every registry, which needs v1.26.15, v1.27.12, v1.28.8, v1.29.3 or later).
        Each gets an entry without endpoints in C(registries.yaml) (pulls fall back to the registry itself), unless
        another writer's entry is there. Refused without O(embedded_registry).
    type: list
    elements: str
    default: []
  k3s_config_dropin:
    description:
      - The k3s config drop-in for O(embedded_registry), owned whole by the module (k3s reads C(config.yaml.d/*.yaml)
        after C(config.yaml), in name order, the last value winning).
    type: path
    default: /etc/rancher/k3s/config.yaml.d/50-anchorage-registry.yaml
  rke2_config_dropin:
    description: The RKE2 config drop-in for O(embedded_registry), owned whole by the module.
    type: path
    default: /etc/rancher/rke2/config.yaml.d/50-anchorage-registry.yaml
  etc_hosts:
    description:
      - The hosts file where the names of registries with an C(address) are mapped to it (a VIP), in a block between
        C(# BEGIN anchorage.registry node_trust) and C(# END anchorage.registry node_trust) lines; the rest of the file
        is kept as it is, and the block goes when no registry has an C(address).
    type: path
    default: /etc/hosts
  system_trust:
    description: Also put the CA certificates in the system trust store directory (taken out again when false).
    type: bool
    default: false
  system_trust_dir:
    description: The system trust store directory the certificates go to.
    type: path
    default: /usr/local/share/ca-certificates/anchorage-registry
  record:
    description:
      - Where the module lists the files and directories it created (JSON, mode C(0644), no secrets), so that
        it removes them, and only them, once nothing is left in them. Removed when nothing it lists is left, and
        by O(state=absent) (what absent leaves is the node's from then on).
    type: path
    default: /var/lib/anchorage/node_trust/created.json
  backup:
    description: Keep a timestamped copy of C(daemon.json), C(config.toml) and C(registries.yaml) before changing them.
    type: bool
    default: false
  validate:
    description:
      - Check the new C(daemon.json) with C(dockerd --validate) where the engine has it (Docker 23.0 and later).
      - With O(embedded_registry), check that each k3s / RKE2 server's release has the embedded registry mirror.
    type: bool
    default: true
notes:
  - Every file of every runtime is read, merged, rendered and checked (C(dockerd --validate) included) before the first
    is written. A live file a writer must not edit (a C(daemon.json) that is not JSON, a C(certs.d) directory another
    tool made) fails the module naming its option, with no file written, not even those of the writers before it.
seealso:
  - module: anchorage.registry.container_runtimes_info
  - module: anchorage.registry.registry_ca
  - module: anchorage.registry.docker_daemon_config
  - module: anchorage.registry.containerd_hosts
  - module: anchorage.registry.containerd_config
  - module: anchorage.registry.k3s_registries
"""

EXAMPLES = r"""
- name: Make the node trust our registries
  anchorage.registry.node_trust:
    registries:
      - host: 10.0.0.5:5000
        insecure: true
        mirrors: [docker.io]
      - host: harbor.example:443
        ca: "{{ lookup('ansible.builtin.file', 'files/harbor-ca.pem') }}"
        username: robot$nodes
        password: "{{ vault_harbor_robot }}"
        mirrors: ["*"]
  register: node_trust

- name: Restart what must read its new files
  ansible.builtin.systemd_service:
    name: "{{ item }}"
    state: restarted
  loop: "{{ node_trust.restart_units }}"

- name: Check the list on the controller, before any node is touched
  anchorage.registry.node_trust:
    registries: "{{ node_trust_registries }}"
    runtimes: [docker, containerd, k3s, rke2-server]
    root: /nonexistent/node-trust-check
    containerd_config_version: 2
  check_mode: true
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
runtimes:
  description: The runtimes configured (O(runtimes), or those found).
  returned: always
  type: list
  elements: str
  sample: [docker]
not_configured:
  description: Runtimes found but not configured (containerd as Docker's backend).
  returned: always
  type: list
  elements: str
masked:
  description: Runtimes whose unit is masked.
  returned: always
  type: list
  elements: str
python_libraries:
  description: Whether each library can be imported on the node (C(yaml), C(tomlkit)).
  returned: always
  type: dict
  sample: {"yaml": true, "tomlkit": true}
missing_libraries:
  description: Libraries (C(yaml), C(tomlkit)) a file of these runtimes needs and the node lacks; those files were left alone.
  returned: always
  type: list
  elements: str
files:
  description:
    - Per writer (C(ca), C(docker), C(docker_auth), C(containerd_hosts), C(etc_hosts), C(containerd_config), C(k3s), C(rke2),
      C(k3s_config), C(rke2_config)), the result its single-purpose module returns (C(changed), C(restart_required),
      C(reload_required), ...); C(k3s), C(rke2) and the drop-ins C(k3s_config) and C(rke2_config) add C(units), the
      services reading that file.
    - A file the module created and removed, nothing being left in it, is listed in its C(removed) (with the record of
      our entries beside it).
  returned: always
  type: dict
restart_units:
  description: The services to restart for their new files (C(containerd), C(k3s), C(k3s-agent), C(rke2-server), C(rke2-agent)).
  returned: always
  type: list
  elements: str
reload_units:
  description: The services to reload (C(docker), whose registry settings SIGHUP applies).
  returned: always
  type: list
  elements: str
trust_store_changed:
  description: The system trust store directory changed; its rebuild command must run.
  returned: always
  type: bool
removed_directories:
  description:
    - Directories the module had created and removed, nothing being left in them (in check mode, those it would
      remove). Files it removed are in RV(files) (C(removed)).
  returned: always
  type: list
  elements: str
  sample: [/root/.docker]
"""

from ansible_collections.anchorage.registry.plugins.module_utils import _node_trust
from ansible_collections.anchorage.registry.plugins.module_utils._config_file import Invalid
from ansible_collections.anchorage.registry.plugins.module_utils._module import SecretMaskingModule


def main():
    module = SecretMaskingModule(_node_trust.secrets, argument_spec=dict(
        # Not no_log: the passwords in it are masked before the invocation is logged, and the rest stays readable.
        registries=dict(type="list", elements="dict", default=[]),
        ca_files=dict(type="dict", default={}),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        runtimes=dict(type="list", elements="str", choices=list(_node_trust.RUNTIMES)),
        root=dict(type="path"),
        ca_dir=dict(type="path", default="/etc/anchorage/registry-ca"),
        docker_daemon_json=dict(type="path", default="/etc/docker/daemon.json"),
        docker_config_json=dict(type="path", default="/root/.docker/config.json"),
        docker_certs_dir=dict(type="path", default="/etc/docker/certs.d"),
        containerd_config=dict(type="path", default="/etc/containerd/config.toml"),
        containerd_config_version=dict(type="int", choices=[2, 3]),
        containerd_hosts_dir=dict(type="path", default="/etc/containerd/certs.d"),
        k3s_registries_path=dict(type="path", default="/etc/rancher/k3s/registries.yaml"),
        rke2_registries_path=dict(type="path", default="/etc/rancher/rke2/registries.yaml"),
        embedded_registry=dict(type="bool", default=False),
        embedded_registry_mirrors=dict(type="list", elements="str", default=[]),
        k3s_config_dropin=dict(type="path", default="/etc/rancher/k3s/config.yaml.d/50-anchorage-registry.yaml"),
        rke2_config_dropin=dict(type="path", default="/etc/rancher/rke2/config.yaml.d/50-anchorage-registry.yaml"),
        etc_hosts=dict(type="path", default="/etc/hosts"),
        system_trust=dict(type="bool", default=False),
        system_trust_dir=dict(type="path", default="/usr/local/share/ca-certificates/anchorage-registry"),
        record=dict(type="path", default="/var/lib/anchorage/node_trust/created.json"),
        backup=dict(type="bool", default=False),
        validate=dict(type="bool", default=True),
    ), supports_check_mode=True)
    try:
        result = _node_trust.run(module)
    except Invalid as exc:
        module.fail_json(msg=exc.message, errors=exc.errors)
    module.exit_json(**result)


if __name__ == "__main__":
    main()

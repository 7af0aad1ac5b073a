# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):
    """The Kubernetes connection options (argument spec: ``module_utils._k8s_auth.K8S_AUTH_SPEC``).

    The same options as kubernetes.core's ``k8s_auth_options``, so one ``module_defaults`` mapping
    serves both collections' C(k8s) groups.
    """

    DOCUMENTATION = r"""
options:
  kubeconfig:
    description:
      - Path to a kubeconfig file, several paths joined with V(:) (V(;) on Windows) as in C(KUBECONFIG),
        or a kubeconfig as a mapping.
      - Without it, and unless O(host) is given without O(context), C(~/.kube/config) (or C(KUBECONFIG))
        is read, then the in-cluster service account is used.
      - Can be set with C(K8S_AUTH_KUBECONFIG).
      - The invocation Ansible logs on the target leaves it out (and masks a mapping's strings, such as
        V(v1), in the rest of that line); in the result only a mapping's credentials (tokens, passwords,
        keys under C(users)) are masked.
    type: raw
  context:
    description:
      - Context of the kubeconfig to use instead of its C(current-context).
      - Can be set with C(K8S_AUTH_CONTEXT).
    type: str
  host:
    description:
      - URL of the API server, for example V(https://10.0.0.10:6443). Overrides the kubeconfig's.
      - Can be set with C(K8S_AUTH_HOST).
    type: str
  api_key:
    description:
      - Bearer token for the API server. Overrides the kubeconfig's credentials.
      - Can be set with C(K8S_AUTH_API_KEY).
    type: str
  username:
    description:
      - User name for HTTP basic authentication, with O(password); not with O(api_key).
      - Kubernetes itself dropped basic authentication in 1.19; this is for API servers or proxies in
        front of them that still accept it.
      - Can be set with C(K8S_AUTH_USERNAME).
    type: str
  password:
    description:
      - Password of O(username).
      - Can be set with C(K8S_AUTH_PASSWORD).
    type: str
  validate_certs:
    description:
      - Verify the API server's certificate. Default is the kubeconfig's setting (verify).
      - Can be set with C(K8S_AUTH_VALIDATE_CERTS) or C(K8S_AUTH_VERIFY_SSL).
    type: bool
    aliases: [verify_ssl]
  ca_cert:
    description:
      - CA bundle (the whole chain) that signed the API server's certificate.
      - Can be set with C(K8S_AUTH_CA_CERT) or C(K8S_AUTH_SSL_CA_CERT).
    type: path
    aliases: [ssl_ca_cert]
  client_cert:
    description:
      - Client certificate for the API server, with O(client_key).
      - Can be set with C(K8S_AUTH_CLIENT_CERT) or C(K8S_AUTH_CERT_FILE).
    type: path
    aliases: [cert_file]
  client_key:
    description:
      - Key of O(client_cert).
      - Can be set with C(K8S_AUTH_CLIENT_KEY) or C(K8S_AUTH_KEY_FILE).
    type: path
    aliases: [key_file]
  proxy:
    description:
      - URL of an HTTP (or, with PySocks, SOCKS) proxy for the connection to the API server.
        Overrides the kubeconfig's C(proxy-url).
      - When it is not set, recent kubernetes clients use C(HTTPS_PROXY)/C(HTTP_PROXY) and C(NO_PROXY)
        from the environment; older ones ignore them.
      - Can be set with C(K8S_AUTH_PROXY).
    type: str
  no_proxy:
    description:
      - Comma-separated hosts, domains, IP addresses and CIDR ranges reached without O(proxy), for
        example V(localhost,.example.com,127.0.0.0/8,10.0.0.0/8).
      - Needs kubernetes 19.15.0 or newer.
      - Can be set with C(K8S_AUTH_NO_PROXY).
    type: str
  proxy_headers:
    description: Headers sent to O(proxy).
    type: dict
    suboptions:
      proxy_basic_auth:
        description:
          - V(user:password) for the proxy's basic authentication (C(Proxy-Authorization)).
          - Can be set with C(K8S_AUTH_PROXY_HEADERS_PROXY_BASIC_AUTH).
        type: str
      basic_auth:
        description:
          - V(user:password) for an C(Authorization) basic authentication header to the proxy.
          - Can be set with C(K8S_AUTH_PROXY_HEADERS_BASIC_AUTH).
        type: str
      user_agent:
        description:
          - C(User-Agent) sent to the proxy, for example V(ansible/2.19).
          - Can be set with C(K8S_AUTH_PROXY_HEADERS_USER_AGENT).
        type: str
  persist_config:
    description:
      - Write the tokens the kubernetes client refreshes for an C(auth-provider) user (OIDC) back to the
        kubeconfig file, so an expired refresh token is not used again next time. Default V(false).
      - Needs O(kubeconfig) to be a file (or unset), not a mapping.
      - Can be set with C(K8S_AUTH_PERSIST_CONFIG).
    type: bool
  impersonate_user:
    description:
      - User to act as (C(Impersonate-User)); the credentials used must be allowed to impersonate it.
      - Can be set with C(K8S_AUTH_IMPERSONATE_USER).
    type: str
  impersonate_groups:
    description:
      - Groups to act as, one C(Impersonate-Group) header each. Needs O(impersonate_user).
      - Can be set with C(K8S_AUTH_IMPERSONATE_GROUPS), comma-separated, for example V(group1,group2).
    type: list
    elements: str
notes:
  - The connection options are kubernetes.core's (C(kubernetes.core.k8s_auth_options)), with the same
    C(K8S_AUTH_*) environment variables, so one C(module_defaults) mapping can serve
    C(group/kubernetes.core.k8s) and C(group/anchorage.registry.k8s).
"""

# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""The connection options of the modules that talk to a Kubernetes API server, and the client.

``K8S_AUTH_SPEC`` has kubernetes.core's connection options (its ``k8s_auth_options`` doc
fragment) with the same names, aliases, types, ``no_log`` and ``K8S_AUTH_*`` variables, so one
``module_defaults`` mapping serves ``group/kubernetes.core.k8s`` and ``group/anchorage.registry.k8s``
alike; tests/unit/plugins/module_utils/test_k8s_auth.py fails when the two drift apart. The doc
fragment is ``anchorage.registry.k8s_auth``.
"""

from __future__ import annotations

import base64
import os
import traceback

from ansible.module_utils.basic import env_fallback

try:
    from kubernetes import client as k8s_client
    from kubernetes import config as k8s_config
    from kubernetes.config.config_exception import ConfigException
    HAS_KUBERNETES = True
    KUBERNETES_IMPORT_ERROR = None
except ImportError:
    HAS_KUBERNETES = False
    KUBERNETES_IMPORT_ERROR = traceback.format_exc()


def _env(*names):
    # kubernetes.core reads K8S_AUTH_<OPTION>, then K8S_AUTH_<CLIENT ATTRIBUTE> (VERIFY_SSL...).
    return (env_fallback, ["K8S_AUTH_%s" % name.upper() for name in names])


PROXY_HEADERS_SPEC = dict(
    proxy_basic_auth=dict(type="str", no_log=True, fallback=_env("proxy_headers_proxy_basic_auth")),
    basic_auth=dict(type="str", no_log=True, fallback=_env("proxy_headers_basic_auth")),
    user_agent=dict(type="str", fallback=_env("proxy_headers_user_agent")),
)

K8S_AUTH_SPEC = dict(
    # no_log keeps a kubeconfig mapping out of the invocation Ansible logs on the target;
    # readable_no_log_values() then masks only its credentials in the result.
    kubeconfig=dict(type="raw", no_log=True, fallback=_env("kubeconfig")),
    context=dict(type="str", fallback=_env("context")),
    host=dict(type="str", fallback=_env("host")),
    api_key=dict(type="str", no_log=True, fallback=_env("api_key")),
    username=dict(type="str", fallback=_env("username")),
    password=dict(type="str", no_log=True, fallback=_env("password")),
    validate_certs=dict(type="bool", aliases=["verify_ssl"], fallback=_env("validate_certs", "verify_ssl")),
    ca_cert=dict(type="path", aliases=["ssl_ca_cert"], fallback=_env("ca_cert", "ssl_ca_cert")),
    client_cert=dict(type="path", aliases=["cert_file"], fallback=_env("client_cert", "cert_file")),
    client_key=dict(type="path", aliases=["key_file"], no_log=False, fallback=_env("client_key", "key_file")),
    proxy=dict(type="str", fallback=_env("proxy")),
    no_proxy=dict(type="str", fallback=_env("no_proxy")),
    # apply_defaults, so the K8S_AUTH_PROXY_HEADERS_* variables apply without the option.
    proxy_headers=dict(type="dict", options=PROXY_HEADERS_SPEC, apply_defaults=True),
    persist_config=dict(type="bool", fallback=_env("persist_config")),
    impersonate_user=dict(type="str", fallback=_env("impersonate_user")),
    impersonate_groups=dict(type="list", elements="str", fallback=_env("impersonate_groups")),
)


# --- pure helpers ------------------------------------------------------------------------------

def connection_errors(params):
    """Combinations of the options that cannot work, each naming the options."""
    errors = []
    if bool(params.get("username")) != bool(params.get("password")):
        errors.append("username, password: set both or neither")
    elif params.get("username") and params.get("api_key"):
        errors.append("username, password: cannot be used with api_key (both are the Authorization header)")
    if params.get("impersonate_groups") and not params.get("impersonate_user"):
        errors.append("impersonate_groups: needs impersonate_user (the API server refuses groups without a user)")
    if params.get("persist_config") and isinstance(params.get("kubeconfig"), dict):
        errors.append("persist_config: needs kubeconfig as a file path (a kubeconfig mapping has no file to save to)")
    return errors


def _basic(credentials):
    return "Basic %s" % base64.b64encode(credentials.encode("utf-8")).decode("ascii")


def proxy_header_values(proxy_headers):
    """The headers for the proxy (what ``urllib3.util.make_headers`` builds), from O(proxy_headers)."""
    proxy_headers = proxy_headers or {}
    headers = {}
    if proxy_headers.get("proxy_basic_auth"):
        headers["proxy-authorization"] = _basic(proxy_headers["proxy_basic_auth"])
    if proxy_headers.get("basic_auth"):
        headers["authorization"] = _basic(proxy_headers["basic_auth"])
    if proxy_headers.get("user_agent"):
        headers["user-agent"] = proxy_headers["user_agent"]
    return headers


def configuration_overrides(params):
    """``{Configuration attribute: value}`` for the options set; they win over the kubeconfig."""
    overrides = {}
    if params.get("host"):
        overrides["host"] = params["host"].rstrip("/")
    if params.get("api_key"):
        overrides["api_key"] = {"authorization": "Bearer %s" % params["api_key"]}
    elif params.get("username"):
        # The client has no basic auth of its own any more; this is the header it would send.
        overrides["api_key"] = {"authorization": _basic("%s:%s" % (params["username"], params["password"]))}
    if params.get("validate_certs") is not None:
        overrides["verify_ssl"] = params["validate_certs"]
    for option, attribute in (("ca_cert", "ssl_ca_cert"), ("client_cert", "cert_file"), ("client_key", "key_file"),
                              ("proxy", "proxy"), ("no_proxy", "no_proxy")):
        if params.get(option):
            overrides[attribute] = params[option]
    headers = proxy_header_values(params.get("proxy_headers"))
    if headers:
        overrides["proxy_headers"] = headers
    return overrides


class _HeaderLine(str):
    """A header name a dict holds once per value: the API server reads each Impersonate-Group
    line as one group and does not split a comma-joined one."""

    __slots__ = ()

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other


def impersonation_headers(params):
    """``[(header, value)]`` for O(impersonate_user) and each of O(impersonate_groups)."""
    headers = []
    if params.get("impersonate_user"):
        headers.append(("Impersonate-User", params["impersonate_user"]))
    # K8S_AUTH_IMPERSONATE_GROUPS=a,,b gives an empty name; kubernetes.core skips those too.
    for group in params.get("impersonate_groups") or []:
        if group:
            headers.append((_HeaderLine("Impersonate-Group"), group))
    return headers


def _strings(value):
    """Every scalar of ``value`` as Ansible's no_log collects them (strings, numbers; not bools)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        if value:
            yield value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield str(value)


def kubeconfig_secrets(kubeconfig):
    """Credentials in a kubeconfig mapping (tokens, passwords, keys) for no_log masking."""
    found = set()

    def walk(value, key=None):
        if isinstance(value, dict):
            for name, item in value.items():
                walk(item, name)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str) and value and key not in ("username", "name", "command", "apiVersion"):
            found.add(value)

    if isinstance(kubeconfig, dict):
        for user in kubeconfig.get("users") or []:
            walk((user or {}).get("user"))
    return found


def _no_log_strings(spec, params, skip=()):
    found = set()
    for name, options in spec.items():
        value = params.get(name)
        if name in skip or value is None:
            continue
        if options.get("no_log"):
            found.update(_strings(value))
        if options.get("options") and isinstance(value, dict):
            found.update(_no_log_strings(options["options"], value))
    return found


def readable_no_log_values(no_log_values, spec, params):
    """``no_log_values`` with, of O(kubeconfig), only its credentials left.

    For Ansible, every string of a no_log mapping is a secret: ``v1``, context names and the
    server URL would be masked all through the result. Once the invocation is logged (with
    O(kubeconfig) left out), the path and the rest of a mapping can show; a value another no_log
    option also has stays masked.
    """
    kubeconfig = params.get("kubeconfig")
    keep = kubeconfig_secrets(kubeconfig) | _no_log_strings(spec, params, skip=("kubeconfig",))
    return (set(no_log_values) - set(_strings(kubeconfig))) | keep


# --- the client --------------------------------------------------------------------------------

def _load_kubeconfig(configuration, params):
    kubeconfig = params.get("kubeconfig")
    context = params.get("context")
    persist = bool(params.get("persist_config"))
    if isinstance(kubeconfig, dict):
        k8s_config.load_kube_config_from_dict(kubeconfig, context=context, client_configuration=configuration,
                                              persist_config=False)
        return
    try:
        # A path, or several joined with os.pathsep, as in KUBECONFIG; None is ~/.kube/config.
        k8s_config.load_kube_config(config_file=kubeconfig or None, context=context,
                                    client_configuration=configuration, persist_config=persist)
    except (ConfigException, OSError) as exc:
        if kubeconfig or context or "KUBERNETES_SERVICE_HOST" not in os.environ:
            raise ValueError("kubeconfig: cannot load %s: %s" % (kubeconfig or "the default kubeconfig", exc))
        k8s_config.load_incluster_config(client_configuration=configuration)


def client_configuration(params):
    """A kubernetes client ``Configuration``: the kubeconfig (or in-cluster account), then the options.

    The kubeconfig is read unless O(host) is given without O(kubeconfig) and O(context).
    Raises ``ValueError`` naming the option when the options cannot work.
    """
    errors = connection_errors(params)
    if errors:
        raise ValueError("; ".join(errors))
    configuration = k8s_client.Configuration()
    if params.get("kubeconfig") or params.get("context") or not params.get("host"):
        _load_kubeconfig(configuration, params)
    overrides = configuration_overrides(params)

    def apply(target):
        for attribute, value in overrides.items():
            setattr(target, attribute, value)

    apply(configuration)
    refresh = configuration.refresh_api_key_hook
    if refresh is not None:
        # The loaders' refresh hook sets the kubeconfig's token, host, CA, client certificate and
        # proxy again before every request, over the options, and puts itself back as the hook.
        if "api_key" in overrides:
            configuration.refresh_api_key_hook = None  # the kubeconfig's credentials are not used
        else:
            def refresh_then_override(target):
                refresh(target)
                apply(target)
                target.refresh_api_key_hook = refresh_then_override

            configuration.refresh_api_key_hook = refresh_then_override
    return configuration


def api_client(params):
    """A kubernetes ``ApiClient`` for the connection options (impersonation headers included)."""
    client = k8s_client.ApiClient(client_configuration(params))
    for header, value in impersonation_headers(params):
        client.set_default_header(header, value)
    return client

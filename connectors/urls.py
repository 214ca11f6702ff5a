"""Which store and API addresses a user may give: the engine must not be turned against
internal hosts (SSRF).

Outside sandbox/dev mode an address must be https with a public host name. In sandbox/dev mode
(``allow_private``: the sandboxes, the demo, docker-compose) plain http and loopback or
private addresses are accepted too. Settings models read the mode from pydantic's validation
context: ``Settings.model_validate(data, context={"allow_private_urls": True})``.
"""

from __future__ import annotations

from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationInfo

PRIVATE_URLS_CONTEXT = "allow_private_urls"
_INTERNAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def host_is_internal(host: str) -> bool:
    """True for loopback, private, link-local and other non-public addresses and names."""
    name = host.strip("[]").lower()
    if name in _INTERNAL_NAMES or name.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ip_address(name)
    except ValueError:
        return "." not in name  # a bare name ("erp-sandbox") resolves only inside a private network
    return not address.is_global


def checked_url(value: str, *, allow_private: bool) -> str:
    """The URL without a trailing slash, or ValueError saying what is wrong with it."""
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("must be an absolute http(s) URL such as https://minhaloja.com.br")
    if parts.username or parts.password:
        raise ValueError("must not carry a user name or password")
    if allow_private:
        return value.strip().rstrip("/")
    if parts.scheme != "https":
        raise ValueError("must use https")
    if host_is_internal(parts.hostname):
        raise ValueError("must be a public host name, not a loopback or private address")
    return value.strip().rstrip("/")


def allow_private(info: ValidationInfo | None) -> bool:
    """Whether the validation context switched on sandbox/dev mode."""
    context: Any = info.context if info is not None else None
    return bool(isinstance(context, dict) and context.get(PRIVATE_URLS_CONTEXT))

"""Store and API addresses: https and public hosts only, unless in sandbox/dev mode."""

from __future__ import annotations

import pytest

from connectors.urls import checked_url, host_is_internal


@pytest.mark.parametrize(
    "url",
    [
        "http://minhaloja.com.br",
        "https://127.0.0.1/api",
        "https://localhost:8443",
        "https://10.0.0.5/api",
        "https://192.168.1.10",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/",
        "https://erp-sandbox/api",
        "https://intranet.local/api",
        "ftp://minhaloja.com.br",
        "https://user:pass@minhaloja.com.br",
        "minhaloja.com.br",
    ],
)
def test_internal_or_unsafe_addresses_are_refused_outside_dev_mode(url: str) -> None:
    with pytest.raises(ValueError):
        checked_url(url, allow_private=False)


def test_a_public_https_address_is_accepted_without_its_trailing_slash() -> None:
    assert checked_url("https://minhaloja.eccosys.com.br/api/", allow_private=False) == (
        "https://minhaloja.eccosys.com.br/api"
    )


@pytest.mark.parametrize("url", ["http://127.0.0.1:8101/api", "http://erp-sandbox:8101/api"])
def test_dev_mode_accepts_sandboxes(url: str) -> None:
    assert checked_url(url, allow_private=True) == url


def test_dev_mode_still_refuses_credentials_in_the_url() -> None:
    with pytest.raises(ValueError, match="password"):
        checked_url("http://a:b@127.0.0.1/", allow_private=True)


@pytest.mark.parametrize(
    ("host", "internal"), [("8.8.8.8", False), ("loja.com.br", False), ("100.64.0.1", True)]
)
def test_host_classification(host: str, internal: bool) -> None:
    assert host_is_internal(host) is internal

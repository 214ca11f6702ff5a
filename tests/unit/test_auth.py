"""Signing in: password hashes, session tokens, CSRF tokens, the sign-in form's token, redirects."""

from __future__ import annotations

import io
import sys

import pytest
from pydantic import SecretStr

from engine.cli import main
from engine.web.auth import (
    FailedSignIns,
    SessionKeys,
    credentials_match,
    hash_password,
    password_matches,
    safe_next,
)

KEY = SecretStr("k" * 44)
HASH = hash_password("senha-segura-1")


def test_a_password_matches_only_its_own_hash() -> None:
    assert HASH.startswith("scrypt$16384$8$1$")
    assert password_matches("senha-segura-1", HASH)
    assert not password_matches("senha-segura-2", HASH)
    assert not password_matches("senha-segura-1", hash_password("outra-senha"))


def test_the_same_password_hashes_differently_each_time() -> None:
    assert hash_password("senha-segura-1") != HASH


def test_malformed_hashes_never_match() -> None:
    for stored in ("", "plain", "pbkdf2$1$2$3$aa$bb", "scrypt$x$8$1$aa$bb", HASH + "$extra"):
        assert not password_matches("senha-segura-1", stored)


def test_credentials_need_the_user_the_password_and_a_configured_hash() -> None:
    stored = SecretStr(HASH)
    assert credentials_match("admin", "senha-segura-1", "admin", stored)
    assert not credentials_match("root", "senha-segura-1", "admin", stored)
    assert not credentials_match("admin", "errada", "admin", stored)
    assert not credentials_match("admin", "senha-segura-1", "admin", None)


def test_a_session_names_its_user_until_it_expires() -> None:
    keys = SessionKeys.derive(KEY, SecretStr(HASH))
    token = keys.issue("admin", 60, now=1000)

    assert keys.user_of(token, now=1030) == "admin"
    assert keys.user_of(token, now=1061) is None


def test_a_forged_or_foreign_session_is_refused() -> None:
    keys = SessionKeys.derive(KEY, SecretStr(HASH))
    token = keys.issue("admin", 60, now=1000)
    body, signature = token.rsplit(".", 1)
    user, expires, nonce = body.split(".")

    longer = f"{user}.{int(expires) + 10**6}.{nonce}.{signature}"
    assert keys.user_of(longer, now=1000) is None
    assert keys.user_of(token[:-2] + "xx", now=1000) is None
    for junk in (None, "", "a.b", "a.b.c.d.e"):
        assert keys.user_of(junk, now=1000) is None
    other_secret = SessionKeys.derive(SecretStr("o" * 44), SecretStr(HASH))
    assert other_secret.user_of(token, now=1000) is None


def test_changing_the_password_signs_everyone_out() -> None:
    token = SessionKeys.derive(KEY, SecretStr(HASH)).issue("admin", 60, now=1000)
    after = SessionKeys.derive(KEY, SecretStr(hash_password("nova-senha-123")))

    assert after.user_of(token, now=1000) is None


def test_the_csrf_token_belongs_to_one_session() -> None:
    keys = SessionKeys.derive(KEY, SecretStr(HASH))
    first, second = keys.issue("admin", 60), keys.issue("admin", 60)

    assert keys.csrf_matches(first, keys.csrf_for(first))
    assert not keys.csrf_matches(first, keys.csrf_for(second))
    assert not keys.csrf_matches(first, None)
    assert not keys.csrf_matches(first, "")


def test_the_sign_in_form_token_is_signed_and_expires() -> None:
    keys = SessionKeys.derive(KEY, SecretStr(HASH))
    token = keys.login_token(now=1000)

    assert keys.login_token_valid(token, now=1100)
    assert not keys.login_token_valid(token, now=1000 + 3601)
    assert not keys.login_token_valid("1000.forged", now=1100)
    assert not keys.login_token_valid(None)


def test_after_signing_in_only_paths_of_this_site_are_followed() -> None:
    assert safe_next("/plataformas/loja/erros") == "/plataformas/loja/erros"
    for target in (None, "", "https://evil.example", "//evil.example", "/\\evil.example"):
        assert safe_next(target) == "/"


def test_repeated_wrong_passwords_block_the_address_for_a_while() -> None:
    failures = FailedSignIns(limit=3, window_seconds=60)
    for at in (0, 1, 2):
        assert not failures.blocked("10.0.0.1", now=at)
        failures.failed("10.0.0.1", now=at)

    assert failures.blocked("10.0.0.1", now=3)
    assert not failures.blocked("10.0.0.2", now=3)
    assert not failures.blocked("10.0.0.1", now=100)


def test_ponte_hash_password_prints_a_hash_that_matches(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("senha-segura-1\n"))
    with pytest.raises(SystemExit) as exited:
        main(["hash-password", "--stdin"])
    printed = capsys.readouterr()

    assert exited.value.code == 0
    assert password_matches("senha-segura-1", printed.out.strip())
    assert "senha-segura-1" not in printed.out + printed.err


def test_ponte_hash_password_refuses_a_short_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("curta\n"))
    with pytest.raises(SystemExit) as exited:
        main(["hash-password", "--stdin"])

    assert exited.value.code == 1
    assert "at least 8 characters" in capsys.readouterr().err


def test_each_sign_in_is_its_own_session_that_sign_out_can_name() -> None:
    keys = SessionKeys.derive(KEY, SecretStr(HASH))
    first, second = keys.issue("admin", 60, now=1000), keys.issue("admin", 60, now=1000)
    one, other = keys.session_of(first, now=1001), keys.session_of(second, now=1001)

    assert one is not None and other is not None
    assert one.user == "admin" and one.expires == 1060
    assert one.issued == 1000.0 and one.session_id.startswith("1000000-")
    assert len(one.session_id) == len("1000000-") + 32 and one.session_id != other.session_id
    assert keys.session_of(first[:-1] + "x", now=1001) is None

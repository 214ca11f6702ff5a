"""The NF-e access key (chave de acesso): 44 digits ending in a mod-11 check digit.

    cUF(2) AAMM(4) CNPJ(14) mod(2) serie(3) nNF(9) tpEmis(1) cNF(8) cDV(1)

Pure functions: the sandbox builds keys with them, the mapping refuses a key whose check digit
is wrong instead of passing a mistyped key on to a platform.
"""

from __future__ import annotations

import re

_DIGITS_44 = re.compile(r"^\d{44}$")


def check_digit(first_43: str) -> int:
    """The mod-11 digit of the NF-e layout: weights 2..9 from the right, 0 for 10 and 11."""
    total = sum(int(digit) * (2 + n % 8) for n, digit in enumerate(reversed(first_43)))
    remainder = total % 11
    return 0 if remainder < 2 else 11 - remainder


def is_valid_key(key: str) -> bool:
    """44 digits whose last one is the check digit of the other 43."""
    return bool(_DIGITS_44.match(key)) and check_digit(key[:43]) == int(key[43])


def access_key(
    *, uf: int, year_month: str, cnpj: str, serie: int, numero: int, code: int, model: int = 55
) -> str:
    """A well-formed key (`year_month` as "AAMM", `tpEmis` 1: normal emission)."""
    first_43 = f"{uf:02d}{year_month}{cnpj:0>14}{model:02d}{serie:03d}{numero:09d}1{code:08d}"
    if len(first_43) != 43 or not first_43.isdigit():
        raise ValueError(f"cannot build an NF-e key from {first_43!r}")
    return first_43 + str(check_digit(first_43))

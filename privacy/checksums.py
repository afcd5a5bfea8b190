"""Checksums that tell a real card number or IBAN from any other long number."""

from __future__ import annotations


def luhn_valid(digits: str) -> bool:
    if not digits.isdigit() or not 13 <= len(digits) <= 19:
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


# Lengths from the SWIFT IBAN registry for the countries a UK desk sees most; others are checked for
# the general 15-34 length only.
_IBAN_LENGTHS = {
    "GB": 22, "IE": 22, "DE": 22, "FR": 27, "ES": 24, "IT": 27, "NL": 18, "BE": 16, "PT": 25, "PL": 28,
    "CH": 21, "AT": 20, "DK": 18, "SE": 24, "NO": 15, "FI": 18, "LU": 20, "GI": 23, "MT": 31, "CY": 28,
    "LT": 20, "LV": 21, "EE": 20, "CZ": 24, "SK": 24, "HU": 28, "RO": 24, "BG": 22, "HR": 21, "SI": 19,
    "GR": 27, "IS": 26, "LI": 21, "MC": 27, "SM": 27, "AD": 24, "TR": 26, "AE": 23, "SA": 24, "IL": 23,
}  # fmt: skip


def known_iban_country(candidate: str) -> bool:
    return candidate.replace(" ", "").replace("-", "")[:2].upper() in _IBAN_LENGTHS


def iban_valid(candidate: str) -> bool:
    iban = candidate.replace(" ", "").replace("-", "").upper()
    if not 15 <= len(iban) <= 34 or not iban.isalnum() or not iban[:2].isalpha() or not iban[2:4].isdigit():
        return False
    expected = _IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1

"""Writes labelled.jsonl (tuned against) and holdout.jsonl (written separately, measured only).

Run: python data/redaction/build_sets.py. Messages are templates with slots like {CARD}; each slot is
filled from a pool of realistic UK-format values and its character range recorded as a labelled span.
Templates without slots are ordinary IT-desk text (error codes, IPs, versions, ticket numbers) that
must come out unchanged. The holdout set has its own templates and its own values.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

HERE = Path(__file__).parent


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    for check in "0123456789":
        digits = body + check
        total = 0
        for i, c in enumerate(reversed(digits)):
            v = int(c) * (2 if i % 2 else 1)
            total += v - 9 if v > 9 else v
        if total % 10 == 0:
            return digits
    raise AssertionError


def _group(digits: str, sizes: list[int], sep: str) -> str:
    out, i = [], 0
    for size in sizes:
        out.append(digits[i : i + size])
        i += size
    return sep.join(p for p in out if p)


def card(rng: random.Random) -> str:
    kind = rng.choice(["visa", "visa", "mc", "amex", "maestro"])
    if kind == "amex":
        digits = _luhn_complete(rng.choice(["34", "37"]), 15, rng)
        return _group(digits, [4, 6, 5], rng.choice([" ", "", "-"]))
    prefix = {"visa": "4", "mc": rng.choice(["51", "52", "55", "2221"]), "maestro": "6759"}[kind]
    digits = _luhn_complete(prefix, 16, rng)
    return _group(digits, [4, 4, 4, 4], rng.choice([" ", " ", "", "-"]))


def _iban(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    check = 98 - int("".join(str(int(c, 36)) for c in rearranged)) % 97
    return f"{country}{check:02d}{bban}"


def iban(rng: random.Random) -> str:
    country = rng.choice(["GB", "GB", "GB", "IE", "DE", "FR", "NL"])
    bank = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
    if country in ("GB", "IE"):
        bban = bank + "".join(rng.choice("0123456789") for _ in range(14))
    elif country == "DE":
        bban = "".join(rng.choice("0123456789") for _ in range(18))
    elif country == "FR":
        bban = "".join(rng.choice("0123456789") for _ in range(23))
    else:
        bban = bank + "".join(rng.choice("0123456789") for _ in range(10))
    value = _iban(country, bban)
    if rng.random() < 0.6:
        value = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return value.lower() if rng.random() < 0.1 else value


def nino(rng: random.Random) -> str:
    first = rng.choice("ABCEGHJKLMNOPRSTWXYZ")
    second = rng.choice("ABCEGHJKLMNPRSTWXYZ")
    if first + second in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}:
        first, second = "J", "G"
    digits = [f"{rng.randint(0, 99):02d}" for _ in range(3)]
    suffix = rng.choice("ABCD")
    if rng.random() < 0.5:
        return f"{first}{second} {' '.join(digits)} {suffix}"
    value = f"{first}{second}{''.join(digits)}{suffix}"
    return value.lower() if rng.random() < 0.15 else value


def phone(rng: random.Random) -> str:
    # Ofcom drama ranges (07700 900xxx, 020 7946 0xxx, 0113 496 0xxx, 0161 496 0xxx, 01632 960xxx).
    n = f"{rng.randint(0, 999):03d}"
    return rng.choice(
        [
            f"07700 900{n}", f"07700900{n}", f"+44 7700 900{n}", f"+447700900{n}", f"07700-900-{n}",
            f"020 7946 0{n}", f"(020) 7946 0{n}", f"+44 (0)20 7946 0{n}", f"0113 496 0{n}", f"0161 496 0{n}",
            f"01632 960{n}", f"0044 7700 900{n}", f"0800 123 4{n}", f"+1 415 555 0{n}", f"+353 1 555 0{n}",
        ]
    )  # fmt: skip


def email(rng: random.Random) -> str:
    user = rng.choice(["jane.doe", "j.smith", "mo.patel", "sarah_k", "tom.o-brien", "priya+it", "d.evans76",
                       "helpdesk.user", "liam.murphy", "a.nowak", "kwame.mensah", "chloe.w"])  # fmt: skip
    domain = rng.choice(["example.co.uk", "gmail.com", "outlook.com", "nhs.net", "acme-ltd.co.uk",
                         "council.gov.uk", "btinternet.com", "uni.ac.uk", "yahoo.co.uk"])  # fmt: skip
    value = f"{user}@{domain}"
    return value.upper() if rng.random() < 0.05 else value


PASSWORDS_DEV = ["hunter2", "Summer2024!", "P@ssw0rd", "letmein123", "Tr0ub4dor&3", "qwerty!!", "Fluffy_2019",
                 "iloveyou", "Winter#25", "ManUtd1999", "correct-horse-battery", "Kx9$mZ2q", "sunshine",
                 "London2012", "Abc12345", "dragon88"]  # fmt: skip
PASSWORDS_HOLD = ["Chelsea07!", "monkey42", "Passw0rd!", "R3d&Blue", "teapot", "Gl4sgow#1", "Biscuit2023",
                  "xY7!pq9Lm", "football1", "N0rthEnd_", "Secret99", "Rainbow$4"]  # fmt: skip


def password(rng: random.Random, pool: list[str]) -> str:
    return rng.choice(pool)


def otp(rng: random.Random) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(rng.choice([6, 6, 6, 4, 8])))
    return f"{digits[:3]} {digits[3:]}" if len(digits) == 6 and rng.random() < 0.2 else digits


def pin(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789") for _ in range(rng.choice([4, 4, 6])))


def api_key(rng: random.Random) -> str:
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    r = lambda n, chars=alnum: "".join(rng.choice(chars) for _ in range(n))  # noqa: E731
    return rng.choice(
        [
            "AKIA" + r(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
            "ghp_" + r(36),
            "xoxb-" + r(11, "0123456789") + "-" + r(24),
            "sk_live_" + r(24),
            "sk-" + r(40),
            "AIza" + r(35),
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx" + r(12) + "." + r(22),
            "glpat-" + r(20),
            "-".join(r(6, "0123456789") for _ in range(8)),  # BitLocker recovery key
        ]
    )


def generic_key(rng: random.Random) -> str:
    return "".join(rng.choice("abcdef0123456789") for _ in range(rng.choice([24, 32, 40])))


FILLERS = {
    "CARD": card, "IBAN": iban, "NINO": nino, "PHONE": phone, "EMAIL": email,
    "OTP": otp, "PIN": pin, "KEY": api_key, "GKEY": generic_key,
}  # fmt: skip
LABEL_OF = {"OTP": "SECRET", "KEY": "SECRET", "GKEY": "SECRET", "PW": "PASSWORD", "PIN": "PASSWORD"}
_SLOT = re.compile(r"\{([A-Z]+)\}")


def render(template: str, rng: random.Random, passwords: list[str]) -> dict:
    text, spans, position = "", [], 0
    for match in _SLOT.finditer(template):
        text += template[position : match.start()]
        slot = match.group(1)
        value = password(rng, passwords) if slot == "PW" else FILLERS[slot](rng)
        spans.append([len(text), len(text) + len(value), LABEL_OF.get(slot, slot)])
        text += value
        position = match.end()
    text += template[position:]
    return {"text": text, "spans": spans}


def build(name: str, seed: int, passwords: list[str], repeats: int) -> None:
    rng = random.Random(seed)
    templates = [line.rstrip("\n") for line in (HERE / f"{name}_templates.txt").open(encoding="utf-8")]
    templates = [t for t in templates if t.strip() and not t.startswith("#")]
    rows = []
    for template in templates:
        copies = repeats if _SLOT.search(template) else 1
        rows.extend(render(template, rng, passwords) for _ in range(copies))
    rng.shuffle(rows)
    with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{name}.jsonl: {len(rows)} messages, {sum(1 for r in rows if not r['spans'])} without spans")


if __name__ == "__main__":
    build("labelled", seed=16, passwords=PASSWORDS_DEV, repeats=3)
    build("holdout", seed=61, passwords=PASSWORDS_HOLD, repeats=2)

"""How familiar the customer is with computers: inferred from their words, or asked once."""

from __future__ import annotations

import re

from actions.diagnostics.schema import Level

_EXPERT = re.compile(
    r"\b(dns|dhcp|ipconfig|ifconfig|nslookup|ping|traceroute|subnet|gateway|ssid|mac address|ip address|"
    r"driver|drivers|registry|regedit|powershell|terminal|cli|bios|uefi|firmware|kernel|event viewer|"
    r"task manager|activity monitor|device manager|group policy|gpo|active directory|ldap|imap|smtp|"
    r"exchange|oauth|mfa token|vpn client|ike|ipsec|wireguard|openvpn|tls|certificate|hdmi handshake|"
    r"edid|refresh rate|sysadmin|admin rights|ost|pst|owa|send/receive|cached (exchange )?mode|autodiscover|"
    r"mx record|spf|dkim|nic|network adapter|ad account|domain controller|sccm|intune|"
    r"i('m| am) (an? )?(it|admin|engineer|developer|techie)|"
    # how customers describe themselves: "im comfortable with tech", "i do software dev for a living"
    r"(i'?m|im|i am) (pretty |quite |very |fairly )?(comfortable|ok|okay|fine|good|handy|confident) with "
    r"(tech|technology|computers|pcs|macs|laptops)|i know my way around|(i'?m|im|i am) (pretty |quite |very |fairly )?"
    r"(techy|tech-savvy|tech savvy|technical)|(dev|developer|engineer|programmer|coder) for a living|"
    r"i work in (it|tech)|i do (software|it|dev|web) (dev|development|support|for a living))\b",
    re.IGNORECASE,
)
_NOVICE = re.compile(
    r"\b(not (very )?(good|great|techy|technical) with|not (very )?(techy|technical)|no idea about computers|"
    r"don'?t know (much )?about (computers|tech)|new to (computers|this)|explain (it )?simply|"
    r"keep it simple|bear with me|computer illiterate|(complete|total|absolute|a bit of a|bit of a) (novice|beginner)|"
    r"(i'?m|im|i am) (a )?(novice|beginner|newbie|technophobe)|not great with (this stuff|technology)|"
    r"not a computer person|go easy on me|(please )?go slow(ly)?|"
    r"hopeless with (this|tech|computers|it)|useless with (tech|computers)|not (a |very )?tech(y|ie|nical)( person)?|"
    r"not (a|very) tech person|not (very |that |too )?(comfortable|confident|good) (with|on) (computers|tech|it|"
    r"pcs|laptops))\b",
    re.IGNORECASE,
)

QUESTION = (
    "Before we start: how should I explain the steps? I can spell out every click, "
    "or keep the steps short if you know your way around a computer."
)
CHOICES: tuple[tuple[str, Level], ...] = (("Spell out every click", "novice"), ("Short steps", "expert"))


_PRECISE = re.compile(
    r"\b(0x[0-9a-f]{4,}|error (code )?\d{3,}|\d{3} \d\.\d\.\d|(\d{1,3}\.){3}\d{1,3}|[a-z]+::[a-z_]+|"
    r"net::err_\w+|err_\w+|event id \d+|kb\d{6,})\b",
    re.IGNORECASE,
)
"""Error codes, IP addresses and event ids: a customer who quotes them reads short steps fine."""


_ASKS_SHORT = re.compile(
    r"\b(short steps|short version|keep it (short|brief)|brief steps|quick steps|just the steps|"
    r"skip the basics|no hand-?holding|skip the hand[- ]?holding|just (give me )?the (checks|steps))\b",
    re.IGNORECASE,
)
_ASKS_DETAIL = re.compile(
    r"\b(spell (it |everything )?out|every click|step by step|in detail|detailed steps|simple steps|"
    r"keep it basic|basic steps|super simple|simple (please|pls|thanks)|explain it simply)\b",
    re.IGNORECASE,
)
"""The customer says how they want the steps: that is the answer to the question we would ask."""


def infer_level(text: str) -> Level | None:
    """A level when the customer's words make it clear, else None (then we ask once)."""
    if _ASKS_SHORT.search(text):
        return "expert"
    if _ASKS_DETAIL.search(text) or _NOVICE.search(text):
        return "novice"
    if _EXPERT.search(text) or _PRECISE.search(text):
        return "expert"
    return None


_CLAUSE = re.compile(r"[^.!?;,]+[.!?;,]*")


def without_self_description(text: str) -> str:
    """The message without the clauses where the customer says how much help they want ("im useless with
    computers so please go slow"): those words are about the customer, and "go slow" would otherwise find the
    slow-computer article for an email problem. The message itself when nothing else would be left."""
    kept = [
        clause
        for clause in _CLAUSE.findall(text)
        if not (_NOVICE.search(clause) or _ASKS_DETAIL.search(clause) or _ASKS_SHORT.search(clause))
    ]
    rest = "".join(kept).strip(" ,;")
    return rest if len(rest.split()) >= 3 else text


def parse_level_answer(text: str) -> Level | None:
    clean = text.lower()
    if re.search(
        r"\b(spell|every click|simple|simply|detail|novice|beginner|explain|slow|slowly|not sure|plain|basic|"
        r"technophobe|not techy|not confident|don'?t know|new)\b",
        clean,
    ):
        return "novice"
    if re.search(r"\b(short|brief|quick|expert|know my way|advanced|skip|fast|techie|it pro)\b", clean):
        return "expert"
    return infer_level(
        text
    )  # "im comfortable with tech": how they describe themselves, as in a first message

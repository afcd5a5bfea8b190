"""Chat shorthand spelled out before a query is embedded ("forgot pw" -> "forgot password").

MiniLM never saw "pw" or "tmrw" as the words they stand for, so a two-word question in chat shorthand misses an
article that answers it. Only whole words are replaced, and only unambiguous ones.
"""

from __future__ import annotations

import re

SHORTHAND: dict[str, str] = {
    "pw": "password",
    "pwd": "password",
    "passwd": "password",
    "passwrd": "password",
    "pasword": "password",
    "acct": "account",
    "2fa": "two-factor authentication",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "msg": "message",
    "msgs": "messages",
    "cant": "can't",
    "dont": "don't",
    "wont": "won't",
    "doesnt": "doesn't",
    "isnt": "isn't",
    "ur": "your",
    "u": "you",
    "r": "are",
    "b4": "before",
    "w/": "with",
    "pic": "picture",
    "comp": "computer",
}
_WORD = re.compile(
    r"(?<![\w/])(" + "|".join(re.escape(k) for k in sorted(SHORTHAND, key=len, reverse=True)) + r")(?![\w/])",
    re.I,
)


def expand(text: str) -> str:
    """The text with chat shorthand written out in full."""
    return _WORD.sub(lambda m: SHORTHAND[m.group(1).lower()], text)

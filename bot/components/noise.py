"""Read messages that carry no words: emoji, punctuation, keyboard mash.

A sentence encoder sees "👍", "???" and "fjdksla;fj" as near-random vectors, so the classifier guesses. These
rules say what such a message is: a greeting, a yes, a no, thanks, or noise. Pure Python, no Rasa import, so
the app runtime can test it too.
"""

from __future__ import annotations

import re
import unicodedata

NOISE = "noise"

_EMOJI_INTENTS: dict[str, str] = {
    "👋": "greet",
    "🙋": "greet",
    "👍": "affirm",
    "👌": "affirm",
    "✅": "affirm",
    "✔": "affirm",
    "🆗": "affirm",
    "👎": "deny",
    "❌": "deny",
    "✖": "deny",
    "🙏": "thank",
    "💐": "thank",
    "❤": "thank",
    "😡": "complain",
    "🤬": "complain",
    "😠": "complain",
}
_GREETING = re.compile(r"^(hello+|hi+|hey+|hiya|helo|hallo|yo|morning|good (morning|afternoon|evening))$")
_VOWELS = set("aeiouy")
_MASH_RUN = re.compile(r"[bcdfghjklmnpqrstvwxz]{6,}")
_HOME_ROW = set("asdfghjkl;")


def _symbols(text: str) -> list[str]:
    """Every character that is not a space, joiner or variation selector."""
    return [c for c in text if not c.isspace() and c not in "\u200d\ufe0f\ufe0e"]


def _is_pictograph(char: str) -> bool:
    return unicodedata.category(char) == "So" or 0x1F000 <= ord(char) <= 0x1FAFF or char in _EMOJI_INTENTS


def _looks_mashed(word: str) -> bool:
    letters = word.lower()
    if len(letters) < 5:
        return False
    if _MASH_RUN.search(letters):
        return True
    vowels = sum(1 for c in letters if c in _VOWELS)
    home = sum(1 for c in letters if c in _HOME_ROW)
    return vowels / len(letters) < 0.15 or (len(letters) >= 8 and home / len(letters) > 0.85)


def read_noise(text: str) -> str | None:
    """The intent a wordless message stands for, `noise` when it stands for nothing, or None for real text."""
    symbols = _symbols(text)
    if not symbols:
        return NOISE
    if all(_is_pictograph(c) or unicodedata.category(c).startswith("S") for c in symbols):
        meanings = {_EMOJI_INTENTS[c] for c in symbols if c in _EMOJI_INTENTS}
        return meanings.pop() if len(meanings) == 1 else NOISE
    if all(unicodedata.category(c).startswith("P") for c in symbols):
        return NOISE  # "???", "...", "!!"
    words = re.findall(r"[^\W\d_]+", text.lower())
    if (
        len(words) == 1
        and _GREETING.match(words[0])
        and not re.search(r"[^\W_]", re.sub(words[0], "", text.lower()))
    ):
        return "greet"  # "hello??", "hi!!!"
    if words and len(words) <= 3 and all(_looks_mashed(w) for w in words) and not re.search(r"\d", text):
        return NOISE  # "fjdksla;fjdkslaghh"
    return None

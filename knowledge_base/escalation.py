"""An article's own escalation condition, e.g. "If the test call also fails, try another headset. If that
fails too, ask for a person." from its "If it does not work" section.

A customer who reports that they already met it ("the test call shows nothing either, and my spare headset
does the same") has done what the article says to do last; the article's next step is a person, not a
diagnostic script that starts again from the first check.
"""

from __future__ import annotations

import re

from knowledge_base.chunking import split_sentences

SECTION = "if it does not work"
_PERSON = re.compile(r",?\s*\bask for a person\b.*$", re.IGNORECASE | re.DOTALL)


def escalation_condition(section_text: str) -> str | None:
    """The "If …" sentences up to the one that says to ask for a person, without that request.

    None when the section has no such condition: "Note the printer's name and ask for a person" is an
    instruction for everyone, not a condition a customer can report having met.
    """
    condition: list[str] = []
    for sentence in split_sentences(section_text.replace("\n", " ")):
        is_condition = sentence.lower().startswith("if ")
        if _PERSON.search(sentence):  # "If that fails too, ask for a person." / "Ask for a person to check."
            rest = _PERSON.sub("", sentence).strip(" ,.") if is_condition else ""
            return " ".join([*condition, rest] if rest else condition) or None
        if is_condition:
            condition.append(sentence)
        elif condition:
            break
    return None

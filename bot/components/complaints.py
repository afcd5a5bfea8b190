"""Read a complaint about the service, whatever problem the message also names.

"you marked my vpn ticket as resolved without even asking me. it STILL doesnt connect. absolutely ridiculous"
reads to the classifier mostly as a VPN fault, and a script would start on someone who is already fed up. A
person would apologise first and offer a colleague. Kept narrow: strong words about the service or the
situation ("ridiculous", "a joke", "fed up", "not impressed"), never a self-description ("I'm useless with
computers") and never a message that asks how to do something ("fed up of waiting for codes, can I use the
app instead?" is a how-to question). Pure Python, no Rasa import, so the app runtime can test it too.
"""

from __future__ import annotations

import re

_FED_UP = re.compile(
    r"\b(ridiculous|unacceptable|appalling|disgraceful|a disgrace|pathetic|shambles|(is|'s|what) a (complete |total |bad )?joke|laughable|"
    r"waste of (my )?time|(really|so|totally|absolutely|getting|proper|well) (fed up|annoyed|angry|furious|"
    r"frustrated|livid|fuming|cross)|fed up( now| with (this|you|it)| of this)?\s*[.!]*$|sick (of|and tired of) "
    r"(this|it|waiting|you)|not (impressed|happy|good enough)|(honestly|completely|totally|utterly|so|absolutely) "
    r"useless|(this|that|it|you|you lot|this bot|the service)('s| is| are|'re) (useless|hopeless|rubbish|"
    r"terrible|awful)|(third|fourth|fifth|3rd|4th|5th) time)\b",
    re.IGNORECASE,
)
# "im useless with computers", "I'm hopeless at this": about themselves, not a complaint
_SELF = re.compile(
    r"\b(i'?m|im|i am)\s+(so |really |totally |completely )?(useless|hopeless|rubbish)\b", re.I
)
_HOW_TO = re.compile(r"\b(how (do|can|should) i|can i|could i|is there a way|what should i)\b[^?]*\?", re.I)


def complains(text: str) -> bool:
    """True when the message is, above all, a complaint about the service or the wait."""
    clean = _SELF.sub(" ", text.replace("\u2019", "'"))
    return bool(_FED_UP.search(clean)) and not _HOW_TO.search(clean)

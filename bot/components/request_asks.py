"""Read an ask for something new (software, access, equipment) that the classifier was unsure about.

A service request reads 0.45-0.6 to the classifier when it comes with a story ("occupational health said i
should ask for a bigger monitor ... how do i go about getting one?"), the same range as a fault report it
mistakes for one ("the hr portal keeps showing me the old rota"), so confidence alone cannot tell them apart.
The words can: asking to get, have or be given something, with no fault in the message and no "why" question
about a request already made. Pure Python, no Rasa import, so the app runtime can test it too.
"""

from __future__ import annotations

import re

_ASKS_TO_GET = re.compile(
    r"\b((could|can|may) (i|we|you) (please )?(get|have|order|request|be given|be set up with|set me up with)|"
    r"how (do|can|would|should) (i|we) (get|go about getting|request|ask for|apply for|order|get hold of|"
    r"sort out getting)|(i'?d|i would|we'?d|we would) like (a|an|to (get|have|order|request))|"
    r"i (need|want) (a new|an extra|another|access|to get|to order|to request)|ask(ing)? for (a|an|access)|"
    r"request(ing)? (a|an|access)|get access|give me access|set (me|him|her|them) up with)\b",
    re.IGNORECASE,
)
_FAULT = re.compile(
    r"\b(not working|stopped working|doesn'?t work|won'?t (work|open|start|load|connect|print|turn on|charge|let me)|"
    r"broken|keeps (crashing|freezing|dropping|showing|saying|asking)|error|crash(es|ed|ing)?|frozen|"
    r"(can'?t|cannot|unable to) (open|log|sign|connect|print|get in|get into|access|see|hear)|access denied|"
    r"failed|failing|slow|jam(s|med|ming)?|stop \w+ing)\b",
    re.IGNORECASE,
)
_WHY = re.compile(r"\bwhy\b", re.IGNORECASE)


def asks_for_something_new(text: str) -> bool:
    """True when the message asks to get something (a request), with no fault and no "why" in it."""
    clean = text.replace("\u2019", "'")
    return bool(_ASKS_TO_GET.search(clean)) and not _FAULT.search(clean) and not _WHY.search(clean)

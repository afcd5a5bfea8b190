"""A problem report that NLU was not sure of, answered by a script's own overview article: start the script.

"vpn keeps timing out on the train wifi and i need the team sharepoint for a presentation at 2" reads as
problem_vpn 0.36 and request_service 0.30 ("i need ..."; often the request comes first), so it falls below the
NLU floor and reaches the knowledge base, which answers with "Connect to the VPN", the VPN script's overview article. A customer who
reports a fault (no question asked) wants it fixed with them, step by step, as when NLU reads the report
clearly; a question ("how do I connect to the guest wifi?") still gets the article.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from actions.diagnostics.schema import Script
from knowledge_base import Hit

MIN_PROBLEM_CONFIDENCE = 0.15
"""The problem intent must be NLU's first real guess (or second, behind a service request) and at least this
sure (reports seen: 0.19-0.50)."""
REQUEST_INTENT = "request_service"
"""Fault reports with "i need ... for ..." lean towards a request; a real request is read above its own floor
(0.6, config.yml) and never reaches the knowledge base."""

_ASKS = re.compile(
    r"\?|\b(how|what|where|which|why|when do|can i|could i|should i|do i|is it|is that|is this|is there|are there|"
    r"any way|tell me|show me|explain)\b",
    re.IGNORECASE,
)


def asks_something(text: str) -> bool:
    """True for a question ("how do i ...", "is that normal", "...?"), False for a plain report of a fault."""
    return bool(_ASKS.search(text))


def script_for_report(
    text: str, intent_ranking: Sequence[Mapping[str, Any]], best: Hit | None, scripts: Mapping[str, Script]
) -> str | None:
    """The script to start instead of showing `best`, else None."""
    if best is None or best.diagnostic_id is None or asks_something(text):
        return None
    guesses = [i for i in intent_ranking if i.get("name") not in ("nlu_fallback", None)]
    if guesses and guesses[0].get("name") == REQUEST_INTENT:
        # "no sound from the pc ... and i need to play a video": "i need" reads as a request
        guesses = guesses[1:]
    if not guesses:
        return None
    top = guesses[0]
    name = str(top.get("name"))
    if not name.startswith("problem_") or float(top.get("confidence") or 0.0) < MIN_PROBLEM_CONFIDENCE:
        return None
    script = scripts.get(name.removeprefix("problem_"))
    if script is None or script.id != best.diagnostic_id or script.overview_article != best.doc_id:
        return None
    return script.id

"""A help article that answers a problem more closely than its script's first checks.

"Everyone on my Teams calls hears an echo" is a sound problem, but the meeting-audio article answers it; the
sound script would start with the speaker volume. So when the knowledge base confidently answers a problem
message with an article linked to the same script that is not the script's overview article, that article
comes first (its "Did this solve it?" leads back to the script). A script without an overview article
always starts its checks.
"""

from __future__ import annotations

from actions.diagnostics.schema import Script
from knowledge_base import Decision, Hit

SCRIPTLESS_MIN_SCORE = 0.6
"""An article with no script of its own ("someone rang pretending to be IT and I gave them my code" ->
report phishing) replaces the script only when it matches this closely (script starters score below 0.5
on such articles)."""


def closer_article(script: Script, decision: Decision) -> Hit | None:
    """The article to show instead of starting `script`, else None."""
    if script.overview_article is None or decision.kind != "answer" or decision.best is None:
        return None
    best = decision.best
    if best.diagnostic_id is None and decision.top_score >= SCRIPTLESS_MIN_SCORE:
        return best
    if best.diagnostic_id != script.id or best.doc_id == script.overview_article:
        return None
    return best

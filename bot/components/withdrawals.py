"""Read a customer taking back what they asked for ("... my manager will raise it herself. forget it").

Inside a form the classifier sees mostly the reason ("my manager's just said she'll raise it for the whole
team herself") and the form would take the whole message as the next answer. A message that *ends* by
withdrawing leaves no doubt. Kept narrow: the withdrawal must close the message, and a question or a new
problem after it ("never mind that, my printer is jammed now") is not one. Pure Python, no Rasa import, so
the app runtime can test it too.
"""

from __future__ import annotations

import re

_WITHDRAW = (
    r"forget (it|about it|this|that)|never ?mind|nvm|ignore (me|that|this|my (last )?message)|"
    r"(scrap|scratch|drop) (that|this|it)|cancel (this|that|it|the request|my request)( please| pls)?|"
    r"(don'?t|do not) (worry|bother)( about it)?|"
    # "leave it, ta", "we can leave it there", "park it for now", "let's call it a day"
    r"(we can |let'?s |just )?(leave|park) (it|this|that)( there| for now| for today| for the moment)?|"
    r"(let'?s |i'?ll )?call it a day|"
    # "ill use the one upstairs, no need to carry on", "Helen sent me the file so i dont need the access after all"
    r"no need to (carry on|continue|go on|keep going|bother)|(i |we )?(don'?t|do not) need (it|this|that|them|the \w+)"
    r" after all"
)
"""Not "i don't need it any more": "collect my old monitor, i don't need it any more" is a request."""
_CLOSING = re.compile(
    rf"(^|[\s,.;:!-])({_WITHDRAW})(\s*[,.!]*\s*(thanks|thank you|cheers|ta|thx|sorry( for the bother| to bother you| about that)?|then|anyway|x+))?"
    r"[\s.!)\U0001F300-\U0001FAFF\u2600-\u27BF]*$",
    re.IGNORECASE,
)


def withdraws(text: str) -> bool:
    """True when the message closes by taking back the request or the problem, with no question in it."""
    clean = text.replace("\u2019", "'").strip()
    return "?" not in clean and bool(_CLOSING.search(clean))

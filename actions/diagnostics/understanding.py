"""Understand a customer's free-text answer to a script step.

Rules over the raw text come first, so the runtime works when NLU is unsure ("yep it's on", "not sure how to
check", "go back"); a confident NLU intent is used next; declarative answers ("the light is not on") fall back
to polarity: an answer that negates what the question asked is a "no".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from actions.diagnostics.schema import AnswerSpec

Kind = Literal[
    "yes",
    "no",
    "choice",
    "text",
    "dont_know",
    "why",
    "already_tried",
    "back",
    "stop",
    "simpler",
    "expert",
    "human",
    "fixed",
    "leave",
    "resume",
    "unclear",
]

CONFIDENT = 0.7
CONFIDENT_AT_KNOWN_STEP = 0.6
"""The answer model's reading wins from this probability at a step with its own earlier answers (elsewhere
from `confident`, 0.75): FloDial dialog-cv 91.2 -> 91.6 step accuracy, while the same 0.6 everywhere cost
0.5 on charts with no recorded answers (chart-out)."""

INTENT_KINDS: dict[str, Kind] = {
    "affirm": "yes",
    "deny": "no",
    "ask_why": "why",
    "already_tried": "already_tried",
    "cancel": "stop",
    "dont_know": "dont_know",
    "go_back": "back",
    "explain_simpler": "simpler",
    "ask_human": "human",
}


class AnswerReader(Protocol):
    """A learned reading of statement answers (actions.diagnostics.answers.AnswerModel)."""

    def read(self, question: str, answer: str, node: str | None = None) -> _Reading: ...

    def knows(self, node: str | None) -> bool:
        """True when the reader has learned from earlier answers to this step."""
        ...

    def entry(self, script_id: str, message: str) -> str | None:
        """The step recorded first messages like this one started at, when clear (else None)."""
        ...

    def similarities(self, message: str, texts: Sequence[str]) -> Sequence[float]:
        """Similarity of the message to each text (sentence embeddings)."""
        ...


class _Reading(Protocol):
    label: str
    probability: float


@dataclass(frozen=True)
class Reply:
    kind: Kind
    value: str | None = None
    """Choice id for `choice`, the extracted text for `text`, the customer's words for `question`/`dont_know`."""


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_META: list[tuple[Kind, re.Pattern[str]]] = [
    (
        # The customer says the problem is gone, whatever the step asked: believe them and stop at once.
        "fixed",
        _rx(
            r"\b(that|this|it|which)( has| 's|'s)? (fixed|solved|sorted|cured|did) (it|the (problem|issue|trick))\b",
            r"\b(that|this|it) (worked|did the trick|was it)\b(?! (for a (bit|while|minute)|before))",
            r"\bproblem('s| is| has)? (gone|solved|fixed|sorted)\b",
            r"\b(all|it'?s|it is|everything'?s|everything is) (fixed|sorted|working( again| now| fine)?)( now)?\s*[.!]*$",
            r"\b(fixed|sorted|solved) (it|now)\b(?! (yet|at all))",
            r"\b(all|it'?s( all)?|it is( all)?|everything'?s|everything is) good now\b(?!\s*\?)",
            r"\b(works|working) (now|again)\b[^?]*\b(thanks|thank you|cheers|ta)\b",
            # "oh it's back now and staying on, thx": it came back by itself and the customer says it is fine
            r"\b(it'?s|its|it is|it came|it'?s come) back( on| up)?( now| again)?\b[^?]*"
            r"\b(staying|stays|works|working|fine|thanks|thank you|thx|ty|cheers)\b",
            # What the customer wanted now happens: "and the bbc website opens", "music's playing",
            # "my desktop came up on the room screen", "a test email just arrived", "fine for 10 minutes now"
            r"\b(now|finally)\b(?:(?!\bbut\b)[^.!?]){0,40}\b(opens|loads|prints|plays|connects|comes up|came up|came through|"
            r"goes through|went through)\b",
            r"\b(music|sound|audio|video|it|everything)('s| is) (playing|printing|loading|working)( fine| again| now)?"
            r"\s*[.!]*$",
            r"\b(came|popped|comes) up on (the|my)\b",
            r"\bjust (arrived|came (in|through|out|up|back))\b",
            r"\b(been|it'?s|its|it is|it has been) (fine|ok|okay|good|stable|working)( for| since| ever since)\b",
            # "it's typing normally now", "printing properly again", "back to normal", "and i'm in!"
            r"\b\w+ing (normally|properly) (now|again)\b",
            r"\b(it'?s|its|it is|everything'?s|all) back to normal\b",
            # "the whole office is printing again", "everything's coming in now", "sound's back"
            r"\b(is|are|'s|'re) (printing|working|connecting|loading|syncing|playing|charging|showing|sending|"
            r"coming in|coming through|flowing) (again|now|fine|normally)\b",
            r"\b(sound|audio|picture|display|screen|image|internet|wi-?fi|connection|signal|mail|email|touchpad|"
            r"cursor|mouse|keyboard|printer|video|mic|microphone)('s| is| has come| came) back\b(?! to\b)",
            r"\b(and|now) i'?m (in|back in|logged in|signed in)\s*[.!]*$",
        ),
    ),
    (
        # "ok, carry on with the printer", "now back to outlook": the customer returns to the checks
        "resume",
        _rx(
            r"\b(carry on|continue|go on|resume|keep going)\b( with)?( the)?",
            r"^\s*(\w+[,!.]?\s+)?(now |ok |okay )?back to (the |my )?\w+",
            r"\bwhere were we\b",
        ),
    ),
    (
        "human",
        _rx(
            r"\b(talk|speak|chat)\b.*\b(person|human|agent|someone|somebody|technician)\b",
            r"\b(real|live) (person|human|agent)\b",
            r"^\s*(agent|human|operator)\s*[.!]*$",
            r"\b(pass|hand|send|escalate|give|put) (it|this|me)( on| over| through)? to (a |the |an |your )?"
            r"(\w+ )?(team|person|human|someone|somebody|engineer|technician|agent|desk|support)\b",
            r"\b(can|could) (someone|somebody|a tech|a technician|an engineer) (call|phone|ring|help) me\b",
            r"\bget me (someone|somebody|a person|a human|an engineer|a technician)\b",
        ),
    ),
    (
        # Leaving: goodbye in any form, even with thanks, is not a confirmed fix.
        "leave",
        _rx(
            r"\b(bye|goodbye|good bye|bye bye|cya|see ya|see you|ttyl|talk later|laters)\b",
            r"\b(got|have|need) to (go|run|dash)\b",
            r"\bgotta (go|run|dash)\b",
            r"\bi('ll| will) (try|do|check|look at) (it|that|this|them)?\s*(myself )?later\b",
            r"\b(in a meeting|have a meeting) (now|in a (minute|sec))\b",
            # "my train's just pulled in, I'll have to carry on with this later"
            r"\b(carry on|continue|pick (this|it) up|come back to (this|it)|finish (this|it)|do the rest)\b"
            r"[^.!?]{0,25}\b(later|another time|tomorrow)\b",
            r"\bmy (train|bus|taxi|cab|lift|ride|flight)('s| is| has)? (just )?(here|arrived|pulled in|come|boarding)\b",
            # "going for lunch, i'll have another go after": a break, and the checks stop until they come back
            r"\b(going|off|heading|popping out|nipping out|gone) (for|to) (my |a |the )?(lunch|break|coffee|meeting)\b",
            r"\bi('ll| will) (have|give it) (another|a) (go|try|look|crack)\b[^.!?]{0,20}\b(later|after|tomorrow|"
            r"in a bit|another time)\b",
        ),
    ),
    (
        "stop",
        _rx(
            # "stop", "cancel please"; not "quit it from the tray and started it again" (what they did)
            r"^\s*(stop|quit|cancel|exit|end|abort)\b\s*(please|pls|now|this|here|thanks|thank you|it all)?\s*[.!]*$",
            r"^\s*(stop|quit|cancel|exit|end|abort) (the|these|this|my) (chat|checks?|conversation|request|steps?)\b",
            r"\bcancel (that|it|my request|the request)\b",
            r"\b(stop|cancel|end) (this|these|the (checks?|script|troubleshooting|chat|conversation|steps?|"
            r"questions?|diagnostics?))\b",
            r"\blet'?s stop\b",
            r"\bforget (it|this)\b",
            r"\b(scrap|scratch|ditch|drop) (that|this|it)\b",
            r"\bignore (me|that|this|my (last )?(message|request))\b",
            r"\bdisregard (that|this|my)\b",
            r"\bnever ?mind\b",
            r"^\s*nvm\b",
            r"\bforget (the|about) (\w+ ){0,3}(for now|then)\b",
            r"\bdon'?t (bother|worry about it)\b",
            r"\bi'?ll (just )?(sort|fix|restart|do|figure) (it|this|that)( out)? myself\b",
            r"\bi give up\b",
        ),
    ),
    (
        "back",
        _rx(
            # "the temperature did not go back to normal" is an answer, not "go back"
            r"(?<!not )(?<!n't )(?<!did )(?<!does )(?<!will )\bgo back\b(?! to (normal|how|the way))",
            r"\bprevious (step|question)\b",
            r"\bback (a|one) step\b",
            r"^\s*back\s*[.!]*$",
            r"\bundo\b",
            r"\bi (made a mistake|answered wrong|meant the other)\b",
        ),
    ),
    (
        "simpler",
        _rx(
            r"\b(more simply|simpler|simple (words|terms|english|version|steps)|simply please)\b",
            r"\bexplain (it |that |this )?(more )?(simply|slowly|again)\b",
            r"\bplain (english|words)\b",
            r"\bi('m| am) (not|no) (good|great) with (computers|tech)\b",
            r"\btoo (technical|complicated)\b",
            r"\b(don'?t|do not) understand (what|that|this|the question)\b",
            r"\bwhat does that mean\b",
            r"\bin (simple|plain) (terms|words)\b",
        ),
    ),
    (
        "expert",
        _rx(
            r"\b(less detail|short(er)? (steps|version)|skip the basics|i('m| am) (an? )?(it|admin|"
            r"sysadmin|developer|engineer|techie))\b",
            r"\bi know (my way around|what i'?m doing)\b",
        ),
    ),
    (
        "why",
        _rx(
            r"^\s*why\b",
            r"\bwhy (do|should|would|does|is|are|did) (i|you|we|that|this|it)\b",
            r"\bwhat('s| is) the (point|reason)\b",
            r"\bhow (does|will|would) (that|this|it) help\b",
            r"\bwhy (is|does) (that|this|it) (matter|important|needed|necessary|help)\b",
            r"\bwhat for\b",
            r"\bwhy (that|this|it) (matters|helps)\b",
            r"\b(is|why is) (it|this|that) (necessary|needed|important)\b",
        ),
    ),
    (
        "already_tried",
        _rx(
            r"\b(already|previously) (tried|did|done|checked|restarted|rebooted|tested|done that)\b",
            # "already quit it and reopened it twice this morning"
            r"\b(i('ve| have)? )?already (quit|closed|reopened|restarted|rebooted|reset|cleared|reinstalled|updated|"
            r"unplugged|replugged|signed out|logged out|turned it off and on)\b",
            r"\b(tried|done|did) (that|this|it) already\b",
            r"\bi('ve| have) (tried|done) (that|this|it)\b",
            r"\bdid that (before|already)\b",
            # "rebooted it about an hour ago": the step was done before the checks began
            r"^\s*(i |we )?(restarted|rebooted|reset|cleared|reinstalled|updated|unplugged|replugged|re-?seated|"
            r"power[- ]cycled|turned (it|them|\w+) (off and on|on and off))\b[^.!?]{0,30}\b(\w+ ago|earlier|"
            r"this morning|yesterday|last night)\s*[.!]*$",
        ),
    ),
    (
        "dont_know",
        _rx(
            r"\b(not sure|unsure|no idea|don'?t know|do not know|dunno|can'?t tell|cannot tell|"
            r"idk|no clue|have no idea)\b",
            r"\bhow (do|can|would|should) i (check|tell|find|see|know|look|do|test|get)\b",
            # "how do i open that thing", "how do you get into that": how to reach what the step names
            r"\bhow (do|can|would|should) (i|you|we) (open|start|launch|get (to|into|in)|reach|bring up|find)"
            r" (that|this|it|the)\b",
            r"\bwhere (do|can|would|should) i (find|look|see|check|click)\b",
            r"\bwhere is (it|that|this)\b",
            r"\b(can'?t|cannot|couldn'?t) find\b",
            r"\bshow me how\b",
            # "how do i update it?": how to do what the step asks
            r"^\s*(ok |okay |so )?how (do|can|would|should) (i|you|we) \w+ (it|that|this|them|one)\s*\?*\s*$",
            r"\bhow to check\b",
            r"\bwhat should i look (at|for)\b",
            r"\b(can'?t|cannot|couldn'?t) (figure out|work out) (how|where|the (right |correct )?(way|method))\b",
        ),
    ),
]

_WILL_CHECK = _rx(
    r"\bi (know how to|am capable of|'m capable of|am able to check|can (check|measure|look at|test) "
    r"(that|it|this|them))\b",
    r"\blet me (check|look|see|try)\b",
    r"\bi('ll| will) (check|look|try)\b",
    r"\bgive me a (minute|moment|sec)\b",
    r"\bhold on\b",
)
_QUESTION = _rx(
    r"\?\s*$",
    r"\?\s+\S",
    r"^\s*(what|how|where|which|who|can you|could you|would you|should i|"
    r"do i need|is it|is that|are you sure|what's|whats)\b",
    r"^\s*(please )?(tell|show|explain to) me (what|where|how|which)\b",
)
_ENDS_ASKING = _rx(r"\b(what|how|where|which|why|who|is|are|does|do|can|should)\b[^.!?]*\?\s*$")
_YES_START = _rx(
    r"^\s*(y|ya|yah|yas|yes+|yeah+|yep|yup|yea|sure|ok(ay)?|correct|right|affirmative|"
    r"definitely|indeed|of course|it (is|does|did|was|has)|i (do|did|can|have)|true|absolutely|"
    r"that'?s right|uh[- ]?huh|positive)\b"
)
_NO_START = _rx(
    r"^\s*(n|no+|nope|nah|nay|negative|not really|not at all|never|none|nothing|it'?s not|its not|it (isn'?t|"
    r"doesn'?t|didn'?t|wasn'?t|hasn'?t|is not|does not|did not|was not|has not)|i (don'?t|didn'?t|"
    r"can'?t|haven'?t|do not|did not|cannot|have not)|false|wrong|incorrect)\b"
)
_BARE_YES_NO = _rx(r"^\s*(y|ya|yes+|yeah+|yep|yup|yea|n|no+|nope|nah)\s*[.!]*\s*$")
_LEADING_YES_NO = _rx(r"^\s*(y|ya|yes+|yeah+|yep|yup|yea|n|no+|nope|nah)\s*([.!,;:-]|$)")
"""A yes or no word, alone or set off by punctuation ("No, it doesn't start"): the customer's own reading."""
_ALREADY_SO = _rx(
    r"\b(it'?s|it is|its|it was|they'?re|they are|that'?s|that is) already (on|set|in|at|using|selected|"
    r"plugged|connected|switched|turned|ticked|chosen)\b",
    # "it says Input: Type-C, which is the one the cable's in", "it's on HDMI, which is where the cable goes"
    r"\b(which|that)('s| is) (the one|the port|the input|where|what) (the |my )?(cable|lead|plug|it)('s| is)? "
    r"(in|plugged|goes|connected|uses)\b",
)
"""To "pick HDMI 1 ... does the picture show now?", "it's already on HDMI 1": the change was in place before, so
it made no difference (to a plain "is it on?" the same words are a yes)."""


def already_so(text: str) -> bool:
    """ "it's already on HDMI 1", "they're already plugged in": the state a step would set was there before."""
    return bool(_ALREADY_SO.search(normalise(text)))


_ASKS_AFTER_A_CHANGE = _rx(r"\bnow\b[^?]*\?\s*$")
_LATER = _rx(r"\b(later|another time|tomorrow)\b")
_HEDGE_AFTER = _rx(
    r"\b(but|though|except) (it|it'?s|its|now|still|then|the|there|only|when|after|crashes|freezes)\b"
)
_STILL_BROKEN = _rx(
    r"\bstill (not|doesn'?t|won'?t|isn'?t|can'?t|no|the same|broken|fail|happen)",
    r"\bstill (silent|dead|nothing|blank|black|slow|crash|frozen|stuck|offline|off|down|empty|missing|there|old|"
    r"stale|out of date|showing the old)\b",
    # "same in chrome too": the same fault in another place
    r"\bsame (in|on|with) (\w+ ){1,2}(too|as well)\b",
    r"\b(didn'?t|did not|doesn'?t|does not) (work|help|fix)\b",
    r"\bno (luck|change|difference)\b",
    r"\bsame (problem|issue|thing|failure|error|message|result|timeout|time-out|time out|crash|fault|screen|"
    r"warning|prompt|code)\b",
    # "signed out and back in ... still denied", "still timing out": the fault is still there
    r"\bstill (denied|refused|blocked|rejected|disabled|greyed out|grey|muted|timing out|times out|timed out|"
    r"no signal|not there|gone|jammed|red|asking|prompting|failing)\b",
    # "still says incorrect", "still just as slow": the fault is still there
    r"\bstill (says|shows|gives|getting|gets|having|doing it|comes up with|reads)\b",
    r"\b(still )?just as (slow|bad|laggy|sluggish|broken)\b",
    r"\bstill (really |very |so |super |just )?(sluggish|laggy|lagging|freezing|crashing|dropping|failing|hanging|"
    r"spinning|buffering|loading|rubbish|useless|bad|wrong|locked|unusable|disconnected|unplugged)\b",
    # "the phone can't load anything either": the same fault somewhere else too
    r"\b(can'?t|cannot|won'?t|doesn'?t|isn'?t|aren'?t|not|no|nothing)\b[^.!?]*\beither\b",
    # "made a new blank one, added a photo, crashed again": the same fault once more
    r"\b(crashed|crashes|froze|freezes|closed|died|dropped|jammed|failed|cut out|happened) (again|straight away again)\b",
)
_STILL_FAILING = _rx(
    r"\bstill (drops|fails|crashes|freezes|hangs|lags|cuts out|disconnects|bounces|rejects|closes)\b"
)
""""forgot and rejoined the network and restarted, still drops every 10 mins": to "Did this solve it?" a no. Not
used for script steps, where "yes it still crashes" answers "does it crash when ...?"."""
_FIXED = _rx(
    r"\b(it )?(works|worked|working) (now|again|fine)\b",
    r"\b(that|it) (fixed|solved) it\b",
    r"\b(all )?(fixed|sorted|solved)\b",
    r"\bproblem (is )?(gone|solved)\b",
)
_NEGATION = re.compile(
    r"\b(not|no|never|none|nothing|nobody|neither|nor|without|cannot|can't|cant|won't|wont|don't|dont|"
    r"doesn't|doesnt|didn't|didnt|isn't|isnt|aren't|arent|wasn't|wasnt|weren't|werent|haven't|havent|"
    r"hasn't|hasnt|hadn't|couldn't|couldnt|shouldn't|wouldn't|unable|fails?|failed|n't)\b",
    re.IGNORECASE,
)


def normalise(text: str) -> str:
    """Straight quotes, single spaces."""
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip()


_ANTONYMS: dict[str, tuple[str, ...]] = {
    "loose": ("tight", "secure", "firm"),
    "hot": ("cool", "cold", "normal", "regular", "fine"),
    "quickly": ("slowly", "long time", "lasts", "normal"),
    "fast": ("slow", "long time", "lasts", "normal"),
    "on": ("off", "dark", "unlit"),
    "off": ("on", "lit", "glowing"),
    "noise": ("quiet", "silent"),
    "leaking": ("dry",),
    "old": ("new", "brand new", "recent", "recently"),
    "hard": ("easy", "easily", "smooth", "smoothly", "effortless"),
    "dirty": ("clean",),
    "blinking": ("solid", "steady", "constant", "constantly"),
    "flashing": ("solid", "steady", "constant", "constantly"),
    "normal": ("high", "hot", "higher"),
    "slow": ("fast", "quick", "quickly"),
    "offline": ("online", "connected"),  # not "disconnected": "boots with nothing connected" is a yes to it
    # "plenty of room, 200-odd GB free" to "Is the system drive nearly full?" / "is less than 10 GB free?"
    "less": ("plenty", "lots of room", "lots of space", "loads of space", "loads of room"),
    "full": (
        "plenty of room",
        "plenty of space",
        "plenty free",
        "lots of room",
        "lots of space",
        "loads of space",
        "loads of room",
        "mostly empty",
        "half empty",
    ),
}


_NO_PROBLEM = re.compile(
    r"(?<!there's )(?<!there is )(?<!had )(?<!have )\bno (problems?|issues?|trouble|bother|worries)\b"
    r"(?! (with|in|on|about|from|for|to)\b)",
    re.IGNORECASE,
)
""""webmail takes the new password no problem": an idiom for "fine", not a negation ("no problem with the cable"
still is one)."""


def negations(text: str) -> int:
    return len(_NEGATION.findall(_NO_PROBLEM.sub(" ", normalise(text))))


def contradicts(answer: str, question: str) -> bool:
    """The answer uses the opposite of a word the question asked about ("loose" -> "all tight")."""
    asked = re.sub(r"\bhard (drive|disk|reset|copy|wired)s?\b", " ", question.lower())  # not "hard" vs "easy"
    q_words = set(re.findall(r"[a-z]+", asked))
    a_text = answer.lower()
    return any(
        word in q_words
        and any(re.search(rf"\b{re.escape(opposite)}\b", a_text) for opposite in opposites)
        and not re.search(rf"\b{word}\b", a_text)
        for word, opposites in _ANTONYMS.items()
    )


def understand(
    text: str,
    spec: AnswerSpec | None = None,
    *,
    question: str = "",
    intent: str | None = None,
    confidence: float = 0.0,
    reader: AnswerReader | None = None,
    confident: float = 0.75,
    node: str | None = None,
    fix_step: bool = False,
    step_words: str = "",
) -> Reply:
    """Map one customer message to what it means for the current step.

    `reader` (the learned answer model) reads statements when it is at least `confident` (at a step it has
    earlier answers for: `CONFIDENT_AT_KNOWN_STEP`); rules do the rest.
    `node` ("<script id>/<node id>") lets the reader use what it learned about this very step. `fix_step`: the
    step's "yes" means the problem is gone ("Can you sign in now?"), as opposed to a check. `step_words`: all
    the step's wordings (novice, expert), for what the check is about.
    """
    spec = spec or AnswerSpec()
    clean = normalise(text)
    if not clean:
        return Reply("unclear")
    if spec.kind == "choice":
        choice = match_choice(clean, spec)
        if choice:
            return Reply("choice", choice)
    for kind, pattern in _META:
        if kind in ("dont_know", "already_tried") and _WILL_CHECK.search(clean):
            continue  # "I know how to check it, I've done that before": they will check, not skip
        if kind == "fixed" and (negations(clean) or _STILL_BROKEN.search(clean)):
            continue  # "not sure that fixed it", "that worked but it's still slow": read as an answer
        if kind == "resume" and _LATER.search(clean):
            continue  # "I'll have to carry on with this later": leaving, not coming back to the checks
        if kind == "stop" and _STILL_BROKEN.search(clean):
            continue  # "quit it from the tray and reopened, same thing": what they did, not a goodbye
        found = pattern.search(clean)
        if found and kind == "fixed" and _HEDGE_AFTER.search(clean[found.end() :]):
            continue  # "now it opens but crashes after a minute": better, not fixed
        if (
            found
            and kind == "fixed"
            and not fix_step
            and _SUBJECT_WORKS.match(found.group(0))
            and _names_checked_thing(clean[: found.start()], f"{question} {step_words}")
        ):
            # "yeah the internet's working fine" to "Is general internet working?": a check, not a fix
            return Reply("yes")
        if found and not (kind == "dont_know" and _YES_START.match(clean) and "how" not in clean):
            rest = clean[found.end() :].strip(" -,.:;!")
            if kind == "resume" and len(rest.split()) >= 2:
                # "ok back to it - yes the power light's on": back, and the answer to the step at once
                return understand(
                    rest, spec, question=question, reader=reader, confident=confident, node=node
                )
            return Reply(kind)
    if _ALREADY_SO.search(clean) and _ASKS_AFTER_A_CHANGE.search(asked_part(question)):
        return Reply("already_tried")
    if intent in INTENT_KINDS and confidence >= CONFIDENT and INTENT_KINDS[intent] not in ("yes", "no"):
        return Reply(INTENT_KINDS[intent])
    if _WILL_CHECK.search(clean) and not _STILL_BROKEN.search(clean):
        return Reply("will_check")
    if _QUESTION.search(clean) and not (_YES_START.match(clean) or _NO_START.match(clean)):
        return Reply("question")
    if _ENDS_ASKING.search(clean) and not _LEADING_YES_NO.match(clean):
        return Reply("question")  # "I don't understand, why does it need a radiator?": a question back
    if spec.kind == "text":
        return _free_text(clean, spec)
    if spec.kind == "choice":
        return Reply("unclear")
    return yes_no(
        clean,
        question=question,
        intent=intent,
        confidence=confidence,
        reader=reader,
        confident=confident,
        node=node,
    )


_COMPOUND_QUESTION = _rx(r",? and (is|are|does|do|did|has|have|can|was) (it|its|the|your|you|they|there)\b")
_CONTRAST = _rx(r"\w[^.!?]*\b(but|except|although|though|however)\b\s+\w+")


_CONTENT_WORD = re.compile(r"[a-z][a-z-]{3,}")
_SUBJECT_WORKS = re.compile(r"\s*('s|'re|is|are)\s", re.IGNORECASE)
""""<subject>'s working fine": the fixed reading that names its subject just before it."""
_NOT_A_THING = frozenset(
    {"that", "this", "them", "they", "there", "then", "yeah", "yes", "okay", "well", "just", "what", "where",
     "when", "which", "with", "your", "have", "does", "about", "again", "from", "into", "thing", "right",
     "like", "some", "much", "only", "also", "still", "want", "need"}
)  # fmt: skip


def shares_words(text: str, other: str) -> bool:
    """True when the two name a same thing (a content word of four letters or more in both)."""
    words = {w.replace("-", "") for w in _CONTENT_WORD.findall(text.lower())} - _NOT_A_THING
    return bool(words & {w.replace("-", "") for w in _CONTENT_WORD.findall(other.lower())})


def _names_checked_thing(before_fix_words: str, question: str) -> bool:
    """True when the subject just before "... working fine" is what the check asks about (the internet, the
    phone): the customer answers the check; "it's working now" or "the switch was off, that fixed it" stays
    a fix."""
    subject = " ".join(before_fix_words.split()[-3:])  # "the internet" in "yeah the internet's working fine"
    return shares_words(subject, question)


def fails_one_part(text: str, question: str) -> bool:
    """ "Is its light off, and is the keyboard set to your language?" answered "caps light is off but the thing
    by the clock says FRA": one part holds and the other does not, so the answer to the whole is no."""
    return bool(
        _COMPOUND_QUESTION.search(asked_part(question))
        and _CONTRAST.search(text)
        and not _LEADING_YES_NO.match(text)
    )


_ASKS_FOR_THE_RIGHT_ONE = _rx(
    r"\b(right|correct|your)\b[^?]*\b(ticked|selected|chosen|picked|set|checked)\b",
    r"\b(ticked|selected|chosen|picked|checked)\b[^?]*\b(right|correct)\b",
)
_NOT_THE_OTHER = _rx(r"[,;]\s*(and |but )?not (the|my|our|your) [\w' ()-]{2,30}\s*[.!]*$")


def names_the_wrong_one(text: str, question: str) -> bool:
    """ "it has 'Speakers (Realtek)' ticked, not the headset" to "Is the right one ticked?": the answer names
    what is selected and says it is not the one wanted, so the answer is no, however it opens."""
    return bool(
        _ASKS_FOR_THE_RIGHT_ONE.search(asked_part(question))
        and _NOT_THE_OTHER.search(text)
        and not opens_with_yes_no_word(text)
    )


_ASKED_OFF = re.compile(r"\b(?:([a-z][a-z-]{2,}) )?([a-z][a-z-]{2,}) (is |are )?off\b", re.IGNORECASE)
_NOT_SWITCHED_THINGS = _NOT_A_THING | {"turned", "switched", "its", "the"}
"""Words before "off" that name no thing ("turned off", "is it off")."""


def agrees_it_is_off(text: str, question: str) -> bool:
    """ "no light on it" to "Is its light off?": the answer says the thing asked to be off is not there, and
    nothing in it contrasts ("no light, but ..." is left to the other readings)."""
    if _CONTRAST.search(text):
        return False
    for asked in _ASKED_OFF.finditer(asked_part(question)):
        for thing in (asked.group(1), asked.group(2)):
            if not thing or thing.lower() in _NOT_SWITCHED_THINGS:
                continue
            if re.search(rf"\bno (\w+ ){{0,2}}{re.escape(thing)}s?\b", text, re.IGNORECASE):
                return True
    return False


_ASKS_LIGHT_ON = _rx(r"\blight\b[^.?]*\bon\b", r"\bturned on\b[^?]*\?[^?]*\blight\b")
_A_LIGHT_SHOWS = _rx(
    r"\b(light|led)\b[^.!?]{0,40}\b(is |'s |its )?(on|lit|glowing|blinking|flashing|flickering|solid|steady|"
    r"orange|amber|white|blue|green|yellow)\b",
    r"\b(orange|amber|white|blue|green|yellow|blinking|flashing|little|small) (light|led)\b",
)
_COLOUR_NOT = _rx(r"\bnot (orange|amber|white|blue|green|yellow|red)\b")
_NO_LIGHT = _rx(
    r"\b(no|not any|none|without) (\w+ ){0,2}(light|led)s?\b",
    r"\b(light|led)s? (is |are )?(off|out|dead)\b",
    r"\b(light|led)s? (isn'?t|aren'?t|is not|are not|not) (on|lit|coming on)\b",
    r"\bnothing\b",
)


def reports_a_light_on(text: str, question: str) -> bool:
    """ "theres a little light at the bottom but its orange and blinking, not blue" to "Is the monitor turned on?
    Its power light should be on, often white or blue": a light that shows, whatever its colour, is a yes; "not
    blue" names a colour, it does not say the light is off."""
    if not _ASKS_LIGHT_ON.search(question) or _ABSENT_FAULT_SIGN.search(question):
        return False  # "... and no error light on its screen?": a light there is the fault, not power
    clean = _COLOUR_NOT.sub(" ", text)
    return bool(_A_LIGHT_SHOWS.search(clean)) and not _NO_LIGHT.search(clean) and not negations(clean)


def yes_no(
    text: str,
    *,
    question: str = "",
    intent: str | None = None,
    confidence: float = 0.0,
    reader: AnswerReader | None = None,
    confident: float = 0.75,
    node: str | None = None,
) -> Reply:
    clean = normalise(text)
    echoed = echoes_quote(clean, question) if question else None
    if echoed is not None:
        return Reply("yes" if echoed else "no")
    if question and fails_one_part(clean, question):
        return Reply("no")
    if question and names_the_wrong_one(clean, question):
        return Reply("no")
    if question and agrees_it_is_off(clean, question):
        return Reply("yes")
    if question and reports_a_light_on(clean, question):
        return Reply("yes")
    if reader is not None and question and reader.knows(node) and not _LEADING_YES_NO.match(clean):
        # this step's own examples beat the generic statement rules ("I can easily move it" to "is it hard?")
        reading = reader.read(question, clean, node)
        if reading.probability >= min(confident, CONFIDENT_AT_KNOWN_STEP) and reading.label in ("yes", "no"):
            return Reply(reading.label)  # type: ignore[arg-type]
    if _STILL_BROKEN.search(clean):
        # "still closes within a few seconds": no to "does it work now?", yes to "does it still crash?"
        return Reply("yes" if re.search(r"\bstill\b", asked_part(question), re.IGNORECASE) else "no")
    if _NO_START.match(clean):
        return Reply("no")
    if _YES_START.match(clean) or _FIXED.search(clean):
        return Reply("yes")
    if intent in ("affirm", "deny") and confidence >= CONFIDENT:
        return Reply(INTENT_KINDS[intent])
    if len(clean.split()) < 3 and not _NEGATION.search(clean):
        return Reply("unclear")
    if reader is not None and question:
        reading = reader.read(question, clean, node)
        if reading.probability >= confident and reading.label in ("yes", "no", "unclear"):
            return Reply(reading.label)  # type: ignore[arg-type]
    return Reply(rule_polarity(clean, question))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_QUOTED = re.compile(r"[\"“”]([^\"“”]{4,80})[\"“”]")


def asked_part(question: str) -> str:
    """The question itself, without the instruction before it: in "Plug it into a socket, not a power strip.
    Is the light on?" the "not" belongs to the instruction, not to what is asked."""
    sentences = [s for s in _SENTENCE_END.split(question.strip()) if s]
    asked = [s for s in sentences if s.rstrip().endswith("?")]
    return asked[-1] if asked else question


def _plain_words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9%']+", normalise(text).lower()))


def echoes_quote(text: str, question: str) -> bool | None:
    """ "Does it say "Plugged in, not charging"?" answered "it says plugged in, not charging": the customer
    repeats the quoted words, so yes; with a negation before them ("it doesn't say ..."), no. None when the
    question quotes nothing or the answer does not repeat it."""
    answer = _plain_words(text)
    for quote in _QUOTED.findall(asked_part(question)):
        words = _plain_words(quote)
        at = answer.find(words) if words else -1
        if at >= 0:
            return negations(answer[:at]) == 0
    return None


_ABSENT_FAULT_SIGN = re.compile(
    r"\bno (red |error |warning )?(errors?|warnings?|mute|x|cross|line|alerts?|jams?)"
    r"( (light|lights|message|messages|symbol|sign|icon))?\b",
    re.IGNORECASE,
)
"""Is it on, with paper in the tray and no error light?": "no error" is part of the all-clear asked about, not a
negation of the question; an answer's "no mute symbol" then agrees with it."""


_FAULT_SHOWN = _rx(
    r"\b(jam|jammed|empty|low|load|replace|close|closed|open|error|out of|orange|amber|red|flashing|blinking|"
    r"warning|offline|paused|stuck|cross|crossed|muted)\b"
)
"""What a screen or icon shows when the all-clear does not hold ("Toner empty", "Load Tray 2", "a red cross")."""


def rule_polarity(text: str, question: str) -> Literal["yes", "no"]:
    """A statement answers "no" when it negates what the question asked, and "yes" otherwise."""
    clean = normalise(text)
    question = asked_part(question)
    signs = {m.group(2).lower().rstrip("s") for m in _ABSENT_FAULT_SIGN.finditer(question)}
    if signs:
        clean = _ABSENT_FAULT_SIGN.sub(" ", clean)
        if _FAULT_SHOWN.search(clean) or any(
            re.search(rf"\b{re.escape(sign)}s?\b", clean, re.I) for sign in signs
        ):
            return "no"  # "volume is up but there's a red x on it", "the screen says paper jam in tray 2"
        question = _ABSENT_FAULT_SIGN.sub(" ", question)
    flipped = (negations(clean) > 0) != (negations(question) > 0)
    if contradicts(clean, question):
        flipped = not flipped
    return "no" if flipped else "yes"


def is_explicit_yes_no(text: str) -> bool:
    """True when the message starts with a yes or no word ("yes", "nope", "it is ...")."""
    clean = normalise(text)
    return bool(_YES_START.match(clean) or _NO_START.match(clean))


_ACCEPTS = _rx(r"^\s*(yes|yeah|yep|yup|please do|go on|go ahead|definitely|absolutely)\b(?!\s*,?\s*but\b)")


def accepts(text: str) -> bool:
    """ "yes please, and make sure they actually phone this time": opens by taking what was offered, with no
    question or doubt after it ("yes, but how do I reset it?" is not a plain yes)."""
    clean = normalise(text)
    return (
        bool(_ACCEPTS.match(clean))
        and not negations(clean)
        and not _QUESTION.search(clean)
        and not _ASKS_BACK.search(clean)
    )


_ASKS_BACK = _rx(
    r"(^|[,.;:!]\s*|\b(yes|yeah|yep|yup|please|ok|okay|but|and)\s+)(how|what|where|why|which|when)\b"
)
""" "yes, where do I go?" asks something back; "yes please, i just want to know where it is" does not."""


def opens_with_yes_no_word(text: str) -> bool:
    """ "yep, rebooted it first thing", "no, nothing": a yes or no word first (not "it's the draining")."""
    return bool(
        re.match(r"^\s*(y|ya|yes+|yeah+|yep|yup|yea|n|no+|nope|nah)\b", normalise(text), re.IGNORECASE)
    )


def is_bare_yes_no(text: str) -> bool:
    """True for a yes or no word alone ("yes", "nope."): an answer with no topic of its own."""
    return bool(_BARE_YES_NO.match(normalise(text)))


def _unapostrophed(text: str) -> str:
    """ "wont charge" names "won't charge": customers often leave the apostrophe out."""
    return normalise(text).lower().replace("'", "")


def choices_named(text: str, spec: AnswerSpec) -> set[str]:
    """Every choice whose label, id or a synonym appears in the message as whole words."""
    clean = _unapostrophed(text)
    return {
        choice.id
        for choice in spec.choices
        for phrase in (choice.id.replace("_", " "), choice.label, *choice.synonyms)
        if phrase.strip() and re.search(rf"\b{re.escape(_unapostrophed(phrase))}\b", clean)
    }


def match_choice(text: str, spec: AnswerSpec) -> str | None:
    clean = _unapostrophed(text).strip(" .!?")
    best: tuple[int, str] | None = None
    for choice in spec.choices:
        for phrase in (choice.id.replace("_", " "), choice.label, *choice.synonyms):
            p = _unapostrophed(phrase).strip()
            if not p:
                continue
            if clean == p:
                return choice.id
            if re.search(rf"\b{re.escape(p)}\b", clean) and (best is None or len(p) > best[0]):
                best = (len(p), choice.id)
    return best[1] if best else None


def _free_text(text: str, spec: AnswerSpec) -> Reply:
    if not spec.extract:
        return Reply("text", text)
    found = re.search(spec.extract, text, re.IGNORECASE)
    if found:
        return Reply("text", found.group(1) if found.groups() else found.group(0))
    return Reply("text", None)


_THANKS_FIXED = _rx(
    r"\b(worked|works( now)?|working( now)?|fixed|solved|sorted|did the trick|that did it|all good now)\b"
)
_THANKS_NOT_FIXED = _rx(r"\b(not|n't|still|didn'?t|doesn'?t|no luck|but)\b")


def says_fixed(text: str) -> bool:
    """True for "that worked, thanks!" and the like; "thanks, but it's still broken" is not a fix."""
    clean = normalise(text)
    return bool(_THANKS_FIXED.search(clean)) and not _THANKS_NOT_FIXED.search(clean)


_WORKS_NOW = _rx(
    # "again" only as "works again", not "quit it and started it again, same failure"
    r"\b(now|so far)\b",
    r"\b(working|works|worked|back|fine|ok|okay|normal|up|on|flowing|printing|syncing|connecting|connected|"
    r"playing|loading|charging|showing|going) again\b",
    r"\b(thanks|thank you|cheers|ta)\b",
    r"\b(i'?m in|there'?s my|it printed|flooding in|came through|back to normal|quicker|faster)\b",
)


def _hedged(clean: str) -> bool:
    """A negation, "still", "but" or "though": the message is not a plain statement that it works."""
    return bool(negations(clean) or re.search(r"\b(still|but|though|although)\b", clean, re.IGNORECASE))


def sounds_fixed(text: str) -> bool:
    """A statement that the fix worked, for a "did that fix it?" step: "emails are flooding in now, thanks".
    Only read at fix steps; anything with "still", "but" or a negation is left to the usual reading."""
    clean = normalise(text)
    return bool(_WORKS_NOW.search(clean)) and not (
        _hedged(clean) or _STILL_BROKEN.search(clean) or _STILL_FAILING.search(clean)
    )


_TRIED_EVERYTHING = _rx(
    r"\b(did|done|tried|followed|went through) (all|everything|every step|each step|all the steps|all of (it|that|"
    r"them|those|the steps))\b",
    r"\b(did|done|tried) (exactly )?what (it|the article|you) (said|says|suggested)\b",
)


def tried_everything(text: str) -> bool:
    """ "did all of it - emptied the bin, cleared downloads, ran disk cleanup. today it's back down to 2 GB": after
    an article, a report of having done all of it that is not a success is a no."""
    clean = normalise(text)
    thanked = re.search(r"\b(thanks|thank you|cheers|ta|thx)\b", clean, re.IGNORECASE)
    return bool(_TRIED_EVERYTHING.search(clean)) and not thanked and not reports_working(clean)


def reports_working(text: str) -> bool:
    """To "Did this solve it?" after an article, a statement that it works now ("swapped the batteries and it's
    typing normally now, ta", "did the ctrl shift delete thing, new rota's showing now 👍"): a yes. Anything with
    a question, a negation, "still" or "but" is not."""
    clean = normalise(text)
    if "?" in clean or _hedged(clean):
        return False
    if says_fixed(clean) or understand(clean).kind == "fixed":
        return True
    return bool(_WORKING_NOW.search(clean))


_WORKING_NOW = _rx(
    # "it's smooth as anything now, ta", "all good now cheers": fine now, and thanks for it
    r"\b(smooth|fine|perfect|perfectly|great|good|quick|fast|normal|spot on)\b[^.!?]{0,25}\bnow\b[^.!?]{0,12}"
    r"\b(ta|thanks|thank you|cheers|thx|ty|brilliant|great|lovely)\b",
    r"\b\w+ing (normally|properly|fine|ok|okay) (now|again)\b",
    r"\b\w+('s| is| are) (showing|there|back|up|on|in|through|fine|ok|okay) (now|again)\b",
    r"\b(showing|loading|printing|syncing|connecting|working|playing) (up )?(now|again)\b",
    r"\bi'?m (in|back in|logged in|signed in|on)( now)?\b",
    r"\bback to normal\b",
    r"\b\w+('s| is| are| has come| came) back( on| up)?\b(?! to\b)",
    r"\b(coming|flowing|printing|syncing|loading|connecting|sending|arriving|opening|charging) (in |through )?(now|again)\b",
    # "switched it to the sennheiser and they can hear me now 🙌"
    r"\b(can|could) (hear|see|print|connect|open|use|get in|sign in|log in)\b[^.!?]{0,25}\b(now|again)\b",
)


_PAST_STILL = re.compile(r"\b(was|were|had|had been) still\b", re.IGNORECASE)
""""it was still set to my old speaker": how it was before the fix, not a doubt about the fix."""


def doubts(text: str) -> bool:
    """True when an answer that led to a fix also hedges ("still", "but"): then confirm before closing."""
    clean = _PAST_STILL.sub(" ", normalise(text))
    return bool(re.search(r"\b(still|but|though|although|kind of|sort of|maybe|partly)\b", clean, re.I))


def denies(text: str) -> bool:
    """True for an answer that opens with a no ("no, it's not one file, it just closes every time", "nope"),
    or says the fix did not work: to "Did this solve it?" that is a no, whatever follows."""
    clean = normalise(text)
    if re.match(r"^\s*no (worries|problem|prob|bother|rush)\b", clean, re.IGNORECASE):
        return False
    return bool(_STILL_BROKEN.search(clean) or _STILL_FAILING.search(clean) or _NO_START.match(clean))


def still_broken(text: str) -> bool:
    """True for "still dead by lunchtime", "didn't help", "no luck": the last fix did not work."""
    return bool(_STILL_BROKEN.search(normalise(text)))

"""What the simulated customers of `bench/load.py` say: one short conversation per kind of traffic.

Each conversation is said turn by turn, waiting for the bot's reply before the next message. A customer that
reaches the end starts a new conversation (a new sender id) of the same kind, until the run is over.
The texts follow the integration tests, so each turn gets a real answer (no handoff, which would pause the
conversation and make the bot silent on purpose).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mix:
    name: str
    turns: tuple[str, ...]


ASSISTANT_MIXES: dict[str, Mix] = {
    mix.name: mix
    for mix in (
        Mix("small_talk", ("hello", "are you a bot?", "thanks a lot", "ok bye")),
        # KB answers: MiniLM in Rasa (intent) and in the action server (search), FAISS, the decision.
        Mix(
            "kb",
            (
                "how do I reset my password",
                "how do I connect to the vpn",
                "my disk is full how do I free up space",
                "how do I clear my browser cache",
            ),
        ),
        # A diagnostic script: start, familiarity, two steps, "it works" (resolved at once).
        Mix("diagnostic", ("my printer won't print", "Short steps", "no", "yes it printed", "thanks")),
    )
}

# The starter bot of `rasa init` knows greet, goodbye, affirm, deny, mood_great, mood_unhappy, bot_challenge.
VANILLA_MIXES: dict[str, Mix] = {
    "small_talk": Mix("small_talk", ("hello", "are you a bot?", "I am feeling great", "bye")),
}


def parse_mixes(spec: str, known: dict[str, Mix]) -> list[Mix]:
    """`small_talk,kb` -> those mixes; a clear error for an unknown name."""
    names = [name.strip() for name in spec.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if not names or unknown:
        raise ValueError(
            f"unknown mix {', '.join(unknown) or '(none given)'}; choose from {', '.join(known)}"
        )
    return [known[name] for name in names]

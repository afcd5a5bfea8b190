"""Decide whether a short chat message is confidently NOT English.

lingua-language-detector ships its n-gram models inside the wheel (nothing is downloaded). The detector only
knows the languages below, so a stray IT word is never matched to an exotic language. English must never be
called foreign: a message is foreign only when it has enough letters and words, lingua is sure of one
language other than English, and English scores low. Short messages ("ok", "thx", "vpn down") stay English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

ENGLISH = "en"
# Languages the detector tells apart. The assistant answers in English only; the others get a reply in
# their own language where the domain has one (es, fr, de, pl, pt, it) and in English otherwise.
KNOWN = (
    Language.ENGLISH,
    Language.SPANISH,
    Language.FRENCH,
    Language.GERMAN,
    Language.POLISH,
    Language.PORTUGUESE,
    Language.ITALIAN,
    Language.DUTCH,
    Language.SWEDISH,
    Language.DANISH,
    Language.ROMANIAN,
    Language.TURKISH,
    # Other languages customers of a European desk write in; each is told in English which languages the
    # assistant speaks (and offered a person), instead of a KB no-answer.
    Language.CZECH,
    Language.HUNGARIAN,
    Language.FINNISH,
    Language.BOKMAL,
    Language.GREEK,
    Language.RUSSIAN,
    Language.UKRAINIAN,
)
WORD = re.compile(r"[^\W\d_]{2,}")
# Chosen on bench/language_samples.yml + every English NLU example (bench/languages.py): 0 of 1,018 English
# messages called foreign, 40 of 42 foreign ones found (the misses are two-word Spanish).
MIN_LETTERS = 10
MIN_WORDS = 2
MIN_CONFIDENCE = 0.40
MAX_ENGLISH = 0.10


@dataclass(frozen=True)
class Detection:
    language: str  # ISO 639-1
    confidence: float


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    """Built once with its models loaded (about 10 s), so no customer's first message waits for it."""
    return LanguageDetectorBuilder.from_languages(*KNOWN).with_preloaded_language_models().build()


def _iso(language: Language) -> str:
    return language.iso_code_639_1.name.lower()


def detect_foreign(text: str) -> Detection | None:
    """The language of `text` when it is confidently not English, else None (English or unsure)."""
    words = WORD.findall(text or "")
    if len(words) < MIN_WORDS or sum(len(w) for w in words) < MIN_LETTERS:
        return None
    scores = {
        _iso(v.language): v.value for v in detector().compute_language_confidence_values(" ".join(words))
    }
    best = max(scores, key=scores.__getitem__)
    if best == ENGLISH or scores[best] < MIN_CONFIDENCE or scores.get(ENGLISH, 0.0) > MAX_ENGLISH:
        return None
    return Detection(best, round(scores[best], 3))

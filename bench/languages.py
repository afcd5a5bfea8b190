"""Language detection accuracy on short chat messages (bot/languages/detect.py), as one JSON object.

English: every English NLU training example plus bench/language_samples.yml `en_hard` (jargon, typos, "ok");
foreign: the es/fr/de/pl/pt/it samples. Run in either venv: `.venv/bin/python bench/languages.py`.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.languages.detect import detect_foreign  # noqa: E402

ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def english_examples() -> list[str]:
    texts = []
    for path in sorted((REPO / "data" / "nlu").glob("*.yml")):
        for item in (yaml.safe_load(path.read_text()) or {}).get("nlu", []):
            for line in str(item.get("examples", "")).splitlines():
                if line.startswith("- "):
                    texts.append(ANNOTATION.sub(r"\1", line[2:].strip()))
    return texts


def main() -> None:
    samples = yaml.safe_load((REPO / "bench" / "language_samples.yml").read_text())
    english = english_examples() + samples["en_hard"]
    false_positives = [t for t in english if detect_foreign(t)]
    by_language = {}
    misses = []
    for key, texts in samples.items():
        if key == "en_hard":
            continue
        lang = key[:2]
        hits = 0
        for text in texts:
            found = detect_foreign(text)
            hits += bool(found and found.language == lang)
            if not found or found.language != lang:
                misses.append({"language": key, "text": text, "got": found.language if found else None})
        done = by_language.setdefault(key, [0, 0])
        done[0] += hits
        done[1] += len(texts)
    found_total = sum(v[0] for v in by_language.values())
    total = sum(v[1] for v in by_language.values())
    print(
        json.dumps(
            {
                "english_messages": len(english),
                "english_called_foreign": len(false_positives),
                "false_positives": false_positives,
                "foreign_messages": total,
                "foreign_found": found_total,
                "by_language": by_language,
                "misses": misses,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()

"""Per-message latency and throughput of the whole assistant over the REST channel.

Starts the real stack (Rasa, action server, handoff service) on free ports, then measures:
- sequential latency of small talk (Rasa only, comparable to a vanilla `rasa init` bot: ~46 ms p50 here),
- sequential latency of KB answers (Rasa + action server + MiniLM + FAISS),
- throughput with many concurrent conversations.

Run: .venv/bin/python bench/rest_latency.py --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stack import isolated_config, start_stack

SMALL_TALK = ["hello", "are you a bot?", "thanks", "bye"]
KB_QUESTIONS = [
    "how do I reset my password",
    "how do I connect to the vpn",
    "my disk is full how do I free up space",
    "how do I clear my browser cache",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(values, 0.5), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "mean_ms": round(statistics.fmean(values), 1),
        "n": len(values),
    }


def timed_send(client: httpx.Client, url: str, sender: str, text: str) -> float:
    start = time.perf_counter()
    reply = client.post(url, json={"sender": sender, "message": text})
    reply.raise_for_status()
    return (time.perf_counter() - start) * 1000


async def concurrent_run(url: str, conversations: int, turns: int) -> dict[str, float]:
    latencies: list[float] = []

    async def one(client: httpx.AsyncClient, index: int) -> None:
        for turn in range(turns):
            text = SMALL_TALK[turn % len(SMALL_TALK)]
            start = time.perf_counter()
            reply = await client.post(url, json={"sender": f"load-{index}", "message": text})
            reply.raise_for_status()
            latencies.append((time.perf_counter() - start) * 1000)

    start = time.perf_counter()
    async with httpx.AsyncClient(timeout=120) as client:
        await asyncio.gather(*(one(client, i) for i in range(conversations)))
    elapsed = time.perf_counter() - start
    return {**summary(latencies), "messages_per_second": round(len(latencies) / elapsed, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=25, help="sequential rounds over each message list")
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--turns", type=int, default=4)
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    args = parser.parse_args()

    config = isolated_config(Path(tempfile.mkdtemp(prefix="bench-rest-")))
    stack = start_stack(config)
    try:
        url = f"{config.rasa_url}/webhooks/rest/webhook"
        with httpx.Client(timeout=120) as client:
            for text in SMALL_TALK + KB_QUESTIONS:  # warm-up: lazy model loads are not what we measure
                timed_send(client, url, "warm-up", text)
            small = [timed_send(client, url, f"s{r}", t) for r in range(args.rounds) for t in SMALL_TALK]
            kb = [timed_send(client, url, f"k{r}", t) for r in range(args.rounds) for t in KB_QUESTIONS]
        load = asyncio.run(concurrent_run(url, args.conversations, args.turns))
    finally:
        stack.stop()

    result = {
        "small_talk_sequential": summary(small),
        "kb_answer_sequential": summary(kb),
        f"concurrent_{args.conversations}_conversations": load,
        "vanilla_rasa_init_reference": {"p50_ms": 46, "p95_ms": 62, "messages_per_second_50_concurrent": 29},
    }
    print(json.dumps(result, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The load generator: closed-loop HTTP clients, each request on a new connection.

A phone on mobile data rarely keeps a connection to the site between two taps, so every
request here pays for its TCP handshake, as the issue's reference figures did (aiohttp,
30 s, fresh visitor or fresh ticket per request). `paced` instead sends at a fixed rate
per client, as a gate does when one person at a time walks up.
"""

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable

import aiohttp
from harness import latency_summary

# (path, headers, body) for the next request of client number `n`.
NextRequest = Callable[[int], tuple[str, dict, dict]]


async def _client(
    session,
    base: str,
    index: int,
    next_request: NextRequest,
    until: float,
    pace: float,
    latencies: list,
    answers: Counter,
) -> None:
    due = time.perf_counter() + (index * pace / 32 if pace else 0)  # gates not in lockstep
    while True:
        if pace:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            due += pace
        if time.perf_counter() >= until:
            return
        path, headers, body = next_request(index)
        started = time.perf_counter()
        try:
            async with session.post(base + path, data=json.dumps(body), headers=headers) as reply:
                payload = await reply.json(content_type=None)
                answer = f"{reply.status} {payload.get('code') or payload.get('reason') or 'ok'}"
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            answer = f"error {type(exc).__name__}"
        latencies.append((time.perf_counter() - started) * 1000)
        answers[answer] += 1


async def _run(port: int, clients: int, seconds: float, next_request: NextRequest, pace: float):
    latencies: list[float] = []
    answers: Counter = Counter()
    # force_close: no keep-alive, a new TCP connection for every request.
    connector = aiohttp.TCPConnector(force_close=True, limit=0)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        until = started + seconds
        await asyncio.gather(
            *(
                _client(
                    session,
                    f"http://127.0.0.1:{port}",
                    index,
                    next_request,
                    until,
                    pace,
                    latencies,
                    answers,
                )
                for index in range(clients)
            )
        )
        wall = time.perf_counter() - started
    return {
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": len(latencies),
        "per_s": round(len(latencies) / wall, 1),
        "answers": dict(answers),
        "latency": latency_summary(latencies) if latencies else {},
    }


def closed_loop(port: int, *, clients: int, seconds: float, next_request: NextRequest) -> dict:
    """Each client sends its next request as soon as the last one is answered."""
    return asyncio.run(_run(port, clients, seconds, next_request, pace=0.0))


def paced(port: int, *, clients: int, seconds: float, every: float, next_request) -> dict:
    """Each client sends one request every `every` seconds (or late, if the answer was)."""
    return asyncio.run(_run(port, clients, seconds, next_request, pace=every))


def burst(port: int, *, clients: int, next_request: NextRequest) -> dict:
    """Every client sends exactly one request, all at the same moment."""

    async def one(session, base, index, latencies, answers):
        path, headers, body = next_request(index)
        started = time.perf_counter()
        async with session.post(base + path, data=json.dumps(body), headers=headers) as reply:
            payload = await reply.json(content_type=None)
        latencies.append((time.perf_counter() - started) * 1000)
        answers[f"{reply.status} {payload.get('code') or 'ok'}"] += 1

    async def run():
        latencies: list[float] = []
        answers: Counter = Counter()
        connector = aiohttp.TCPConnector(force_close=True, limit=0)
        async with aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=120)
        ) as session:
            base = f"http://127.0.0.1:{port}"
            await asyncio.gather(
                *(one(session, base, i, latencies, answers) for i in range(clients))
            )
        return {
            "requests": len(latencies),
            "answers": dict(answers),
            "latency": latency_summary(latencies),
        }

    return asyncio.run(run())

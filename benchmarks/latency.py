"""Reply latency of the bot vs. a minimal matrix-nio echo client, on one local Synapse, measured side by side.

N round trips to each, interleaved (bot, echo, bot, echo, …) so both see the same server load. Both run as
their own processes; the tester is a third. Rooms are unencrypted for both so the figure is the bot's own
overhead (dispatch, database, Markdown); an extra run in an encrypted room is printed for information.
Target: ratio ≤ 1.10 at p50 and ≤ 1.20 at p95.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.dev.devclient import Lotse  # noqa: E402
from bot.dev.localsynapse import LocalSynapse  # noqa: E402
from tests.support.process import bot_account  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def round_trip(tester: Lotse, room: str, text: str) -> float:
    start = time.perf_counter()
    event_id = await tester.send(room, text)
    await tester.wait_reply(room, event_id, timeout=30)
    return (time.perf_counter() - start) * 1000


async def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        async with LocalSynapse(work / "synapse") as hs:
            bot_id, config = await bot_account(hs, work, database_url=None, log_level="WARNING")
            echo_id = await hs.register_user("echo", "bench-echo")
            tester_id = await hs.register_user("tester", "bench-tester")
            bot_cmd = [sys.executable, "-m", "bot.cli", "run", "-c", str(config)]
            echo_cmd = [
                sys.executable,
                str(ROOT / "benchmarks" / "_echo_client.py"),
                hs.url,
                echo_id,
                "bench-echo",
            ]
            procs = [
                await asyncio.create_subprocess_exec(*bot_cmd, cwd=ROOT),
                await asyncio.create_subprocess_exec(*echo_cmd),
            ]
            tester = Lotse(hs.url, tester_id, work / "tester")
            try:
                await tester.login("bench-tester")
                await tester.start()
                bot_room = await tester.create_room(invite=[bot_id], encrypted=False, name="bot")
                echo_room = await tester.create_room(invite=[echo_id], encrypted=False, name="echo")
                enc_room = await tester.create_room(invite=[bot_id], encrypted=True, name="bot-e2ee")
                await asyncio.sleep(1)
                await subprocess_join(tester, echo_room, echo_id, hs)
                for room in (bot_room, enc_room):
                    await tester.wait_member(room, bot_id, timeout=60)
                # warm-up: both sides answer once before we measure
                await round_trip(tester, bot_room, "!ping")
                await round_trip(tester, echo_room, "ping")
                await round_trip(tester, enc_room, "!ping")
                bot_ms: list[float] = []
                echo_ms: list[float] = []
                enc_ms: list[float] = []
                for _ in range(n):
                    bot_ms.append(await round_trip(tester, bot_room, "!ping"))
                    echo_ms.append(await round_trip(tester, echo_room, "ping"))
                    enc_ms.append(await round_trip(tester, enc_room, "!ping"))
            finally:
                await tester.close()
                for proc in procs:
                    proc.terminate()
                    await asyncio.wait_for(proc.wait(), 10)

    def line(name: str, values: list[float]) -> str:
        return (
            f"{name:<28} p50 {pct(values, 0.5):7.1f} ms   p95 {pct(values, 0.95):7.1f} ms   "
            f"mean {statistics.fmean(values):7.1f} ms"
        )

    print(f"round trips per side: {n} (interleaved)")
    print(line("echo client (baseline)", echo_ms))
    print(line("Lotsenbot !ping", bot_ms))
    print(line("Lotsenbot !ping, E2EE room", enc_ms))
    r50 = pct(bot_ms, 0.5) / pct(echo_ms, 0.5)
    r95 = pct(bot_ms, 0.95) / pct(echo_ms, 0.95)
    print(f"ratio bot/echo: p50 {r50:.2f} (target ≤ 1.10)   p95 {r95:.2f} (target ≤ 1.20)")
    print("RESULT:", "OK" if r50 <= 1.10 and r95 <= 1.20 else "MISSED")


async def subprocess_join(tester: Lotse, room: str, user_id: str, hs: LocalSynapse) -> None:
    """The echo client does not auto-join; join it through the admin-free way: log in and join."""
    from nio import AsyncClient

    client = AsyncClient(hs.url, user_id)
    await client.login("bench-echo")
    await client.join(room)
    await client.close()
    await tester.wait_member(room, user_id, timeout=30)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=50)
    asyncio.run(main(parser.parse_args().n))

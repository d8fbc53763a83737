"""DM fan-out against the homeserver's rate limit: how long N DMs take, and the ratio to the limit's floor.

Run from the repo root: ``python benchmarks/fanout.py [--people 20] [--rate 0.2] [--burst 10] [--unlimited]``.
Starts a throwaway Synapse with ``rc_message`` at the given rate (default: Synapse's own 0.2/s, burst 10),
the real bot as a subprocess and N plain accounts in one room, then runs ``!retro start`` twice: the first
fan-out opens the N DMs, the second writes into DMs that exist. For each it prints the time from the command
to the final status edit, the messages the bot sent (announcement, N DMs, status and its edits; from the
homeserver's view of the room and the DMs) and the ratio to the floor the rate limit sets,
``(messages − burst) / rate``. ``--unlimited`` lifts the bot's limit with Synapse's admin API
(``override_ratelimit``, ``messages_per_second: 0``), as the README tells operators to.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.dev.devclient import PASSWORD, Lotse  # noqa: E402
from bot.dev.localsynapse import LocalSynapse  # noqa: E402
from tests.support.crowd import bot_dm_messages, crowd, join_all, lift_limit  # noqa: E402
from tests.support.process import BotProcess, bot_account  # noqa: E402


def _final(number: int) -> Any:
    def check(ev: dict[str, Any]) -> bool:
        body = str(ev.get("content", {}).get("m.new_content", {}).get("body", ""))
        return body.startswith(f"✅ Einladung zur Retro #{number} ")

    return check


def _room_messages(coord: Lotse, room: str, bot_id: str) -> int:
    return len(coord.messages_from(room, bot_id))


async def run(people: int, rate: float, burst: int, unlimited: bool) -> None:
    limits = {"rc_message": {"per_second": rate, "burst_count": burst}}
    with tempfile.TemporaryDirectory(prefix="lotsenbot-fanout-") as tmp:
        work = Path(tmp)
        async with LocalSynapse(work / "hs", rate_limits=limits) as hs:
            tag = secrets.token_hex(3)
            coord_id = await hs.register_user(f"koordination-{tag}", PASSWORD, admin=True)
            coord = Lotse(hs.url, coord_id, work / "coord")
            await coord.login()
            await coord.start()
            await lift_limit(hs, coord.client.access_token, coord_id)
            plain = await crowd(hs, people - 1, tag)
            bot_id, cfg = await bot_account(hs, work, database_url=None, coordinators=[coord_id])
            if unlimited:
                await lift_limit(hs, coord.client.access_token, bot_id)
            with cfg.open("a") as config:
                config.write("[features.retro]\ninvite_by_dm = true\n")
            bot = BotProcess(cfg, work / "bot.log")
            try:
                await bot.start()
                room = await coord.create_room(invite=[bot_id, *(p.user_id for p in plain)], encrypted=False)
                await coord.wait_member(room, bot_id, timeout=120)
                await join_all(plain, room)
                for p in plain:
                    await coord.wait_member(room, p.user_id, timeout=60)
                await coord.wait_reply(room, await coord.send(room, "!ping"), timeout=120)
                limit = (
                    "no limit (override_ratelimit)" if unlimited else f"rc_message {rate}/s, burst {burst}"
                )
                print(f"{people} recipients, {limit}")
                dms_before = 0
                for number, what in ((1, "opens the DMs"), (2, "DMs exist")):
                    if (
                        not unlimited
                    ):  # a full bucket first, so the floor below holds: (messages − burst) / rate
                        await asyncio.sleep(burst / rate + 1)
                    in_room = _room_messages(coord, room, bot_id)
                    started = time.monotonic()
                    await coord.send(room, f'!retro start "Runde {number}"')
                    await coord.wait_for(room, _final(number), 3600, f"fan-out {number}")
                    elapsed = time.monotonic() - started
                    dms = sum((await bot_dm_messages(hs, coord.client.access_token, bot_id)).values())
                    sent = _room_messages(coord, room, bot_id) - in_room + dms - dms_before
                    dms_before = dms
                    floor = max(sent - burst, 0) / rate if not unlimited else 0.0
                    ratio = f", ratio {elapsed / floor:.2f}" if floor else ""
                    print(
                        f"  fan-out {number} ({what}): {elapsed:.1f} s for {sent} messages "
                        f"({people} DMs), rate-limit floor {floor:.1f} s{ratio}; "
                        f"{sent / elapsed:.2f} messages/s"
                    )
            finally:
                await bot.stop()
                await coord.close()
                await asyncio.gather(*(p.close() for p in plain))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--rate", type=float, default=0.2)
    parser.add_argument("--burst", type=int, default=10)
    parser.add_argument("--unlimited", action="store_true")
    args = parser.parse_args()
    asyncio.run(run(args.people, args.rate, args.burst, args.unlimited))


if __name__ == "__main__":
    main()

"""What the bot survives: a homeserver outage and tight rate limits, on a Synapse of its own."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import tests.support.jobs  # noqa: F401  (registers test.remind)
from bot.dev.devclient import PASSWORD, Lotse
from bot.dev.localsynapse import LocalSynapse
from tests.conftest import BotRunner, team_room

pytestmark = pytest.mark.e2e

OUTAGE_SECONDS = 60


async def _lotse(hs: LocalSynapse, tmp_path: Path, name: str) -> Lotse:
    user_id = await hs.register_user(name, PASSWORD)
    lotse = Lotse(hs.url, user_id, tmp_path / name)
    await lotse.login()
    await lotse.start()
    return lotse


@pytest.fixture
async def own_synapse(tmp_path: Path) -> AsyncIterator[LocalSynapse]:
    async with LocalSynapse(tmp_path / "hs") as hs:
        yield hs


# The 60 s outage is about the homeserver going away; its 105 s run once (SQLite pass) keeps CI short.
@pytest.mark.once
async def test_outage_is_survived_and_reminders_follow_misfire_policy(
    own_synapse: LocalSynapse, tmp_path: Path
) -> None:
    bot = BotRunner(own_synapse, tmp_path)
    app = await bot.start()
    coord = await _lotse(own_synapse, tmp_path, "koordination")
    try:
        room = await team_room(coord, bot)
        assert (await coord.ask(room, "!ping")).startswith("pong")
        now = datetime.now(UTC)
        async with app.db.transaction() as session:  # one falls due during the outage, one is long overdue
            await app.scheduler.schedule(
                session,
                "test.remind",
                now + timedelta(seconds=10),
                {"room_id": room, "text": "während der Störung fällig"},
            )
            await app.scheduler.schedule(
                session, "test.remind", now - timedelta(hours=3), {"room_id": room, "text": "viel zu alt"}
            )

        await own_synapse.stop()
        await asyncio.sleep(OUTAGE_SECONDS)
        await own_synapse.start()

        started = time.monotonic()
        await coord.wait_for(
            room, lambda e: "während der Störung" in e.get("content", {}).get("body", ""), timeout=90
        )
        reply = await coord.ask(room, "!ping", timeout=60)
        assert reply.startswith("pong")
        assert time.monotonic() - started < 90
        await asyncio.sleep(2)
        bodies = [e["content"]["body"] for e in coord.messages_from(room, bot.user_id)]
        assert sum("während der Störung" in b for b in bodies) == 1
        assert not any("viel zu alt" in b for b in bodies)
    finally:
        await coord.close()
        await bot.stop()


BURSTS = 5


def throttled(caplog: pytest.LogCaptureFixture) -> int:
    """How many times nio reported a 429 (only the bot is limited, see below)."""
    return sum("Got 429" in r.getMessage() for r in caplog.records)


@pytest.mark.once  # Synapse's 429s; bursts: test_kill9_during_burst…
async def test_tight_rate_limit_drops_nothing(tmp_path: Path, caplog) -> None:
    limits = {"rc_message": {"per_second": 2, "burst_count": 3}}
    async with LocalSynapse(tmp_path / "hs", rate_limits=limits) as hs:
        bot = BotRunner(hs, tmp_path)
        await bot.start()
        user_id = await hs.register_user("koordination", PASSWORD, admin=True)
        coord = Lotse(hs.url, user_id, tmp_path / "koordination")
        await coord.login()
        await coord.start()
        # Only the bot is limited: the coordinator's client is exempt, so every 429 logged is the bot's.
        resp = await coord.client.send(
            "POST",
            f"/_synapse/admin/v1/users/{user_id}/override_ratelimit",
            data='{"messages_per_second": 0, "burst_count": 0}',
            headers={"Authorization": f"Bearer {coord.client.access_token}"},
        )
        assert resp.status == 200, await resp.text()
        try:
            room = await team_room(coord, bot, encrypted=False)
            caplog.set_level("INFO", logger="nio")
            caplog.clear()
            # Bursts of 12 until the bot has really been limited (nio logged three 429s): how fast it answers
            # depends on the machine's load, so the test waits for the limit instead of assuming it.
            sent: list[str] = []
            for _burst in range(BURSTS):
                burst = await asyncio.gather(*(coord.send(room, "!ping") for _ in range(12)))
                for event_id in burst:
                    await coord.wait_reply(room, event_id, timeout=90)
                sent += burst
                if throttled(caplog) >= 3:
                    break
            assert throttled(caplog) >= 3, f"the bot was never rate-limited in {len(sent)} pings"
            answers = Counter(
                (e["content"].get("m.relates_to") or {}).get("m.in_reply_to", {}).get("event_id")
                for e in coord.messages_from(room, bot.user_id)
            )
            assert {event_id: answers[event_id] for event_id in sent} == dict.fromkeys(sent, 1)
        finally:
            await coord.close()
            await bot.stop()

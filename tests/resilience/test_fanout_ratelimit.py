"""DM fan-out on a real Synapse with a tight ``rc_message`` (bot/fanout.py).

1. ``!retro start`` in a room of 50 invites all 50 by DM. The bot process is killed with SIGKILL in the
   middle and started again: afterwards the homeserver itself (admin API) shows exactly one bot message in
   each person's DM — none lost, none doubled — and the coordinator saw one status message, edited along
   the way ("an N von 50 verschickt") and at the end.
2. Every 429 ``M_LIMIT_EXCEEDED`` the bot receives is waited out: the next attempt of the same request comes
   no earlier than its ``retry_after_ms`` (each request and response the bot's HTTP client made is recorded).

Only the bot is limited: the coordinator's account gets ``override_ratelimit``, as an operator would give it
to the bot (README, "DM fan-out").
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.dev.devclient import PASSWORD, Lotse
from bot.dev.localsynapse import LocalSynapse
from storage.db import Database
from tests.conftest import E2E_DB, BotRunner, new_database_url, team_room
from tests.support.crowd import bot_dm_messages, crowd, join_all, lift_limit
from tests.support.process import BotProcess, bot_account

pytestmark = pytest.mark.e2e

# Tight: the bot opens DMs and sends faster than this, so the homeserver holds it back (the first test checks
# that it did). 1/s rather than Synapse's default 0.2/s keeps the 50-DM floor at ~105 s instead of ~9 min.
RATE, BURST = 1.0, 3
PEOPLE = 50  # the coordinator, one Lotse with a full client (reads the invitation), 48 plain accounts
KILL_AT = 15  # invitations sent when the bot is killed


@pytest.fixture(scope="module")
async def tight(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalSynapse]:
    limits = {"rc_message": {"per_second": RATE, "burst_count": BURST}}
    async with LocalSynapse(tmp_path_factory.mktemp("tight"), rate_limits=limits) as hs:
        yield hs


async def client(hs: LocalSynapse, tmp_path: Path, localpart: str, *, admin: bool = False) -> Lotse:
    user_id = await hs.register_user(localpart, PASSWORD, admin=admin)
    lotse = Lotse(hs.url, user_id, tmp_path / "clients" / localpart)
    await lotse.login()
    await lotse.start()
    return lotse


async def until(cond: Callable[[], Any], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await cond():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def status_bodies(coord: Lotse, room: str, bot_id: str) -> list[str]:
    """The fan-out's status message as the coordinator's client shows it: first version, then each edit."""
    bodies = []
    for event in coord.messages_from(room, bot_id):
        content = event.get("content", {})
        body = str(content.get("m.new_content", content).get("body", ""))
        if "Einladung zur Retro" in body:
            bodies.append(body)
    return bodies


@pytest.mark.timeout(1200)  # ~130 s on a quiet 2-core machine: 50 new DMs under the limit, and a restart
async def test_fanout_to_50_survives_kill9_none_lost_none_doubled(
    tight: LocalSynapse, tmp_path: Path
) -> None:
    tag = secrets.token_hex(3)
    coord = await client(tight, tmp_path, f"koordination-{tag}", admin=True)
    await lift_limit(tight, coord.client.access_token, coord.user_id)
    reader = await client(tight, tmp_path, f"lotse-leser-{tag}")
    plain = await crowd(tight, PEOPLE - 2, tag)
    db_url = await new_database_url(tmp_path, E2E_DB)
    bot_id, cfg = await bot_account(
        tight, tmp_path, database_url=db_url, coordinators=[coord.user_id], localpart=f"lotsenbot-{tag}"
    )
    with cfg.open("a") as config:
        config.write("[features.retro]\ninvite_by_dm = true\n")
    bot = BotProcess(cfg, tmp_path / "bot.log")
    db = Database(db_url)

    async def fanout_row() -> tuple[str, int, bool] | None:
        async with db.transaction() as session:
            row = (await session.execute(text("SELECT state, sent, status_final FROM fanouts"))).first()
        return (row[0], row[1], bool(row[2])) if row else None

    try:
        await bot.start()
        room = await coord.create_room(
            invite=[bot_id, reader.user_id, *(p.user_id for p in plain)], encrypted=False, name="Lotsen"
        )
        await coord.wait_member(room, bot_id, timeout=90)
        await join_all(plain, room)
        for user in (reader.user_id, *(p.user_id for p in plain)):
            await coord.wait_member(room, user, timeout=60)
        # the bot has seen every join once it answers a message sent after them
        await coord.wait_reply(room, await coord.send(room, "!ping"), timeout=90)

        before = len(coord.messages_from(room, bot_id))
        started = time.monotonic()
        await coord.send(room, '!retro start "Modul 3"')
        await until(lambda: _sent_at_least(fanout_row, KILL_AT), 120, f"{KILL_AT} invitations")
        await bot.kill9()
        killed_at = (await fanout_row() or ("", 0, False))[1]
        await bot.start()
        await until(lambda: _finished(fanout_row), 240, "the fan-out to finish")
        elapsed = time.monotonic() - started
        assert "homeserver rate limit (429)" in bot.log_text(), "the limit held the bot back"

        counts = await bot_dm_messages(tight, coord.client.access_token, bot_id)
        everybody = {coord.user_id, reader.user_id, *(p.user_id for p in plain)}
        assert set(counts) == everybody, f"missing: {everybody - set(counts)}"
        doubled = {who: n for who, n in counts.items() if n != 1}
        assert doubled == {}, f"not exactly one message: {doubled}"

        def invitation(ev: dict[str, Any]) -> bool:
            body = str(ev["content"].get("body"))
            return ev.get("sender") == bot_id and "Retro #1 „Modul 3“" in body and "mitmachen" in body

        await coord.wait_for(
            room,
            lambda ev: "✅" in str(ev.get("content", {}).get("m.new_content", {}).get("body", "")),
            60,
            "the final status edit",
        )
        shown = status_bodies(coord, room, bot_id)
        assert shown[0] == f"📨 Einladung zur Retro #1 per Direktnachricht: an 0 von {PEOPLE} verschickt …"
        progress = [int(m.group(1)) for b in shown if (m := re.search(r"an (\d+) von", b)) and "📨" in b]
        assert any(0 < n < PEOPLE for n in progress), shown  # edited along the way
        assert progress == sorted(progress)
        assert (
            shown[-1]
            == f"✅ Einladung zur Retro #1 per Direktnachricht: an {PEOPLE} von {PEOPLE} verschickt."
        )
        assert len(shown) <= 14, "one status message and a few edits, not a message per recipient"
        # Synapse counts each room creation against rc_message like a message (handlers/room.py: the
        # common request ratelimiter), so a new DM costs two of the limit: the room and the invitation.
        in_room = len(coord.messages_from(room, bot_id)) - before  # the retro's reply, status and edits
        floor = (2 * PEOPLE + in_room - BURST) / RATE
        print(
            f"\nfan-out of {PEOPLE} new DMs at rc_message {RATE}/s burst {BURST}, kill -9 after {killed_at}: "
            f"{elapsed:.1f} s (rate-limit floor {floor:.1f} s for {PEOPLE} rooms + {PEOPLE + in_room} "
            f"messages, ratio {elapsed / floor:.2f}); {len(shown)} status versions"
        )

        # Last, what the two encrypting clients read: every invitation decrypts (the coordinator's DM is
        # the first one the fan-out opens, the reader's the second). Before the fix, a DM opened while nio
        # was still applying the sync that brought it went out under a room key shared with nobody.
        for lotse in (coord, reader):
            mention = {"user_ids": [lotse.user_id]}  # only the DM invitation mentions its one recipient
            found = await _in_any_room(
                lotse, lambda ev, m=mention: invitation(ev) and ev["content"].get("m.mentions") == m, 60
            )
            assert found is not None, f"{lotse.user_id}: invitation not readable ({lotse.undecryptable})"
            assert "!retro 1" in found["content"]["body"]
        assert not reader.undecryptable, reader.undecryptable
    finally:
        await db.close()
        await bot.stop()
        await asyncio.gather(coord.close(), reader.close(), *(p.close() for p in plain))


async def _sent_at_least(row: Callable[[], Any], n: int) -> bool:
    found = await row()
    return found is not None and found[1] >= n


async def _finished(row: Callable[[], Any]) -> bool:
    found = await row()
    return found is not None and found[0] == "done" and found[2]


async def _in_any_room(
    lotse: Lotse, pred: Callable[[dict[str, Any]], bool], timeout: float
) -> dict[str, Any] | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for events in list(lotse.events.values()):
            for ev in events:
                if pred(ev):
                    return ev
        await asyncio.sleep(0.2)
    return None


class Recorder:
    """Wraps the bot's nio transport: (start, end, method, path, status, retry_after_ms) of each request."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, float, str, str, int, int | None]] = []

    def wrap(self, nio_client: Any) -> None:
        original = nio_client.send

        async def send(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
            begun = time.monotonic()
            resp = await original(method, path, *args, **kwargs)
            retry = None
            if resp.status == 429:
                retry = int((await resp.json()).get("retry_after_ms", 0))
            self.calls.append((begun, time.monotonic(), method, path.split("?")[0], resp.status, retry))
            return resp

        nio_client.send = send


@pytest.mark.once  # the HTTP client's timing; fan-out rows: test_fanout_to_50…
async def test_every_429_is_waited_out_before_the_same_request_again(
    tight: LocalSynapse, tmp_path: Path
) -> None:
    tag = secrets.token_hex(3)
    coord = await client(tight, tmp_path, f"koordination-{tag}", admin=True)
    await lift_limit(tight, coord.client.access_token, coord.user_id)
    plain = await crowd(tight, 8, f"r{tag}")
    bot = BotRunner(tight, tmp_path)

    def final(number: int) -> Callable[[dict[str, Any]], bool]:
        def check(ev: dict[str, Any]) -> bool:
            body = str(ev.get("content", {}).get("m.new_content", {}).get("body", ""))
            return body.startswith(f"✅ Einladung zur Retro #{number} ")

        return check

    try:
        await bot.start(coordinators={"users": [coord.user_id]}, features={"retro": {"invite_by_dm": True}})
        assert bot.app is not None
        room = await team_room(coord, bot, encrypted=False)
        for p in plain:
            await coord.client.room_invite(room, p.user_id)
        await join_all(plain, room)
        for p in plain:
            await coord.wait_member(room, p.user_id, timeout=60)
        await coord.wait_reply(room, await coord.send(room, "!ping"), timeout=60)
        # Opening a DM takes the bot longer than the limit allows per message here; the first fan-out opens
        # them, the second one sends as fast as the homeserver lets it.
        await coord.send(room, '!retro start "Vorlauf"')
        await coord.wait_for(room, final(1), 180, "the first fan-out")
        recorder = Recorder()
        recorder.wrap(bot.app.matrix.client)
        started = time.monotonic()
        await coord.send(room, '!retro start "Tempo"')
        await coord.wait_for(room, final(2), 120, "the second fan-out")
        elapsed = time.monotonic() - started
        sends = [c for c in recorder.calls if c[2] == "PUT" and "/send/" in c[3]]
        limited = [c for c in sends if c[4] == 429]
        assert len(limited) >= 3, "the bot was really rate-limited"
        for i, (_begun, ended, _m, path, status, retry) in enumerate(sends):
            if status != 429:
                continue
            again = next(c for c in sends[i + 1 :] if c[3] == path)  # same room and transaction id
            waited = again[0] - ended
            assert retry is not None and waited >= retry / 1000 - 0.005, (path, retry, waited)
        ok = [c for c in sends if c[4] == 200]
        assert len({c[3] for c in ok}) == len(ok), "every transaction id succeeded once"
        messages = len(ok)  # announcement, 9 invitations, status message and its edits
        floor = (messages - BURST) / RATE
        print(
            f"\n429 test: {len(sends)} send requests, {len(limited)} answered 429, each retried only after "
            f"its retry_after_ms; {messages} messages in {elapsed:.1f} s (floor {floor:.1f} s at "
            f"{RATE}/s burst {BURST}, ratio {elapsed / floor:.2f})"
        )
    finally:
        await bot.stop()
        await asyncio.gather(coord.close(), *(p.close() for p in plain))

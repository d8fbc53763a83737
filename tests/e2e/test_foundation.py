"""The foundation as a Lotse experiences it, against a real Synapse."""

from __future__ import annotations

import aiohttp
import pytest

from tests.conftest import BotRunner, team_room
from tests.support.voters import wait_listed

pytestmark = pytest.mark.e2e


async def test_joins_greets_and_answers_ping_in_encrypted_room(lotsen, bot: BotRunner) -> None:
    await bot.start()
    coord = await lotsen("koordination")
    room = await team_room(coord, bot)
    hello = await coord.wait_for(
        room, lambda e: e.get("sender") == bot.user_id and e["type"] == "m.room.message"
    )
    assert "Lotsenbot" in hello["content"]["body"]
    assert hello["content"]["msgtype"] == "m.notice"
    reply = await coord.ask(room, "!ping")
    assert reply.startswith("pong (")


def _from_bot(bot: BotRunner):
    return lambda e: e.get("sender") == bot.user_id and e.get("type") == "m.room.message"


@pytest.mark.once  # texts and power levels: no rows of its own
async def test_help_unknown_wrong_args_and_permission_in_room(lotsen, bot: BotRunner) -> None:
    await bot.start()
    coord = await lotsen("koordination")
    lotse = await lotsen("lotse")
    room = await team_room(coord, bot, lotse)

    lotse_help = await lotse.ask(room, "!hilfe")
    coord_help = await coord.ask(room, "!hilfe")
    # the short overview lists what each may do next: a Lotse votes, only a coordinator announces
    assert "!stimme" in lotse_help and "!ansage" not in lotse_help
    assert "!ansage" in coord_help
    assert "!ping" in await lotse.ask(room, "!hilfe alle")

    assert await lotse.ask(room, "!pnig") == "Unbekannter Befehl `!pnig`. Meintest du `!ping`?"
    refused = await lotse.ask(room, "!ansage Morgen kein Treffen")
    assert "nur Koordinator" in refused
    usage = await coord.ask(room, "!ansage")
    assert "So geht's: `!ansage <Text> …`" in usage

    await coord.send(room, "!ansage Morgen kein Treffen")
    announcement = await lotse.wait_for(room, lambda e: e.get("content", {}).get("body", "").startswith("📣"))
    assert announcement["content"]["m.mentions"] == {"room": True}
    assert not lotse.undecryptable and not coord.undecryptable


@pytest.mark.once  # thread relations; DM rows: test_votes_typed_in_the_room…
async def test_dm_and_thread(lotsen, bot: BotRunner) -> None:
    await bot.start()
    lotse = await lotsen("lotse")
    dm = await lotse.create_room(invite=[bot.user_id], direct=True, name="")
    await lotse.wait_member(dm, bot.user_id)
    assert (await lotse.ask(dm, "!ping")).startswith("pong")

    root = await lotse.send(dm, "Frage zum Meet and Learn")
    event_id = await lotse.send(dm, "!ping", thread_root=root)
    reply = await lotse.wait_reply(dm, event_id)
    rel = reply["content"]["m.relates_to"]
    assert rel["rel_type"] == "m.thread" and rel["event_id"] == root


@pytest.mark.once  # no encryption: the same rows as the encrypted ping
async def test_unencrypted_room_works_too(lotsen, bot: BotRunner) -> None:
    await bot.start()
    coord = await lotsen("koordination")
    room = await team_room(coord, bot, encrypted=False)
    assert (await coord.ask(room, "!ping")).startswith("pong")


async def test_restart_does_not_replay_and_old_messages_are_ignored(lotsen, bot: BotRunner) -> None:
    coord = await lotsen("koordination")
    await bot.start()
    room = await team_room(coord, bot)
    await coord.wait_for(room, _from_bot(bot))  # greeting
    first = await coord.send(room, "!ping")
    await coord.wait_reply(room, first)

    await bot.stop()
    while_down = await coord.send(room, "!ping")  # sent after the original start: must be answered
    await bot.start()
    await coord.wait_reply(room, while_down)
    await bot.restart()
    after = await coord.send(room, "!ping")
    await coord.wait_reply(room, after)

    replies = [
        e
        for e in coord.messages_from(room, bot.user_id)
        if (e["content"].get("m.relates_to") or {}).get("m.in_reply_to")
    ]
    targets = [e["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] for e in replies]
    assert sorted(targets) == sorted([first, while_down, after])  # each answered exactly once
    greetings = [e for e in coord.messages_from(room, bot.user_id) if "Hallo" in e["content"]["body"]]
    assert len(greetings) == 1


@pytest.mark.once  # a timestamp filter before any row is written
async def test_messages_before_the_bot_joined_are_not_acted_on(lotsen, bot: BotRunner) -> None:
    coord = await lotsen("koordination")
    room = await coord.create_room(encrypted=False)
    early = await coord.send(room, "!ping")
    await bot.start()
    await coord.client.room_invite(room, bot.user_id)
    await coord.wait_member(room, bot.user_id)
    await coord.wait_for(room, _from_bot(bot))  # greeting proves the bot processed the room
    later = await coord.send(room, "!ping")
    await coord.wait_reply(room, later)
    answered = [
        (e["content"].get("m.relates_to") or {}).get("m.in_reply_to", {}).get("event_id")
        for e in coord.messages_from(room, bot.user_id)
    ]
    assert early not in answered


@pytest.mark.once  # invite policy, decided before any row is written
async def test_invite_from_stranger_is_declined_politely(lotsen, bot: BotRunner) -> None:
    coord = await lotsen("koordination")
    stranger = await lotsen("fremd")
    await bot.start(invites={"allowed_users": [coord.user_id]})
    room = await stranger.create_room(invite=[bot.user_id], encrypted=False)

    def declined(e: dict) -> bool:
        return (
            e.get("type") == "m.room.member"
            and e.get("state_key") == bot.user_id
            and (e["content"].get("membership") == "leave")
        )

    leave = await stranger.wait_for(room, declined, what="the bot to decline")
    assert "Einladungen" in leave["content"].get("reason", "")
    allowed = await coord.create_room(invite=[bot.user_id], encrypted=False)
    await coord.wait_member(allowed, bot.user_id)


@pytest.mark.once  # a msgtype filter before any row is written
async def test_other_bots_notices_are_ignored(lotsen, bot: BotRunner) -> None:
    await bot.start()
    coord = await lotsen("koordination")
    room = await team_room(coord, bot, encrypted=False)
    await coord.wait_for(room, _from_bot(bot))
    await coord.send_event(room, "m.room.message", {"msgtype": "m.notice", "body": "!ping"})
    marker = await coord.send(room, "!ping")
    await coord.wait_reply(room, marker)
    assert (
        len([e for e in coord.messages_from(room, bot.user_id) if e["content"]["body"].startswith("pong")])
        == 1
    )


async def test_undecryptable_message_gets_one_hint(lotsen, bot: BotRunner) -> None:
    await bot.start()
    coord = await lotsen("koordination")
    room = await team_room(coord, bot)
    await coord.wait_for(room, _from_bot(bot))
    bogus = {
        "algorithm": "m.megolm.v1.aes-sha2",
        "ciphertext": "AwgAEnB" + "A" * 40,
        "session_id": "unknownsession",
        "sender_key": "unknownkey",
        "device_id": "NODEVICE",
    }
    for i in range(2):  # raw PUT: nio would wrap it in a second, valid layer of encryption
        url = f"{coord.client.homeserver}/_matrix/client/v3/rooms/{room}/send/m.room.encrypted/bogus{i}"
        headers = {"Authorization": f"Bearer {coord.client.access_token}"}
        async with aiohttp.ClientSession() as http, http.put(url, json=bogus, headers=headers) as resp:
            assert resp.status == 200
    marker = await coord.send(room, "!ping")
    await coord.wait_reply(room, marker)
    hints = [e for e in coord.messages_from(room, bot.user_id) if "entschlüsseln" in e["content"]["body"]]
    assert len(hints) == 1


@pytest.mark.once  # Synapse's push rules
async def test_announcement_ping_really_notifies(lotsen, bot: BotRunner) -> None:
    """A ping must reach people: Matrix's default push rules silence ``m.notice`` before mentions count.

    Unencrypted room, because only there the homeserver can evaluate the push rules for the test to see.
    """
    await bot.start()
    coord = await lotsen("koordination")
    lotse = await lotsen("lotse")
    room = await team_room(coord, bot, lotse, encrypted=False)
    await coord.set_power(room, bot.user_id, 50)  # @room needs the room's notifications.room level

    pong = await coord.send(room, "!ping")
    await lotse.wait_reply(room, pong)
    await coord.send(room, "!ansage Morgen kein Treffen")
    announcement = await lotse.wait_for(room, lambda e: e.get("content", {}).get("body", "").startswith("📣"))

    notified = {e["event_id"] for e in await lotse.notifications()}
    assert announcement["event_id"] in notified
    ordinary = [e for e in lotse.events[room] if e.get("sender") == bot.user_id and "pong" in str(e)]
    assert ordinary and ordinary[0]["content"]["msgtype"] == "m.notice"
    assert ordinary[0]["event_id"] not in notified  # plain replies stay quiet


async def test_health_and_metrics_endpoint(lotsen, bot: BotRunner) -> None:
    from bot.dev.localsynapse import _free_port

    port = _free_port()
    await bot.start(bot={"metrics_port": port})
    coord = await lotsen("koordination")
    room = await team_room(coord, bot)
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:

        async def figures() -> dict[str, float]:
            async with http.get(f"{base}/metrics") as r:
                assert r.status == 200
                text = await r.text()
            return {
                line.split()[0]: float(line.split()[1])
                for line in text.splitlines()
                if line and not line.startswith("#")
            }

        before = await figures()
        for _ in range(3):
            assert (await coord.ask(room, "!ping")).startswith("pong")
        after = await figures()
        async with http.get(f"{base}/health") as r:
            assert r.status == 200 and (await r.json())["ok"] is True
    assert after["lotsenbot_active"] == 1  # the only instance holds the database lock (bot/leader.py)
    assert after["lotsenbot_events_handled_total"] >= before["lotsenbot_events_handled_total"] + 3
    assert after["lotsenbot_messages_sent_total"] >= before["lotsenbot_messages_sent_total"] + 3
    assert after["lotsenbot_rooms_joined"] >= 1 and after["lotsenbot_last_sync_timestamp_seconds"] > 0
    assert after["lotsenbot_internal_errors_total"] == 0


async def test_more_pending_than_one_sync_shows_are_all_handled(lotsen, bot: BotRunner) -> None:
    """While the bot is down, more happens than a sync timeline holds (limited timeline): the bot fetches
    the gap from the room history, so the vote at its very start counts and every command is answered."""
    from bot.matrix import TIMELINE_LIMIT

    coord = await lotsen("koordination")
    anna = await lotsen("lotse")
    await bot.start()
    room = await team_room(coord, bot, anna, encrypted=False)
    await coord.send(room, '!umfrage "Nächstes Thema?" "E-Akte" "Open Data"')
    await anna.wait_for(room, lambda e: e.get("sender") == bot.user_id and "poll.start" in e.get("type", ""))

    await bot.stop()
    await anna.send(room, "!stimme 1 2")
    pings = [await coord.send(room, f"!ping {i}") for i in range(TIMELINE_LIMIT + 10)]
    await bot.start()
    await wait_listed(lambda: anna.events.get(room, []), bot.user_id, [anna.user_id])  # the vote receipt
    for event_id in pings:
        await coord.wait_reply(room, event_id, timeout=60)
    result = await coord.ask(room, "!ergebnis 1")
    assert "**2. Open Data** (1 Stimme)" in result
    answered = [
        (e["content"].get("m.relates_to") or {}).get("m.in_reply_to", {}).get("event_id")
        for e in coord.messages_from(room, bot.user_id)
    ]
    assert all(answered.count(p) == 1 for p in pings)

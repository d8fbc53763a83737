"""Every event the bot sends states its mentions; only deliberate announcements ping the room."""

from __future__ import annotations

from pathlib import Path

from bot import render
from commands.polls import msc3381
from tests.support.fake import Harness

ROOM = "!team:test"
COORD = "@koordination:test"
LOTSE = "@lotse:test"


async def test_a_lotse_poll_with_at_room_pings_nobody(tmp_path: Path) -> None:
    h = await Harness(tmp_path, features={"polls": {"create": "everyone"}}).start()
    try:
        h.room(ROOM, [COORD, LOTSE], power={COORD: 100})
        await h.say(ROOM, LOTSE, '!umfrage "@room Dringend?" "Ja" "Nein"')
        await h.say(ROOM, COORD, "!umfrage schließen 1")
        assert {s.event_type for s in h.messenger.sent} >= {msc3381.START, msc3381.END}
        for sent in h.messenger.sent:
            assert "m.mentions" in sent.content, (sent.event_type, sent.content)
            assert sent.content["m.mentions"].get("room") is not True
            for key in ("body", msc3381.TEXT):
                value = sent.content.get(key, "")
                assert "@room" not in value.lower(), (sent.event_type, value)
        start = next(s for s in h.messenger.sent if s.event_type == msc3381.START)
        assert f"@{render.WORD_JOINER}room Dringend?" in start.content["body"]  # still readable
    finally:
        await h.close()


async def test_announcement_pings_and_is_limited(tmp_path: Path) -> None:
    h = await Harness(tmp_path).start()
    try:
        h.room(ROOM, [COORD, LOTSE], power={COORD: 100})
        await h.say(ROOM, COORD, "!ansage Morgen fällt das Treffen aus")
        [sent] = h.messenger.sent
        assert sent.content["m.mentions"] == {"room": True} and sent.content["msgtype"] == "m.text"
        [refused] = await h.say(ROOM, COORD, "!ansage " + "x" * 18_000)
        assert refused.startswith("⚠️ Die Ansage ist zu lang: 18000 Zeichen, höchstens 2000 gehen")
        assert len(h.messenger.sent) == 2  # only the refusal, no ping
    finally:
        await h.close()


def test_uploads_and_hand_built_content_get_mentions() -> None:
    content = render.guard_mentions({"msgtype": "m.image", "body": "@room.png"}, "m.room.message")
    assert content["m.mentions"] == {} and content["body"] == f"@{render.WORD_JOINER}room.png"
    reaction = {"m.relates_to": {"rel_type": "m.annotation", "key": "1️⃣"}}
    assert render.guard_mentions(reaction, "m.reaction") == reaction

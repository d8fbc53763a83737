"""The FAQ against a real Synapse: a Lotse asks in every way, the coordinators answer what the KB lacks.

One conversation in one test keeps the file fast: the bot, the users and the rooms are set up once.
The bot works on a temporary copy of ``kb/``, so entries written during the test never touch the repo.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path
from typing import Any

import pytest
from nio import RoomCreateResponse

from tests.conftest import BotRunner, team_room
from tests.support.lotse import Lotse

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
ENCRYPTED = [{"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}]


def from_bot(bot: BotRunner, contains: str) -> Any:
    def pred(e: dict[str, Any]) -> bool:
        body = str(e.get("content", {}).get("body", ""))
        return e.get("sender") == bot.user_id and e.get("type") == "m.room.message" and contains in body

    return pred


async def coordinators_room(coord: Lotse, bot: BotRunner, alias: str) -> str:
    """An encrypted room known by an alias, so the bot has to resolve ``escalation_room`` itself."""
    resp = await coord.client.room_create(
        alias=alias[1:].split(":")[0], name="Koordination", invite=[bot.user_id], initial_state=ENCRYPTED
    )
    assert isinstance(resp, RoomCreateResponse), resp
    await coord.wait_member(resp.room_id, bot.user_id)
    return resp.room_id


async def test_faq_in_the_chat(lotsen: Any, bot: BotRunner, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(REPO / "kb", kb)
    coord = await lotsen("koordination")
    anna = await lotsen("lotse")
    alias = f"#lotsen-koordination-{secrets.token_hex(3)}:{coord.user_id.split(':', 1)[1]}"
    await bot.start(
        coordinators={"users": [coord.user_id]},
        features={"faq": {"kb_dir": str(kb), "escalation_room": alias}},
    )
    koord = await coordinators_room(coord, bot, alias)  # the alias is resolved on first use
    room = await team_room(coord, bot, anna)

    # !faq and its alias: heading, answer; the entry id only for coordinators
    reply = await anna.ask(room, "!faq Wie bekomme ich Zugang zu Stackfield?")
    assert reply.startswith("### Wie bekomme ich Zugang zu Stackfield?")
    assert "(Eintrag: " not in reply
    stackfield_answer = anna.messages_from(room, bot.user_id)[-1]["event_id"]
    ozg = "### Was ist das Onlinezugangsgesetz (OZG)?"
    assert (await anna.ask(room, "!frage Was verlangt das OZG von uns?")).startswith(ozg)
    assert "(Eintrag: ozg)" in await coord.ask(room, "!faq Was verlangt das OZG von uns?")

    # ?-form and a mention
    assert (await anna.ask(room, "?was ist das onlinezugangsgesetz")).startswith(ozg)
    mention = await anna.send_event(
        room,
        "m.room.message",
        {
            "msgtype": "m.text",
            "body": f"{bot.user_id.split(':')[0][1:]}: wo finde ich die aufzeichnungen vom meet and learn",
            "m.mentions": {"user_ids": [bot.user_id]},
        },
    )
    reply = (await anna.wait_reply(room, mention))["content"]["body"]
    assert reply.startswith("### Wo finde ich die Aufzeichnungen")

    # low confidence: choices, then `!faq 2`
    unsure = await anna.ask(room, "!faq Ideen vorstellen")
    assert unsure.startswith("🤔 Ich bin nicht sicher")
    [number] = [
        line.split(".")[0]
        for line in unsure.splitlines()
        if line.endswith("Digitalisierungsidee aus meinem Amt ein?")
    ]
    picked = await anna.ask(room, f"!faq {number}")
    assert picked.startswith("### Wie bringe ich eine Digitalisierungsidee aus meinem Amt ein?")

    # a plain question in a DM
    dm = await anna.create_room(invite=[bot.user_id], direct=True, name="")
    await anna.wait_member(dm, bot.user_id)
    reply = await anna.ask(dm, "Wie lade ich Kollegen in einen Jitsi-Raum ein?")
    assert reply.startswith("### Wie starte ich eine Videokonferenz im Jitsi-Raum der Stadt?")

    # no answer: honest reply, forwarded to the coordinators, answered back, saved, found at once
    question = await anna.send(room, "!faq Wann hat das Hallenbad am Sonntag geöffnet?")
    reply = (await anna.wait_reply(room, question))["content"]["body"]
    assert reply.startswith("Dazu habe ich keine Antwort.") and "(Nr. 1)" in reply
    forwarded = await coord.wait_for(koord, from_bot(bot, "Offene Frage Nr. 1"), what="the escalation")
    assert "Hallenbad am Sonntag" in forwarded["content"]["body"]

    await coord.ask(koord, "!faq antworten 1 Sonntags von 8 bis 18 Uhr, siehe **Bäderseite**.")

    def answer_to_question(e: dict[str, Any]) -> bool:
        rel = e.get("content", {}).get("m.relates_to") or {}
        return (
            from_bot(bot, "Antwort der Koordination")(e)
            and (rel.get("m.in_reply_to") or {}).get("event_id") == question
        )

    answer = await anna.wait_for(room, answer_to_question, what="the coordinators' answer")
    assert "Sonntags von 8 bis 18 Uhr" in answer["content"]["body"]
    assert answer["content"]["m.mentions"] == {"user_ids": [anna.user_id]}

    saved = await coord.ask(koord, '!faq speichern 1 --frage "Wann ist das Hallenbad geöffnet?"')
    assert "Gespeichert als Eintrag `hallenbad-geoeffnet`" in saved
    assert (kb / "hallenbad-geoeffnet.md").is_file()
    assert (await anna.ask(room, "?Öffnungszeiten vom Hallenbad")).startswith(
        "### Wann ist das Hallenbad geöffnet?"
    )

    new = await coord.ask(koord, '!faq neu "Wo finde ich die Briefvorlagen?" Im Intranet unter **Vorlagen**.')
    assert "Gespeichert als Eintrag" in new
    assert "Im Intranet unter **Vorlagen**." in await anna.ask(room, "?wo liegen die briefvorlagen")

    # a KB file changed on disk (e.g. by `git pull`) is used for the next question
    path = kb / "stackfield.md"
    front = path.read_text(encoding="utf-8").split("---\n")[1]
    path.write_text(
        f"---\n{front}---\nDen Stackfield-Zugang gibt es jetzt im Lotsenraum.\n", encoding="utf-8"
    )
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    reply = await anna.ask(room, "!faq Wie bekomme ich Zugang zu Stackfield?")
    assert "Den Stackfield-Zugang gibt es jetzt im Lotsenraum." in reply

    # 👍 on an answer is counted
    await anna.send_event(
        room,
        "m.reaction",
        {"m.relates_to": {"rel_type": "m.annotation", "event_id": stackfield_answer, "key": "👍"}},
    )
    assert (await anna.ask(room, "!ping")).startswith("pong")  # the reaction was handled before this
    stats = await coord.ask(koord, "!faq statistik")
    assert "Feedback: 👍 1 · 👎 0" in stats
    assert "ohne Antwort: 1" in stats
    assert not anna.undecryptable and not coord.undecryptable

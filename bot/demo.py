"""``lotsenbot demo``: a local Synapse, the bot, two demo Lotsen, an encrypted team room, a short scripted
conversation — then it keeps running so you can log in with any Matrix client, until Ctrl-C.

Everything lives in one folder (default ``.demo/`` in the checkout) and is reused on the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import sys
from pathlib import Path
from typing import Any

from bot.app import App
from bot.config import Config
from bot.devclient import Lotse
from bot.localsynapse import LocalSynapse
from bot.logs import setup_logging

BOT, COORD, LOTSE = "lotsenbot", "koordination", "lotse"
PASSWORDS = {BOT: "demo-bot-passwort", COORD: "demo-koordination", LOTSE: "demo-lotse"}

SCRIPT: list[tuple[str, str]] = [
    (COORD, "!hilfe"),
    (LOTSE, "!ping"),
    (LOTSE, "!umfrge"),
    (LOTSE, "!ansage Hallo zusammen"),
    (
        COORD,
        '!umfrage "Was digitalisieren wir als Nächstes?" "Reisekostenabrechnung" "E-Akte" "Bilderarchiv"',
    ),
    (LOTSE, "!umfragen"),
    (LOTSE, "!faq Wie bekomme ich einen Jitsi-Raum?"),
    (LOTSE, "?Was regelt das OZG"),
    (COORD, '!meetlearn neu morgen 14 Uhr "E-Akte im Alltag" --referent "Team Personal & IT"'),
    (LOTSE, "!termine"),
]


def _print(who: str, text: str) -> None:
    lines = text.strip().splitlines() or [""]
    print(f"  {who:>13} │ {lines[0]}")
    for line in lines[1:]:
        print(f"  {'':>13} │ {line}")
    sys.stdout.flush()


async def _client(hs: LocalSynapse, localpart: str, root: Path) -> Lotse:
    user_id = await hs.register_user(localpart, PASSWORDS[localpart])
    client = Lotse(hs.url, user_id, root / "clients" / localpart)
    await client.login(PASSWORDS[localpart])
    await client.start()
    return client


async def _team_room(root: Path, coord: Lotse, lotse: Lotse, bot_id: str) -> str:
    state_file = root / "state.json"
    state: dict[str, Any] = json.loads(state_file.read_text()) if state_file.exists() else {}
    room_id = state.get("room_id")
    if room_id and room_id in coord.client.rooms:
        return str(room_id)
    room_id = await coord.create_room(invite=[bot_id, lotse.user_id], name="Digitallotsen (Demo)")
    await coord.wait_member(room_id, bot_id, timeout=60)
    await lotse.wait_member(room_id, lotse.user_id)
    await lotse.wait_member(room_id, bot_id)
    await coord.wait_member(room_id, lotse.user_id)
    state_file.write_text(json.dumps({"room_id": room_id}))
    return room_id


async def _play(room_id: str, people: dict[str, Lotse], bot_id: str) -> None:
    print("\n── Gesprächsverlauf (Demo) " + "─" * 50)
    for who, text in SCRIPT:
        client = people[who]
        before = {e.get("event_id") for e in client.events.get(room_id, [])}
        _print(who, text)
        await client.send(room_id, text)
        # collect every bot message that arrives in the next moments (replies and announcements)
        try:
            await client.wait_for(
                room_id,
                lambda e, before=before: (
                    e.get("sender") == bot_id
                    and e.get("event_id") not in before
                    and e.get("type") in ("m.room.message", "org.matrix.msc3381.poll.start")
                ),
                timeout=20,
            )
        except AssertionError:
            _print("lotsenbot", "(keine Antwort)")
            continue
        await asyncio.sleep(0.3)
        for event in client.events.get(room_id, []):
            if event.get("sender") == bot_id and event.get("event_id") not in before:
                _print("lotsenbot", _describe(event.get("type", ""), event.get("content", {})))
    print("─" * 77)


def _describe(event_type: str, content: dict[str, Any]) -> str:
    """What a person would see in Element, in one or a few lines of text."""
    if event_type.endswith("poll.start"):
        poll = content.get("org.matrix.msc3381.poll.start", {})
        question = poll.get("question", {})
        text = question.get("org.matrix.msc1767.text") or question.get("body") or ""
        answers = [a.get("org.matrix.msc1767.text") or a.get("body") or "" for a in poll.get("answers", [])]
        return f"[Umfrage in Element] {text}\n" + "\n".join(f"  ○ {a}" for a in answers)
    if content.get("msgtype") in ("m.file", "m.image"):
        return f"[Datei] {content.get('body', '')}"
    return str(content.get("body") or json.dumps(content)[:200])


async def run(root: Path, *, script_only: bool) -> int:
    setup_logging("WARNING")
    print(f"Lotsenbot-Demo: Daten in {root}")
    async with LocalSynapse(root / "synapse") as hs:
        print(f"Synapse läuft auf {hs.url}")
        bot_id = await hs.register_user(BOT, PASSWORDS[BOT])
        (root / "bot-password").write_text(PASSWORDS[BOT])
        config = Config.model_validate(
            {
                "matrix": {
                    "homeserver": hs.url,
                    "user_id": bot_id,
                    "password_file": str(root / "bot-password"),
                    "password_env": None,
                    "access_token_env": None,
                },
                "bot": {"data_dir": str(root / "bot")},
            }
        )
        app = App(config)
        await app.start()
        await app.wait_synced()
        coord = await _client(hs, COORD, root)
        lotse = await _client(hs, LOTSE, root)
        try:
            room_id = await _team_room(root, coord, lotse, bot_id)
            await _play(room_id, {COORD: coord, LOTSE: lotse}, bot_id)
            if script_only:
                return 0
            print(
                "\nDie Demo läuft weiter. Mit einem Matrix-Programm (z. B. Element Desktop) anmelden:\n"
                f"  Homeserver: {hs.url}\n"
                f"  Koordination: {COORD} / {PASSWORDS[COORD]}\n"
                f"  Lotse:        {LOTSE} / {PASSWORDS[LOTSE]}\n"
                f"  Raum: „Digitallotsen (Demo)“ ({room_id}), Bot: {bot_id}\n"
                "Beenden mit Strg+C."
            )
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            await stop.wait()
            print("\nFahre herunter …")
            return 0
        finally:
            for client in (coord, lotse):
                await client.close()
            await app.stop()


def main(root: Path, *, script_only: bool = False) -> int:
    root = root.resolve()
    root.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(run(root, script_only=script_only))
    logging.shutdown()
    return 0

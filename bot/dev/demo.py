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
from bot.dev.devclient import Lotse
from bot.dev.localsynapse import LocalSynapse
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


def _load_state(root: Path) -> dict[str, Any]:
    """What the demo remembers between starts: its room, how far the script got and what was said."""
    state_file = root / "state.json"
    state: dict[str, Any] = json.loads(state_file.read_text()) if state_file.exists() else {}
    # A demo folder from before progress was kept: its one start played the whole script.
    state.setdefault("played", len(SCRIPT) if "room_id" in state else 0)
    state.setdefault("transcript", [])
    return state


def _save_state(root: Path, state: dict[str, Any]) -> None:
    tmp = root / "state.json.tmp"
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1))
    tmp.replace(root / "state.json")  # never half a file, even when stopped mid-write


async def _team_room(root: Path, state: dict[str, Any], coord: Lotse, lotse: Lotse, bot_id: str) -> str:
    room_id = state.get("room_id")
    if room_id and room_id in coord.client.rooms:
        return str(room_id)
    room_id = await coord.create_room(invite=[bot_id, lotse.user_id], name="Digitallotsen (Demo)")
    await coord.wait_member(room_id, bot_id, timeout=60)
    await lotse.wait_member(room_id, lotse.user_id)
    await lotse.wait_member(room_id, bot_id)
    await coord.wait_member(room_id, lotse.user_id)
    # The bot's greeting must not be mistaken for the answer to the script's first line.
    with contextlib.suppress(AssertionError):
        await coord.wait_for(room_id, lambda e: e.get("sender") == bot_id and _shown(e), timeout=30)
    state.clear()
    state.update({"room_id": room_id, "played": 0, "transcript": []})  # a new room: the script starts over
    _save_state(root, state)
    return room_id


async def _play(
    root: Path, state: dict[str, Any], room_id: str, people: dict[str, Lotse], bot_id: str
) -> None:
    """Play the script from where the last start stopped. A line counts as played *before* it is sent,
    so an interrupted start never sends it twice (at most once, like the bot's own events)."""
    print("\n── Gesprächsverlauf (Demo) " + "─" * 50)
    for index in range(state["played"], len(SCRIPT)):
        who, text = SCRIPT[index]
        client = people[who]
        before = {e.get("event_id") for e in client.events.get(room_id, [])}
        _print(who, text)
        state["played"] = index + 1
        _save_state(root, state)
        sent = await client.send(room_id, text)
        answers = [
            _describe(e.get("type", ""), e.get("content", {}))
            for e in await _answers(client, room_id, bot_id, sent, before)
        ]
        for answer in answers or ["(keine Antwort)"]:
            _print("lotsenbot", answer)
        state["transcript"].append({"who": who, "text": text, "answers": answers})
        _save_state(root, state)
    print("─" * 77)


def _shown(event: dict[str, Any]) -> bool:
    return event.get("type") in ("m.room.message", "org.matrix.msc3381.poll.start")


async def _answers(
    client: Lotse, room_id: str, bot_id: str, sent: str, before: set[Any]
) -> list[dict[str, Any]]:
    """The bot's reply to ``sent`` (or the poll it started), plus whatever else it posts right after
    (an announcement) — waiting until the bot has been quiet for a second, so no answer lands on the
    next line of the script."""

    def new() -> list[dict[str, Any]]:
        return [
            e
            for e in client.events.get(room_id, [])
            if e.get("sender") == bot_id and e.get("event_id") not in before and _shown(e)
        ]

    def answers_it(e: dict[str, Any]) -> bool:
        reply_to = ((e.get("content", {}).get("m.relates_to") or {}).get("m.in_reply_to") or {}).get(
            "event_id"
        )
        return e in new() and (reply_to == sent or str(e.get("type")).endswith("poll.start"))

    try:
        await client.wait_for(room_id, answers_it, timeout=30)
    except AssertionError:
        return []
    count, quiet = len(new()), 0.0
    while quiet < 1.0:
        await asyncio.sleep(0.25)
        quiet = 0.0 if len(new()) != count else quiet + 0.25
        count = len(new())
    return new()


def _recap(root: Path, state: dict[str, Any]) -> None:
    """A second start: the conversation already happened in the room; a short reminder, no repeat."""
    print("\n── Bisher in der Demo (schon gespielt, wird nicht wiederholt) " + "─" * 15)
    for entry in state["transcript"]:
        first = next((line for a in entry["answers"] for line in a.splitlines() if line.strip()), "")
        _print(entry["who"], entry["text"])
        _print("lotsenbot", first[:90] + ("…" if len(first) > 90 else ""))
    print("─" * 77)
    if not state["transcript"]:
        print("  Das Gespräch wurde schon bei einem früheren Start gespielt.")
    print("Probier selbst weiter, zum Beispiel mit !umfrage oder !hilfe im Raum.")
    print(f"Die Demo von vorn: den Ordner {root} löschen und neu starten.")


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
    log_file = root / "demo.log"
    setup_logging("INFO", file=log_file)  # the console shows the conversation; technical lines go here
    print(f"Lotsenbot-Demo: Daten in {root}")
    print(f"Technisches Protokoll (englisch): {log_file}")
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
            state = _load_state(root)
            room_id = await _team_room(root, state, coord, lotse, bot_id)
            if state["played"] >= len(SCRIPT):
                _recap(root, state)
            else:
                await _play(root, state, room_id, {COORD: coord, LOTSE: lotse}, bot_id)
            print(
                "\nAnmelden mit einem Matrix-Programm (z. B. Element Desktop):\n"
                f"  Homeserver: {hs.url}\n"
                f"  Koordination: {COORD} / {PASSWORDS[COORD]}\n"
                f"  Lotse:        {LOTSE} / {PASSWORDS[LOTSE]}\n"
                f"  Raum: „Digitallotsen (Demo)“ ({room_id}), Bot: {bot_id}"
            )
            if script_only:
                return 0
            print("Die Demo läuft weiter. Beenden mit Strg+C.")
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

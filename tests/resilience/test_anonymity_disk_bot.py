"""The disk forensic of issue 17 against the real bot process, real Synapse and encrypted DMs.

Four Lotsen vote in an anonymous poll and write eight retro items (1, 2, 2 and 3 each) in their DMs with
the bot. While the bot runs, the attacker copies ``lotsenbot.db``, ``-wal`` and ``-shm`` after the voting,
right when the closing summaries arrive, and a moment later, and tries every link: a WAL transaction or a
database page that holds an anonymous ballot/item together with a DM room or a user id, the keys read from
the early copy found again in the later one, and grouping the closed retro's items by author. On
PostgreSQL the same through what the server returns.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import sqlite3
import struct
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.dev.devclient import PASSWORD, Lotse
from bot.dev.localsynapse import LocalSynapse
from storage.db import Database
from tests.conftest import new_database_url
from tests.resilience.test_anonymity_disk import ITEMS, copy_files, wal_transactions
from tests.support.process import BotProcess, bot_account

pytestmark = [pytest.mark.e2e, pytest.mark.once]  # runs both databases itself


async def client(hs: LocalSynapse, tmp_path: Path, localpart: str) -> Lotse:
    user_id = await hs.register_user(localpart, PASSWORD)
    lotse = Lotse(hs.url, user_id, tmp_path / "clients" / localpart)
    await lotse.login()
    await lotse.start()
    return lotse


def pages(db: bytes) -> list[bytes]:
    size = struct.unpack(">H", db[16:18])[0] or 65536
    return [db[i : i + size] for i in range(0, len(db), size)]


def keys_in(copy_dir: Path) -> tuple[str | None, str | None]:
    """What an attacker reads from a copy with sqlite3: the poll key and the retro secret (if still set)."""
    conn = sqlite3.connect(copy_dir / "lotsenbot.db")
    try:
        poll = conn.execute("SELECT voter_key FROM polls").fetchone()
        retro = conn.execute("SELECT secret FROM retros").fetchone()
        return (poll[0] if poll else None, retro[0] if retro else None)
    finally:
        conn.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_copies_of_a_running_bots_database_link_no_vote_or_item(
    synapse: LocalSynapse, tmp_path: Path, backend: str
) -> None:
    tag = secrets.token_hex(3)
    coord = await client(synapse, tmp_path, f"koordination-{tag}")
    people = await asyncio.gather(*(client(synapse, tmp_path, f"lotse{i}-{tag}") for i in range(4)))
    db_url = await new_database_url(tmp_path, backend) if backend == "postgres" else None
    bot_id, cfg = await bot_account(
        synapse, tmp_path, database_url=db_url, coordinators=[coord.user_id], localpart=f"lotsenbot-{tag}"
    )
    db_file = tmp_path / "bot" / "lotsenbot.db"
    bot = BotProcess(cfg, tmp_path / "bot.log")
    copies: dict[str, Path] = {}

    def snapshot(name: str) -> None:
        if backend == "sqlite":
            copy_files(db_file, tmp_path / "copies" / name)
            copies[name] = tmp_path / "copies" / name

    dms: list[str] = []
    try:
        await bot.start()
        room = await coord.create_room(invite=[bot_id, *(p.user_id for p in people)], encrypted=True)
        await coord.wait_member(room, bot_id, timeout=60)
        for person in people:
            await person.join(room)
            await coord.wait_member(room, person.user_id, timeout=30)
        await coord.send(room, '!umfrage "Wie zufrieden seid ihr?" "Sehr" "Geht so" "Gar nicht" --anonym')
        await coord.wait_for(
            room,
            lambda e: e.get("sender") == bot_id and "seid ihr?" in str(e.get("content", {}).get("body", "")),
            60,
        )
        await coord.send(room, '!retro start "Modul 3" --frage "Wie zufrieden waren Sie insgesamt?"')
        await coord.wait_for(room, lambda e: "Retro #1" in str(e.get("content", {}).get("body", "")), 60)
        for person in people:
            dm = await person.create_room(invite=[bot_id], direct=True, name="")
            await person.wait_member(dm, bot_id, timeout=60)
            await person.wait_for(dm, lambda e: e.get("sender") == bot_id, 60)  # the greeting
            dms.append(dm)

        async def take_part(i: int) -> None:
            person, dm = people[i], dms[i]
            voted = await person.ask(dm, f"!stimme 1 {i % 3 + 1}", timeout=60)
            assert "zählt" in voted, voted
            for item in ITEMS[i]:
                noted = await person.ask(dm, f"!feedback 1 stop {item}", timeout=60)
                assert "Notiert" in noted, noted

        await asyncio.gather(*(take_part(i) for i in range(4)))
        snapshot("after-voting")
        await coord.send(room, "!umfrage schließen 1")
        await coord.wait_for(
            room, lambda e: "Ergebnis Umfrage #1" in str(e.get("content", {}).get("body", "")), 60
        )
        await coord.send(room, "!retro ende 1")
        await coord.wait_for(
            room, lambda e: "ist abgeschlossen" in str(e.get("content", {}).get("body", "")), 60
        )
        snapshot("at-close")
        await asyncio.sleep(1.0)
        snapshot("after-close")
        await coord.ask(room, "!ping", timeout=60)  # the bot is still running and answering
        log = bot.log_text()
    finally:
        await bot.stop()
        await asyncio.gather(coord.close(), *(p.close() for p in people))

    users = [p.user_id for p in people]
    traces = [t.encode() for t in (*users, *dms)]
    markers = [item.encode() for items in ITEMS.values() for item in items]
    # Logs: the DM commands are logged, but name nobody. (Joining a DM on invitation is logged with the
    # inviter: that is the DM room ↔ person mapping the bot keeps anyway, not a link to what was said.)
    assert "command feedback by someone in a direct message" in log
    handling = [line for line in log.splitlines() if "bot.dispatch" in line or " commands." in line]
    assert not [line for line in handling if any(t in line for t in (*users, *dms))]

    if backend == "sqlite":
        voter_key, retro_secret = keys_in(copies["after-voting"])
        assert voter_key and retro_secret, "while open the keys are in the database (documented)"
        ballot_hashes = [
            hmac.new(bytes.fromhex(voter_key), u.encode(), hashlib.sha256).hexdigest().encode() for u in users
        ]
        for name, path in copies.items():
            files = {p.name: p.read_bytes() for p in path.iterdir()}
            wal = files.get("lotsenbot.db-wal", b"")
            for txn in wal_transactions(wal):
                blob = b"".join(txn)
                if any(m in blob for m in (*markers, *ballot_hashes)):
                    leaked = [t.decode() for t in traces if t in blob]
                    assert leaked == [], f"{name}: a WAL transaction holds an anonymous row and {leaked}"
            for page in pages(files["lotsenbot.db"]):
                if any(m in page for m in (*markers, *ballot_hashes)):
                    assert not [t for t in traces if t in page], (
                        f"{name}: a page mixes anonymous rows and people"
                    )
        later = b"".join(p.read_bytes() for p in copies["after-close"].iterdir())
        assert voter_key.encode() not in later and retro_secret.encode() not in later
        assert keys_in(copies["after-close"]) == (None, None)
        conn = sqlite3.connect(copies["after-close"] / "lotsenbot.db")
        try:
            authors = {r[0] for r in conn.execute("SELECT author_hash FROM retro_items")}
            ledger = conn.execute("SELECT event_id, room_id FROM processed_events").fetchall()
            items = conn.execute("SELECT count(*) FROM retro_items").fetchone()[0]
        finally:
            conn.close()
    else:
        assert db_url is not None
        db = Database(db_url)
        try:
            async with db.transaction() as session:
                assert (await session.execute(text("SELECT voter_key FROM polls"))).scalars().all() == [None]
                assert (await session.execute(text("SELECT secret FROM retros"))).scalars().all() == [None]
                authors = set((await session.execute(text("SELECT author_hash FROM retro_items"))).scalars())
                ledger = [
                    tuple(r)
                    for r in await session.execute(text("SELECT event_id, room_id FROM processed_events"))
                ]
                items = (await session.execute(text("SELECT count(*) FROM retro_items"))).scalar_one()
                dm_txns = set(
                    (
                        await session.execute(
                            text("SELECT xmin::text FROM processed_events WHERE room_id = ''")
                        )
                    ).scalars()
                )
                for table in ("poll_ballots", "retro_items"):
                    xmins = set((await session.execute(text(f"SELECT xmin::text FROM {table}"))).scalars())
                    assert xmins and not xmins & dm_txns, table
        finally:
            await db.close()
    assert items == 8 and authors == {""}  # nothing groups the closed retro's items by person
    assert not [row for row in ledger if row[1] in dms]  # no handled-event row names a DM room
    assert len([row for row in ledger if row[0].startswith("dm:")]) >= 4 + 8

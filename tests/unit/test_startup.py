"""Start-up hooks: what features do once per start, before the first message arrives."""

from __future__ import annotations

import logging
from pathlib import Path

from tests.support.fake import Harness


async def test_a_broken_knowledge_base_shows_in_the_start_log(tmp_path: Path, caplog) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "jitsi.md").write_text(
        "---\nid: jitsi\nquestion: Wie bekomme ich einen Jitsi-Raum?\n---\nÜber die IT-Servicestelle.\n"
    )
    (kb / "kaputt.md").write_text("---\nid: [kaputt\n---\nText\n")
    h = await Harness(tmp_path, features={"faq": {"kb_dir": str(kb)}}).start()
    try:
        with caplog.at_level(logging.INFO):
            await h.dispatcher.run_startup()  # what App.start does before the first sync
        log = caplog.text
        assert "kaputt.md" in log and "1 entries loaded" in log
    finally:
        await h.close()


async def test_a_failing_hook_does_not_stop_the_others(tmp_path: Path, caplog) -> None:
    from bot.framework import Registry

    h = await Harness(tmp_path).start()
    ran: list[str] = []
    reg = Registry()

    @reg.startup
    async def broken(ctx) -> None:
        raise RuntimeError("kaputt")

    @reg.startup
    async def fine(ctx) -> None:
        ran.append(ctx.sender)

    h.dispatcher.registry = reg
    try:
        with caplog.at_level(logging.ERROR):
            await h.dispatcher.run_startup()
        assert ran == [h.messenger.user_id] and "broken failed" in caplog.text
    finally:
        await h.close()

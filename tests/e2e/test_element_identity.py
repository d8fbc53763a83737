"""A lost disk as Element users live through it: the bot comes back with a new device under the same
cross-signing identity, so clients in "exclude insecure devices" mode keep reading it and it them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from tests.conftest import BotRunner
from tests.e2e.test_element import element, readable  # noqa: F401  (the fixture, with its Element users)
from tests.support.element import ElementUser
from tests.support.xsign import lose_disk_keep_recovery_key

pytestmark = [pytest.mark.e2e, pytest.mark.once]  # about the homeserver, not the database


async def test_new_device_after_lost_disk_is_trusted_by_element(
    element: Callable[[str], Awaitable[ElementUser]],  # noqa: F811
    bot: BotRunner,
) -> None:
    anna = await element("lotse")
    app = await bot.start()
    old_device = app.matrix.client.device_id
    room = await anna.create_room(invite=[bot.user_id])
    await anna.wait_member(room, bot.user_id)
    await anna.wait_event(room, sender=bot.user_id)  # the greeting

    async def ping() -> dict[str, object]:
        mark = await anna.mark()
        sent = await anna.send_text(room, "!ping")
        return readable(await anna.wait_event(room, after=mark, sender=bot.user_id, reply_to=sent), "!ping")

    assert str((await ping())["content"]).find("pong") >= 0

    await lose_disk_keep_recovery_key(bot)
    app = await bot.start()
    assert app.matrix.client.device_id != old_device
    # Anna's client shares the room key with the new device (it is cross-signed), the bot reads her, and
    # its answer carries no shield (same identity, so no "identity changed" warning either).
    assert str((await ping())["content"]).find("pong") >= 0

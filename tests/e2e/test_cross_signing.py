"""The bot's cross-signing identity, as Element's trust check sees it through another user's /keys/query."""

from __future__ import annotations

import shutil
import stat

import pytest

from bot.crypto.api import ClientAPI
from bot.crypto.identity import reset_identity
from bot.crypto.setup import device_signer, local_recovery_file
from tests.conftest import BotRunner
from tests.support.xsign import identity_seen_by, lose_disk_keep_recovery_key

pytestmark = pytest.mark.e2e


async def test_bot_is_cross_signed_stays_so_and_survives_a_lost_disk(lotsen, bot: BotRunner) -> None:
    app = await bot.start()
    observer = await lotsen("lotse")
    device = app.matrix.client.device_id
    seen = await identity_seen_by(observer, bot.user_id)
    assert seen.master and seen.self_signing and seen.ssk_signed_by_master
    assert seen.devices == {device: True}
    own_view = await identity_seen_by(app.matrix.client, bot.user_id)
    assert own_view.master_signed_by == {device}  # the device vouches for its master key, too
    recovery_file = local_recovery_file(bot.config())
    assert stat.S_IMODE(recovery_file.stat().st_mode) == 0o600

    # a plain restart changes nothing on the homeserver
    await bot.restart()
    again = await identity_seen_by(observer, bot.user_id)
    assert again == seen

    # data_dir lost, the recovery key kept: same identity, a new device, signed
    await lose_disk_keep_recovery_key(bot)
    app = await bot.start()
    new_device = app.matrix.client.device_id
    assert new_device != device
    after = await identity_seen_by(observer, bot.user_id)
    assert (after.master, after.self_signing) == (seen.master, seen.self_signing)
    assert after.devices[new_device] is True
    assert app.matrix.crypto is not None and app.matrix.crypto.problem is None
    assert not local_recovery_file(bot.config()).exists()  # configured elsewhere: no second copy


async def test_lost_disk_without_recovery_key_is_reported_not_reset(lotsen, bot: BotRunner) -> None:
    app = await bot.start()
    observer = await lotsen("lotse")
    seen = await identity_seen_by(observer, bot.user_id)
    await bot.stop()
    shutil.rmtree(bot.config().bot.data_dir)

    app = await bot.start()  # the bot still runs, unsigned, and says why
    state = app.matrix.crypto
    assert state is not None and state.problem and "lotsenbot crypto reset" in state.problem
    new_device = app.matrix.client.device_id
    after = await identity_seen_by(observer, bot.user_id)
    assert after.master == seen.master  # never silently replaced
    assert after.devices[new_device] is False

    # the explicit way out: a reset (user-interactive auth with the bot's password)
    client = app.matrix.client
    saved: list[bytes] = []
    async with ClientAPI(client.homeserver, client.access_token, client.user_id) as api:
        result = await reset_identity(
            api,
            new_device,
            password=bot.config().password(),
            device_signer=device_signer(client),
            save_recovery_key=saved.append,
        )
    assert saved and result.new_recovery_key == saved[0]
    reset = await identity_seen_by(observer, bot.user_id)
    assert reset.master == result.master_key and reset.master != seen.master
    assert reset.ssk_signed_by_master and reset.devices[new_device] is True

"""The bot's cross-signing identity, as Element's trust check sees it through another user's /keys/query."""

from __future__ import annotations

import shutil
import stat

import pytest

from bot.crypto.api import ClientAPI
from bot.crypto.canonical import SigningKey
from bot.crypto.cli import cmd_recovery_key, reset
from bot.crypto.identity import CrossSigningKeys, load_keys, signing_keys_body, upload_signing_keys
from bot.crypto.secrets import SecretStorage
from bot.crypto.setup import local_recovery_file, recovery_key
from bot.ops import status
from tests.conftest import BotRunner
from tests.support.xsign import identity_seen_by, lose_disk_keep_recovery_key

pytestmark = [pytest.mark.e2e, pytest.mark.once]  # about the homeserver, not the database


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
    ok, lines = await status(bot.config())
    assert ok, lines
    assert any(line.startswith(f"cross-signing: ok (master key {seen.master})") for line in lines)
    assert any(line.startswith("secret storage: ok") for line in lines)
    assert any("nowhere else" in line for line in lines)  # until the operator has taken a copy

    # the operator takes the recovery key once
    handed = bot.tmp_path / "handed-out-key"
    assert cmd_recovery_key(bot.config(), handed) == 0
    assert stat.S_IMODE(handed.stat().st_mode) == 0o600
    assert handed.read_text() == recovery_file.read_text()
    assert not any("nowhere else" in line for line in (await status(bot.config()))[1])

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

    # a deliberate reset (bot stopped) keeps the key backup readable: its key moves to the new storage
    client = app.matrix.client
    old_key, source = recovery_key(bot.config())
    assert old_key is not None and source == bot.overrides["matrix"]["recovery_key_file"]
    async with ClientAPI(client.homeserver, client.access_token, client.user_id) as api:
        backup_key = await (await SecretStorage.open(api, old_key)).get("m.megolm_backup.v1")
    assert backup_key is not None
    await bot.stop()
    assert await reset(bot.config()) == 0
    new_key, _ = recovery_key(bot.config())  # written into the configured file
    assert new_key is not None and new_key != old_key
    app = await bot.start()
    assert app.matrix.crypto is not None and app.matrix.crypto.problem is None
    assert app.matrix.crypto.storage is not None and app.matrix.crypto.storage.key == new_key
    assert await app.matrix.crypto.storage.get("m.megolm_backup.v1") == backup_key
    assert app.matrix.backup is not None and app.matrix.backup.state == "active"
    final = await identity_seen_by(observer, bot.user_id)
    assert final.master != seen.master and final.devices[new_device] is True


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

    ok, lines = await status(bot.config())
    assert not ok and any(f"device {new_device} NOT signed" in line for line in lines), lines

    # the explicit way out, with the bot stopped: a reset (user-interactive auth with the bot's password)
    await bot.stop()
    assert await reset(bot.config()) == 0
    reset_seen = await identity_seen_by(observer, bot.user_id)
    assert reset_seen.master != seen.master
    assert reset_seen.ssk_signed_by_master and reset_seen.devices[new_device] is True
    ok, lines = await status(bot.config())
    assert ok, lines
    app = await bot.start()  # and the bot starts with the new identity, nothing left to repair
    assert app.matrix.crypto is not None and app.matrix.crypto.problem is None
    assert app.matrix.crypto.repaired == [] and not app.matrix.crypto.created
    assert (await identity_seen_by(observer, bot.user_id)) == reset_seen


async def test_foreign_self_signing_key_is_repaired_from_secret_storage(lotsen, bot: BotRunner) -> None:
    """Someone replaced the bot's self-signing key (same master): the device no longer verifies. The next
    start makes new self- and user-signing keys under the same master (password auth), so others see the
    same identity, and signs the device again."""
    app = await bot.start()
    observer = await lotsen("lotse")
    seen = await identity_seen_by(observer, bot.user_id)
    key, _source = recovery_key(bot.config())
    assert key is not None
    client = app.matrix.client
    async with ClientAPI(client.homeserver, client.access_token, client.user_id) as api:
        keys = await load_keys(await SecretStorage.open(api, key))
        assert keys is not None and keys.master.public_key == seen.master
        foreign = CrossSigningKeys(keys.master, SigningKey.generate(), SigningKey.generate())
        body = signing_keys_body(bot.user_id, foreign)
        del body["master_key"]  # unchanged
        await upload_signing_keys(api, body, bot.config().password())
    broken = await identity_seen_by(observer, bot.user_id)
    assert broken.self_signing == foreign.self_signing.public_key
    assert broken.devices[client.device_id] is False

    app = await bot.restart()
    assert app.matrix.crypto is not None and app.matrix.crypto.problem is None
    assert len(app.matrix.crypto.repaired) == 2, app.matrix.crypto.repaired
    repaired = await identity_seen_by(observer, bot.user_id)
    assert repaired.master == seen.master and repaired.ssk_signed_by_master
    assert repaired.self_signing not in (seen.self_signing, foreign.self_signing.public_key)
    assert repaired.devices[client.device_id] is True
    async with ClientAPI(client.homeserver, client.access_token, client.user_id) as api:
        stored = await load_keys(await SecretStorage.open(api, key))
    assert stored is not None and stored.self_signing.public_key == repaired.self_signing
    assert (await bot.restart()).matrix.crypto.repaired == []  # and that is stable

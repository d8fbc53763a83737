"""core: bot_rooms.direct — whether a room is a direct chat (the bot opened it or was invited as to one)

Revision ID: 0017_bot_room_direct
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_bot_room_direct"
down_revision = "0001_core"
branch_labels = ("core_direct",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bot_rooms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("direct", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("bot_rooms", schema=None) as batch_op:
        batch_op.drop_column("direct")

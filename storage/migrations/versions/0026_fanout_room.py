"""fanout: fanout_recipients.room_id — the DM an attempt went to, so a repeat after a crash goes there too

Revision ID: 0026_fanout_room
Revises: 0025_fanout
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_fanout_room"
down_revision = "0025_fanout"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fanout_recipients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("room_id", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fanout_recipients", schema=None) as batch_op:
        batch_op.drop_column("room_id")

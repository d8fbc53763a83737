"""fanout: the DM fan-out queue (bot/fanout.py) — one message to many people, sent under the rate limit

Revision ID: 0025_fanout
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_fanout"
down_revision = "0001_core"
branch_labels = ("fanout",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fanouts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("markdown", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("room_id", sa.String(length=255), nullable=False),
        sa.Column("status_event_id", sa.String(length=255), nullable=True),
        sa.Column("status_edits", sa.Integer(), nullable=False),
        sa.Column("status_final", sa.Boolean(), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("expired", sa.Integer(), nullable=False),
        sa.Column("unsure", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fanouts")),
        sa.UniqueConstraint("key", name=op.f("uq_fanouts_key")),
    )
    op.create_index("ix_fanouts_state", "fanouts", ["state"], unique=False)
    op.create_table(
        "fanout_recipients",
        sa.Column("fanout_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["fanout_id"],
            ["fanouts.id"],
            name=op.f("fk_fanout_recipients_fanout_id_fanouts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("fanout_id", "seq", name=op.f("pk_fanout_recipients")),
    )
    op.create_index("ix_fanout_recipients_state", "fanout_recipients", ["state"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_fanout_recipients_state", table_name="fanout_recipients")
    op.drop_table("fanout_recipients")
    op.drop_index("ix_fanouts_state", table_name="fanouts")
    op.drop_table("fanouts")

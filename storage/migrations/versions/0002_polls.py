"""polls: polls, raw responses, anonymous ballots

Revision ID: 0002_polls
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_polls"
down_revision = "0001_core"
branch_labels = ("polls",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "polls",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("room_id", sa.String(length=255), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("max_selections", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=True),
        sa.Column("secret", sa.Boolean(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("native", sa.Boolean(), nullable=False),
        sa.Column("creator", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_job_id", sa.Integer(), nullable=True),
        sa.Column("remind_job_id", sa.Integer(), nullable=True),
        sa.Column("start_event_id", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=255), nullable=True),
        sa.Column("end_ts_ms", sa.BigInteger(), nullable=True),
        sa.Column("end_event_id", sa.String(length=255), nullable=True),
        sa.Column("voter_key", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls")),
        sa.UniqueConstraint("room_id", "number", name="uq_polls_room_number"),
    )
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.create_index("ix_polls_start_event_id", ["start_event_id"], unique=False)
        batch_op.create_index("ix_polls_status", ["status"], unique=False)

    op.create_table(
        "poll_responses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("sender", sa.String(length=255), nullable=False),
        sa.Column("ts_ms", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("selections", sa.JSON(), nullable=True),
        sa.Column("redacted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_responses_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_responses")),
        sa.UniqueConstraint("event_id", name=op.f("uq_poll_responses_event_id")),
    )
    with op.batch_alter_table("poll_responses", schema=None) as batch_op:
        batch_op.create_index("ix_poll_responses_poll_sender", ["poll_id", "sender"], unique=False)

    op.create_table(
        "poll_ballots",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("voter_hash", sa.String(length=64), nullable=False),
        sa.Column("selections", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_ballots_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("poll_id", "voter_hash", name=op.f("pk_poll_ballots")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("poll_ballots")
    with op.batch_alter_table("poll_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_poll_responses_poll_sender")
    op.drop_table("poll_responses")
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.drop_index("ix_polls_status")
        batch_op.drop_index("ix_polls_start_event_id")
    op.drop_table("polls")

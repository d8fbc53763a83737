"""meetlearn: series, sessions, RSVPs, message map, topic ideas, room settings

Revision ID: 0003_meetlearn
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_meetlearn"
down_revision = "0001_core"
branch_labels = ("meetlearn",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ml_series",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("room_id", sa.String(length=255), nullable=False),
        sa.Column("rrule", sa.String(length=100), nullable=False),
        sa.Column("local_time", sa.String(length=8), nullable=False),
        sa.Column("anchor", sa.Date(), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("first_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("speaker", sa.Text(), nullable=True),
        sa.Column("duration_min", sa.Integer(), nullable=False),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("uid", sa.String(length=255), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("creator", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ml_series")),
        sa.UniqueConstraint("uid", name=op.f("uq_ml_series_uid")),
    )
    with op.batch_alter_table("ml_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ml_series_room_id"), ["room_id"], unique=False)

    op.create_table(
        "ml_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("room_id", sa.String(length=255), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("original_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_min", sa.Integer(), nullable=True),
        sa.Column("topic", sa.Text(), nullable=True),
        sa.Column("speaker", sa.Text(), nullable=True),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("uid", sa.String(length=255), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("creator", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("announced", sa.Boolean(), nullable=False),
        sa.Column("recording_url", sa.Text(), nullable=True),
        sa.Column("recording_by", sa.String(length=255), nullable=True),
        sa.Column("job_ids", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["ml_series.id"],
            name=op.f("fk_ml_sessions_series_id_ml_series"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ml_sessions")),
        sa.UniqueConstraint("series_id", "original_start", name="uq_ml_sessions_series_original"),
    )
    with op.batch_alter_table("ml_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_ml_sessions_room_start", ["room_id", "starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_ml_sessions_series_id"), ["series_id"], unique=False)

    op.create_table(
        "ml_rsvps",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("answer", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["ml_sessions.id"],
            name=op.f("fk_ml_rsvps_session_id_ml_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "user_id", name=op.f("pk_ml_rsvps")),
    )
    with op.batch_alter_table("ml_rsvps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ml_rsvps_event_id"), ["event_id"], unique=False)

    op.create_table(
        "ml_messages",
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["ml_sessions.id"],
            name=op.f("fk_ml_messages_session_id_ml_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_ml_messages")),
    )
    with op.batch_alter_table("ml_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ml_messages_session_id"), ["session_id"], unique=False)

    op.create_table(
        "ml_topics",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("room_id", sa.String(length=255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("suggested_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ml_topics")),
    )
    with op.batch_alter_table("ml_topics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ml_topics_room_id"), ["room_id"], unique=False)

    op.create_table(
        "ml_room_settings",
        sa.Column("room_id", sa.String(length=255), nullable=False),
        sa.Column("ping", sa.Boolean(), nullable=True),
        sa.Column("dm", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("room_id", name=op.f("pk_ml_room_settings")),
    )


def downgrade() -> None:
    op.drop_table("ml_room_settings")
    with op.batch_alter_table("ml_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ml_topics_room_id"))
    op.drop_table("ml_topics")
    with op.batch_alter_table("ml_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ml_messages_session_id"))
    op.drop_table("ml_messages")
    with op.batch_alter_table("ml_rsvps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ml_rsvps_event_id"))
    op.drop_table("ml_rsvps")
    with op.batch_alter_table("ml_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ml_sessions_series_id"))
        batch_op.drop_index("ix_ml_sessions_room_start")
    op.drop_table("ml_sessions")
    with op.batch_alter_table("ml_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ml_series_room_id"))
    op.drop_table("ml_series")

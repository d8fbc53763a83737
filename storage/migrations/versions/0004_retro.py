"""retro: retrospectives, anonymous items and ratings, interview state, actions

Revision ID: 0004_retro
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_retro"
down_revision = "0001_core"
branch_labels = ("retro",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retros",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.String(length=255), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_job_id", sa.Integer(), nullable=True),
        sa.Column("remind_job_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("secret", sa.String(length=64), nullable=True),
        sa.Column("vote_poll_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retros")),
        sa.UniqueConstraint("number", name="uq_retros_number"),
    )
    with op.batch_alter_table("retros", schema=None) as batch_op:
        batch_op.create_index("ix_retros_room_status", ["room_id", "status"], unique=False)

    op.create_table(
        "retro_items",
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=16), nullable=False),
        sa.Column("author_hash", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("category", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["retro_id"], ["retros.id"], name=op.f("fk_retro_items_retro_id_retros"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("retro_id", "item_id", name=op.f("pk_retro_items")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "retro_ratings",
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Integer(), nullable=False),
        sa.Column("rater_hash", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["retro_id"], ["retros.id"], name=op.f("fk_retro_ratings_retro_id_retros"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("retro_id", "question", "rater_hash", name=op.f("pk_retro_ratings")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "retro_interviews",
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("person_hash", sa.String(length=64), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["retro_id"], ["retros.id"], name=op.f("fk_retro_interviews_retro_id_retros"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("retro_id", "person_hash", name=op.f("pk_retro_interviews")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "retro_actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("responsible", sa.String(length=255), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["retro_id"], ["retros.id"], name=op.f("fk_retro_actions_retro_id_retros"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retro_actions")),
    )
    with op.batch_alter_table("retro_actions", schema=None) as batch_op:
        batch_op.create_index("ix_retro_actions_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("retro_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_retro_actions_status")
    op.drop_table("retro_actions")
    op.drop_table("retro_interviews")
    op.drop_table("retro_ratings")
    op.drop_table("retro_items")
    with op.batch_alter_table("retros", schema=None) as batch_op:
        batch_op.drop_index("ix_retros_room_status")
    op.drop_table("retros")

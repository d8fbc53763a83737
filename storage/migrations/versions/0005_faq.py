"""faq: question log, unanswered questions, answer messages, feedback, offered choices

Revision ID: 0005_faq
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_faq"
down_revision = "0001_core"
branch_labels = ("faq",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faq_questions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("entry_id", sa.String(length=100), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_questions")),
    )
    with op.batch_alter_table("faq_questions", schema=None) as batch_op:
        batch_op.create_index("ix_faq_questions_asked_at", ["asked_at"], unique=False)
        batch_op.create_index("ix_faq_questions_entry_id", ["entry_id"], unique=False)

    op.create_table(
        "faq_unanswered",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("room_id", sa.String(length=255), nullable=False),
        sa.Column("sender", sa.String(length=255), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=True),
        sa.Column("thread_root", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("escalation_event_id", sa.String(length=255), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=255), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("saved_entry_id", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["faq_questions.id"],
            name=op.f("fk_faq_unanswered_question_id_faq_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_unanswered")),
        sa.UniqueConstraint("number", name="uq_faq_unanswered_number"),
    )
    with op.batch_alter_table("faq_unanswered", schema=None) as batch_op:
        batch_op.create_index("ix_faq_unanswered_status", ["status"], unique=False)

    op.create_table(
        "faq_replies",
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("entry_id", sa.String(length=100), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["faq_questions.id"],
            name=op.f("fk_faq_replies_question_id_faq_questions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_faq_replies")),
    )

    op.create_table(
        "faq_feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reaction_event_id", sa.String(length=255), nullable=False),
        sa.Column("reply_event_id", sa.String(length=255), nullable=False),
        sa.Column("entry_id", sa.String(length=100), nullable=True),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reply_event_id"],
            ["faq_replies.event_id"],
            name=op.f("fk_faq_feedback_reply_event_id_faq_replies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_feedback")),
        sa.UniqueConstraint("reaction_event_id", name="uq_faq_feedback_reaction_event_id"),
    )
    with op.batch_alter_table("faq_feedback", schema=None) as batch_op:
        batch_op.create_index("ix_faq_feedback_entry_id", ["entry_id"], unique=False)

    op.create_table(
        "faq_choices",
        sa.Column("room_id", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("entry_ids", sa.JSON(), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["faq_questions.id"],
            name=op.f("fk_faq_choices_question_id_faq_questions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("room_id", "user_id", name=op.f("pk_faq_choices")),
    )


def downgrade() -> None:
    op.drop_table("faq_choices")
    with op.batch_alter_table("faq_feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_faq_feedback_entry_id")
    op.drop_table("faq_feedback")
    op.drop_table("faq_replies")
    with op.batch_alter_table("faq_unanswered", schema=None) as batch_op:
        batch_op.drop_index("ix_faq_unanswered_status")
    op.drop_table("faq_unanswered")
    with op.batch_alter_table("faq_questions", schema=None) as batch_op:
        batch_op.drop_index("ix_faq_questions_entry_id")
        batch_op.drop_index("ix_faq_questions_asked_at")
    op.drop_table("faq_questions")

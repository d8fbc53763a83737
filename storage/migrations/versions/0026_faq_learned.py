"""faq: what the FAQ learned from use (confirmed phrasings and 👎'd pairings), without who or where

Revision ID: 0026_faq_learned
Revises: 0005_faq
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_faq_learned"
down_revision = "0005_faq"
branch_labels = ("faq_learned",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faq_learned",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entry_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("learned_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_learned")),
        sa.UniqueConstraint("entry_id", "kind", "key", name="uq_faq_learned_entry_kind_key"),
    )
    with op.batch_alter_table("faq_learned", schema=None) as batch_op:
        batch_op.create_index("ix_faq_learned_entry_id", ["entry_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("faq_learned", schema=None) as batch_op:
        batch_op.drop_index("ix_faq_learned_entry_id")
    op.drop_table("faq_learned")

"""retro: head counts kept at close, so closed retros need no per-person hashes

Closed retros from before this revision still group their items and ratings by ``author_hash`` /
``rater_hash``. This stores their head counts and drops the grouping, as closing does from now on.

Revision ID: 0006_retro_ungroup
Revises: 0004_retro
"""

import json
import secrets
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0006_retro_ungroup"
down_revision = "0004_retro"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("retros", sa.Column("people_counts", sa.JSON(), nullable=True))
    conn = op.get_bind()
    closed = conn.execute(sa.text("SELECT id, categories FROM retros WHERE status = 'closed'")).all()
    for retro_id, categories in closed:
        categories = json.loads(categories) if isinstance(categories, str) else categories
        per_category: dict[int, set[str]] = defaultdict(set)
        people: set[str] = set()
        for author, category in conn.execute(
            sa.text("SELECT author_hash, category FROM retro_items WHERE retro_id = :r"), {"r": retro_id}
        ):
            per_category[category].add(author)
            people.add(author)
        raters = conn.execute(
            sa.text("SELECT question, rater_hash FROM retro_ratings WHERE retro_id = :r"), {"r": retro_id}
        ).all()
        people |= {rater for _q, rater in raters}
        counts = {"total": len(people), "categories": [len(per_category[i]) for i in range(len(categories))]}
        conn.execute(
            sa.text("UPDATE retros SET people_counts = :c WHERE id = :r"),
            {"c": json.dumps(counts), "r": retro_id},
        )
        conn.execute(
            sa.text("UPDATE retro_items SET author_hash = '', seq = 0 WHERE retro_id = :r"), {"r": retro_id}
        )
        for question, rater in raters:
            conn.execute(
                sa.text(
                    "UPDATE retro_ratings SET rater_hash = :new "
                    "WHERE retro_id = :r AND question = :q AND rater_hash = :old"
                ),
                {"new": secrets.token_hex(16), "r": retro_id, "q": question, "old": rater},
            )


def downgrade() -> None:
    op.drop_column("retros", "people_counts")

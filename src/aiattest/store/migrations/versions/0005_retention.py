"""Gateway: opt-in encrypted content retention.

Revision ID: 0005_retention
Revises: 0004_governance
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aiattest.store.types import UTCDateTime

revision = "0005_retention"
down_revision: str | None = "0004_governance"
branch_labels = None
depends_on = None

_TABLE = "gateway_retained_content"


def upgrade() -> None:
    op.create_table(
        _TABLE,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("kek_id", sa.String(64), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("nonce", sa.LargeBinary(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("purge_after", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_gateway_retained_content_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_retained_content")),
    )
    for column in ("organisation_id", "request_id", "purge_after"):
        op.create_index(op.f(f"ix_{_TABLE}_{column}"), _TABLE, [column])


def downgrade() -> None:
    for column in ("purge_after", "request_id", "organisation_id"):
        op.drop_index(op.f(f"ix_{_TABLE}_{column}"), table_name=_TABLE)
    op.drop_table(_TABLE)

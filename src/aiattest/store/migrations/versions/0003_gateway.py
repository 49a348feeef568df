"""Gateway: API keys (hashed) and pending approvals.

Revision ID: 0003_gateway
Revises: 0002_ledger
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aiattest.store.types import UTCDateTime

revision = "0003_gateway"
down_revision: str | None = "0002_ledger"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gateway_api_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("principal_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("rotated_from", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_gateway_api_keys_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["principal_id"],
            ["principals.id"],
            name=op.f("fk_gateway_api_keys_principal_id_principals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_api_keys")),
        sa.UniqueConstraint("key_id", name=op.f("uq_gateway_api_keys_key_id")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_gateway_api_keys_key_hash")),
    )
    op.create_index(
        op.f("ix_gateway_api_keys_organisation_id"), "gateway_api_keys", ["organisation_id"]
    )
    op.create_index(op.f("ix_gateway_api_keys_principal_id"), "gateway_api_keys", ["principal_id"])
    op.create_table(
        "gateway_approvals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("route", sa.String(128), nullable=False),
        sa.Column("request_sha256", sa.String(64), nullable=False),
        sa.Column("reasons", sa.String(1000), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_gateway_approvals_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_approvals")),
    )
    op.create_index(
        op.f("ix_gateway_approvals_organisation_id"), "gateway_approvals", ["organisation_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_gateway_approvals_organisation_id"), table_name="gateway_approvals")
    op.drop_table("gateway_approvals")
    op.drop_index(op.f("ix_gateway_api_keys_principal_id"), table_name="gateway_api_keys")
    op.drop_index(op.f("ix_gateway_api_keys_organisation_id"), table_name="gateway_api_keys")
    op.drop_table("gateway_api_keys")

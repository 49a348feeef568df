"""Evidence engine: check results, manual evidence requests and uploaded files.

Revision ID: 0006_evidence
Revises: 0005_retention
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aiattest.store.types import UTCDateTime

revision = "0006_evidence"
down_revision: str | None = "0005_retention"
branch_labels = None
depends_on = None


def _org(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id"],
        ["organisations.id"],
        name=op.f(f"fk_{table}_organisation_id_organisations"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "evidence_check_results",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("control_id", sa.String(100), nullable=False),
        sa.Column("check_id", sa.String(100), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("as_of", UTCDateTime(), nullable=False),
        sa.Column("collected_at", UTCDateTime(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("items_sha256", sa.String(64), nullable=False),
        sa.Column("ledger_index", sa.BigInteger(), nullable=False),
        _org("evidence_check_results"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_check_results")),
    )
    op.create_index(
        "ix_evidence_check_results_control",
        "evidence_check_results",
        ["organisation_id", "control_id", "period_start"],
    )
    op.create_index(
        op.f("ix_evidence_check_results_check_id"), "evidence_check_results", ["check_id"]
    )
    op.create_table(
        "evidence_files",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("control_id", sa.String(100), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("uploaded_by", sa.String(200), nullable=False),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.Column("covers_from", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("ledger_index", sa.BigInteger(), nullable=False),
        _org("evidence_files"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_files")),
    )
    for column in ("organisation_id", "control_id", "sha256"):
        op.create_index(op.f(f"ix_evidence_files_{column}"), "evidence_files", [column])
    op.create_table(
        "evidence_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("control_id", sa.String(100), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("fulfilled_by", sa.Uuid(), nullable=True),
        _org("evidence_requests"),
        sa.ForeignKeyConstraint(
            ["fulfilled_by"],
            ["evidence_files.id"],
            name=op.f("fk_evidence_requests_fulfilled_by_evidence_files"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_requests")),
    )
    for column in ("organisation_id", "control_id"):
        op.create_index(op.f(f"ix_evidence_requests_{column}"), "evidence_requests", [column])


def downgrade() -> None:
    op.drop_table("evidence_requests")
    op.drop_table("evidence_files")
    op.drop_table("evidence_check_results")

"""Governance: registers (models, datasets, vendors, risks, incidents, policies), lineage,
RAG provenance, eval runs, change management, access reviews; scope facts on AI systems.

Revision ID: 0004_governance
Revises: 0003_gateway
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aiattest.store.types import UTCDateTime

revision = "0004_governance"
down_revision: str | None = "0003_gateway"
branch_labels = None
depends_on = None

_EMPTY_LIST = sa.text("'[]'")


def upgrade() -> None:
    op.create_table(
        "access_reviews",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("system", sa.String(length=200), nullable=True),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_access_reviews_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_reviews")),
        sa.UniqueConstraint(
            "organisation_id", "name", name=op.f("uq_access_reviews_organisation_id")
        ),
    )
    op.create_index(
        op.f("ix_access_reviews_organisation_id"),
        "access_reviews",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "changes",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("requester", sa.String(length=200), nullable=False),
        sa.Column("risk_tier", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("rollout_percent", sa.Integer(), nullable=False),
        sa.Column("eval_run", sa.String(length=200), nullable=True),
        sa.Column("rollback_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_changes_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_changes_organisation_id")),
    )
    op.create_index(
        op.f("ix_changes_organisation_id"), "changes", ["organisation_id"], unique=False
    )
    op.create_index(op.f("ix_changes_state"), "changes", ["state"], unique=False)
    op.create_table(
        "datasets",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("uri", sa.String(length=500), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("classification", sa.String(length=16), nullable=False),
        sa.Column("contains_pii", sa.Boolean(), nullable=False),
        sa.Column("pii_categories", sa.JSON(), nullable=False),
        sa.Column("legal_basis", sa.String(length=64), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("encryption", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("content_hash", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_datasets_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_datasets")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_datasets_organisation_id")),
    )
    op.create_index(
        op.f("ix_datasets_organisation_id"), "datasets", ["organisation_id"], unique=False
    )
    op.create_index(op.f("ix_datasets_uri"), "datasets", ["uri"], unique=False)
    op.create_table(
        "eval_runs",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("suite", sa.String(length=200), nullable=False),
        sa.Column("suite_version", sa.String(length=64), nullable=False),
        sa.Column("dataset_hash", sa.String(length=100), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("run_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_eval_runs_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eval_runs")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_eval_runs_organisation_id")),
    )
    op.create_index(
        op.f("ix_eval_runs_organisation_id"), "eval_runs", ["organisation_id"], unique=False
    )
    op.create_table(
        "incidents",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("system", sa.String(length=200), nullable=True),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("timeline", sa.JSON(), nullable=False),
        sa.Column("postmortem", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_incidents_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_incidents_organisation_id")),
    )
    op.create_index(
        op.f("ix_incidents_organisation_id"), "incidents", ["organisation_id"], unique=False
    )
    op.create_table(
        "lineage_edges",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source_key", sa.String(length=500), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_key", sa.String(length=500), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.Column("event_time", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_lineage_edges_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lineage_edges")),
        sa.UniqueConstraint(
            "organisation_id",
            "source_kind",
            "source_key",
            "target_kind",
            "target_key",
            name=op.f("uq_lineage_edges_organisation_id"),
        ),
    )
    op.create_index(
        op.f("ix_lineage_edges_organisation_id"), "lineage_edges", ["organisation_id"], unique=False
    )
    op.create_index(
        op.f("ix_lineage_edges_source_key"), "lineage_edges", ["source_key"], unique=False
    )
    op.create_index(
        op.f("ix_lineage_edges_target_key"), "lineage_edges", ["target_key"], unique=False
    )
    op.create_table(
        "model_versions",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("system", sa.String(length=200), nullable=True),
        sa.Column("provider", sa.String(length=100), nullable=False),
        sa.Column("self_hosted", sa.Boolean(), nullable=False),
        sa.Column("artifact_digest", sa.String(length=200), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("out_of_scope_uses", sa.JSON(), nullable=False),
        sa.Column("owners", sa.JSON(), nullable=False),
        sa.Column("training_data", sa.JSON(), nullable=False),
        sa.Column("eval_data", sa.JSON(), nullable=False),
        sa.Column("rag_data", sa.JSON(), nullable=False),
        sa.Column("risk_assessment", sa.JSON(), nullable=False),
        sa.Column("risk_tier", sa.String(length=8), nullable=False),
        sa.Column("risk_rule", sa.String(length=16), nullable=False),
        sa.Column("risk_rationale", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("deployment_alias", sa.String(length=64), nullable=True),
        sa.Column("rollout_percent", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_model_versions_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_versions")),
        sa.UniqueConstraint(
            "organisation_id", "name", "version", name=op.f("uq_model_versions_organisation_id")
        ),
    )
    op.create_index(
        op.f("ix_model_versions_organisation_id"),
        "model_versions",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "policies",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("body_sha256", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_policies_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policies")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_policies_organisation_id")),
    )
    op.create_index(
        op.f("ix_policies_organisation_id"), "policies", ["organisation_id"], unique=False
    )
    op.create_table(
        "rag_documents",
        sa.Column("knowledge_base", sa.String(length=200), nullable=False),
        sa.Column("document", sa.String(length=300), nullable=False),
        sa.Column("source_uri", sa.String(length=1000), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("content_hash", sa.String(length=100), nullable=True),
        sa.Column("ingestion_run", sa.String(length=100), nullable=True),
        sa.Column("dataset", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_rag_documents_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rag_documents")),
        sa.UniqueConstraint(
            "organisation_id",
            "knowledge_base",
            "document",
            name=op.f("uq_rag_documents_organisation_id"),
        ),
    )
    op.create_index(
        op.f("ix_rag_documents_organisation_id"), "rag_documents", ["organisation_id"], unique=False
    )
    op.create_table(
        "risks",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("system", sa.String(length=200), nullable=True),
        sa.Column("likelihood", sa.Integer(), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("residual_likelihood", sa.Integer(), nullable=False),
        sa.Column("residual_impact", sa.Integer(), nullable=False),
        sa.Column("treatment", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("controls", sa.JSON(), nullable=False),
        sa.Column("ai_risks", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_risks_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risks")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_risks_organisation_id")),
    )
    op.create_index(op.f("ix_risks_organisation_id"), "risks", ["organisation_id"], unique=False)
    op.create_table(
        "vendors",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("soc2_report_type", sa.String(length=8), nullable=False),
        sa.Column("soc2_period_end", sa.Date(), nullable=True),
        sa.Column("soc2_report_sha256", sa.String(length=64), nullable=True),
        sa.Column("bridge_letter_through", sa.Date(), nullable=True),
        sa.Column("dpa_signed_on", sa.Date(), nullable=True),
        sa.Column("zero_retention", sa.Boolean(), nullable=False),
        sa.Column("zero_retention_terms", sa.Text(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("inclusion", sa.String(length=16), nullable=False),
        sa.Column("csocs", sa.JSON(), nullable=False),
        sa.Column("cuecs", sa.JSON(), nullable=False),
        sa.Column("outage_route", sa.String(length=200), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_vendors_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendors")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_vendors_organisation_id")),
    )
    op.create_index(
        op.f("ix_vendors_organisation_id"), "vendors", ["organisation_id"], unique=False
    )
    op.create_table(
        "access_review_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("review_id", sa.Uuid(), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=True),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("applied_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["access_reviews.id"],
            name=op.f("fk_access_review_items_review_id_access_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_review_items")),
        sa.UniqueConstraint(
            "review_id", "subject_kind", "subject", name=op.f("uq_access_review_items_review_id")
        ),
    )
    op.create_index(
        op.f("ix_access_review_items_review_id"), "access_review_items", ["review_id"], unique=False
    )
    op.create_table(
        "change_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("change_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=False),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["changes.id"],
            name=op.f("fk_change_events_change_id_changes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_events")),
        sa.UniqueConstraint("change_id", "seq", name=op.f("uq_change_events_change_id")),
    )
    op.create_index(op.f("ix_change_events_at"), "change_events", ["at"], unique=False)
    op.create_index(
        op.f("ix_change_events_change_id"), "change_events", ["change_id"], unique=False
    )
    op.create_index(op.f("ix_change_events_to_state"), "change_events", ["to_state"], unique=False)
    op.create_table(
        "policy_acknowledgements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("policy_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("principal", sa.String(length=200), nullable=False),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["policies.id"],
            name=op.f("fk_policy_acknowledgements_policy_id_policies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_acknowledgements")),
        sa.UniqueConstraint(
            "policy_id", "version", "principal", name=op.f("uq_policy_acknowledgements_policy_id")
        ),
    )
    op.create_index(
        op.f("ix_policy_acknowledgements_policy_id"),
        "policy_acknowledgements",
        ["policy_id"],
        unique=False,
    )
    op.create_table(
        "rag_chunks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("chunk", sa.String(length=300), nullable=False),
        sa.Column("content_hash", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["rag_documents.id"],
            name=op.f("fk_rag_chunks_document_id_rag_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rag_chunks")),
        sa.UniqueConstraint("document_id", "chunk", name=op.f("uq_rag_chunks_document_id")),
    )
    op.create_index(op.f("ix_rag_chunks_chunk"), "rag_chunks", ["chunk"], unique=False)
    op.create_index(op.f("ix_rag_chunks_document_id"), "rag_chunks", ["document_id"], unique=False)
    # Batch mode: SQLite rebuilds the table, PostgreSQL alters it in place.
    with op.batch_alter_table("ai_systems") as batch:
        for column in ("components", "endpoints", "data_classes", "owners"):
            batch.add_column(
                sa.Column(column, sa.JSON(), server_default=_EMPTY_LIST, nullable=True)
            )
        batch.add_column(
            sa.Column("sla_tier", sa.String(32), server_default="standard", nullable=True)
        )
        batch.add_column(
            sa.Column("automated_decisions", sa.Boolean(), server_default=sa.false(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("ai_systems") as batch:
        for column in (
            "automated_decisions",
            "sla_tier",
            "owners",
            "data_classes",
            "endpoints",
            "components",
        ):
            batch.drop_column(column)
    op.drop_index(op.f("ix_rag_chunks_document_id"), table_name="rag_chunks")
    op.drop_index(op.f("ix_rag_chunks_chunk"), table_name="rag_chunks")
    op.drop_table("rag_chunks")
    op.drop_index(
        op.f("ix_policy_acknowledgements_policy_id"), table_name="policy_acknowledgements"
    )
    op.drop_table("policy_acknowledgements")
    op.drop_index(op.f("ix_change_events_to_state"), table_name="change_events")
    op.drop_index(op.f("ix_change_events_change_id"), table_name="change_events")
    op.drop_index(op.f("ix_change_events_at"), table_name="change_events")
    op.drop_table("change_events")
    op.drop_index(op.f("ix_access_review_items_review_id"), table_name="access_review_items")
    op.drop_table("access_review_items")
    op.drop_index(op.f("ix_vendors_organisation_id"), table_name="vendors")
    op.drop_table("vendors")
    op.drop_index(op.f("ix_risks_organisation_id"), table_name="risks")
    op.drop_table("risks")
    op.drop_index(op.f("ix_rag_documents_organisation_id"), table_name="rag_documents")
    op.drop_table("rag_documents")
    op.drop_index(op.f("ix_policies_organisation_id"), table_name="policies")
    op.drop_table("policies")
    op.drop_index(op.f("ix_model_versions_organisation_id"), table_name="model_versions")
    op.drop_table("model_versions")
    op.drop_index(op.f("ix_lineage_edges_target_key"), table_name="lineage_edges")
    op.drop_index(op.f("ix_lineage_edges_source_key"), table_name="lineage_edges")
    op.drop_index(op.f("ix_lineage_edges_organisation_id"), table_name="lineage_edges")
    op.drop_table("lineage_edges")
    op.drop_index(op.f("ix_incidents_organisation_id"), table_name="incidents")
    op.drop_table("incidents")
    op.drop_index(op.f("ix_eval_runs_organisation_id"), table_name="eval_runs")
    op.drop_table("eval_runs")
    op.drop_index(op.f("ix_datasets_uri"), table_name="datasets")
    op.drop_index(op.f("ix_datasets_organisation_id"), table_name="datasets")
    op.drop_table("datasets")
    op.drop_index(op.f("ix_changes_state"), table_name="changes")
    op.drop_index(op.f("ix_changes_organisation_id"), table_name="changes")
    op.drop_table("changes")
    op.drop_index(op.f("ix_access_reviews_organisation_id"), table_name="access_reviews")
    op.drop_table("access_reviews")

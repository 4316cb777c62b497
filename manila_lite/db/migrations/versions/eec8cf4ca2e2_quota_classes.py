"""Quota classes: the defaults every project's quotas start from.

Revision ID: eec8cf4ca2e2
Revises: c895e5a0c112
Create Date: 2026-12-06 00:00:00

Columns carry exactly what models.py declares, as in earlier revisions.
One row per (class, resource); the class ``default`` overrides the
configured defaults of every project.
"""

from alembic import op
import sqlalchemy as sa

from manila_lite.db import types

revision = 'eec8cf4ca2e2'
down_revision = 'c895e5a0c112'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'quota_classes',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('class_name', sa.String(255), nullable=False),
        sa.Column('resource', sa.String(64), nullable=False),
        sa.Column('hard_limit', sa.Integer, nullable=False),
        sa.Column('created_at', types.Timestamp, nullable=False),
        sa.Column('updated_at', types.Timestamp, nullable=True),
        sa.UniqueConstraint('class_name', 'resource',
                            name='uniq_quota_classes0class0resource'),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')


def downgrade():
    op.drop_table('quota_classes')

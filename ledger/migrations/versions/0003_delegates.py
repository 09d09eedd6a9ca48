"""People: a State's delegate (``delegate``) becomes a role a person can hold (issue 7).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

Only the guard on ``role`` changes. PostgreSQL alters the constraint in place; SQLite, which
cannot alter a constraint, copies the table (batch mode, ``recreate="auto"``) with every row,
id and other constraint kept. ``"always"`` is not used: on PostgreSQL a copied table would get a
fresh id sequence and hand out ids already taken.

The lists of roles are spelled out here, not imported: a migration is a fixed point in the
schema's history, and must make the same table however the code moves on.
"""

from __future__ import annotations

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

_ROLES = ("isu", "president", "president_designate", "coordinator", "committee_member",
          "delegate", "auditor")
_BEFORE = ("isu", "president", "president_designate", "coordinator", "committee_member",
           "auditor")


def _guard(roles: tuple[str, ...]) -> None:
    with op.batch_alter_table("people", recreate="auto") as batch:
        batch.drop_constraint("ck_people_role", type_="check")
        batch.create_check_constraint(
            "ck_people_role", "role IN ({})".format(", ".join(f"'{r}'" for r in roles)))


def upgrade() -> None:
    _guard(_ROLES)


def downgrade() -> None:
    # refused by the database while a delegate is on record: people are never deleted
    _guard(_BEFORE)

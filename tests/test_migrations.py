"""Alembic: upgrading an empty database yields exactly the models' schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from deliberate.store import make_engine, upgrade
from deliberate.store.migrate import alembic_config
from deliberate.store.models import metadata


def test_upgrade_from_empty_matches_the_models_exactly(store_url):
    engine = make_engine(store_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                metadata)
    assert diff == []
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set(metadata.tables)
    upgrade(engine)  # a second upgrade is a no-op
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == "0004"


def test_downgrade_removes_everything(store_url):
    from alembic import command

    engine = make_engine(store_url)
    upgrade(engine)
    command.downgrade(alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

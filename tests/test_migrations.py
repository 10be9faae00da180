"""Alembic: upgrading an empty database yields exactly the models' schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
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
        head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
        assert MigrationContext.configure(conn).get_current_revision() == head


def test_downgrade_removes_everything(store_url):
    from alembic import command

    engine = make_engine(store_url)
    upgrade(engine)
    command.downgrade(alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}


def test_upgrading_a_database_with_ballots_keeps_the_open_votes_and_drops_no_table(store_url):
    """0004 → 0005 on a database in use: a closed vote's old box rows are not carried over, an
    open vote's latest ballot per receipt is, in a slot with no time or sequence; the village row
    (which other tables point at) keeps its data; the open vote can take more ballots."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    engine = make_engine(store_url)
    upgrade(engine, "0004")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO village (id, name, head_height, head_hash, revision, box_seq, settings, "
                          "created_at) VALUES ('v', '村', 1, :h, 5, 3, '{}', :t)"),
                     {"h": "a" * 64, "t": datetime.now(UTC)})
        conn.execute(text("INSERT INTO log_entry (village, height, parent_hash, type, payload, time, hash) "
                          "VALUES ('v', 1, :p, 'vote_closed', :payload, '2026-01-01T00:00:00+08:00', :h)"),
                     {"p": "0" * 64, "h": "a" * 64, "payload": '{"sitting":"s","vote":"closed"}'})
        for seq, (vote, receipt, choice) in enumerate([("closed", "R1", "approve"), ("open", "R2", "approve"),
                                                       ("open", "R2", "oppose"), ("open", "R3", "abstain")], 1):
            conn.execute(text("INSERT INTO ballot_box (village, seq, sitting, vote, receipt, choice, time) "
                              "VALUES ('v', :seq, 's', :vote, :r, :c, '2026-01-01T00:00:00+08:00')"),
                         {"seq": seq, "vote": vote, "r": receipt, "c": choice})
    upgrade(engine, "0005")
    with engine.connect() as conn:
        box = sorted(tuple(r) for r in conn.execute(text("SELECT vote, receipt, choice FROM ballot_box")))
        village = conn.execute(text("SELECT name, revision, box_version FROM village")).one()
    assert box == [("open", "R2", "oppose"), ("open", "R3", "abstain")]
    assert tuple(village) == ("村", 5, 3)
    # 0005 → 0006: one row per open vote, its ballots as text sorted by receipt; a secret vote
    # opened without a ballot yet gets an empty box; nothing of the closed vote.
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO log_entry (village, height, parent_hash, type, payload, time, hash) "
                          "VALUES ('v', 2, :p, 'vote_opened', :payload, '2026-01-01T00:00:00+08:00', :h)"),
                     {"p": "a" * 64, "h": "b" * 64,
                      "payload": '{"sitting":"s2","vote":"quiet","secret":true}'})
        conn.execute(text("UPDATE ballot_box SET code_digest = :d WHERE receipt = 'R3'"), {"d": "c" * 64})
    upgrade(engine)
    with engine.connect() as conn:
        boxes = sorted(tuple(r) for r in conn.execute(text("SELECT sitting, vote, ballots FROM ballot_box")))
    assert boxes == [("s", "open", f"R2\t-\t\nR3\t0\t{'c' * 32}"), ("s2", "quiet", "")]
    # And back: 0006 → 0005 gives a slot per ballot again.
    from alembic import command

    command.downgrade(alembic_config(engine), "0005")
    with engine.connect() as conn:
        box = sorted(tuple(r) for r in conn.execute(text("SELECT vote, receipt, choice FROM ballot_box")))
    assert box == [("open", "R2", "oppose"), ("open", "R3", "abstain")]


def test_0007_drops_the_unread_projections_and_keeps_the_ballots(store_url):
    """0006 → 0007 on a database in use: the seven projections nothing read are gone, the ballot
    projection (the database's guard of one ballot per person) keeps its rows; and back, the seven
    come again empty, for ``db rebuild`` of that version to fill."""
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import text

    dropped = {"matter", "sitting", "attendance", "vote_result", "notice", "objection", "progress"}
    engine = make_engine(store_url)
    upgrade(engine, "0006")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO village (id, name, head_height, head_hash, revision, box_version, "
                          "settings, created_at) VALUES ('v', '村', 0, :h, 0, 0, '{}', :t)"),
                     {"h": "0" * 64, "t": datetime.now(UTC)})
        conn.execute(text("INSERT INTO ballot (village, sitting, vote, voter, choice, height) "
                          "VALUES ('v', 's', 'v1', 'p1', 'approve', 7), ('v', 's', 'v1', 'p2', NULL, 8)"))
        conn.execute(text("INSERT INTO matter (village, id, title, stage, procedure, amount, spent, raised_by) "
                          "VALUES ('v', 'm1', '修路', 'proposal', 'statutory', NULL, 0, 'p1')"))
    assert dropped <= set(inspect(engine).get_table_names())
    upgrade(engine)
    assert dropped.isdisjoint(inspect(engine).get_table_names())
    ballots = "SELECT voter, choice, height FROM ballot ORDER BY voter"
    with engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(text(ballots))] == [("p1", "approve", 7), ("p2", None, 8)]
    command.downgrade(alembic_config(engine), "0006")
    assert dropped <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM matter")).scalar() == 0
        assert len(conn.execute(text(ballots)).all()) == 2
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []


def test_0008_keeps_the_login_attempts_in_the_one_table_of_attempts(store_url):
    """0007 → 0008 on a database in use: the recent login attempts (which hold back a guesser)
    move into ``attempt`` as kind ``login`` and go on counting; back, the login rows return."""
    from datetime import UTC, datetime, timedelta

    from alembic import command
    from sqlalchemy import text

    from deliberate.store.accounts import begin_login

    engine = make_engine(store_url)
    upgrade(engine, "0007")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for i in range(4):
            conn.execute(text("INSERT INTO login_attempt (username, address, at) "
                              "VALUES ('chair', '203.0.113.9', :t)"), {"t": now - timedelta(minutes=i)})
    upgrade(engine)
    assert "login_attempt" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        moved = text("SELECT count(*) FROM attempt WHERE kind = 'login' AND subject = 'chair'")
        assert conn.execute(moved).scalar() == 4
    # The fifth attempt is the last the limit lets through: the four before the upgrade still count.
    assert begin_login(engine, "chair", "203.0.113.9", at=now)
    assert not begin_login(engine, "chair", "203.0.113.9", at=now)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO attempt (kind, subject, address, at) "
                          "VALUES ('objection', '', '203.0.113.9', :t)"), {"t": now})
    command.downgrade(alembic_config(engine), "0007")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM login_attempt WHERE username = 'chair'")).scalar() == 5
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []

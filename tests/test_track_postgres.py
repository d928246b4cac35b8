"""The register on a real PostgreSQL server: approve, history, track --record and calibration
through ``postgresql+psycopg://`` URLs, concurrent approvals, a killed writer, and schema
migrations.

The server is named by ``PRIORITIZER_TEST_POSTGRES`` (an SQLAlchemy URL of a database the
user may create schemas in; default: the one ``.ci/run`` sets up). Outside CI a missing
server or driver skips these tests; in CI (``CI=true``) it fails them.
"""

from __future__ import annotations

import json
import os
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
import yaml
from click.testing import CliRunner
from test_track import ACTUALS_CSV, hand_dict
from test_track_register import approver

import prioritizer as px
from prioritizer.cli import cli
from prioritizer.tracking import register as reg_module
from prioritizer.tracking.register import RegisterError, open_register

DEFAULT_URL = "postgresql+psycopg://prioritizer:prioritizer@localhost:5432/prioritizer_test"
SERVER_URL = os.environ.get("PRIORITIZER_TEST_POSTGRES", DEFAULT_URL)
IN_CI = os.environ.get("CI", "").strip().lower() == "true"


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI needs a PostgreSQL server for the register tests: {reason}")
    pytest.skip(f"no PostgreSQL server here ({reason}); CI runs these")


@pytest.fixture(scope="module")
def server() -> Iterator[sa.Engine]:
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        _unavailable(f"the driver is missing ({exc}); pip install 'prioritizer[postgres]'")
    engine = sa.create_engine(SERVER_URL)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        _unavailable(f"cannot connect to {engine.url!r}: {exc.orig}")
    yield engine
    engine.dispose()


@pytest.fixture
def url(server: sa.Engine) -> Iterator[str]:
    """A URL whose tables live in a fresh schema of their own (dropped afterwards)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with server.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    base = server.url.render_as_string(hide_password=False)
    yield f"{base}?options={quote(f'-csearch_path={schema}')}"
    with server.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))


def tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
            return set(sa.inspect(conn).get_table_names(schema=schema))
    finally:
        engine.dispose()


def test_postgres_approve_history_track_and_calibrate(tmp_path: Path, url: str) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(hand_dict()), encoding="utf-8")
    acts = tmp_path / "actuals.csv"
    acts.write_text(ACTUALS_CSV, encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(
        cli,
        ["approve", str(scenario), "--label", "FY27", "--date", "2027-01-15", "--register", url],
    )
    assert out.exit_code == 0, out.output
    assert "approved plan 1" in out.stdout and ":prioritizer@" not in out.stdout  # no password
    assert tables(url) == {"register_schema", "plans", "trackings"}
    out = runner.invoke(cli, ["history", "--register", url, "--format", "json"])
    plans = json.loads(out.stdout)["plans"]
    assert [(p["plan_id"], p["label"], p["selected"], p["cost"]) for p in plans] == [
        (1, "FY27", 3, 170000)
    ]
    out = runner.invoke(
        cli,
        [
            "track",
            "FY27",
            str(acts),
            "--register",
            url,
            "--record",
            "--as-of",
            "2027-12-31",
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert payload["plan"]["date"] == "2027-01-15"
    a = next(i for i in payload["initiatives"] if i["id"] == "A")
    assert a["churn_reduction_pp_realization"] == 0.5 and a["spent"] == 120000
    assert len(open_register(url).trackings_of()) == 1
    out = runner.invoke(cli, ["solve", str(scenario), "--calibrate", url, "--format", "json"])
    assert out.exit_code == 0, out.output
    texts = [c["text"] for c in json.loads(out.stdout)["calibration"]["changes"]]
    # A (ease): churn 0.5/1.0 once, shrunk with Z = 1/(1 + 4): 1 + 0.2 · (0.5 − 1) = 0.90
    assert any(
        t.startswith("A churn_reduction_pp × 0.90 from 1 past ease initiative") for t in texts
    )


def test_postgres_two_processes_approving_at_once_both_land(tmp_path: Path, url: str) -> None:
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(hand_dict()), encoding="utf-8")
    procs = [approver(tmp_path, url, scenario, 5, False, tag) for tag in ("left", "right")]
    for proc in procs:
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0 and "done" in out
    book = open_register(url)
    labels = sorted(r.label for r in book.history())
    assert labels == sorted([f"left-{k}" for k in range(5)] + [f"right-{k}" for k in range(5)])
    assert book.version == reg_module.SCHEMA_VERSION
    book.dispose()


def test_postgres_killed_mid_write_leaves_last_committed_state(tmp_path: Path, url: str) -> None:
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(hand_dict()), encoding="utf-8")
    book = open_register(url)
    book.approve(px.optimize(px.scenario_from_mapping(hand_dict())), label="committed")
    proc = approver(tmp_path, url, scenario, 1, True, "torn")
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "inside"  # the insert ran, not committed
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert [r.label for r in book.history()] == ["committed"]
    book.approve(px.optimize(px.scenario_from_mapping(hand_dict())), label="after")
    assert [r.label for r in book.history()] == ["committed", "after"]
    book.dispose()


def test_postgres_schema_migrated_forward_and_newer_refused(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = open_register(url)
    book.approve(px.optimize(px.scenario_from_mapping(hand_dict())), label="kept")
    # a register as version 1 wrote it: no index on plans.label
    with book.engine.begin() as conn:
        conn.execute(sa.text("DROP INDEX ix_plans_label"))
        conn.execute(sa.text("UPDATE register_schema SET version = 1"))
    book.dispose()

    def indexes() -> set[str]:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
            names = {i["name"] for i in sa.inspect(conn).get_indexes("plans", schema=schema)}
        engine.dispose()
        return {n for n in names if n}

    assert "ix_plans_label" not in indexes()
    again = open_register(url)
    assert again.version == reg_module.SCHEMA_VERSION == 2
    assert "ix_plans_label" in indexes()
    assert [r.label for r in again.history()] == ["kept"]
    # a failing step rolls the whole opening back: version and tables as they were
    with again.engine.begin() as conn:
        conn.execute(sa.text("DROP INDEX ix_plans_label"))
        conn.execute(sa.text("UPDATE register_schema SET version = 1"))

    def broken(conn: sa.Connection) -> None:
        conn.execute(sa.text("CREATE INDEX ix_plans_label ON plans (label)"))
        conn.execute(sa.text("ALTER TABLE no_such_table ADD COLUMN x TEXT"))

    monkeypatch.setitem(reg_module.MIGRATIONS, 1, broken)
    with pytest.raises(RegisterError, match="cannot prepare the register"):
        open_register(url)
    assert "ix_plans_label" not in indexes()
    monkeypatch.undo()
    assert open_register(url).version == 2 and "ix_plans_label" in indexes()
    with again.engine.begin() as conn:
        conn.execute(sa.text("UPDATE register_schema SET version = 99"))
    with pytest.raises(RegisterError, match="schema version 99, written by a newer prioritizer"):
        open_register(url)
    again.dispose()


def test_postgres_server_down_is_a_located_error(server: sa.Engine) -> None:
    bad = server.url.set(port=1).render_as_string(hide_password=False)  # nothing listens there
    out = CliRunner().invoke(cli, ["history", "--register", bad])
    assert out.exit_code == 2 and "cannot prepare the register" in out.stderr
    assert "Traceback" not in out.output
    assert f":{server.url.password}@" not in out.stderr  # the password is not shown

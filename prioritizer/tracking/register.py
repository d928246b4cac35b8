"""The register of decisions: approved plans (and tracked cycles) in a database.

SQLite file by default (``prioritizer-register.sqlite`` in the working folder, or any path);
any SQLAlchemy URL (``postgresql+psycopg://...``) reaches a shared database. Every write is
one transaction: a process killed mid-write leaves the last committed state.

Schema versioning: table ``register_schema`` holds one row ``version``. Opening a register
creates the tables when missing, migrates an older schema forward in one transaction (each step
in :data:`MIGRATIONS`, from version n to n + 1), and refuses a register written by a newer
version with a message saying to upgrade prioritizer. To change the schema: add the step to
:data:`MIGRATIONS` and raise :data:`SCHEMA_VERSION`.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..exceptions import Problem, ScenarioError
from .plan import Plan

SCHEMA_VERSION = 2
DEFAULT_REGISTER = "prioritizer-register.sqlite"


def _index_plan_labels(conn: Any) -> None:
    """1 -> 2: an index on ``plans.label`` (plans are looked up by label)."""
    import sqlalchemy as sa

    conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_plans_label ON plans (label)"))


MIGRATIONS: dict[int, Callable[[Any], None]] = {1: _index_plan_labels}
"""version n -> function(connection) bringing a register from n to n + 1 (plain SQL that
SQLite and PostgreSQL both run, inside the opening transaction)."""


class RegisterError(ScenarioError):
    """The register cannot be opened or read (exit code 2)."""


@dataclass(frozen=True)
class PlanRecord:
    """One approved plan as listed by ``history``."""

    plan_id: int
    label: str
    approved_at: str
    plan_date: str
    scenario: str
    scenario_sha256: str
    selected: int
    cost: float
    business_value: float
    roadmap: bool = False
    """Whether the plan has a start period per initiative (``approve --roadmap``)."""
    trackings: int = 0
    """How many tracking runs are recorded against it (``track --record``)."""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _shown(target: str | Path) -> str:
    """The register as named in messages: a URL without its password."""
    text = str(target)
    if "://" not in text:
        return text
    import sqlalchemy as sa

    try:
        return sa.engine.make_url(text).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: the error comes when opening it
        return text.split("@")[-1] if "@" in text else text


def _url(target: str | Path) -> str:
    text = str(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


class Register:
    """An open register. Use :func:`open_register`."""

    def __init__(self, target: str | Path = DEFAULT_REGISTER) -> None:
        import sqlalchemy as sa

        self.url = _url(target)
        self.where = _shown(target)
        if "://" not in str(target):  # a file: its folder must exist (SQLite creates the file)
            folder = Path(str(target)).expanduser().parent
            if not folder.is_dir():
                what = "is a file, not a folder" if folder.exists() else "does not exist"
                raise RegisterError(
                    [
                        Problem(
                            self.where,
                            f"its folder {str(folder)!r} {what}; create the folder first, or "
                            "give a register path in an existing one",
                        )
                    ]
                )
        connect_args = {"timeout": 60} if self.url.startswith("sqlite") else {}
        try:
            self.engine = sa.create_engine(self.url, connect_args=connect_args, future=True)
        except ImportError as exc:  # the database's driver is not installed
            hint = (
                "pip install 'prioritizer[postgres]'"
                if self.url.startswith("postgresql")
                else "install the database driver the URL names"
            )
            raise RegisterError(
                [Problem(self.where, f"cannot open the register: {exc}; {hint}")]
            ) from None
        except Exception as exc:  # a bad URL
            raise RegisterError(
                [Problem(self.where, f"cannot open the register ({type(exc).__name__}: {exc})")]
            ) from None
        meta = sa.MetaData()
        self.schema = sa.Table(
            "register_schema",
            meta,
            sa.Column("key", sa.String(32), primary_key=True),
            sa.Column("version", sa.Integer, nullable=False),
        )
        self.plans = sa.Table(
            "plans",
            meta,
            sa.Column("plan_id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("label", sa.Text, nullable=False),
            sa.Column("approved_at", sa.String(40), nullable=False),
            sa.Column("plan_date", sa.String(10), nullable=False),
            sa.Column("scenario_name", sa.Text, nullable=False),
            sa.Column("scenario_sha256", sa.String(64), nullable=False),
            sa.Column("scenario_content", sa.Text, nullable=False),
            sa.Column("manifest", sa.Text, nullable=False),
            sa.Column("portfolio", sa.Text, nullable=False),
            sa.Column("plan", sa.Text, nullable=False),
            sa.Column("summary", sa.Text, nullable=False),
            sa.Index("ix_plans_label", "label"),
        )
        self.trackings = sa.Table(
            "trackings",
            meta,
            sa.Column("tracking_id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.plan_id"), nullable=False),
            sa.Column("recorded_at", sa.String(40), nullable=False),
            sa.Column("as_of", sa.String(10), nullable=False),
            sa.Column("actuals", sa.Text, nullable=False),
        )
        self.meta = meta
        self._prepare()

    # -- schema ------------------------------------------------------------------------
    def _prepare(self) -> None:
        import sqlalchemy as sa

        for attempt in range(5):  # two processes creating a new register at once
            try:
                with self.engine.begin() as conn:
                    self.meta.create_all(conn, checkfirst=True)
                    row = conn.execute(
                        sa.select(self.schema.c.version).where(self.schema.c.key == "schema")
                    ).first()
                    if row is None:
                        conn.execute(
                            self.schema.insert().values(key="schema", version=SCHEMA_VERSION)
                        )
                        return
                    version = int(row[0])
                    if version > SCHEMA_VERSION:
                        raise RegisterError(
                            [
                                Problem(
                                    self.where,
                                    f"the register has schema version {version}, written by a "
                                    f"newer prioritizer; this one reads up to {SCHEMA_VERSION}: "
                                    "upgrade prioritizer (pip install -U prioritizer)",
                                )
                            ]
                        )
                    while version < SCHEMA_VERSION:
                        MIGRATIONS[version](conn)
                        version += 1
                    conn.execute(
                        self.schema.update()
                        .where(self.schema.c.key == "schema")
                        .values(version=version)
                    )
                    return
            except (
                sa.exc.OperationalError,
                sa.exc.IntegrityError,
                sa.exc.ProgrammingError,  # PostgreSQL: a table created by the other process
            ) as exc:
                if attempt == 4:
                    raise RegisterError(
                        [Problem(self.where, f"cannot prepare the register ({exc.orig})")]
                    ) from None

    @property
    def version(self) -> int:
        import sqlalchemy as sa

        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(self.schema.c.version)).scalar_one())

    # -- writes --------------------------------------------------------------------------
    def approve(self, result: Any, *, label: str = "", date: _dt.date | None = None) -> int:
        """Record a solved portfolio (a :class:`~prioritizer.result.Result`) or roadmap (a
        :class:`~prioritizer.roadmap.result.Roadmap`: the plan then keeps each initiative's
        start, so actuals can be tracked per period) as the approved plan; returns its
        ``plan_id``.

        One transaction: the scenario's hash and content, the manifest, the portfolio with
        every forecast term, the plan, the date and the label.
        """
        from ..result import json_records, manifest

        date = date or _dt.date.today()
        label = label or f"{result.scenario.name} as approved {date.isoformat()}"
        payload = result.to_dict()
        if hasattr(result, "by_period"):  # a roadmap
            plan = Plan.from_roadmap(result, date=date, label=label)
            frame = result.to_frame()
            portfolio = json_records(frame[frame["chosen"]].reset_index())
            payload["manifest"] = manifest(
                result.scenario,
                result.options,
                roadmap={"formulation": result.formulation, "pins": dict(result.pins)},
            )
        else:
            plan = Plan.from_result(result, date=date, label=label)
            portfolio = json_records(result.portfolio.reset_index())
        row = {
            "label": label,
            "approved_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "plan_date": date.isoformat(),
            "scenario_name": result.scenario.name,
            "scenario_sha256": payload["manifest"]["scenario_sha256"],
            "scenario_content": result.scenario.model_dump_json(),
            "manifest": json.dumps(payload["manifest"], sort_keys=True),
            "portfolio": json.dumps(portfolio, allow_nan=False),
            "plan": json.dumps(plan.to_dict()),
            "summary": json.dumps(
                {
                    k: payload[k]
                    for k in (
                        "status",
                        "selected",
                        "cost",
                        "business_value",
                        "customer_value",
                        "objective",
                    )
                }
            ),
        }
        with self.engine.begin() as conn:
            inserted = conn.execute(self.plans.insert().values(**row))
            key = inserted.inserted_primary_key
            return int(key[0]) if key else 0

    def record_tracking(self, plan_id: int, actuals: Any, as_of: _dt.date) -> int:
        """Record a tracked cycle (the actuals of plan ``plan_id`` at ``as_of``)."""
        rows = [
            {
                "id": r.id,
                "status": r.status,
                "spent": r.spent,
                "go_live": r.go_live.isoformat() if r.go_live else None,
                "measured": r.measured,
            }
            for r in actuals.rows.values()
        ]
        with self.engine.begin() as conn:
            self._plan_row(conn, plan_id)
            inserted = conn.execute(
                self.trackings.insert().values(
                    plan_id=plan_id,
                    recorded_at=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
                    as_of=as_of.isoformat(),
                    actuals=json.dumps(rows),
                )
            )
            key = inserted.inserted_primary_key
            return int(key[0]) if key else 0

    # -- reads ---------------------------------------------------------------------------
    def _plan_row(self, conn: Any, plan_id: int) -> Any:
        import sqlalchemy as sa

        row = conn.execute(sa.select(self.plans).where(self.plans.c.plan_id == plan_id)).first()
        if row is None:
            raise RegisterError([Problem(self.where, f"no plan {plan_id} in the register")])
        return row

    def history(self) -> list[PlanRecord]:
        """Every approved plan, oldest first."""
        import sqlalchemy as sa

        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(self.plans).order_by(self.plans.c.plan_id)).all()
            counts: dict[int, int] = dict(
                conn.execute(
                    sa.select(self.trackings.c.plan_id, sa.func.count()).group_by(
                        self.trackings.c.plan_id
                    )
                ).all()
            )
        out = []
        for row in rows:
            summary = json.loads(row.summary)
            plan = json.loads(row.plan)
            out.append(
                PlanRecord(
                    plan_id=row.plan_id,
                    label=row.label,
                    approved_at=row.approved_at,
                    plan_date=row.plan_date,
                    scenario=row.scenario_name,
                    scenario_sha256=row.scenario_sha256,
                    selected=len(summary["selected"]),
                    cost=float(summary["cost"]),
                    business_value=float(summary["business_value"]),
                    roadmap=any(i.get("start") for i in plan.get("initiatives", ())),
                    trackings=int(counts.get(row.plan_id, 0)),
                )
            )
        return out

    def plan(self, ref: int | str | None = None) -> Plan:
        """A recorded plan by id, by label, or the latest (``None``)."""
        import sqlalchemy as sa

        with self.engine.connect() as conn:
            query = sa.select(self.plans)
            if ref is None:
                query = query.order_by(self.plans.c.plan_id.desc()).limit(1)
            elif isinstance(ref, int) or str(ref).isdigit():
                query = query.where(self.plans.c.plan_id == int(ref))
            else:
                query = query.where(self.plans.c.label == str(ref)).order_by(
                    self.plans.c.plan_id.desc()
                )
            row = conn.execute(query).first()
        if row is None:
            if ref is None:  # 'latest' of an empty register
                raise RegisterError(
                    [
                        Problem(
                            self.where,
                            "the register holds no approved plan yet; approve one first with "
                            f"`prioritizer approve SCENARIO --register {self.where}`",
                        )
                    ]
                )
            raise RegisterError([Problem(self.where, f"no plan {ref!r} in the register")])
        plan = Plan.from_dict(json.loads(row.plan), f"{self.where} plan {row.plan_id}")
        solved = json.loads(row.manifest)
        options = solved.get("options") if isinstance(solved, dict) else None
        extra: dict[str, Any] = {"plan_id": int(row.plan_id)}
        if isinstance(options, dict):
            extra["options"] = options  # the approved solve's, for the tracking's manifest
        return dataclasses.replace(plan, extra=extra)

    def trackings_of(self) -> list[tuple[Plan, list[dict[str, Any]]]]:
        """The tracked cycles for calibration: per plan (oldest first) one row per initiative,
        from the latest tracking recorded that has it (latest ``as_of``, then latest recorded),
        so recording the same actuals twice, or a mid-year then a year-end status, counts
        each initiative once, with its latest numbers.

        An initiative is one real project however many plans of its scenario (same name,
        without case) approved it: a scenario approved twice and tracked under both plans
        counts it once, from the plan whose tracking is the latest."""
        import sqlalchemy as sa

        t = self.trackings.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(t.plan_id, t.as_of, t.recorded_at, t.tracking_id, t.actuals).order_by(
                    t.plan_id, t.as_of, t.recorded_at, t.tracking_id
                )
            ).all()
        latest: dict[int, dict[str, dict[str, Any]]] = {}
        when: dict[tuple[int, str], tuple[Any, ...]] = {}
        for r in rows:  # oldest first: a later tracking replaces an initiative's row
            by_id = latest.setdefault(int(r.plan_id), {})
            for row in json.loads(r.actuals):
                ident = str(row["id"])
                by_id.pop(ident, None)  # in the order of the latest tracking
                by_id[ident] = row
                when[(int(r.plan_id), ident)] = (str(r.as_of), str(r.recorded_at), r.tracking_id)
        plans = {plan_id: self.plan(plan_id) for plan_id in latest}
        newest: dict[tuple[str, str], tuple[tuple[Any, ...], int]] = {}
        for (plan_id, ident), key in when.items():
            project = (plans[plan_id].scenario.strip().casefold(), ident)
            if project not in newest or key > newest[project][0]:
                newest[project] = (key, plan_id)
        return [
            (
                plans[plan_id],
                [
                    row
                    for ident, row in by_id.items()
                    if newest[(plans[plan_id].scenario.strip().casefold(), ident)][1] == plan_id
                ],
            )
            for plan_id, by_id in latest.items()
        ]

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_file(target: str | Path) -> Path | None:
    """The file of a SQLite register (a path or a ``sqlite:///`` URL); None for another
    database or an in-memory one."""
    text = str(target)
    if "://" not in text:
        return Path(text).expanduser()
    if not text.startswith("sqlite"):
        return None
    import sqlalchemy as sa

    try:
        database = sa.engine.make_url(text).database
    except Exception:  # not a URL SQLAlchemy reads: the error comes when opening it
        return None
    return Path(database).expanduser() if database and database != ":memory:" else None


def open_register(
    target: str | Path | None = None, *, create: bool = True, option: str = "--register"
) -> Register:
    """Open (creating or migrating) the register at a path or SQLAlchemy URL.

    With ``create=False`` (commands that only read a register) a SQLite register file that
    does not exist is refused (:class:`RegisterError` naming ``option`` and the file) rather
    than created empty.
    """
    where = target or DEFAULT_REGISTER
    if not create:
        file = _sqlite_file(where)
        if file is not None and not file.exists():
            shown = _shown(where)
            named = f" --register {shown}" if target else ""
            default = "" if target else " (the default register in this folder)"
            first = f"approve a plan first with `prioritizer approve SCENARIO{named}`"
            if option == "--calibrate":  # calibration reads the tracked cycles
                first = (
                    f"approve a plan with `prioritizer approve SCENARIO{named}` and record "
                    f"its actuals with `prioritizer track latest ACTUALS{named} --record` first"
                )
            raise RegisterError(
                [
                    Problem(
                        f"{option} {shown}" if target else shown,
                        f"no such register file{default}; {first}",
                    )
                ]
            )
    return Register(where)

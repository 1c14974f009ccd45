"""docs/cutover.md's claims, against an adopted legacy database: the old app's `alembic upgrade
head` does nothing until `adopt --finish`, and Zerg's ORM code runs on the adopted schema with
exactly the two model changes the runbook names (and fails as it says without them)."""

from __future__ import annotations

import enum
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import orm

from tests.conftest import test_env_for
from tests.adopt.test_adopt import DATA, load
from zerg_sql.adopt import ZERG_ALEMBIC_HEAD, adopt, finish
from zerg_sql.config import ZergError
from zerg_sql.db import connect


@pytest.fixture
def adopted_url(pg):
    name = f"cutover_{uuid.uuid4().hex[:10]}"
    url = pg.create_database(name)
    load(url, DATA["create_all"])
    assert adopt(test_env_for(url), out=lambda _: None).outcome == "adopted"
    yield url
    pg.drop_database(name)


def relation_exists(url: str, name: str) -> bool:
    with connect(url, autocommit=True) as conn:
        return conn.execute("SELECT to_regclass(%s) IS NOT NULL AS x", (name,)).fetchone()["x"]


# ---------------------------------------------------------------- alembic upgrade head

# What Zerg's alembic/env.py does that matters here: search_path zerg, the version table in
# schema zerg. The one revision carries Zerg's head id; Alembic walks from the revision in
# alembic_version to head, so with the table at head the other 36 revisions of Zerg's chain
# would not be visited either. Its upgrade() leaves a mark, so a replay shows.
ENV_PY = '''
from alembic import context
from sqlalchemy import create_engine, text

engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
with engine.connect() as connection:
    connection.execute(text("CREATE SCHEMA IF NOT EXISTS zerg"))
    connection.execute(text("SET search_path TO zerg, public"))
    connection.commit()
    context.configure(connection=connection, target_metadata=None, version_table_schema="zerg")
    with context.begin_transaction():
        context.run_migrations()
'''
HEAD_PY = f'''
from alembic import op

revision = "{ZERG_ALEMBIC_HEAD}"
down_revision = None


def upgrade():
    op.execute("CREATE TABLE zerg.alembic_replayed (id int)")
'''


def sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def alembic_config(tmp_path: Path, url: str) -> Config:
    (tmp_path / "versions").mkdir()
    (tmp_path / "env.py").write_text(ENV_PY)
    (tmp_path / "versions" / f"{ZERG_ALEMBIC_HEAD}_head.py").write_text(HEAD_PY)
    cfg = Config()
    cfg.set_main_option("script_location", str(tmp_path))
    cfg.set_main_option("sqlalchemy.url", sqlalchemy_url(url).replace("%", "%%"))
    return cfg


def test_alembic_upgrade_head_is_a_no_op_until_the_cutover_is_finished(adopted_url, tmp_path):
    cfg = alembic_config(tmp_path, adopted_url)
    command.upgrade(cfg, "head")  # what Zerg's start script runs before the app
    assert not relation_exists(adopted_url, "zerg.alembic_replayed")
    with connect(adopted_url, autocommit=True, search_path=("zerg",)) as conn:
        assert [r["version_num"] for r in conn.execute("SELECT version_num FROM alembic_version")] == [ZERG_ALEMBIC_HEAD]

    said: list[str] = []
    assert finish(test_env_for(adopted_url), info=said.append).outcome == "finished"
    assert not relation_exists(adopted_url, "zerg.alembic_version")
    # Why finishing is the last step: from here on the old start script replays the chain.
    command.upgrade(cfg, "head")
    assert relation_exists(adopted_url, "zerg.alembic_replayed")


def test_finish_needs_an_adopted_schema_and_yes_on_prod(pg, fresh_db_url, adopted_url):
    legacy = pg.create_database(f"cutover_{uuid.uuid4().hex[:10]}")
    load(legacy, DATA["create_all"])
    with pytest.raises(ZergError, match="is not adopted .*run `zerg-sql adopt` first"):
        finish(test_env_for(legacy), info=lambda _: None)
    assert relation_exists(legacy, "zerg.alembic_version")
    pg.drop_database(legacy.rsplit("/", 1)[1].split("?")[0])
    # A database migrated from empty never had Alembic: nothing to finish.
    assert finish(test_env_for(fresh_db_url), info=lambda _: None).outcome == "already finished"

    refused = subprocess.run([sys.executable, "-m", "zerg_sql", "--env", "prod", "--database-url", adopted_url,
                              "adopt", "--finish"], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert relation_exists(adopted_url, "zerg.alembic_version")


# ---------------------------------------------------------------- the old ORM code

class RunStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    WAITING = "waiting"
    DEFERRED = "deferred"
    SUCCESS = "success"
    FAILED = "failed"
    CANCELLED = "cancelled"


class RunTrigger(enum.Enum):
    MANUAL = "manual"
    SCHEDULE = "schedule"
    CHAT = "chat"
    WEBHOOK = "webhook"
    API = "api"
    CONTINUATION = "continuation"


class AgentStatus(enum.Enum):
    IDLE = "idle"
    RUNNING = "running"
    ERROR = "error"
    PROCESSING = "processing"


class NaiveUTCDateTime(sa.types.TypeDecorator):
    """Change 2 of docs/cutover.md: timestamptz in the database, naive UTC in the app."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value

    def process_result_value(self, value, dialect):
        return value.astimezone(timezone.utc).replace(tzinfo=None) if value is not None else None


def zerg_models(*, values_callable: bool, naive_datetimes: bool):
    """Two of Zerg's models as Zerg writes them (SAEnum(..., native_enum=False): member names;
    plain DateTime), optionally with the two changes."""

    def enum_type(cls):
        extra = {"values_callable": lambda e: [m.value for m in e]} if values_callable else {}
        return sa.Enum(cls, native_enum=False, **extra)

    stamp = NaiveUTCDateTime if naive_datetimes else sa.DateTime

    class Base(orm.DeclarativeBase):
        metadata = sa.MetaData(schema="zerg")

    class Agent(Base):
        __tablename__ = "agents"
        id = sa.Column(sa.Integer, primary_key=True)
        name = sa.Column(sa.String, nullable=False)
        status = sa.Column(enum_type(AgentStatus), default=AgentStatus.IDLE)
        owner_id = sa.Column(sa.Integer, nullable=False)
        system_instructions = sa.Column(sa.Text, nullable=False)
        task_instructions = sa.Column(sa.Text, nullable=False)
        model = sa.Column(sa.String, nullable=False)
        created_at = sa.Column(stamp, server_default=sa.func.now())
        updated_at = sa.Column(stamp, server_default=sa.func.now(), onupdate=sa.func.now())

    class AgentRun(Base):
        __tablename__ = "agent_runs"
        id = sa.Column(sa.Integer, primary_key=True)
        agent_id = sa.Column(sa.Integer, nullable=False)
        thread_id = sa.Column(sa.Integer, nullable=False)
        status = sa.Column(enum_type(RunStatus), nullable=False, default=RunStatus.QUEUED)
        trigger = sa.Column(enum_type(RunTrigger), nullable=False, default=RunTrigger.MANUAL)
        started_at = sa.Column(stamp)
        finished_at = sa.Column(stamp)
        duration_ms = sa.Column(sa.Integer)
        created_at = sa.Column(stamp, server_default=sa.func.now())
        updated_at = sa.Column(stamp, server_default=sa.func.now(), onupdate=sa.func.now())

    return Agent, AgentRun


def session(url: str) -> orm.Session:
    engine = sa.create_engine(sqlalchemy_url(url), connect_args={"options": "-csearch_path=zerg,public"})
    return orm.Session(engine)


def utc_now_naive() -> datetime:  # zerg.utils.time.utc_now_naive
    return datetime.now(timezone.utc).replace(tzinfo=None)


def test_zerg_orm_code_with_the_two_changes_reads_and_writes_the_adopted_schema(adopted_url):
    Agent, AgentRun = zerg_models(values_callable=True, naive_datetimes=True)
    with session(adopted_url) as s:
        runs = s.scalars(sa.select(AgentRun).order_by(AgentRun.id)).all()
        assert {r.status for r in runs} >= {RunStatus.SUCCESS, RunStatus.FAILED, RunStatus.DEFERRED}
        assert RunTrigger.CONTINUATION in {r.trigger for r in runs}
        # Zerg's naive arithmetic works, and the values are the legacy ones.
        finished = next(r for r in runs if r.finished_at and r.started_at)
        assert finished.started_at.tzinfo is None
        assert isinstance(utc_now_naive() - finished.started_at, timedelta)
        assert s.scalar(sa.select(sa.func.count()).select_from(AgentRun)
                        .where(AgentRun.status == RunStatus.SUCCESS)) == sum(r.status is RunStatus.SUCCESS for r in runs)

        started = utc_now_naive().replace(microsecond=0)
        run = AgentRun(agent_id=1, thread_id=1, status=RunStatus.SUCCESS, trigger=RunTrigger.API,
                       started_at=started, finished_at=started + timedelta(seconds=2), duration_ms=2000)
        s.add(run)
        agent = s.get(Agent, 1)
        agent.status = AgentStatus.RUNNING
        s.commit()
        run_id = run.id
        assert s.get(AgentRun, run_id).started_at == started

    with connect(adopted_url, autocommit=True, search_path=("zerg",)) as conn:
        row = conn.execute("SELECT status, trigger, started_at FROM agent_runs WHERE id = %s", (run_id,)).fetchone()
        assert row == {"status": "success", "trigger": "api", "started_at": started.replace(tzinfo=timezone.utc)}
        assert conn.execute("SELECT status FROM agents WHERE id = 1").fetchone()["status"] == "running"


def test_without_the_changes_zerg_orm_code_fails_as_the_runbook_says(adopted_url):
    # Without values_callable: reading an adopted row fails, and a write breaks the CHECK.
    Agent, AgentRun = zerg_models(values_callable=False, naive_datetimes=False)
    with session(adopted_url) as s:
        with pytest.raises(LookupError, match="'deferred' is not among the defined enum values"):
            s.scalars(sa.select(AgentRun).where(AgentRun.id == 2)).all()  # a deferred run
    with session(adopted_url) as s:
        s.add(AgentRun(agent_id=1, thread_id=1, status=RunStatus.SUCCESS, trigger=RunTrigger.API))
        with pytest.raises(sa.exc.IntegrityError, match="agent_runs_status_check"):
            s.commit()

    # values_callable alone: the enums work, Zerg's naive datetime arithmetic does not.
    Agent, AgentRun = zerg_models(values_callable=True, naive_datetimes=False)
    with session(adopted_url) as s:
        run = s.get(AgentRun, 2)
        assert run.status is RunStatus.DEFERRED and run.started_at.tzinfo is not None
        with pytest.raises(TypeError, match="can't subtract offset-naive and offset-aware datetimes"):
            utc_now_naive() - run.started_at

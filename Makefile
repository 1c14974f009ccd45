# zerg-sql. `make dev` then `make test`. ENV=prod targets clifford (asks for confirmation).
ENV ?= dev
PY := .venv/bin/python
ZERG_SQL := .venv/bin/zerg-sql --env $(ENV)
PIP_INSTALL := .venv/bin/pip install -q

.PHONY: install dev dev-down migrate rollback status verify doctor test test-pg15 lint schema psql bench clean

# Recipes are silent (@) and pip talks on stderr: `make status ARGS=--json` prints JSON alone.
.venv/.installed: pyproject.toml
	@test -d .venv || python3 -m venv .venv >&2
	@$(PIP_INSTALL) -e '.[dev,test]' >&2
	@touch $@

install: .venv/.installed

dev: install  ## a migrated dev database; prints its URL
	./start-dev.sh

dev-down: install
	.venv/bin/zerg-sql dev down

migrate: install  ## make migrate [ENV=prod] [ARGS=--dry-run]
	$(ZERG_SQL) migrate --wait 30 $(ARGS)

rollback: install  ## make rollback [ARGS='--steps 2']
	$(ZERG_SQL) rollback $(ARGS)

status: install
	@$(ZERG_SQL) status $(ARGS)

verify: install
	@$(ZERG_SQL) verify $(ARGS)

doctor: install
	@$(ZERG_SQL) doctor $(ARGS)

# Two workers, each with its own embedded server (2 cores: ~2.3 min instead of ~3.5).
test: install  ## the whole suite against a real PostgreSQL started by the harness
	$(PY) -m pytest -n 2 $(ARGS)

# One shared server here, so one worker (some tests use fixed database and role names).
test-pg15: install  ## the suite again on PostgreSQL 15 from the machine's binaries
	.ci/with-pg15 $(PY) -m pytest $(ARGS)

lint: install  ## squawk over the migrations, plus our own conventions
	.venv/bin/zerg-sql lint

schema: install  ## regenerate sql/schema.sql and docs/schema.md
	.venv/bin/zerg-sql schema dump
	.venv/bin/zerg-sql schema docs

psql: install  ## psql on the environment's database, search_path set
	@$(PY) -m zerg_sql --env $(ENV) psql $(ARGS)

bench: install
	$(PY) -m bench $(ARGS)

clean:
	.venv/bin/zerg-sql dev down || true
	rm -rf .dev

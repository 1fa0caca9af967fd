# Cảnh Giác — the two commands a newcomer needs are `make demo` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
PORT ?= 8000

.PHONY: setup demo test test-scale check bench messages clean

$(VENV)/.installed: pyproject.toml uv.lock
	test -x $(PY) || "$$(tools/find-python)" -m venv $(VENV)
	test -x $(VENV)/bin/uv || $(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(VENV)/bin/uv sync --frozen --inexact --python $(PY) --quiet
	touch $@

setup: $(VENV)/.installed messages

messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --verbosity 0 --ignore .venv

# Set up, load the demo commune and serve it with a task worker at http://127.0.0.1:$(PORT)/
demo: setup
	$(PY) manage.py migrate --verbosity 0
	$(PY) manage.py seed_demo
	SECURE_COOKIES=$${SECURE_COOKIES:-false} $(PY) manage.py serve_demo --port $(PORT)

# The whole suite on SQLite, then on PostgreSQL (skipped, with a line saying so, when unreachable).
test: setup
	tools/run-tests

# The multi-process test (docs/scaling.md, "Multi-process test"): on this machine's PostgreSQL and
# Redis (a throwaway database canhgiac_test_scale and Redis database 11; SCALE_POSTGRES_URL,
# SCALE_REDIS_URL), two web processes, two RQ workers, two deliver loops and the scheduler; a
# bulletin to 100,000 members, 4,000 of them through the fake Zalo, Telegram and SMS providers,
# while a worker is killed with SIGKILL and restarted and a web process restarted, and residents
# file reports through both. Fails when PostgreSQL or Redis is unreachable; bounded to 10 minutes.
test-scale: setup
	$(PY) tools/scale_test.py

check: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run --verbosity 0
	$(VENV)/bin/mypy

# Benchmarks (docs/benchmarks.md), one JSON line each: fan-out to 100,000 members on SQLite and
# 1,000,000 on PostgreSQL, webhook answer time and processing rate on both, report intake under
# 50 concurrent clients on SQLite, publish-to-inbox latency in Chromium, sends at the providers'
# pace (1,000 and 10,000 recipients, 1, 2 and 4 workers, a few minutes), and the province
# dashboard with DASHBOARD_SIZE members and as many reports
# on PostgreSQL (100,000 by default, a few minutes; `make bench DASHBOARD_SIZE=1000000` for the
# documented figures, about a quarter of an hour). The PostgreSQL ones are skipped when it is
# unreachable. Each runs on a throwaway database of its own, never on the one DATABASE_URL points at.
BENCH_PG := $${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
DASHBOARD_SIZE ?= 100000
bench: setup
	$(PY) -m bench fanout --database sqlite
	$(PY) -m bench webhook --database sqlite
	$(PY) -m bench intake --database sqlite
	$(PY) -m bench send --database sqlite
	if $(PY) tools/db-reachable "$(BENCH_PG)"; then \
		$(PY) -m bench fanout --database postgres; \
		$(PY) -m bench webhook --database postgres; \
		url=$$($(PY) -c "from bench.setup import bench_database_url; print(bench_database_url('postgres', 'dashboard'))") && \
		DATABASE_URL=$$url $(PY) manage.py migrate --verbosity 0 && \
		DATABASE_URL=$$url $(PY) -m bench dashboard --size $(DASHBOARD_SIZE) $(ARGS); \
	else echo "== PostgreSQL is not reachable: SKIPPING the PostgreSQL benchmarks"; fi
	tools/ensure-chromium && $(PY) -m bench inbox

clean:
	rm -rf $(VENV) var/static

# Cảnh Giác — the two commands a newcomer needs are `make demo` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
PORT ?= 8000

.PHONY: setup demo test check bench messages clean

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
	$(PY) manage.py serve --port $(PORT)

# The whole suite on SQLite, then on PostgreSQL (skipped, with a line saying so, when unreachable).
test: setup
	tools/run-tests

check: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run --verbosity 0
	$(VENV)/bin/mypy

# Benchmarks (docs/benchmarks.md): `make bench` runs them all; BENCH=dashboard ARGS="--size 20000" for one.
# Without DATABASE_URL they use var/bench.sqlite3, never the demo database.
bench: setup
	export DATABASE_URL="$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench.sqlite3}"; \
	$(PY) manage.py migrate --verbosity 0 && $(PY) -m bench $(or $(BENCH),all) $(ARGS)

clean:
	rm -rf $(VENV) var/static

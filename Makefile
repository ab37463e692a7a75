# dangbo — one-command install, run, test, bench and lint.
SHELL := /bin/bash
VENV := .venv
DANGBO := $(VENV)/bin/dangbo
PYTEST := $(VENV)/bin/pytest
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/dangbo
# uv from PATH, or as a module once the install step below has put it in with pip.
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
export DANGBO_DATA_DIR ?= $(CURDIR)/var

.PHONY: install test-deps run test test-sqlite test-postgres bench load recipe lint format gallery

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen --quiet
	@touch $@

# The demo: the second factor is off so the demo accounts sign in with the printed password
# (DANGBO_SECOND_FACTOR=1 make run to try it; production always has it on).
run: export DANGBO_SECOND_FACTOR ?= 0
run: install
	@mkdir -p $(DANGBO_DATA_DIR)
	$(DANGBO) migrate --noinput -v0
	$(DANGBO) collectstatic --noinput -v0
	$(DANGBO) seed_demo --size small --if-empty
	@echo ""
	@echo "dangbo đang chạy tại / is serving on http://$(HOST):$(PORT)"
	@echo "Đăng nhập / log in: admin / dangbo-demo-2026 (other demo users: bantochuc, khoi, kiemtra, bithu; same password)"
	@if [ "$$DANGBO_SECOND_FACTOR" = 0 ]; then echo "Xác thực hai lớp đang tắt (bản demo) / second factor off in the demo: DANGBO_SECOND_FACTOR=1 make run to try it"; fi
	@# A background worker runs imports and long exports (django-tasks): deploy/supervise.sh starts
	@# it again whenever it exits or is killed; it stops with the server.
	trap 'kill 0' EXIT; deploy/supervise.sh $(DANGBO) db_worker --no-reload -v0 & \
	$(VENV)/bin/gunicorn dangbo.wsgi:application --bind $(HOST):$(PORT) --workers 2 --access-logfile -

# Chromium, LibreOffice, poppler and a running PostgreSQL, installed/started when missing.
test-deps:
	@deploy/test-deps.sh

# The whole suite: layer contract, then every test on SQLite and on PostgreSQL, each part timed.
test: install test-deps
	$(VENV)/bin/lint-imports
	@# Both halves run whatever the first gives; the target fails if either failed.
	@start=$$(date +%s); $(MAKE) --no-print-directory test-sqlite; sqlite=$$?; \
	  echo "SQLite half: $$(( $$(date +%s) - start )) s (exit $$sqlite)"; \
	  start=$$(date +%s); $(MAKE) --no-print-directory test-postgres; postgres=$$?; \
	  echo "PostgreSQL half: $$(( $$(date +%s) - start )) s (exit $$postgres)"; \
	  [ $$sqlite -eq 0 ] && [ $$postgres -eq 0 ]

# Browser tests run once, in the PostgreSQL half: what a page draws does not depend on the database.
# (Not on SQLite: the threaded live server shares the in-memory test database's one connection,
# and the crawl's concurrent requests, lazy cards, hung it there.)
test-sqlite:
	DANGBO_DATABASE_URL=sqlite:///$(DANGBO_DATA_DIR)/test.sqlite3 $(PYTEST) -q -n 2 --dist loadgroup -m "not browser"

test-postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432"; exit 1; }
	DANGBO_DATABASE_URL=$(PG_URL) $(PYTEST) -q -n 2 --dist loadgroup

# docs/paper/: the first page of every document type, printed from a fresh demo database.
GALLERY_DB ?= sqlite:///$(DANGBO_DATA_DIR)/gallery.sqlite3
gallery: install test-deps
	@mkdir -p $(DANGBO_DATA_DIR) && rm -f $(DANGBO_DATA_DIR)/gallery.sqlite3
	DANGBO_DATABASE_URL=$(GALLERY_DB) $(DANGBO) migrate --noinput -v0
	DANGBO_DATABASE_URL=$(GALLERY_DB) $(DANGBO) seed_demo --size small
	DANGBO_DATABASE_URL=$(GALLERY_DB) $(VENV)/bin/python scripts/paper_gallery.py docs/paper

bench: install
	$(VENV)/bin/python bench/run.py

# 50 officers (locust) against gunicorn on the province dataset; figures in bench/README.md.
load: install
	$(UV) run --frozen --group load python bench/load.py

# The production recipe on loopback: PostgreSQL primary + streaming replica, two gunicorn
# nodes, a worker, smoke and fault checks (docs/operations.md). 1–3 minutes.
recipe: install
	bash deploy/recipe.sh

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

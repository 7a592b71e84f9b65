# Cơ Sở: `make run` to use it, `make test` to check it.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/coso
PYTHON_BIN := $(shell for p in python3.13 python3.12 /usr/bin/python3.13 /usr/bin/python3.12 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; \
	then command -v $$p; break; fi; done)

.PHONY: run test lint venv assets messages migrate demo serve chromium pdf-libs bench load clean collectstatic

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -n "$(PYTHON_BIN)" || { echo "Cần Python 3.12 trở lên / Python 3.12 or newer is required"; exit 1; }
	test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end packages from npm, copied into static (never a CDN).
assets: node_modules/.installed
	rm -rf static/vendor && mkdir -p static/vendor/tabler/css static/vendor/tabler/js static/vendor/htmx
	cp node_modules/@tabler/core/dist/css/tabler.min.css* static/vendor/tabler/css/
	cp node_modules/@tabler/core/dist/js/tabler.min.js* static/vendor/tabler/js/
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE static/vendor/htmx/
	mkdir -p static/vendor/leaflet
	cp -R node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images node_modules/leaflet/LICENSE static/vendor/leaflet/
	mkdir -p static/vendor/leaflet.markercluster static/vendor/protomaps-leaflet
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js node_modules/leaflet.markercluster/dist/leaflet.markercluster.js.map node_modules/leaflet.markercluster/dist/MarkerCluster.css node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css node_modules/leaflet.markercluster/MIT-LICENCE.txt static/vendor/leaflet.markercluster/
	cp node_modules/protomaps-leaflet/dist/protomaps-leaflet.js node_modules/protomaps-leaflet/dist/protomaps-leaflet.js.map node_modules/protomaps-leaflet/LICENSE static/vendor/protomaps-leaflet/
	mkdir -p static/vendor/tom-select
	cp node_modules/tom-select/dist/js/tom-select.complete.min.js node_modules/tom-select/dist/js/tom-select.complete.min.js.map node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css.map node_modules/tom-select/LICENSE static/vendor/tom-select/
	mkdir -p static/vendor/echarts
	cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE static/vendor/echarts/
	mkdir -p static/vendor/fullcalendar
	cp node_modules/fullcalendar/index.global.min.js node_modules/fullcalendar/LICENSE.md node_modules/@fullcalendar/core/locales/vi.global.min.js static/vendor/fullcalendar/

messages: venv
	@command -v msgfmt >/dev/null || apt-get install -y -qq gettext >/dev/null
	cd $(CURDIR) && $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

migrate: venv
	@mkdir -p var
	$(PY) manage.py migrate --no-input -v 0

demo: migrate
	$(PY) manage.py demo --if-empty

collectstatic: venv assets
	$(PY) manage.py collectstatic --no-input -v 0

# The tasks worker (imports, e-mail) runs beside the server and stops with it (Ctrl-C stops both).
WITH_WORKER = $(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM;

run: venv pdf-libs assets messages demo collectstatic
	$(PY) manage.py demo --print-logins
	@$(WITH_WORKER) $(PY) manage.py runserver 127.0.0.1:$(PORT)

serve: venv pdf-libs assets messages migrate collectstatic
	@$(WITH_WORKER) $(VENV)/bin/gunicorn -c gunicorn.conf.py coso.wsgi -b 127.0.0.1:$(PORT) -w 3

# The PDF briefing: WeasyPrint draws with Pango, in Liberation Serif (the metric twin of Times New Roman).
pdf-libs:
	@{ ldconfig -p | grep -q libpangoft2-1.0 && fc-list 2>/dev/null | grep -qi "Liberation Serif"; } || \
		{ apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation fontconfig >/dev/null; }

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

test: lint pdf-libs assets messages chromium
	$(VENV)/bin/pytest -q -n 2 --dist loadfile
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
		echo "== PostgreSQL =="; DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -q -n 2 --dist loadfile; \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL is required on CI at 127.0.0.1:5432"; exit 1; \
	else echo "PostgreSQL is not reachable at 127.0.0.1:5432: skipped the PostgreSQL run"; fi

# 50 users on a mixed read/write journey for 60 s, against gunicorn on PostgreSQL (database coso_load).
load: venv assets messages
	$(PY) tests/load.py --users $(or $(USERS),50) --seconds $(or $(SECONDS),60)

clean:
	rm -rf $(VENV) node_modules static/vendor var/staticfiles

# Benchmarks at city scale on a fresh database: SQLite under var/bench (var/bench.json), or with DB=pg the
# PostgreSQL database BENCH_PG_URL, dropped and created again (var/bench-pg.json). SCALE=small is quicker.
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/coso_bench
BENCH_ENV := COSO_VAR_DIR=var/bench $(if $(filter pg,$(DB)),DATABASE_URL=$(BENCH_PG_URL))
bench: venv assets messages
	rm -rf var/bench && mkdir -p var/bench
	$(if $(filter pg,$(DB)),$(PY) -c "$$RECREATE_DATABASE" $(BENCH_PG_URL))
	$(BENCH_ENV) $(PY) manage.py migrate --no-input -v 0
	$(BENCH_ENV) $(PY) manage.py collectstatic --no-input -v 0
	$(BENCH_ENV) $(PY) manage.py seed_scale --scale $(or $(SCALE),city)
	$(BENCH_ENV) $(PY) manage.py bench --output var/bench$(if $(filter pg,$(DB)),-pg).json

# Drop and create the PostgreSQL database named by the URL given as the argument (for make bench DB=pg).
define RECREATE_DATABASE
import sys
from urllib.parse import urlsplit

import psycopg

url = urlsplit(sys.argv[1])
name = url.path.lstrip("/")
with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as admin:
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
endef
export RECREATE_DATABASE

# Career assistant: every target works on a fresh clone (each depends on `install`).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8080
PYTEST_ARGS ?=

.PHONY: lock audit install run test test-unit test-contract test-e2e test-infra test-web lint fmt bench load bundle infra-inventory clean emulators-install test-emulators run-emulated web web-client chromium

# Emulators: firebase-tools from emulators/package-lock.json, the Cloud Tasks emulator in a venv of its own.
EMU := .emulators
NPM_STAMP := emulators/node_modules/.installed-stamp
TASKS_VENV := $(EMU)/tasks-venv
TASKS_STAMP := $(TASKS_VENV)/.installed-stamp

# The web app: npm ci from web/package-lock.json, then a production build into web/dist.
WEB_STAMP := web/dist/.build-stamp
WEB_DEPS_STAMP := web/node_modules/.installed-stamp
WEB_SOURCES := web/package.json web/package-lock.json web/index.html web/vite.config.ts web/tsconfig.json $(shell find web/src -type f 2>/dev/null)

install: $(STAMP) $(WEB_STAMP)

web: $(WEB_STAMP)

# npm ci only when the lock changed (a stamp inside node_modules), so regenerating the client keeps it.
$(WEB_DEPS_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(WEB_STAMP): $(WEB_SOURCES) $(WEB_DEPS_STAMP)
	cd web && npm run build
	touch $@

# After a route change: the OpenAPI documents from the route tables, then the typed client.
web-client: $(STAMP) $(WEB_DEPS_STAMP)
	$(BIN)/career openapi api --out web/openapi/api.json
	$(BIN)/career openapi ops --out web/openapi/ops.json
	cd web && npm run gen:client

# Browser tests drive the system chromium (CI runs as root; Playwright cannot download browsers here).
chromium:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

# Rebuilt whenever pyproject.toml or the compiled reader's source changes (setup.py builds
# shared/domain/_wordscan.c, decision 0092); pip is idempotent for what is already there.
$(STAMP): pyproject.toml setup.py shared/domain/_wordscan.c
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

emulators-install: $(NPM_STAMP) $(TASKS_STAMP)

$(NPM_STAMP): emulators/package.json emulators/package-lock.json
	cd emulators && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# It pins protobuf<5, which would break the project venv; patched to bind 127.0.0.1 (see the script).
$(TASKS_STAMP): emulators/tasks-requirements.txt scripts/patch_tasks_emulator.py
	rm -rf $(TASKS_VENV)
	$(PY) -m venv $(TASKS_VENV)
	$(TASKS_VENV)/bin/python -m pip install -q --disable-pip-version-check -r emulators/tasks-requirements.txt
	$(TASKS_VENV)/bin/python -W ignore scripts/patch_tasks_emulator.py
	touch $@

run: install
	$(BIN)/career serve --port $(PORT)

test: install emulators-install chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-emulators: install emulators-install
	$(BIN)/python -m pytest -m emulator $(PYTEST_ARGS)

run-emulated: install emulators-install
	$(BIN)/python scripts/emulators.py run

test-unit: install
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

test-contract: install
	$(BIN)/python -m pytest tests/contract $(PYTEST_ARGS)

test-e2e: install
	$(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

test-infra: install
	$(BIN)/python -m pytest tests/infra $(PYTEST_ARGS)

test-web: install chromium
	$(BIN)/python -m pytest tests/web $(PYTEST_ARGS)

# One deterministic, content-hashed archive per function: build/bundles/<name>-<sha>.zip,
# installing its hash-pinned lock (infra/locks/), with its CycloneDX SBOM <name>-<sha>.cdx.json
bundle: install
	$(BIN)/python -m infra.bundle

# Re-resolve the hash-pinned lock of every requirements set (needs the package registry).
lock: install
	$(BIN)/python -m infra.locks update

# Known vulnerabilities in every lock (pip-audit; needs the vulnerability service, so CI only).
audit: install
	$(BIN)/python -m infra.locks audit

# Every resource the Pulumi program declares, under mocks (no cloud, no Pulumi CLI).
infra-inventory: install
	$(BIN)/python -m infra.inventory

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	PYTHONPATH=. $(BIN)/lint-imports
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/actionlint

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python -m bench

# Bounded load on loopback: career serve started and stopped by the tool, 16 then 32 clients for 20 s each.
load: install
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) $(EMU) emulators/node_modules web/node_modules web/dist .data .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache build dist *.egg-info shared/domain/_wordscan.*.so

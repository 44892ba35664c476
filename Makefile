# Horgos: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench screenshots messages lint fmt clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

## run: embedded PostgreSQL and Redis (unless DATABASE_URL/REDIS_URL), migrate, demo data, web + worker + beat
run: $(STAMP)
	$(BIN)/python scripts/dev.py run

## test: the whole suite against real PostgreSQL and Redis, then ruff, migrations and the deploy check
test: $(STAMP)
	$(BIN)/python scripts/dev.py test $(PYTEST_ARGS)

## bench: every benchmark under bench/, each printing its figures
bench: $(STAMP)
	$(BIN)/python scripts/dev.py bench

## screenshots: docs/screenshots/*.png of the lane desk, live panel and lists, from headless Chromium on demo data
screenshots: $(STAMP)
	$(BIN)/python scripts/dev.py screenshots

## messages: extract translatable strings into locale/ (needs GNU gettext's xgettext)
messages: $(STAMP)
	DEBUG=true $(BIN)/python manage.py makemessages --no-obsolete --no-location -l zh_Hans -l kk -l ru -l en \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'static/vendor/*'

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var

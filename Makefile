# facilitation — the two commands a newcomer needs: `make run` and `make test`.
# Each one does all the set-up (virtualenv in .venv/, install, translations, migrations).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
PORT   ?= 5000
N      ?= 2000
S      ?= 5
export PORT

.PHONY: run test lint install install-test translations migrate bench extract-messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d facilitation/translations > /dev/null

migrate: install translations
	$(FLASK) db upgrade

## make run: serve on http://127.0.0.1:$(PORT), with demo data if the database is empty;
## prints the demo logins and the live board's links every time.
## HOST=0.0.0.0 make run: phones on the room's Wi-Fi reach the laptop (QR = its address).
run: migrate
	@$(FLASK) seed-demo --if-empty --json > /dev/null
	@$(FLASK) demo-logins
	$(FLASK) serve --port $(PORT)

## make test: the whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set.
test: install-test translations lint
	$(BIN)/pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== second pass on PostgreSQL ($$TEST_DATABASE_URL)"; \
		$(BIN)/pytest --database-url "$$TEST_DATABASE_URL"; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true but TEST_DATABASE_URL is not set: the PostgreSQL pass is required." >&2; exit 1; \
	fi

## lint: ruff, then bandit (no finding of medium severity or higher; a justified exception
## is marked in place with `# nosec BXXX` and the reason).
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --recursive facilitation --severity-level medium

bench: install-test migrate
	$(BIN)/python bench/live_vote.py --participants $(N) --window $(S) --against reference

## Maintainers: refresh the message catalogs after changing user-facing strings.
## Sorted, without source locations or wrapping: one entry changes only when its text does.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --no-wrap \
		-o facilitation/translations/messages.pot .
	$(BIN)/pybabel update -i facilitation/translations/messages.pot -d facilitation/translations \
		--no-fuzzy-matching --ignore-obsolete --no-wrap --ignore-pot-creation-date

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

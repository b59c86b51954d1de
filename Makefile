# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
P2HAM := $(VENV)/bin/p2ham
STAMP := $(VENV)/.installed-$(shell cat setup.cfg setup.py | cksum | cut -d' ' -f1)

.PHONY: install run test lint bench clean

$(STAMP): setup.cfg setup.py
	@echo "==> Menyiapkan virtualenv $(VENV) (sekali saja)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

run: install
	@$(P2HAM) db upgrade
	@$(P2HAM) demo --if-empty
	@mkdir -p instance; $(P2HAM) smtp-sink >>instance/smtp-sink.log 2>&1 & sink=$$!; \
	 $(P2HAM) worker >>instance/worker.log 2>&1 & worker=$$!; \
	 trap 'kill $$sink $$worker 2>/dev/null' EXIT INT TERM; \
	 echo "==> SMTP sink (instance/mailbox/) dan worker berjalan; log di instance/*.log"; \
	 $(P2HAM) serve

# SQLite always; PostgreSQL too when a server answers on 127.0.0.1:5432 (or TEST_DATABASE_URL is set).
test: install
	@$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	@$(VENV)/bin/ruff check .

bench: install
	@$(P2HAM) bench

clean:
	rm -rf $(VENV) instance .pytest_cache

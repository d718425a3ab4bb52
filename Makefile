# The two commands of the README, and the checks CI runs.
# uv is called as `python3 -m uv` so that it works right after pip installs it, shims or not;
# python3 is 3.12 inside this folder, through .python-version.
UV := python3 -m uv
HOST_PORT := 127.0.0.1:8000

.PHONY: install run test run-packages system-packages lint format

install:
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --locked
	@# The catalogues under locale/ are compiled here, not committed compiled.
	@test ! -d locale || DEBUG=true $(UV) run python manage.py compilemessages --ignore .venv --verbosity 0

# A developer's server: DEBUG on, so the development secret key and static serving apply;
# the background worker (emails) beside it.
run: export DEBUG = true
run: install run-packages
	$(UV) run python manage.py migrate --noinput
	$(UV) run python manage.py load_reference
	$(UV) run python manage.py seed_demo --if-empty
	@# The worker that sends the emails runs beside the server and stops with it.
	$(UV) run python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(UV) run python manage.py runserver $(HOST_PORT)

# Debian packages, installed when missing (as root): Noto CJK for the Chinese PDF (and
# pages); for the tests also Chromium (browser tests) and poppler-utils (reads the PDF back).
RUN_PACKAGES := fonts-noto-cjk
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils
install_missing = missing=$$(for package in $(1); do \
	  dpkg -s $$package >/dev/null 2>&1 || echo $$package; done); \
	if [ -n "$$missing" ]; then apt-get update -qq && apt-get install -y -qq $$missing; fi

run-packages:
	@$(call install_missing,$(RUN_PACKAGES))

system-packages:
	@$(call install_missing,$(TEST_PACKAGES))

test: install system-packages
	$(UV) run pytest

lint:
	$(UV) run ruff check .
	$(UV) run ruff format --check .

format:
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

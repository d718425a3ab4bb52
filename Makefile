# The two commands of the README, and the checks CI runs.
# uv is called as `python3 -m uv` so that it works right after pip installs it, shims or not;
# python3 is 3.12 inside this folder, through .python-version.
UV := python3 -m uv
HOST_PORT := 127.0.0.1:8000

.PHONY: install run test system-packages lint format

install:
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --locked

# A developer's server: DEBUG on, so the development secret key and static serving apply;
# the background worker (emails) beside it.
run: export DEBUG = true
run: install
	$(UV) run python manage.py migrate --noinput
	$(UV) run python manage.py load_reference
	$(UV) run python manage.py seed_demo --if-empty
	@# The worker that sends the emails runs beside the server and stops with it.
	$(UV) run python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(UV) run python manage.py runserver $(HOST_PORT)

# What the tests use from Debian, installed when missing (as root): Chromium for the browser
# tests, poppler-utils to read the PDF's text back.
DEBIAN_PACKAGES := chromium poppler-utils
system-packages:
	@missing=$$(for package in $(DEBIAN_PACKAGES); do \
	  dpkg -s $$package >/dev/null 2>&1 || echo $$package; done); \
	if [ -n "$$missing" ]; then apt-get update -qq && apt-get install -y -qq $$missing; fi

test: install system-packages
	$(UV) run pytest

lint:
	$(UV) run ruff check .
	$(UV) run ruff format --check .

format:
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

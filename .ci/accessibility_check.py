"""WCAG 2.1 A and AA on every page of the README's table (tests/pages.py), at 1280 and
390 px, and on the main pages in Indonesian, French and Chinese, checked by axe-core in
Chromium against the app as `make run` serves it (SQLite, the reference data, the
demonstration data), under gunicorn; and a screenshot of each page at each width under
test-artifacts/pages/, to be looked at. Kept out of the test suite for its time (about
three minutes); CI runs it after the tests. Exits non-zero on any violation.

    python3 -m uv run python .ci/accessibility_check.py [screenshot name ...]
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pages import open_each_page  # noqa: E402

PORT = 8781
SITE = f"http://127.0.0.1:{PORT}"
PASSWORD = "accessibility-check-password"
SCREENSHOTS = ROOT / "test-artifacts" / "pages"
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"  # 4.14.1, from the npm registry
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


# The pages to check, by screenshot name (all when none is named): a developer's shortcut.
ONLY = set(sys.argv[1:]) or None
# Every page in English at both widths; the main pages in each other language (the browser
# asks for it, as a user's would), where the words are longer or need other fonts.
IN_EACH_LANGUAGE = {"dashboard", "matrix", "report-form", "workspace", "report", "open-data"}
RUNS = [(1280, "en", ONLY), (390, "en", ONLY)] + [
    (width, language, ONLY & IN_EACH_LANGUAGE if ONLY else IN_EACH_LANGUAGE)
    for language in ("id", "fr", "zh-CN")
    for width in (1280, 390)
]


def environment(database: Path) -> dict:
    return {
        **os.environ,
        "SQLITE_PATH": str(database),
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "accessibility-check-" + "Zp4Lq8Nw2Xc6Vb1Mt5Rk9Hs3" * 2,
        "DEBUG": "false",
        "SECURE_COOKIES": "false",
        "STATIC_FROM_SOURCE": "true",
        "DJANGO_SETTINGS_MODULE": "bali_followup.settings",
    }


def prepare(env: dict) -> None:
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "-v0"], ["load_reference"], ["seed_demo", "--password", PASSWORD]):
        subprocess.run(manage + command, check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def start_server(env: dict) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bali_followup.wsgi", "--bind", f"127.0.0.1:{PORT}",
         "--workers", "2", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            with urllib.request.urlopen(SITE + "/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def log_in(page, site, username):
    page.goto(f"{site}/accounts/login/")
    # By the fields' names: the labels are in the page's language.
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


def violations_on(page) -> list[str]:
    page.add_script_tag(path=AXE)
    result = page.evaluate("tags => axe.run(document, {runOnly: tags})", WCAG_21_AA)
    return [
        f"{v['id']} ({v['impact']}): {node['target']}: {v['help']}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        env = environment(Path(folder) / "check.sqlite3")
        prepare(env)
        os.environ.update(env)  # tests.pages reads ids from the same database
        # Playwright's sync API runs an event loop in this thread; the ORM's reads here are safe.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        import django

        django.setup()
        server = start_server(env)
        failures, checked = [], 0
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                     args=CHROMIUM_ARGS)  # fmt: skip
                for width, language, only in RUNS:
                    # The Content Security Policy would refuse axe's script: the check's own.
                    pages = open_each_page(browser, SITE, width, log_in, only=only,
                                           bypass_csp=True, locale=language)  # fmt: skip
                    suffix = "" if language == "en" else f"-{language}"
                    for name, page in pages:
                        checked += 1
                        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                        page.screenshot(path=SCREENSHOTS / f"{name}-{width}{suffix}.jpg",
                                        full_page=True, type="jpeg", quality=80)  # fmt: skip
                        where = f"{name} at {width} px, {language}"
                        failures += [f"{where}: {v}" for v in violations_on(page)]
                browser.close()
        finally:
            server.terminate()
            server.wait()
    for failure in failures:
        print(failure)
    print(f"axe-core {len(failures)} violation(s) on {checked} page views (WCAG 2.1 A and AA)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""The pages of the README's table, as each is opened: by whom, at which address, and the name
of its screenshot. Shared by the browser tests (layout at 390 and 1280 px) and the
accessibility check (.ci/accessibility_check.py). `{report}` and `{group}` are filled in with
ids of the data loaded (see `page_ids`)."""

README_PAGES = [
    ("anonymous", "/accounts/login/", "login"),
    ("anonymous", "/accounts/password_reset/", "password-reset"),
    ("anonymous", "/status-scale/", "status-scale"),
    ("anonymous", "/data/", "open-data"),
    ("anonymous", "/meetings/bali-2003/", "meeting-anonymous"),
    ("anonymous", "/commitments/17a/", "commitment-anonymous"),
    ("demo-secretariat", "/", "dashboard"),
    ("demo-secretariat", "/todo/", "todo"),
    ("demo-secretariat", "/matrix/", "matrix"),
    ("demo-secretariat", "/matrix/?as_of=2004-06-07&compare=2003-04-28", "matrix-compare"),
    ("demo-secretariat", "/countries/", "countries"),
    ("demo-secretariat", "/countries/idn/", "country"),
    ("demo-secretariat", "/commitments/", "commitments"),
    ("demo-secretariat", "/commitments/17a/", "commitment"),
    ("demo-secretariat", "/reports/", "reports"),
    ("demo-secretariat", "/reports/{report}/", "report"),
    ("demo-secretariat", "/reports/import/", "import"),
    ("demo-secretariat", "/comments/", "comment-queue"),
    ("demo-secretariat", "/meetings/", "meetings"),
    ("demo-secretariat", "/meetings/bali-2003/", "meeting"),
    ("demo-secretariat", "/groups/", "groups"),
    ("demo-secretariat", "/groups/{group}/", "group"),
    ("demo-secretariat", "/ministerial-review/", "ministerial-review"),
    ("demo-secretariat", "/ministerial-review/print/", "ministerial-review-print"),
    ("demo-secretariat", "/handover/", "handover"),
    ("demo-secretariat", "/accounts/password_change/", "password-change"),
    ("demo-secretariat", "/accounts/tokens/", "api-tokens"),
    ("demo-secretariat", "/accounts/", "account"),
    ("demo-official-idn", "/my/", "workspace"),
    ("demo-official-idn", "/my/reports/new/?commitment=17a", "report-form"),
]
USERS = ("anonymous", "demo-secretariat", "demo-official-idn")


def page_ids() -> dict:
    """The ids the addresses above need: a submitted correction (its history says what it
    changed), and the first experts' group."""
    from commitments.models import ExpertGroup, ProgressReport

    return {
        "report": ProgressReport.objects.submitted().exclude(corrects=None).first().pk,
        "group": ExpertGroup.objects.order_by("pk").first().pk,
    }


def open_each_page(browser, site, width, log_in, only=None, **context_options):
    """Open each page at `width` (those named in `only`, if given), each user in a browser
    context of its own (logged in with `log_in(page, site, username)`); yield (name, page)
    once it has loaded."""
    ids = page_ids()
    chosen = [row for row in README_PAGES if only is None or row[2] in only]
    for username in sorted({who for who, _, _ in chosen}, key=USERS.index):
        viewport = {"width": width, "height": 900}
        context = browser.new_context(viewport=viewport, **context_options)
        page = context.new_page()
        if username != "anonymous":
            log_in(page, site, username)
            page.wait_for_load_state()
        for who, path, name in chosen:
            if who == username:
                response = page.goto(site + path.format(**ids))
                assert response.status == 200, f"{path} answered {response.status}"
                yield name, page
        context.close()

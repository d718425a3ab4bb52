"""The permission matrix: every URL pattern of the project (read from the resolver, the admin's
and django.contrib.auth's included), for every role and method, against a declared outcome.

Roles: anonymous; an official of A (Indonesia); an official of B (Thailand); the secretariat
(staff, in the Secretariat group, no participant); a superuser. Methods: GET and POST (an
empty body unless the row says otherwise). Each cell runs in a fresh client, logged in with
force_login, and does not follow redirects.

The table below declares, per URL pattern name (fnmatch wildcards allowed for the admin's
generated names, the most specific one winning; unnamed patterns by their route), per target
object, the outcome for each role: a status code, a redirect (to a login page, say), a page
that must contain a text, or a rule (`Admin`) that reads the staff's rights from
ADMIN_RIGHTS. A URL pattern with no row
fails the test, so a new URL must be declared here.

Besides the declared outcomes, three invariants hold in every cell:
- no leak: an official never gets 200 on the other participant's draft, never has a write on
  the other participant's records accepted, and no page outside the admin shows a draft's
  text to anyone but the officials of its participant;
- a refused request (4xx, or sent to a login page) writes nothing;
- no 500.
"""

import copy
import fnmatch
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from commitments.models import (
    Comment,
    EvidenceFile,
    ExpertGroup,
    ExpertMeeting,
    Handover,
    Mechanism,
    MeetingDocument,
    Official,
    ProgressReport,
    Recommendation,
    RecommendationEvent,
    SentReminder,
    Volunteer,
)
from commitments.services.imports import import_preview
from commitments.services.mail import queue_email
from commitments.services.tokens import token_create
from tests.conftest import make_report

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "official_a", "official_b", "secretariat", "superuser")
OFFICIAL_OF = {"official_a": "A", "official_b": "B"}
GET, POST = "GET", "POST"
MIN_CELLS = 500

# Text found only in drafts: no page outside the admin may show it to anyone but the officials
# of the draft's participant.
DRAFT_MARKER = {"A": "UNSUBMITTED-IDN-DRAFT-TEXT", "B": "UNSUBMITTED-THA-DRAFT-TEXT"}


# Outcomes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    """A redirect (301 or 302) whose Location starts with `to`."""

    to: str

    def check(self, response, cell) -> bool:
        return response.status_code in (301, 302) and response["Location"].startswith(self.to)

    def __str__(self):
        return f"redirect to {self.to}"


@dataclass(frozen=True)
class Page:
    """A 200 page that contains `text`."""

    text: str

    def check(self, response, cell) -> bool:
        return response.status_code == 200 and self.text in response.content.decode()

    def __str__(self):
        return f"200 containing {self.text!r}"


@dataclass(frozen=True)
class OneOf:
    """Any of these outcomes."""

    options: tuple

    def check(self, response, cell) -> bool:
        return any(matches(option, response, cell) for option in self.options)

    def __str__(self):
        return " or ".join(str(option) for option in self.options)


@dataclass(frozen=True)
class Admin:
    """An admin page for staff: `granted` if the role has `right` (v, a, c or d) on the page's
    model or object according to ADMIN_RIGHTS, else 403. "v" means view or change, as in the
    admin itself."""

    right: str
    granted: object = 200

    def resolve(self, cell):
        rights = admin_rights(cell.model_label, cell.target.label, cell.role)
        if rights == HIDDEN:
            return Redirect("/admin/")  # the admin's "does not exist" answer
        has = ("v" in rights or "c" in rights) if self.right == "v" else self.right in rights
        return self.granted if has else 403


def matches(expected, response, cell) -> bool:
    if isinstance(expected, Admin):
        expected = expected.resolve(cell)
    if isinstance(expected, int):
        return response.status_code == expected
    return expected.check(response, cell)


def describe(expected, cell) -> str:
    if isinstance(expected, Admin):
        expected = expected.resolve(cell)
    return str(expected)


LOGIN = Redirect("/accounts/login/?next=")
ADMIN_LOGIN = Redirect("/admin/login/?next=")
TO_REPORT = Redirect("/reports/")
NOT_LINKED = Page("is not linked to a participating state or entity")


def every(outcome):
    return (outcome,) * len(ROLES)


def admin_only(get, post):
    """A page of the admin: anonymous users and officials (not staff) go to the admin's login;
    the staff get `get` and `post`."""
    return (
        (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, get, get),
        (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, post, post),
    )


# Targets: the objects (and posted data) a URL is filled with -------------------------------------

VALID_REPORT = {
    "status": "limited",
    "as_of": "2003-01-15",
    "narrative": "A national plan of action was adopted.",
    "evidence_links": "",
    "source": "The ministry",
    "confidence": "medium",
}


@dataclass(frozen=True)
class Target:
    label: str
    # Returns the object the URL is about, from the world; called for each cell.
    get: Callable | None = None
    owner: str | None = None  # "A" or "B": whose record it is
    draft: bool = False
    query: str = ""
    slug: str | None = None  # a meeting's address, if not the world's expert meeting
    action: str = "submit"  # a recommendation's move
    export: str = "csv"  # a download's format
    # The POST body: a dict, or a function of the world that returns one.
    data: dict | Callable = field(default_factory=dict)

    def body(self, world):
        return self.data(world) if callable(self.data) else self.data


NONE = Target("-")
TARGETS = {
    target.label: target
    for target in [
        NONE,
        Target("A's draft", lambda w: w.a_draft, "A", draft=True),
        Target("A's submitted report", lambda w: w.a_submitted, "A"),
        Target("B's draft", lambda w: w.b_draft, "B", draft=True),
        Target("B's submitted report", lambda w: w.b_submitted, "B"),
        Target("A's draft's file", lambda w: w.a_file, "A", draft=True),
        Target("B's draft's file", lambda w: w.b_draft_file, "B", draft=True),
        Target("B's submitted report's file", lambda w: w.b_file, "B"),
        Target(
            "A's draft, posting participant=THA",
            lambda w: w.a_draft,
            "A",
            draft=True,
            data={**VALID_REPORT, "participant": "THA"},
        ),
        Target(
            "A's submitted report, posting participant=THA",
            lambda w: w.a_submitted,
            "A",
            data={**VALID_REPORT, "participant": "THA"},
        ),
        Target("commitment 17a", query="?commitment=17a"),
        Target(
            "commitment 17a, posting participant=THA",
            query="?commitment=17a",
            owner="B",
            data={**VALID_REPORT, "participant": "THA"},
        ),
        Target(
            "commitment 17a, posting participant=IDN",
            query="?commitment=17a",
            owner="A",
            data={**VALID_REPORT, "participant": "IDN"},
        ),
        Target("untracked commitment 15", query="?commitment=15"),
        Target(
            "autocomplete of a report's participant",
            query="?app_label=commitments&model_name=progressreport&field_name=participant",
        ),
        Target("Indonesia", lambda w: w.indonesia),
        Target("AHEG I", lambda w: w.group),
        Target("the meeting's document file", lambda w: w.document),
        Target(
            "AHEG I, posting participant=THA",
            lambda w: w.group,
            owner="B",
            data={"participant": "THA"},
        ),
        Target(
            "the expert meeting, posting participant=THA", owner="B", data={"participant": "THA"}
        ),
        Target("Bali 2003", slug="bali-2003"),
        Target("the recommendation, submit", lambda w: w.recommendation),
        Target("the recommendation, an unknown move", lambda w: w.recommendation, action="adopt"),
        Target("CSV export", query="?export=csv"),
        Target("A's import", lambda w: w.a_import, "A"),
        Target("AHEG I, by slug", slug="aheg-1"),
        Target("the APC", slug="apc"),
        Target("the recommendation", lambda w: w.recommendation),
        Target("the handover", lambda w: w.handover),
        Target("A's API token", lambda w: w.a_token, "A"),
        # Bodies that would pass the version page's form: what a revert would write.
        Target(
            "the comment, posting a rewritten body",
            lambda w: w.comment,
            "A",
            data=lambda w: {
                "report": w.comment.report_id,
                "author": w.comment.author_id,
                "kind": "acknowledgement",
                "body": "Rewritten through the history page.",
            },
        ),
        Target(
            "A's draft's file, posting it onto B's submitted report",
            lambda w: w.a_file,
            "A",
            draft=True,
            data=lambda w: {
                "report": w.b_submitted.pk,
                "original_name": "moved.pdf",
                "content_type": "application/pdf",
                "size": w.a_file.size,
                "uploaded_by": "",
            },
        ),
    ]
}
# The admin's object pages are tested on these objects of their model ("an object": any one).
ADMIN_TARGETS = {
    "commitments_progressreport": ["A's draft", "A's submitted report", "B's draft"],
    "commitments_evidencefile": ["A's draft's file", "B's submitted report's file"],
    "auth_user": ["official A's account", "the superuser's account"],
}
for labels in ADMIN_TARGETS.values():
    for label in labels:
        TARGETS.setdefault(label, Target(label))
TARGETS["official A's account"] = Target("official A's account", lambda w: w.official_a)
TARGETS["the superuser's account"] = Target("the superuser's account", lambda w: w.superuser)
AN_OBJECT = Target("an object")  # its object comes from World.admin_object(model)
ANY_ADMIN_OBJECT = "any admin object"  # in a row: each of the model's admin targets


# What the staff may do in the admin -----------------------------------------------------------

# v(iew), a(dd), c(hange), d(elete), per model ("app_model") or per model and object
# ("app_model/target"). The secretariat's come from its group (commitments.roles); the
# superuser's are everything the ModelAdmins allow. Submitted reports are read-only and cannot
# be deleted; evidence files and comments are written only by the site's own workflow; a
# secretariat member cannot change or delete a superuser; axes' records cannot be added.
HIDDEN = "hidden"  # not in the role's admin at all: drafts are their officials' work

ADMIN_RIGHTS = {
    "commitments_*": {"secretariat": "vacd", "superuser": "vacd"},
    # Reports are read-only once stored; drafts are hidden from the secretariat.
    "commitments_progressreport/A's submitted report": {"secretariat": "v", "superuser": "v"},
    "commitments_progressreport/A's draft": {"secretariat": HIDDEN, "superuser": "v"},
    "commitments_progressreport/B's draft": {"secretariat": HIDDEN, "superuser": "v"},
    "commitments_evidencefile": {"secretariat": "v", "superuser": "v"},
    "commitments_evidencefile/A's draft's file": {"secretariat": HIDDEN, "superuser": "v"},
    # Who writes for a country is a superuser's decision.
    "commitments_official": {"secretariat": "v", "superuser": "vacd"},
    "commitments_recommendationevent": {"secretariat": "v", "superuser": "v"},
    "commitments_handover": {"secretariat": "v", "superuser": "v"},
    "commitments_sentreminder": {"secretariat": "v", "superuser": "v"},
    "commitments_outgoingemail": {"secretariat": "v", "superuser": "v"},
    # The task queue's own records (the email worker's): the superuser's, to diagnose.
    "django_tasks_database_dbtaskresult": {"secretariat": "", "superuser": "v"},
    "commitments_comment": {"secretariat": "v", "superuser": "v"},
    # p: set a password; only a superuser may (else the secretariat could sign in as an
    # official and write for that country).
    "auth_user": {"secretariat": "vac", "superuser": "vacdp"},
    "auth_user/the superuser's account": {"secretariat": "v", "superuser": "vcdp"},
    "auth_group": {"secretariat": "v", "superuser": "vacd"},
    "axes_accessattempt": {"secretariat": "vd", "superuser": "vcd"},
    "axes_accesslog": {"secretariat": "", "superuser": "vcd"},
    "axes_accessfailurelog": {"secretariat": "v", "superuser": "vcd"},
}


def admin_rights(model_label, target_label, role) -> str:
    for key in (f"{model_label}/{target_label}", model_label, model_label.split("_")[0] + "_*"):
        if key in ADMIN_RIGHTS:
            return ADMIN_RIGHTS[key][role]
    raise AssertionError(f"ADMIN_RIGHTS has no row for {model_label}")


# The table --------------------------------------------------------------------------------------
# Each row: URL pattern -> {target: (GET outcomes, POST outcomes)}, outcomes in ROLES order:
#   (anonymous, official of A, official of B, secretariat, superuser).
# None instead of a tuple: the method is not tried with this target (the target only varies
# the posted data).

R405 = every(405)
ADMIN_REFUSED = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403, 403)
PUBLIC_PAGE = {"-": (every(200), R405)}
PROGRESS_PAGE = {"-": ((LOGIN, 200, 200, 200, 200), R405)}
API_PUBLIC = {"-": (every(200), R405)}
API_PROGRESS_POST = (401, 405, 405, 405, 405)
API_PROGRESS = {"-": ((401, 200, 200, 200, 200), API_PROGRESS_POST)}

TABLE = {
    # The status pages: reference data public, progress behind a login -------------------------
    "home": PUBLIC_PAGE,
    "healthz": PUBLIC_PAGE,
    "matrix": PROGRESS_PAGE,
    "country_list": PROGRESS_PAGE,
    "country_detail": PUBLIC_PAGE,
    "commitment_list": PUBLIC_PAGE,
    "commitment_detail": PUBLIC_PAGE,
    # A class-based view whose login check wraps dispatch: anonymous POST is sent to login
    # before the method is refused; either answer refuses it.
    "report_list": {
        "-": ((LOGIN, 200, 200, 200, 200), (OneOf((LOGIN, 405)), 405, 405, 405, 405)),
        "CSV export": ((LOGIN, 200, 200, 200, 200), (OneOf((LOGIN, 405)), 405, 405, 405, 405)),
    },
    "meeting_list": PUBLIC_PAGE,
    "meeting_detail": PUBLIC_PAGE,
    # Issue 5: groups, volunteering, attendance, recommendations' moves, the handover ---------
    "meeting_document": {"the meeting's document file": (every(200), R405)},
    "group_list": PUBLIC_PAGE,
    "group_detail": {"AHEG I": (every(200), R405)},
    "group_volunteer": {
        # Thailand volunteered already: B's repeat is a redirect with a message, no write.
        "AHEG I": (R405, (LOGIN, Redirect("/groups/"), Redirect("/groups/"), 403, 403)),
        "AHEG I, posting participant=THA": (None, (LOGIN, 403, Redirect("/groups/"), 403, 403)),
    },
    "meeting_attendance": {
        "-": (R405, (LOGIN, Redirect("/meetings/"), Redirect("/meetings/"), 403, 403)),
        "the expert meeting, posting participant=THA": (
            None,
            (LOGIN, 403, Redirect("/meetings/"), 403, 403),
        ),
        "Bali 2003": (R405, (LOGIN, 404, 404, 404, 404)),  # not an experts' meeting
    },
    "recommendation_move": {
        # An empty form: back to the meeting with a message, nothing written.
        "the recommendation, submit": (
            R405,
            (LOGIN, 403, 403, Redirect("/meetings/"), Redirect("/meetings/")),
        ),
        "the recommendation, an unknown move": (R405, (LOGIN, 404, 404, 404, 404)),
    },
    "ministerial_review": {"-": (every(200), R405)},  # the matrix in it only after login
    "ministerial_review_print": {"-": ((LOGIN, 200, 200, 200, 200), R405)},
    "ministerial_review_pdf": {"-": ((LOGIN, 200, 200, 200, 200), R405)},
    # The earlier addresses send everyone on to the new ones, where the checks above apply.
    "old_ministerial_review": {"-": (every(Redirect("/ministerial-review/")), R405)},
    "old_ministerial_review_print": {"-": (every(Redirect("/ministerial-review/print/")), R405)},
    "old_ministerial_review_pdf": {"-": (every(Redirect("/ministerial-review/report.pdf")), R405)},
    "old_comment_queue": {"-": (every(Redirect("/comments/")), R405)},
    "handover": {"-": ((LOGIN, 200, 200, 200, 200), R405)},
    "handover_record": {
        "-": (R405, (LOGIN, 403, 403, Redirect("/handover/"), Redirect("/handover/")))
    },
    # One report: submitted ones to whoever is logged in, drafts to their officials only ---------
    "report_detail": {
        "A's draft": ((LOGIN, 200, 404, 404, 404), R405),
        "A's submitted report": ((LOGIN, 200, 200, 200, 200), R405),
        "B's draft": ((LOGIN, 404, 200, 404, 404), R405),
        "B's submitted report": ((LOGIN, 200, 200, 200, 200), R405),
    },
    # Comments: the secretariat and the report's own officials, on submitted reports. An empty
    # body re-renders the form (200) and writes nothing.
    "comment_create": {
        "A's draft": (R405, (LOGIN, 403, 404, 404, 404)),
        "A's submitted report": (R405, (LOGIN, 200, 403, 200, 200)),
        "B's draft": (R405, (LOGIN, 404, 403, 404, 404)),
        "B's submitted report": (R405, (LOGIN, 403, 200, 200, 200)),
    },
    "evidence_download": {
        "A's draft's file": ((LOGIN, 200, 404, 404, 404), R405),
        "B's draft's file": ((LOGIN, 404, 200, 404, 404), R405),
        "B's submitted report's file": ((LOGIN, 200, 200, 200, 200), R405),
    },
    # The official's workspace ------------------------------------------------------------------
    "workspace": {"-": ((LOGIN, 200, 200, NOT_LINKED, NOT_LINKED), R405)},
    "report_create": {
        "commitment 17a": ((LOGIN, 200, 200, 403, 403), (LOGIN, 200, 200, 403, 403)),
        "untracked commitment 15": ((LOGIN, 404, 404, 403, 403), (LOGIN, 404, 404, 403, 403)),
        # Another participant's identifier injected into a valid form: refused, not ignored.
        "commitment 17a, posting participant=THA": (None, (LOGIN, 403, TO_REPORT, 403, 403)),
        "commitment 17a, posting participant=IDN": (None, (LOGIN, TO_REPORT, 403, 403, 403)),
    },
    "report_edit": {
        "A's draft": ((LOGIN, 200, 404, 404, 404), (LOGIN, 200, 404, 404, 404)),
        # A POST by the report's own official is taken as a save after a colleague submitted
        # the draft: 409, the typed text offered as a correction, nothing written.
        "A's submitted report": ((LOGIN, 403, 403, 403, 403), (LOGIN, 409, 403, 403, 403)),
        "B's draft": ((LOGIN, 404, 200, 404, 404), (LOGIN, 404, 200, 404, 404)),
        "B's submitted report": ((LOGIN, 403, 403, 403, 403), (LOGIN, 403, 409, 403, 403)),
        "A's draft, posting participant=THA": (None, (LOGIN, 403, 404, 404, 404)),
    },
    "report_delete": {
        # An empty POST says no version: back to the draft, nothing deleted.
        "A's draft": (R405, (LOGIN, TO_REPORT, 404, 404, 404)),
        "A's submitted report": (R405, (LOGIN, 403, 403, 403, 403)),
        "B's draft": (R405, (LOGIN, 404, TO_REPORT, 404, 404)),
        "B's submitted report": (R405, (LOGIN, 403, 403, 403, 403)),
    },
    "report_correct": {
        "A's draft": ((LOGIN, 403, 404, 404, 404), (LOGIN, 403, 404, 404, 404)),
        "A's submitted report": ((LOGIN, 200, 403, 403, 403), (LOGIN, 200, 403, 403, 403)),
        "B's draft": ((LOGIN, 404, 403, 404, 404), (LOGIN, 404, 403, 404, 404)),
        "B's submitted report": ((LOGIN, 403, 200, 403, 403), (LOGIN, 403, 200, 403, 403)),
        "A's submitted report, posting participant=THA": (None, (LOGIN, 403, 403, 403, 403)),
    },
    "comment_queue": {"-": ((LOGIN, 403, 403, 200, 200), R405)},
    "secretariat_todo": {"-": ((LOGIN, 403, 403, 200, 200), R405)},
    "status_scale": PUBLIC_PAGE,
    # Issue 12: the open data, the same for everyone (the reports only when progress is public)
    "open_data": PUBLIC_PAGE,
    "open_data_package": PUBLIC_PAGE,
    "open_data_zip": PUBLIC_PAGE,
    "open_data_file": PUBLIC_PAGE,  # participants.csv
    "favicon": {"-": (every(Redirect("/static/commitments/favicon")), R405)},
    # Imports: the secretariat and the officials; a file is its uploader's alone. An empty
    # upload re-renders the form (400); A's file has a row in error, so applying it is refused
    # with a message, and nothing is written.
    "import_upload": {"-": ((LOGIN, 200, 200, 200, 200), (LOGIN, 400, 400, 400, 400))},
    "import_template": {"-": ((LOGIN, 200, 200, 200, 200), R405)},
    "import_preview": {"A's import": ((LOGIN, 200, 404, 404, 404), R405)},
    "import_apply": {"A's import": (R405, (LOGIN, Redirect("/reports/import/"), 404, 404, 404))},
    "import_errors": {"A's import": ((LOGIN, 200, 404, 404, 404), R405)},
    # django.contrib.auth's views -----------------------------------------------------------------
    "login": {"-": (every(200), every(200))},  # an empty POST re-renders the form
    "logout": {"-": (R405, every(Redirect("/")))},  # POST only
    "password_change": {"-": ((LOGIN, 200, 200, 200, 200), (LOGIN, 200, 200, 200, 200))},
    "password_change_done": {"-": ((LOGIN, 200, 200, 200, 200), (LOGIN, 405, 405, 405, 405))},
    "password_reset": {"-": (every(200), every(200))},
    "password_reset_done": {"-": (every(200), R405)},
    "password_reset_confirm": {"-": (every(200), every(200))},  # a bad link: says so
    "password_reset_complete": {"-": (every(200), R405)},
    # The admin's own pages -----------------------------------------------------------------------
    "admin:login": {
        "-": (
            (200, 200, 200, Redirect("/admin/"), Redirect("/admin/")),
            every(200),  # an empty POST re-renders the form
        )
    },
    # Logout is POST only; those who are not staff are sent to the admin's index.
    "admin:logout": {
        "-": (
            (*(Redirect("/admin/"),) * 3, 405, 405),
            (*(Redirect("/admin/"),) * 3, Redirect("/"), Redirect("/")),  # LOGOUT_REDIRECT_URL
        )
    },
    "admin:index": {"-": admin_only(200, 200)},
    "admin:app_list": {"-": admin_only(200, 200)},
    "admin:password_change": {"-": admin_only(200, 200)},
    "admin:password_change_done": {"-": admin_only(200, 405)},
    "admin:jsi18n": {"-": admin_only(200, 405)},
    "admin:autocomplete": {
        "-": admin_only(403, 405),  # no field named: refused
        "autocomplete of a report's participant": admin_only(200, 405),
    },
    "admin:view_on_site": {
        "Indonesia": admin_only(*(Redirect("http://testserver/countries/idn/"),) * 2)
    },
    "admin/(?P<url>.*)$": {"-": admin_only(404, 404)},  # the catch-all: no such admin page
    # The admin's pages for each model, by the staff's rights (ADMIN_RIGHTS) ----------------------
    "admin:*_changelist": {"-": admin_only(Admin("v"), Admin("v"))},
    "admin:*_add": {"-": admin_only(Admin("a"), Admin("a"))},  # an empty POST: the form again
    "admin:*_change": {ANY_ADMIN_OBJECT: admin_only(Admin("v"), Admin("c"))},
    # axes' records have no editable field: an empty POST is a valid form, saved as it was.
    "admin:axes_*_change": {
        ANY_ADMIN_OBJECT: admin_only(Admin("v"), Admin("c", granted=Redirect("/admin/axes/")))
    },
    "admin:*_delete": {ANY_ADMIN_OBJECT: admin_only(Admin("d"), Admin("d"))},
    "admin:*_history": {ANY_ADMIN_OBJECT: admin_only(Admin("v"), Admin("v"))},
    # django-simple-history's page of one past version. Reverting is disabled
    # (SIMPLE_HISTORY_REVERT_DISABLED): a POST is refused.
    "admin:*_simple_history": {ANY_ADMIN_OBJECT: admin_only(Admin("v"), 403)},
    # ... including for the records the admin shows read-only, with a body its form accepts.
    "admin:commitments_comment_simple_history": {
        ANY_ADMIN_OBJECT: admin_only(Admin("v"), 403),
        "the comment, posting a rewritten body": (None, ADMIN_REFUSED),
    },
    # No one deletes an evidence file in the admin: refused before the file is looked up, so
    # the answer is the same for a draft's file as for any other.
    "admin:commitments_evidencefile_delete": {ANY_ADMIN_OBJECT: (ADMIN_REFUSED, ADMIN_REFUSED)},
    "admin:commitments_evidencefile_simple_history": {
        ANY_ADMIN_OBJECT: admin_only(Admin("v"), 403),
        "A's draft's file, posting it onto B's submitted report": (None, ADMIN_REFUSED),
    },
    "admin/*/<path:object_id>/": {
        ANY_ADMIN_OBJECT: admin_only(Redirect("/admin/"), Redirect("/admin/"))
    },
    "admin:auth_user_password_change": {ANY_ADMIN_OBJECT: admin_only(Admin("p"), Admin("p"))},
    # The account page (its language), and the language menu of every page: POST only; an
    # empty POST names no language offered.
    "account": {"-": ((LOGIN, 200, 200, 200, 200), (LOGIN, *[Redirect("/accounts/")] * 4))},
    "language_choose": {"-": ((405,) * 5, (400,) * 5)},
    # The account's API tokens: the page and, for one's own token only, its revocation. An
    # empty POST re-renders the form with its error, nothing made.
    "api_tokens": {"-": ((LOGIN, 200, 200, 200, 200), (LOGIN, 200, 200, 200, 200))},
    "api_token_revoke": {
        "A's API token": (
            (LOGIN, 200, 404, 404, 404),
            (LOGIN, Redirect("/accounts/tokens/"), 404, 404, 404),
        )
    },
    # The read-only API (commitments/api/): reference data public, progress data (reports, the
    # matrix, handovers) 401 for anonymous callers; every POST 405, after the login check.
    **{
        f"api:{name}": API_PUBLIC
        for name in [
            "api-root",
            "schema",
            "docs",
            "participant-list",
            "participant-detail",
            "paragraph-list",
            "paragraph-detail",
            "commitment-list",
            "commitment-detail",
            "ministerial-meeting-list",
            "expert-meeting-list",
            "expert-meeting-detail",
            "expert-group-list",
            "recommendation-list",
            "mechanism-list",
        ]
    },
    "api:ministerial-meeting-detail": {"Bali 2003": (every(200), R405)},
    "api:expert-group-detail": {"AHEG I, by slug": (every(200), R405)},
    "api:mechanism-detail": {"the APC": (every(200), R405)},
    "api:recommendation-detail": {"the recommendation": (every(200), R405)},
    "api:matrix": API_PROGRESS,
    "api:report-list": API_PROGRESS,
    "api:handover-list": API_PROGRESS,
    "api:handover-detail": {"the handover": API_PROGRESS["-"]},
    # Drafts never appear: not found for everyone, their own officials included.
    "api:report-detail": {
        "A's draft": ((401, 404, 404, 404, 404), API_PROGRESS_POST),
        "A's submitted report": ((401, 200, 200, 200, 200), API_PROGRESS_POST),
        "B's draft": ((401, 404, 404, 404, 404), API_PROGRESS_POST),
    },
}


def row_for(key):
    """The table's row for a pattern: its exact key, else the most specific (longest)
    wildcard key that matches it; None if no row declares it."""
    if key in TABLE:
        return TABLE[key]
    wildcards = [k for k in TABLE if "*" in k and fnmatch.fnmatchcase(key, k)]
    return TABLE[max(wildcards, key=len)] if wildcards else None


# The URL patterns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    route: str  # as Django's ResolverMatch.route spells it
    name: str | None  # namespaced, e.g. "admin:index"
    url_pattern: URLPattern

    @property
    def key(self):
        return self.name or self.route

    @property
    def model_label(self):
        """For the admin's per-model pages, "app_model"."""
        match = re.fullmatch(r"admin/(\w+)/(\w+)/.*", self.route)
        label = f"{match[1]}_{match[2]}" if match else ""
        return label if label in admin_model_labels() else ""


def join_route(prefix, route):
    return prefix + (route[1:] if route.startswith("^") else route)


def all_patterns(resolver=None, prefix="", namespace=None):
    """Every URL pattern of the project, recursing into includes."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = join_route(prefix, str(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from all_patterns(entry, route, inner)
        else:
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield Pattern(route, name, entry)


# The world: users and objects -------------------------------------------------------------------


class World:
    def __init__(self, *, superuser, secretariat, official_a, official_b, indonesia, thailand):
        self.superuser = superuser
        self.official_a = official_a
        self.official_b = official_b
        self.indonesia = indonesia
        self.thailand = thailand
        self.users = {
            "anonymous": None,
            "official_a": official_a,
            "official_b": self.official_b,
            "secretariat": secretariat,
            "superuser": superuser,
        }
        self.participant = {"A": indonesia, "B": thailand}
        self.officials = {"A": official_a, "B": self.official_b}
        self.a_draft = self.new_draft("A", "17b")
        self.a_submitted = make_report(indonesia, "17a", user=official_a)
        self.b_draft = self.new_draft("B", "17b")
        self.b_submitted = make_report(thailand, "17a", user=self.official_b)
        self.a_file = self.evidence(self.a_draft, official_a)
        self.b_draft_file = self.evidence(self.b_draft, self.official_b)
        self.b_file = self.evidence(self.b_submitted, self.official_b)
        self.comment = Comment.objects.create(
            report=self.a_submitted, author=secretariat, kind="question", body="Which law?"
        )
        meeting = ExpertMeeting.objects.get(slug="aheg-1-colombo-2003")
        self.meeting_slug = meeting.slug
        # Reference data has no recommendation or volunteer; axes' tables start empty.
        self.group = ExpertGroup.objects.get(slug="aheg-1")
        self.document = MeetingDocument.objects.create(
            meeting=meeting, title="Plan of Action", content_type="application/pdf",
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="plan.pdf"),
        )  # fmt: skip
        self.recommendation = recommendation = Recommendation.objects.create(
            meeting=meeting, reference="1", text="Share information."
        )
        # Nor any move of a recommendation, handover or reminder.
        RecommendationEvent.objects.create(
            recommendation=recommendation, from_status="proposed", to_status="submitted",
            happened_on=meeting.end_date,
        )  # fmt: skip
        self.handover = Handover.objects.create(
            recommendation=recommendation,
            mechanism=Mechanism.objects.get(slug="apc"),
            passed_on=meeting.end_date,
        )
        self.a_token, _ = token_create(user=official_a, name="A program")
        SentReminder.objects.create(key="test", recipient="siti@example.org", subject="Reminder")
        # An email and its delivery task, left waiting (no worker runs here).
        with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
            queue_email(kind="comment", to="siti@example.org", subject="Question", body="Which?")
        Volunteer.objects.create(group=ExpertGroup.objects.get(slug="aheg-1"), participant=thailand)
        self.a_import = import_preview(
            user=official_a,
            name="reports.csv",
            content=b"Participant code,Commitment code,Status,As of,Narrative\n"
            b"IDN,17a,Done,2003-01-15,A row in error: no such status.\n",
        )
        login = {"username": "siti", "ip_address": "127.0.0.1", "user_agent": "test",
                 "http_accept": "*/*", "path_info": "/accounts/login/"}  # fmt: skip
        # One logged-in client per role, made once: a cell restores its client's cookies
        # afterwards, and its writes (the session's among them) are rolled back.
        self.clients = {}
        for role, user in self.users.items():
            self.clients[role] = Client(raise_request_exception=False)
            if user is not None:
                self.clients[role].force_login(user)
        self.admin_objects = {
            "axes_accessattempt": AccessAttempt.objects.create(
                **login, failures_since_start=1, get_data="", post_data=""
            ),
            "axes_accesslog": AccessLog.objects.create(**login),
            "axes_accessfailurelog": AccessFailureLog.objects.create(**login, locked_out=False),
            "auth_group": Group.objects.get(name="Secretariat"),
            "commitments_official": Official.objects.get(user=official_a),
            "commitments_comment": self.comment,
        }

    def new_draft(self, owner, code="17c"):
        return make_report(
            self.participant[owner],
            code,
            submitted=False,
            user=self.officials[owner],
            narrative=f"{DRAFT_MARKER[owner]}: the bill is before parliament.",
        )

    @staticmethod
    def evidence(report, user):
        content = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        return EvidenceFile.objects.create(
            report=report,
            file=ContentFile(content, name="x.pdf"),
            original_name="x.pdf",
            content_type="application/pdf",
            size=len(content),
            uploaded_by=user,
        )

    def admin_object(self, model_label, target):
        if target.get is not None:
            return target.get(self)
        if model_label in self.admin_objects:
            return self.admin_objects[model_label]
        model = admin_model(model_label)
        obj = model.objects.order_by("pk").first()
        assert obj is not None, f"no {model_label} to test the admin's object pages on"
        return obj

    def fingerprint(self):
        """What a refused request must leave as it was."""
        return (
            list(
                ProgressReport.objects.order_by("pk").values_list(
                    "pk", "participant_id", "state", "version", "narrative", "status", "as_of"
                )
            ),
            list(Comment.objects.order_by("pk").values_list("pk", "kind", "body")),
            list(
                EvidenceFile.objects.order_by("pk").values_list(
                    "pk", "report_id", "file", "original_name"
                )
            ),
            ProgressReport.history.count(),
            list(Official.objects.order_by("pk").values_list("pk", "user_id", "participant_id")),
            list(User.objects.order_by("pk").values_list("pk", "password", "is_staff")),
        )


def admin_model_labels():
    return {f"{model._meta.app_label}_{model._meta.model_name}" for model in admin.site._registry}


def admin_model(model_label):
    for model in admin.site._registry:
        if f"{model._meta.app_label}_{model._meta.model_name}" == model_label:
            return model
    raise AssertionError(f"no model registered in the admin as {model_label}")


@pytest.fixture
def world(
    settings,
    tmp_path,
    superuser,
    secretariat_user,
    official_of_indonesia,
    official_of_thailand,
    indonesia,
    thailand,
):
    settings.MEDIA_ROOT = tmp_path
    return World(
        superuser=superuser,
        secretariat=secretariat_user,
        official_a=official_of_indonesia,
        official_b=official_of_thailand,
        indonesia=indonesia,
        thailand=thailand,
    )


# Cells ----------------------------------------------------------------------------------------


@dataclass
class Cell:
    pattern: Pattern
    target: Target
    role: str
    method: str
    expected: object
    model_label: str = ""

    def __str__(self):
        target = "" if self.target is NONE else f" on {self.target.label}"
        return f"{self.pattern.key}{target}, {self.role}, {self.method}"


def targets_of(pattern, row_target) -> list[Target]:
    if row_target == ANY_ADMIN_OBJECT:
        return [TARGETS[label] for label in ADMIN_TARGETS.get(pattern.model_label, [])] or [
            AN_OBJECT
        ]
    return [TARGETS[row_target]]


def path_for(pattern: Pattern, target: Target, world: World) -> str:
    """The URL of this pattern for this target, checked to resolve back to the pattern."""
    regex = pattern.url_pattern.pattern
    obj = None
    if target.get is not None or pattern.model_label:
        obj = (
            world.admin_object(pattern.model_label, target)
            if pattern.model_label
            else target.get(world)
        )
    values = {
        "pk": obj.pk if obj is not None else None,
        "object_id": obj.pk if obj is not None else None,
        "id": obj.pk if obj is not None else None,
        "iso3": "IDN",
        "number": 17,
        "code": "17a",
        "slug": target.slug or world.meeting_slug,
        "move": target.action,
        "export": target.export,
        "resource": "participants",  # an open data file
        "app_label": "commitments",
        "url": "no-such-page/",
        "uidb64": urlsafe_base64_encode(force_bytes(world.official_a.pk)),
        "token": "not-a-valid-token",
    }
    if pattern.key == "admin:view_on_site":
        values["content_type_id"] = ContentType.objects.get_for_model(obj).pk
    positional = regex.regex.groups - len(regex.regex.groupindex)
    if positional:  # django-simple-history's version page: (object id, history id)
        history = obj.history.order_by("-history_id").values_list("history_id", flat=True)
        assert history, f"{obj!r} has no history to show"
        args = [obj.pk, history[0]]
        path = reverse(pattern.name, args=args)
    else:
        names = list(getattr(regex, "converters", {})) or list(regex.regex.groupindex)
        kwargs = {name: values[name] for name in names}
        if pattern.name:
            path = reverse(pattern.name, kwargs=kwargs)
        elif pattern.route.endswith("(?P<url>.*)$"):
            path = "/" + pattern.route.removesuffix("(?P<url>.*)$") + kwargs["url"]
        else:
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m[1]]), pattern.route)
    match = resolve(path)
    assert match.route == pattern.route, f"{path} resolves to {match.route}, not {pattern.route}"
    return path + target.query


def cells_of(patterns):
    """Every cell of the matrix; patterns with no row come back separately."""
    cells, undeclared = [], []
    for pattern in patterns:
        row = row_for(pattern.key)
        if row is None:
            undeclared.append(pattern.key)
            continue
        for row_target, (gets, posts) in row.items():
            for target in targets_of(pattern, row_target):
                for method, outcomes in ((GET, gets), (POST, posts)):
                    if outcomes is None:
                        continue
                    assert len(outcomes) == len(ROLES), f"{pattern.key}: one outcome per role"
                    for role, expected in zip(ROLES, outcomes, strict=True):
                        cells.append(
                            Cell(pattern, target, role, method, expected, pattern.model_label)
                        )
    return cells, undeclared


def is_refusal(response) -> bool:
    if response.status_code >= 400:
        return True
    location = response.get("Location", "")
    return response.status_code in (301, 302) and "/login/" in location


def expects_refusal(cell: Cell) -> bool:
    expected = cell.expected.resolve(cell) if isinstance(cell.expected, Admin) else cell.expected
    if isinstance(expected, int):
        return expected >= 400
    return isinstance(expected, Redirect) and "/login/" in expected.to


def run_cell(cell: Cell, world: World, before):
    """(response, path, problems): leaks, writes where refused, server errors. Whatever the
    cell writes is rolled back, so that every cell starts from the same world, whose
    fingerprint is `before`."""
    with transaction.atomic():
        try:
            return _run_cell(cell, world, before)
        finally:
            transaction.set_rollback(True)


def _run_cell(cell: Cell, world: World, before):
    path = path_for(cell.pattern, cell.target, world)
    client = world.clients[cell.role]
    cookies = copy.deepcopy(client.cookies)
    try:
        if cell.method == GET:
            response = client.get(path)
        else:
            response = client.post(path, cell.target.body(world))
    finally:
        client.cookies = cookies  # a logout or a message does not reach the next cell
    problems = []
    if response.status_code >= 500:
        problems.append(f"server error {response.status_code}")
    if (is_refusal(response) or expects_refusal(cell)) and world.fingerprint() != before:
        problems.append(f"wrote to the database (got {response.status_code}), must not")
    problems += leaks_in(cell, response)
    response.close()
    return response, path, problems


def leaks_in(cell: Cell, response) -> list[str]:
    leaks = []
    own = OFFICIAL_OF.get(cell.role)
    others = cell.target.owner is not None and cell.target.owner != own
    if own and others:
        if cell.target.draft and response.status_code == 200:
            leaks.append("LEAK: 200 on the other participant's draft")
        if cell.method == POST and not is_refusal(response):
            leaks.append(
                f"LEAK: a write on the other participant's record got {response.status_code}"
            )
    if (
        response.status_code == 200
        and not response.streaming
        and not cell.pattern.key.startswith("admin")
    ):
        content = response.content.decode(errors="replace")
        for owner, marker in DRAFT_MARKER.items():
            if owner != own and marker in content:
                leaks.append(f"LEAK: the page shows the text of {owner}'s draft")
    return leaks


# Tests ----------------------------------------------------------------------------------------


def test_the_resolver_lists_the_apps_the_admins_and_the_auth_urls():
    keys = {pattern.key for pattern in all_patterns()}
    assert {"home", "report_edit", "admin:index", "login", "password_reset_confirm"} <= keys
    assert "admin:commitments_progressreport_change" in keys
    assert "admin:auth_user_password_change" in keys


def test_a_url_with_no_row_is_reported_by_name():
    pattern = Pattern("my/secret/", "secret_page", None)

    cells, undeclared = cells_of([pattern])

    assert cells == []
    assert undeclared == ["secret_page"]


def test_the_most_specific_wildcard_row_applies():
    assert (
        row_for("admin:commitments_participant_simple_history") is TABLE["admin:*_simple_history"]
    )
    assert row_for("admin:commitments_participant_history") is TABLE["admin:*_history"]
    assert row_for("admin:auth_user_password_change") is TABLE["admin:auth_user_password_change"]


@pytest.fixture
def quiet_logs():
    """Every refusal is logged as a warning (and axes logs every login): thousands of lines.
    Errors still show."""
    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)


def test_the_draft_text_the_leak_check_looks_for_is_on_the_drafts_own_pages(world, client):
    client.force_login(world.official_a)
    assert DRAFT_MARKER["A"] in client.get(f"/reports/{world.a_draft.pk}/").content.decode()
    assert DRAFT_MARKER["A"] in client.get(f"/my/reports/{world.a_draft.pk}/edit/").content.decode()


# The cells are run in shards, so that pytest-xdist spreads them over the machine's cores;
# each shard builds its own world.
SHARDS = 6


def test_every_url_pattern_has_a_row_and_the_matrix_is_whole():
    cells, undeclared = cells_of(all_patterns())
    assert not undeclared, "URL patterns with no row in TABLE: " + ", ".join(undeclared)
    assert len(cells) >= MIN_CELLS, f"only {len(cells)} cells"


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_url_for_every_role_and_method(world, quiet_logs, quick_pdf, capsys, shard):
    started = time.perf_counter()
    cells = cells_of(all_patterns())[0][shard::SHARDS]
    before = world.fingerprint()
    mismatches, problems = [], []
    for cell in cells:
        response, path, cell_problems = run_cell(cell, world, before)
        got = response.status_code
        if got in (301, 302):
            got = f"{got} to {response['Location']}"
        if not matches(cell.expected, response, cell):
            mismatches.append(
                f"{cell} ({path}): expected {describe(cell.expected, cell)}, got {got}"
            )
        problems += [f"{cell} ({path}): {problem}" for problem in cell_problems]
    leaks = [problem for problem in problems if "LEAK" in problem]
    with capsys.disabled():  # shown even when the test passes
        seconds = time.perf_counter() - started
        print(f"\npermission matrix, shard {shard}: checked {len(cells)} cells in {seconds:.1f} s")

    report = [f"checked {len(cells)} cells"]
    if leaks:
        report.append(f"{len(leaks)} leaks:\n  " + "\n  ".join(leaks))
    if other := [p for p in problems if p not in leaks]:
        report.append(f"{len(other)} other problems:\n  " + "\n  ".join(other))
    if mismatches:
        report.append(f"{len(mismatches)} cells not as declared:\n  " + "\n  ".join(mismatches))
    assert cells, "this shard has no cell"
    assert not problems, "\n".join(report)
    assert not mismatches, "\n".join(report)

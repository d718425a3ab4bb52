"""Hostile input never makes a server error: every URL pattern of the project (read from the
resolver, the admin's and django.contrib.auth's included, as the permission matrix reads
them, and filled with the matrix's own objects), with hostile values in its path arguments,
in the query parameters its view reads and in the fields of the forms it takes, answers
below 500: a 4xx (404 for no such object, 400 for a malformed request), a redirect, or the
form again with its errors. A NUL byte anywhere is refused with a 400.

One value per kind of failure, and no full cross product, so that the suite stays fast:
- path arguments: each of PATH_VALUES that reaches the pattern's view is tried (with the
  other arguments valid), the roles taking turns so that each role tries every pattern; a
  value that no pattern matches is tried once, as are NUL bytes (refused before any view);
- query parameters: those each view reads (QUERY_PARAMS: the filters' field names, the
  tables' paging and sorting, `as_of`, `export`, `next`...), each with the values of its
  kind (VALUES_BY_KIND), by the roles the page admits taking turns (and each refused role
  once), all of them repeated once (?a=1&a=abc);
- form bodies: each field of each form made hostile in turn (POST_BODIES);
- the admin's pages for each model, as the staff (others never pass the admin's login): the
  object id and a past version's id; the changelist's filters (all at once), search,
  ordering, page and date hierarchy; the add page's prefilled relations; the add and change
  forms with every field hostile; an action on hostile ids. The hostile values take turns
  from model to model (ADMIN_VALUES), so that each kind of page meets each value; the
  generic parameters (`_to_field`, `_popup`, `_changelist_filters`, each filter on its own)
  are tried once, on the progress reports' admin.

Each request runs in a savepoint that is rolled back, so that a write of one does not change
the next and a database error (PostgreSQL refuses NUL bytes and out-of-range integers) does
not end the test's transaction. The test client raises what a view raises: recorded as a
failure with the exception's type. Every failure of a shard is listed at once.
"""

import copy
import itertools
import logging
import re
import time
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import Resolver404, resolve
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode

from commitments.api.views import ApiReportFilter
from commitments.filters import ParticipantCommitmentFilter, ReportFilter
from commitments.handover_register import BAD_ITEM_MESSAGE
from tests.conftest import messages_of
from tests.test_permission_matrix import (
    NONE,
    ROLES,
    VALID_REPORT,
    Page,
    Pattern,
    Redirect,
    World,
    admin_model,
    admin_model_labels,
    all_patterns,
    path_for,
    row_for,
    targets_of,
)
from tests.test_permission_matrix import world as world  # the matrix's objects, the fixture

pytestmark = pytest.mark.django_db

STAFF = ("superuser", "secretariat")
OVERFLOW = "9" * 30  # more than a bigint holds
NUL = "\x00"
NOT_INT = "²"  # a digit to str.isdigit(), not to int()
GET, POST = "GET", "POST"

# Path arguments: one value per kind of failure.
PATH_VALUES = [
    "0",  # no such object
    "-1",
    "999999999999999999999",  # overflows a bigint
    "abc",  # not a number
    NUL,
    "x" * 2000,
    "ü𝔘",  # outside the BMP too
    "../..",
    "1.5",
    " 1",
    NOT_INT,
]
# uidb64 is decoded before it is looked up: hostile values of what it encodes too.
ENCODED_VALUES = {
    "uidb64": [urlsafe_base64_encode(force_bytes(v)) for v in (OVERFLOW, "abc", "-1", NOT_INT)]
}

# Query parameters: the values of each kind of parameter.
VALUES_BY_KIND = {
    "date": ["", "abc", "2003-02-30", "99999-01-01", "0001-01-01"],
    "object": ["abc", OVERFLOW, NOT_INT],
    "choice": ["x" * 5000],
    "boolean": ["abc", "on"],
    "text": ["x" * 5000, "ü𝔘"],
    "number": ["0", "abc", OVERFLOW, "1000000"],
    "sort": ["abc", "-", "-report,participant"],
    "export": ["csv", "xlsx", "bogus"],
    "next": ["x" * 5000, "//evil.example.org/", "ü𝔘"],
    "name": ["abc", OVERFLOW, ""],  # the autocomplete's app, model and field names
    None: ["", "abc", OVERFLOW, "x" * 5000],
}
KIND_OF = {
    "as_of": "date",
    "as_of_after": "date",
    "as_of_before": "date",
    "participant": "object",
    "commitment": "object",
    "status": "choice",
    "confidence": "choice",
    "current": "boolean",
    "q": "text",
    "term": "text",
    "page": "number",
    "per_page": "number",
    "page_size": "number",
    "cursor": "text",
    "sort": "sort",
    "export": "export",
    "next": "next",
    "app_label": "name",
    "model_name": "name",
    "field_name": "name",
}
TABLE_PARAMS = ["page", "per_page", "sort"]  # django-tables2's, unprefixed
API_LIST_PARAMS = ["page", "page_size"]
QUERY_PARAMS = {
    **{
        f"api:{name}-list": API_LIST_PARAMS
        for name in [
            "participant",
            "paragraph",
            "commitment",
            "ministerial-meeting",
            "expert-meeting",
            "expert-group",
            "recommendation",
            "mechanism",
            "handover",
        ]
    },
    "api:report-list": [*ApiReportFilter.base_filters, "cursor", "page_size"],
    "api:matrix": ["as_of"],
    "matrix": ["as_of"],
    "ministerial_review": ["as_of"],
    "ministerial_review_print": ["as_of"],
    "ministerial_review_pdf": ["as_of"],
    "report_list": [*ReportFilter.base_filters, *TABLE_PARAMS, "export"],
    "comment_queue": [*ParticipantCommitmentFilter.base_filters, *TABLE_PARAMS],
    "country_list": ["sort"],  # not paged; a page of all the counts is costly: one value
    "report_create": ["commitment"],
    "login": ["next"],
    "logout": ["next"],
    "password_change": ["next"],
    "admin:login": ["next"],
    "admin:logout": ["next"],
    "admin:index": ["next"],
    "admin:autocomplete": ["term", "app_label", "model_name", "field_name", "page"],
}
FEWER_VALUES = {"country_list": 1}
# The query each hostile one is added to, if not the permission matrix's.
BASE_QUERY = {
    "admin:autocomplete": {
        "app_label": "commitments",
        "model_name": "progressreport",
        "field_name": "participant",
    },
}
# Combinations: the exports of a hostile sort or filter.
QUERY_COMBINATIONS = {
    "report_list": [
        {"export": "csv", "sort": "abc", "per_page": OVERFLOW},
        {"export": "xlsx", "as_of_after": "2003-02-30", "participant": OVERFLOW},
        {"export": "csv", "current": "on", "q": "x" * 5000},
    ],
}


# Form bodies: a valid body, then each field made hostile in turn.
REPORT_FIELDS = {
    "status": ["abc"],
    "as_of": ["2003-02-30", "99999-01-01"],
    "narrative": ["x" * 20_000],
    "confidence": ["abc"],
    "evidence_links": ["x" * 6000, "javascript:alert(1)\nftp://x"],
    "source": ["x" * 6000],
    "form_token": ["abc"],
    "version": [OVERFLOW, "abc", NOT_INT],
    "participant": ["ü𝔘"],
}
# The edit and the correction share the report's form: what they add is the version.
REPORT_VERSION_FIELDS = {
    "version": [OVERFLOW, "abc", NOT_INT],
    "as_of": ["2003-02-30"],
    "narrative": ["x" * 20_000],
}
POST_BODIES = {
    "report_create": (VALID_REPORT, REPORT_FIELDS),
    "report_edit": ({**VALID_REPORT, "version": "1"}, REPORT_VERSION_FIELDS),
    "report_correct": (VALID_REPORT, REPORT_VERSION_FIELDS),
    # NOT_INT: see AWAITING_FIXES.
    "report_delete": ({"version": "1"}, {"version": [OVERFLOW, "-1", "abc", " 1", NOT_INT]}),
    "comment_create": (
        {"kind": "question", "body": "Which law?"},
        {"kind": ["abc"], "body": ["x" * 6000]},
    ),
    "group_volunteer": (
        {"expert_names": "Dr A"},
        {"expert_names": ["x" * 6000], "participant": [OVERFLOW]},
    ),
    "meeting_attendance": (
        {"delegates": "Dr A"},
        {"delegates": ["x" * 6000], "participant": [OVERFLOW]},
    ),
    "recommendation_move": (
        {"meeting": "1", "mechanism": "1", "outcome": "endorsed", "on": "2004-01-01"},
        {
            "meeting": ["abc", OVERFLOW],
            "mechanism": [OVERFLOW],
            "outcome": ["abc"],
            "on": ["2003-02-30", "99999-01-01"],
            "note": ["x" * 6000],
        },
    ),
    "handover_record": (
        {"item": "recommendation:1", "mechanism": "apc", "passed_on": "2004-01-01"},
        {
            "item": ["abc", f"recommendation:{OVERFLOW}", f"recommendation:{NOT_INT}", "x" * 200],
            "mechanism": [OVERFLOW],
            "passed_on": ["2003-02-30", "99999-01-01"],
            "note": ["x" * 6000],
        },
    ),
    "login": (
        {"username": "siti", "password": "x"},
        {"username": ["x" * 5000], "password": ["x" * 5000]},
    ),
    "admin:login": ({"username": "siti", "password": "x"}, {"username": ["x" * 5000]}),
    "password_reset": ({"email": "siti@example.org"}, {"email": ["abc", "x" * 5000 + "@x.org"]}),
    "password_change": (
        {"old_password": "x", "new_password1": "y", "new_password2": "y"},
        {"old_password": ["x" * 5000], "new_password1": ["x" * 5000]},
    ),
    "admin:password_change": (
        {"old_password": "x", "new_password1": "y", "new_password2": "y"},
        {"new_password1": ["x" * 5000]},
    ),
    "password_reset_confirm": (
        {"new_password1": "y", "new_password2": "y"},
        {"new_password1": ["x" * 5000]},
    ),
}


def each_field_hostile(valid, hostile):
    yield {}
    for name, values in hostile.items():
        for value in values:
            yield {**valid, name: value}


# The admin: the values take turns from model to model.
ADMIN_VALUES = ["abc", OVERFLOW, "-1", NOT_INT, "1.5"]
ADMIN_ACTION_BODIES = [
    {"action": "delete_selected", "_selected_action": ["abc"], "index": "0"},
    {"action": "delete_selected", "_selected_action": [OVERFLOW], "index": "0"},
    {"action": "delete_selected", "_selected_action": ["-1", "1.5", NOT_INT], "index": "abc"},
    {"action": "delete_selected", "_selected_action": [OVERFLOW], "post": "yes"},
    {"action": "bogus", "_selected_action": ["1"], "index": OVERFLOW},
    {"action": "delete_selected", "select_across": "abc", "index": "0"},
]
# Tried once, on this model's admin (the one with the most filters).
GENERIC_ADMIN_MODEL = "commitments_progressreport"


@dataclass
class Probe:
    pattern: str  # the key of the URL pattern it was made for
    role: str
    method: str
    path: str
    query: dict = field(default_factory=dict)
    data: dict | None = None
    expect: int | None = None  # a status it must have, besides being below 500

    def url(self):
        query = urlencode(self.query, doseq=True)
        return self.path + (f"?{query}" if query else "")

    def __str__(self):
        body = ""
        if self.data:
            body = " with " + ", ".join(f"{k}={short(v)}" for k, v in self.data.items())
        return f"{self.method} {short(self.url(), 160)}{body}, as {self.role}"


def short(value, limit=40):
    text = value if isinstance(value, str) else repr(value)
    text = text.replace(NUL, "\\x00")
    return text if len(text) <= limit else f"{text[: limit - 12]}…({len(text)} chars)"


def taking_turns(items, start=0):
    """An endless round of `items`, from the `start`th."""
    items = list(items)
    return itertools.islice(itertools.cycle(items), start % len(items), None)


# Filling a route ------------------------------------------------------------------------------


# An argument in a route: <conv:name>, a named regex group, or an unnamed one.
SLOT = re.compile(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)|\((?!\?)[^)]*\)")


def slot_names(pattern: Pattern) -> list:
    """The pattern's arguments in order: their names, or their positions (0, 1...) for a
    regex's unnamed groups."""
    regex = pattern.url_pattern.pattern.regex
    positional = regex.groups - len(regex.groupindex)
    converters = getattr(pattern.url_pattern.pattern, "converters", {})
    return list(range(positional)) or list(converters) or list(regex.groupindex)


def fill(pattern: Pattern, values) -> str:
    """The path of the pattern with these (already quoted) values for its arguments, in the
    order of slot_names. The route's literal text between them is kept."""
    route, values = pattern.route, list(values)
    parts, last = [], 0
    for match, value in zip(SLOT.finditer(route), values, strict=True):
        parts += [route[last : match.start()], value]
        last = match.end()
    parts.append(route[last:])
    text = "".join(parts)
    if "$" in route or "\\" in route:  # a regex route: its literal text unescaped
        text = re.sub(r"\\(.)", r"\1", text.removesuffix("$"))
    return "/" + text


def reaches(path, pattern) -> bool:
    try:
        return resolve(unquote(path)).route == pattern.route
    except Resolver404:
        return False


@dataclass
class Base:
    """A valid request of a pattern (the permission matrix's, for one of its targets): its
    path, its arguments as they appear in the path, and the query the matrix adds."""

    path: str
    values: list
    query: dict
    admitted: list = field(default_factory=list)  # the roles that pass its checks


def admits(outcome) -> bool:
    """Whether a declared outcome of the matrix lets the request through to the view's work
    (not refused, not sent to a login page)."""
    if isinstance(outcome, int):
        return outcome < 400
    if isinstance(outcome, Redirect):
        return "/login/" not in outcome.to
    return isinstance(outcome, Page)


def base_of(pattern: Pattern, world: World, method=GET) -> Base | None:
    """The matrix's path for the first of its targets for this pattern that admits some role
    with this method (else its first target); None for a pattern it cannot fill (a new one,
    or a model with no object to point at)."""
    row = row_for(pattern.key) or {}
    choices = []
    for row_target, (gets, posts) in row.items():
        outcomes = gets if method == GET else posts
        for target in targets_of(pattern, row_target):
            if outcomes is not None and not target.data:
                admitted = [role for role, o in zip(ROLES, outcomes, strict=True) if admits(o)]
                choices.append((target, admitted))
    choices.sort(key=lambda choice: not choice[1])  # those that admit someone first
    target, admitted = choices[0] if choices else (NONE, list(ROLES))
    try:
        path, _, query = path_for(pattern, target, world).partition("?")
    except Exception:  # then the path arguments alone are tried
        return None
    match = resolve(path)
    converters = getattr(pattern.url_pattern.pattern, "converters", {})
    values = [
        match.args[name]
        if isinstance(name, int)
        else converters[name].to_url(match.kwargs[name])
        if name in converters
        else match.kwargs[name]
        for name in slot_names(pattern)
    ]
    if fill(pattern, values) != path:
        return None
    return Base(path, values, dict(p.split("=", 1) for p in query.split("&") if p), admitted)


def methods_of(pattern) -> list[str]:
    """The methods the pattern's view answers (not 405 to everyone), by the matrix's row."""
    row = row_for(pattern.key)
    if not row:
        return [GET, POST]
    gets, posts = next(iter(row.values()))
    methods = [
        method
        for method, outcomes in ((GET, gets), (POST, posts))
        if outcomes is not None and any(o != 405 for o in outcomes)
    ]
    return methods or [GET]


# The probes -----------------------------------------------------------------------------------


class Walk:
    """Makes the probes; what is tried once overall is remembered here."""

    def __init__(self, world):
        self.world = world
        self.tried_once = set()
        self.labels = sorted(admin_model_labels())  # the admin's values take turns by model

    def once(self, key) -> bool:
        if key in self.tried_once:
            return False
        self.tried_once.add(key)
        return True

    def probes(self) -> list[Probe]:
        probes = []
        for pattern in all_patterns():
            if pattern.model_label:
                probes += self.admin_model_probes(pattern)
            else:
                probes += self.path_probes(pattern)
                probes += self.query_probes(pattern)
                probes += self.post_probes(pattern)
        return probes

    # Path arguments ------------------------------------------------------------------------

    def path_probes(self, pattern):
        names = slot_names(pattern)
        if not names:
            return []
        base = base_of(pattern, self.world)
        valid = base.values if base else ["1"] * len(names)
        reaching = []
        probes = []
        for index, name in enumerate(names):
            for value in [*PATH_VALUES, *ENCODED_VALUES.get(name, [])]:
                path = fill(pattern, [*valid[:index], quote(value, safe=""), *valid[index + 1 :]])
                if NUL in value:  # refused before any view, whatever the address
                    if self.once(("nul path", pattern.route.split("/")[0])):
                        probes.append(Probe(pattern.key, "official_a", GET, path, expect=400))
                elif reaches(path, pattern):
                    reaching.append(path)
                elif self.once(("no pattern", value)):  # the resolver's 404
                    probes.append(Probe(pattern.key, "anonymous", GET, path))
        if reaching:  # every path once, and every role at least once
            turns = zip(
                taking_turns(reaching),
                taking_turns(ROLES),
                taking_turns(methods_of(pattern)),
                strict=False,  # endless rounds
            )
            for path, role, method in itertools.islice(turns, max(len(reaching), len(ROLES))):
                probes.append(Probe(pattern.key, role, method, path))
        return probes

    # Query parameters ----------------------------------------------------------------------

    def query_probes(self, pattern):
        params = QUERY_PARAMS.get(pattern.key)
        base = base_of(pattern, self.world, GET) if params else None
        if base is None:
            return []
        admitted = base.admitted or list(ROLES)
        roles = taking_turns(admitted)
        start = {**base.query, **BASE_QUERY.get(pattern.key, {})}
        probes = []
        for param in params:
            values = VALUES_BY_KIND[KIND_OF.get(param)][: FEWER_VALUES.get(pattern.key)]
            for value in values:
                query = {**start, param: value}
                probes.append(Probe(pattern.key, next(roles), GET, base.path, query))
        for query in QUERY_COMBINATIONS.get(pattern.key, []):
            probes.append(Probe(pattern.key, next(roles), GET, base.path, {**start, **query}))
        # Every parameter repeated, and a NUL byte: once each.
        repeated = {**start, **{param: ["1", "abc"] for param in params}}
        probes.append(Probe(pattern.key, next(roles), GET, base.path, repeated))
        nul = {**start, params[0]: f"a{NUL}b"}
        probes.append(Probe(pattern.key, next(roles), GET, base.path, nul, expect=400))
        # The roles it refuses, once each: the refusal (a login page with ?next=) with a
        # hostile query.
        for role in ROLES:
            if role not in admitted:
                probes.append(
                    Probe(pattern.key, role, GET, base.path, {**start, params[0]: "x" * 5000})
                )
        return probes

    # Form bodies ---------------------------------------------------------------------------

    def post_probes(self, pattern):
        if pattern.key not in POST_BODIES:
            return []
        base = base_of(pattern, self.world, POST)
        if base is None:
            return []
        valid, hostile = POST_BODIES[pattern.key]
        admitted = base.admitted or list(ROLES)
        roles = taking_turns(admitted)
        probes = [
            Probe(pattern.key, next(roles), POST, base.path, base.query, body)
            for body in each_field_hostile(valid, hostile)
        ]
        probes.append(
            Probe(pattern.key, next(roles), POST, base.path, base.query,
                  {**valid, next(iter(valid)): f"a{NUL}b"}, expect=400)
        )  # fmt: skip
        first_hostile = {**valid, **{name: values[0] for name, values in hostile.items()}}
        for role in ROLES:
            if role not in admitted:
                probes.append(Probe(pattern.key, role, POST, base.path, base.query, first_hostile))
        return probes

    # The admin's pages for each model ------------------------------------------------------

    def admin_model_probes(self, pattern):
        model = admin_model(pattern.model_label)
        model_admin = admin.site._registry[model]
        generic = pattern.model_label == GENERIC_ADMIN_MODEL
        key = pattern.key or pattern.route
        kind = key.rsplit("_", 1)[-1] if pattern.name else "redirect"
        if key.endswith("_simple_history"):
            kind = "version"
        # Whose turn it is: by the model's place in the alphabet and the kind of page, so
        # that the values do not move when admins are registered in another order.
        turn = self.labels.index(pattern.model_label) + len(kind)
        values = taking_turns(ADMIN_VALUES, turn)
        roles = taking_turns(STAFF, turn)
        names = slot_names(pattern)
        base = base_of(pattern, self.world) if names else None
        valid = base.values if base else ["1"] * len(names)
        probes = []

        def probe(method, path, query=None, data=None):
            probes.append(Probe(key, next(roles), method, path, query or {}, data))

        # The object id, and a past version's id: one hostile value, two for the version.
        for index in range(len(names)):
            for _ in range(2 if kind == "version" and index == 1 else 1):
                value = next(values)
                path = fill(pattern, [*valid[:index], quote(value, safe=""), *valid[index + 1 :]])
                probe(GET, path)
                if kind == "delete":
                    probe(POST, path, data={"post": "yes"})
        path = fill(pattern, valid)
        if kind == "changelist":
            probes += self.changelist_probes(key, path, model_admin, values, roles, turn)
        if kind == "add":
            relations = [f.name for f in model._meta.get_fields() if f.is_relation and f.concrete]
            if relations:  # a many-to-many field's ids are split at commas
                value = next(taking_turns(["{}", "1,{}"], turn)).format(next(values))
                probe(GET, path, dict.fromkeys(relations, value))
            for value in dict.fromkeys([OVERFLOW, next(values)]):
                probe(POST, path, data=self.admin_body(model_admin, value))
            if generic:
                for param in ["_changelist_filters", "_to_field", "_popup"]:
                    probe(GET, path, {param: "abc"})
        if kind == "change" and base is not None:
            probe(POST, path, data=self.admin_body(model_admin, next(values)))
            if generic:
                for param in ["_changelist_filters", "_to_field", "_popup"]:
                    probe(GET, path, {param: OVERFLOW})
        if kind == "history" and base is not None and generic:
            probe(GET, path, {"p": "abc"})
            probe(GET, path, {"p": OVERFLOW})
        return probes

    def changelist_probes(self, key, path, model_admin, values, roles, turn):
        request = RequestFactory().get(path)
        request.user = self.world.superuser
        changelist = model_admin.get_changelist_instance(request)
        filters = [p for spec in changelist.filter_specs for p in spec.expected_parameters()]
        probes = []

        def probe(query, data=None, method=GET):
            probes.append(Probe(key, next(roles), method, path, query, data))

        if filters:  # every filter at once, with their counts (facets)
            probe({**dict.fromkeys(filters, next(values)), "_facets": "1"})
        probe({next(taking_turns(["q", "o", "p"], turn)): next(values)})
        if hierarchy := changelist.date_hierarchy:
            year, month, day = (f"{hierarchy}__{part}" for part in ("year", "month", "day"))
            for query in [{year: OVERFLOW}, {year: "2003", month: OVERFLOW},
                          {year: "2003", month: "2", day: "30"}]:  # fmt: skip
                probe(query)
        probe({}, next(taking_turns(ADMIN_ACTION_BODIES, turn)), POST)
        if model_admin.opts.label_lower.replace(".", "_") == GENERIC_ADMIN_MODEL:
            # Each filter on its own, and the parameters every changelist reads alike.
            for param, value in zip(filters, taking_turns(ADMIN_VALUES), strict=False):
                probe({param: value})
            for query in [{"q": "x" * 5000}, {"o": OVERFLOW}, {"o": "-1.abc"}, {"p": "-1"},
                          {"_to_field": "abc"}, {"_popup": "abc"}, {"e": "abc"}]:  # fmt: skip
                probe(query)
            for body in ADMIN_ACTION_BODIES:
                probe({}, body, POST)
        return probes

    def admin_body(self, model_admin, value) -> dict:
        """Every field of the model's form, and of its inlines' first form, set to `value`."""
        request = RequestFactory().post("/admin/")
        request.user = self.world.superuser
        body = dict.fromkeys(form_fields(model_admin.model), value)
        for inline in model_admin.get_inline_instances(request):
            formset = inline.get_formset(request)
            prefix = formset.get_default_prefix()
            body |= {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"}
            body |= {f"{prefix}-0-{name}": value for name in formset.form.base_fields}
        return body


def form_fields(model) -> list[str]:
    return [
        f.name
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if f.editable and not f.primary_key
    ]


# The run --------------------------------------------------------------------------------------


def run(probe: Probe, client: Client):
    """The probe's problem (a server error, the exception the view raised, or not the
    expected status), or None."""
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            try:
                if probe.method == GET:
                    response = client.get(probe.url())
                else:
                    response = client.post(probe.url(), probe.data or {})
                response.close()
            finally:
                transaction.set_rollback(True)
    except Exception as error:  # every exception is a server error
        return f"{probe}: {type(error).__name__}: {short(str(error), 200)}"
    finally:
        client.cookies = cookies  # a logout or a message does not reach the next probe
    if response.status_code >= 500:
        return f"{probe}: {response.status_code}"
    if probe.expect is not None and response.status_code != probe.expect:
        return f"{probe}: {response.status_code}, expected {probe.expect}"
    return None


@pytest.fixture
def clients(world):
    """A client per role that raises what a view raises (the test client's default)."""
    clients = {}
    for role, user in world.users.items():
        clients[role] = Client(raise_request_exception=True)
        if user is not None:
            clients[role].force_login(user)
    return clients


@pytest.fixture
def quiet(quick_pdf):
    """Every refusal is logged as a warning: thousands of lines. And the PDF is rendered
    without WeasyPrint (quick_pdf): its input is read before it is rendered."""
    logging.disable(logging.ERROR)
    yield
    logging.disable(logging.NOTSET)


# Tests ----------------------------------------------------------------------------------------


def test_every_pattern_with_arguments_or_parameters_is_probed(world):
    probes = Walk(world).probes()
    probed = {probe.pattern for probe in probes}
    keys = {pattern.key for pattern in all_patterns()}
    with_arguments = {pattern.key for pattern in all_patterns() if slot_names(pattern)}
    assert with_arguments - probed == set()
    assert set(QUERY_PARAMS) - keys == set(), "QUERY_PARAMS names no such pattern"
    assert set(POST_BODIES) - keys == set(), "POST_BODIES names no such pattern"
    assert (set(QUERY_PARAMS) | set(POST_BODIES)) - probed == set()
    queries = {(probe.path, name) for probe in probes for name in probe.query}
    assert ("/reports/", "per_page") in queries
    assert ("/reports/", "as_of_after") in queries
    assert ("/admin/commitments/progressreport/", "commitment__id__exact") in queries
    assert ("/admin/commitments/expertmeeting/", "start_date__year") in queries
    assert ("/admin/autocomplete/", "term") in queries


# The probes are run in shards, so that pytest-xdist spreads them over the machine's cores;
# each shard builds its own world (and its probes, unless a shard before it in the same
# process had a world with the same ids, as SQLite's rolled-back ids make it).
SHARDS = 4
_probes_of_world = {}


def probes_of(world) -> list[Probe]:
    ids = tuple(
        (name, getattr(value, "pk", None))
        for name, value in [*vars(world).items(), *world.admin_objects.items()]
    )
    if ids not in _probes_of_world:
        _probes_of_world.clear()
        _probes_of_world[ids] = Walk(world).probes()
    return _probes_of_world[ids]


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_hostile_input_makes_a_server_error(world, clients, quiet, capsys, shard):
    started, cpu = time.perf_counter(), time.process_time()
    probes = probes_of(world)[shard::SHARDS]
    failures = [problem for probe in probes if (problem := run(probe, clients[probe.role]))]
    with capsys.disabled():  # shown even when the test passes
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"\nhostile input, shard {shard}: {len(probes)} requests in {seconds:.1f} s "
            f"({cpu:.1f} s of CPU)"
        )
    assert probes
    assert not failures, f"{len(failures)} of {len(probes)} requests failed:\n  " + "\n  ".join(
        failures
    )


# What the fixes answer ------------------------------------------------------------------------


def test_a_nul_byte_in_the_path_is_refused_with_the_sites_400(siti):
    response = siti.get("/reports/%00/")
    assert response.status_code == 400
    assert "NUL byte" in response.content.decode()


def test_a_past_version_that_is_no_number_is_not_found(root):
    assert root.get("/admin/commitments/participant/1/history/abc/").status_code == 404
    assert root.get(f"/admin/commitments/participant/1/history/{OVERFLOW}/").status_code == 404


def test_an_action_on_ids_that_are_no_ids_selects_nothing(root):
    body = {"action": "delete_selected", "_selected_action": ["abc", OVERFLOW], "index": "0"}
    response = root.post("/admin/commitments/paragraph/", body, follow=True)
    assert response.status_code == 200
    assert "Items must be selected" in response.content.decode()


def test_a_date_hierarchy_year_of_30_digits_is_an_incorrect_lookup(root):
    response = root.get(f"/admin/commitments/expertmeeting/?start_date__year={OVERFLOW}")
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")  # the admin's "incorrect lookup" page


def test_a_many_to_many_id_of_30_digits_is_a_form_error(root):
    response = root.post("/admin/commitments/expertgroup/add/", {"commitments": OVERFLOW})
    assert response.status_code == 200
    assert "is not a valid value" in response.content.decode()


def test_a_handover_item_with_a_digit_int_refuses_is_a_message(amir):
    body = {"item": f"recommendation:{NOT_INT}", "mechanism": "apc", "passed_on": "2004-01-01"}
    response = amir.post("/handover/record/", body)
    assert response.status_code == 302  # back to the register, which says what was wrong
    assert any(BAD_ITEM_MESSAGE in message for message in messages_of(response))

"""The house rules that docs/architecture.md states, checked on the code itself: every write
goes through commitments.services, so no view module writes to the database or opens a
transaction."""

import ast
from pathlib import Path

import pytest

VIEWS = Path(__file__).resolve().parent.parent / "commitments" / "views"
# Model and queryset methods that write (or lock, to write).
WRITES = {"save", "delete", "create", "bulk_create", "bulk_update", "get_or_create",
          "update_or_create", "select_for_update"}  # fmt: skip
# These write on a queryset or a related manager (`X.objects.filter(...).update(...)`), but
# are also methods of dicts and sets, so they count only there.
QUERYSET_WRITES = {"update", "set", "add", "remove", "clear"}


def writes_in(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [alias.name for alias in node.names]
            if "transaction" in names or any(n.endswith("db.transaction") for n in names):
                found.append(f"line {node.lineno}: imports transaction")
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method, receiver = node.func.attr, node.func.value
        on_a_queryset = isinstance(receiver, ast.Call) or (
            isinstance(receiver, ast.Attribute) and receiver.attr == "objects"
        )
        if method in WRITES:
            found.append(f"line {node.lineno}: .{method}()")
        elif method in QUERYSET_WRITES and on_a_queryset:
            found.append(f"line {node.lineno}: .{method}() on a queryset")
    return found


@pytest.mark.parametrize("module", sorted(VIEWS.glob("*.py")), ids=lambda path: path.name)
def test_no_view_module_writes_to_the_database(module):
    assert writes_in(module.read_text()) == []


@pytest.mark.parametrize(
    "source",
    [
        "report.save()",
        "Report.objects.create(x=1)",
        "Report.objects.filter(pk=1).update(x=2)",
        "from django.db import transaction",
        "report.files.all().delete()",
    ],
)
def test_the_check_finds_each_kind_of_write(source):
    assert writes_in(source) != []


def test_the_check_leaves_a_dict_update_alone():
    assert writes_in("context = {}\ncontext.update(a=1)") == []

"""The secretariat's start page: what waits for it across the follow-up mechanism."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from commitments.paging import COUNT_CAP
from commitments.permissions import require_secretariat
from commitments.todo import TODO_LIMIT, secretariat_todo


@require_safe
@login_required
def secretariat_todo_page(request):
    require_secretariat(request.user)
    todo = secretariat_todo(timezone.localdate())
    context = {"todo": todo, "limit": TODO_LIMIT, "count_cap": COUNT_CAP}
    return render(request, "commitments/todo.html", context)

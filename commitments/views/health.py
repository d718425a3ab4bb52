"""`/healthz`, for a load balancer and an uptime monitor: does the database answer, and is
the task worker (which sends the emails) keeping up?"""

import datetime

from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult, get_date_max

from commitments.views.errors import DATABASE_UNAVAILABLE

# A task due longer ago than this and not started means no worker is running (or it is
# stuck): the worker takes a due task within a second when it is idle.
WORKER_LATE_AFTER = datetime.timedelta(minutes=5)


@never_cache
@require_safe
def healthz(request):
    """200 while the database answers, 503 when it does not: what a load balancer needs
    (a stopped worker must not take the site out). `worker` says whether emails go out:
    "ok", or "late" when a task has waited more than five minutes; a monitor alerts on it."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        oldest_due = _oldest_waiting_task()
    except DATABASE_UNAVAILABLE:
        return JsonResponse({"database": "unavailable", "worker": "unknown"}, status=503)
    late = oldest_due is not None and timezone.now() - oldest_due > WORKER_LATE_AFTER
    body = {"database": "ok", "worker": "late" if late else "ok"}
    if late:
        body["oldest_waiting_task_due"] = oldest_due.isoformat()
    return JsonResponse(body)


def _oldest_waiting_task():
    """When the longest-waiting due task became due, or None."""
    ready = DBTaskResult.objects.ready()
    # django_tasks_db marks "as soon as possible" with a far-future run_after.
    soonest = ready.filter(run_after=get_date_max()).order_by("enqueued_at").first()
    deferred = ready.exclude(run_after=get_date_max()).order_by("run_after").first()
    due = [task.enqueued_at for task in [soonest] if task] + [
        task.run_after for task in [deferred] if task
    ]
    return min(due, default=None)

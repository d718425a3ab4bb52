"""The hand-built floor: what the matrix costs at the least. One SQL query (a LATERAL join:
for each cell, the latest counted report), the HTML joined as strings, no template, no model
instances. It goes through the same middleware as the app's pages, so that the two compare
like for like. PostgreSQL only."""

from html import escape

from django.db import connection
from django.http import HttpResponse

MATRIX_SQL = """
SELECT p.short_name, c.code, r.status, r.as_of
FROM commitments_participant p
CROSS JOIN commitments_commitment c
LEFT JOIN LATERAL (
    SELECT status, as_of FROM commitments_progressreport r
    WHERE r.participant_id = p.id AND r.commitment_id = c.id AND r.state = 'submitted'
      AND NOT EXISTS (SELECT 1 FROM commitments_progressreport x
                      WHERE x.corrects_id = r.id AND x.state = 'submitted')
    ORDER BY r.as_of DESC, r.submitted_at DESC, r.id DESC LIMIT 1
) r ON true
WHERE p.role IN ('co_chair', 'participant') AND p.kind IN ('state', 'entity')
  AND c.is_tracked
ORDER BY p.short_name, c.display_order, c.code
"""


def floor_matrix(request):
    with connection.cursor() as cursor:
        cursor.execute(MATRIX_SQL)
        rows = cursor.fetchall()
    parts = ["<!doctype html><title>Floor</title><table><tr>"]
    current = None
    for name, _code, status, as_of in rows:
        if name != current:
            parts.append(f"</tr><tr><th>{escape(name)}</th>")
            current = name
        parts.append(f"<td>{status or 'no report'} {as_of or ''}</td>")
    parts.append("</tr></table>")
    return HttpResponse("".join(parts))

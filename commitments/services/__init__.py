"""Every write to the database, one module per kind of object.

Each write is one keyword-only function that holds its rules, validates fully
(`full_clean()`), records who made it (`commitments.history.record_as`) and runs in one
transaction. Views, admin actions, management commands and tests call these functions; no
view writes to the database itself, so a rule cannot be skipped through another door.

- reports: progress reports and their evidence files (drafts, submission, corrections);
- comments: the secretariat's acknowledgements and questions, and the officials' replies;
- recommendations: a recommendation's moves to Ministers and to closure;
- handovers: passing follow-up on to an existing mechanism (paragraph 25);
- participation: volunteering for an experts' group, attendance at its meetings;
- reminders: the reminder emails, each recorded so that it is sent once.
"""

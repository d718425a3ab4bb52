"""The secretariat's data entry: every model, searchable and filterable, with its history. One
module per module of commitments.models, and `base` for what they share; `accounts` for
Django's users."""

from commitments.admin import (  # noqa: F401 (each module registers its admins)
    accounts,
    base,
    comments,
    mail,
    mechanisms,
    meetings,
    progress,
    reference,
)

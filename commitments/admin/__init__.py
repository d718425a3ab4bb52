"""The secretariat's data entry: every model, searchable and filterable, with its history. One
module per module of commitments.models, and `base` for what they share; `accounts` for
Django's users. Every admin of the site, other apps' included, then checks the ids it looks
up (base.guard_every_admin)."""

from django.contrib import admin

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

base.guard_every_admin(admin.site)

"""A user's own account settings."""

from django.db import transaction

from commitments.history import record_as
from commitments.models import AccountPreference


@transaction.atomic
def account_language_set(*, user, language: str) -> AccountPreference | None:
    """Remember `language` ("" for none) as the user's own; a history row says who and when."""
    preference = AccountPreference.objects.select_for_update().filter(user=user).first()
    if preference is None:
        if not language:
            return None  # none chosen, none to forget
        preference = AccountPreference(user=user)
    if preference.language != language:
        preference.language = language
        preference.full_clean()
        record_as(preference, user)
        preference.save()
    return preference

"""Personal API tokens: made, named and revoked by their user on the account page; marked as
used by the API's authentication. The secret leaves this module once, in token_create's
answer; only its digest is stored."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from commitments.history import record_as
from commitments.models import ApiToken
from commitments.models.tokens import NAME_TAKEN_MESSAGE, token_digest

# Tokens say what they are ("bft": Bali follow-up tracker), so that a leaked one is
# recognised by secret scanners and by people.
SECRET_PREFIX = "bft_"
SECRET_BYTES = 32
# The first characters shown on the account page: the marker and 8 of the secret's.
SHOWN_LENGTH = len(SECRET_PREFIX) + 8
# last_used_at is written at most this often, so that reading the API is not a write each time.
LAST_USED_EVERY = datetime.timedelta(minutes=5)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)


def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new active token for `user`, and its secret, which is never available again."""
    secret = new_secret()
    token = ApiToken(
        user=user, name=name.strip(), prefix=secret[:SHOWN_LENGTH], digest=token_digest(secret)
    )
    token.full_clean()  # the name: required, its length, unique among the user's active ones
    try:
        with transaction.atomic():
            record_as(token, user)
            token.save()
    except IntegrityError:
        # The same name made a moment ago in another tab (the partial unique constraint).
        raise ValidationError({"name": NAME_TAKEN_MESSAGE}) from None
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, user) -> ApiToken:
    """Revoke the token: from now on it authenticates nothing. Revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.full_clean()
    record_as(token, user)
    token.save()
    return token


def token_used(*, token: ApiToken, now: datetime.datetime | None = None) -> None:
    """Note that the token was used, at most every LAST_USED_EVERY. An update of that one
    column, without a history row (the history leaves last_used_at out) or a signal."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now

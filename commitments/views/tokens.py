"""The account's personal API tokens: list them, make one (its secret shown once, on the page
that answers the form), revoke one (after a confirmation)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from commitments.forms import ApiTokenForm
from commitments.models import ApiToken
from commitments.permissions import token_for_revoke
from commitments.services import tokens


def _page(request, form, secret=None, new_token=None, status=200):
    context = {
        "tokens": ApiToken.objects.active().filter(user=request.user),
        "form": form,
        "secret": secret,
        "new_token": new_token,
    }
    return render(request, "commitments/accounts/tokens.html", context, status=status)


@never_cache  # the page that shows a secret must not be kept by any cache
@require_http_methods(["GET", "POST"])
@login_required
def token_list(request):
    if request.method == "GET":
        return _page(request, ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    try:
        token, secret = tokens.token_create(user=request.user, name=form.cleaned_data["name"])
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _page(request, form)
    # Rendered, not redirected: the secret is shown on this answer and stored nowhere, so no
    # later page could show it again.
    return _page(request, ApiTokenForm(), secret=secret, new_token=token, status=201)


@require_http_methods(["GET", "POST"])
@login_required
def token_revoke(request, pk):
    token = token_for_revoke(request.user, pk)
    if request.method == "GET":
        return render(request, "commitments/accounts/token_revoke.html", {"token": token})
    tokens.token_revoke(token=token, user=request.user)
    messages.success(
        request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("api_tokens")

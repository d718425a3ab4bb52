"""The language menu (on every page, without JavaScript) and the account page, where a
logged-in user keeps a language as their own (the pages once logged in, and the emails)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from commitments.forms import LanguagePreferenceForm
from commitments.languages import SESSION_KEY, is_offered, remember_in_session, stored_language
from commitments.services.accounts import account_language_set


@require_POST
def language_choose(request):
    """The menu's choice: for this browser (Django's cookie), and for a logged-in user, as
    their preference too. Back to the page it was chosen on (`next`, if on this site)."""
    language = request.POST.get("language", "")
    if not is_offered(language):
        return HttpResponseBadRequest(_("This language is not offered."))
    if request.user.is_authenticated:
        account_language_set(user=request.user, language=language)
        remember_in_session(request, language)
    return set_language(request)


@require_http_methods(["GET", "POST"])
@login_required
def account(request):
    data = request.POST if request.method == "POST" else None
    form = LanguagePreferenceForm(data, initial={"language": stored_language(request.user)})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        account_language_set(user=request.user, language=language)
        remember_in_session(request, language)
        # The message in the language just chosen (or the browser's, for none).
        translation.activate(language or translation.get_language_from_request(request))
        messages.success(request, _("Your language preference is saved."))
        return redirect("account")
    context = {"form": form, "session_language": request.session.get(SESSION_KEY, "")}
    return render(request, "commitments/accounts/account.html", context)

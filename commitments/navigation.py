"""The site's navigation: links grouped by what users do, only those the user may open.

Built in Python rather than in the template so that each link's rule lives beside it and the
wide header and the phone menu render the same list."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext

from commitments.access import can_view_progress
from commitments.permissions import is_secretariat, may_import, official_participant
from commitments.todo import todo_count


@dataclass
class NavLink:
    label: str
    url_name: str
    # The url names of the pages that count as this link's (its own, and its detail pages).
    also_current: tuple = ()
    count: int | None = None
    current: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass
class NavGroup:
    label: str
    links: list = field(default_factory=list)

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)

    @property
    def count(self) -> int:
        return sum(link.count or 0 for link in self.links)


def navigation(request, version) -> list[NavGroup]:
    """The groups of links for this user. The to-do count (cached under the data version
    `version`) is read only for the roles that have a to-do page."""
    user = request.user
    progress = can_view_progress(user)
    # The groups' and links' words are short: their context tells translators they name
    # parts of the site in its menu.
    groups = [
        NavGroup(
            pgettext("navigation group", "Progress"),
            [
                NavLink(pgettext("navigation", "Overview"), "home"),
                *(
                    [
                        NavLink(pgettext("navigation", "Matrix"), "matrix"),
                        NavLink(
                            pgettext("navigation", "Countries"), "country_list", ("country_detail",)
                        ),
                    ]
                    if progress
                    else []
                ),
                NavLink(
                    pgettext("navigation", "Commitments"), "commitment_list", ("commitment_detail",)
                ),
                *(
                    [NavLink(pgettext("navigation", "Reports"), "report_list", ("report_detail",))]
                    if progress
                    else []
                ),
                NavLink(pgettext("navigation", "Status scale"), "status_scale"),
                NavLink(pgettext("navigation", "Open data"), "open_data"),
            ],
        ),
        NavGroup(
            pgettext("navigation group", "Follow-up"),
            [
                NavLink(pgettext("navigation", "Meetings"), "meeting_list", ("meeting_detail",)),
                NavLink(pgettext("navigation", "Experts' groups"), "group_list", ("group_detail",)),
                NavLink(
                    pgettext("navigation", "Ministerial review"),
                    "ministerial_review",
                    ("ministerial_review_print",),
                ),
                *([NavLink(pgettext("navigation", "Handover"), "handover")] if progress else []),
            ],
        ),
    ]
    my_work = NavGroup(pgettext("navigation group", "My work"))
    import_link = NavLink(pgettext("navigation", "Import reports"), "import_upload",
                          ("import_preview",))  # fmt: skip
    if is_secretariat(user):
        my_work.links += [
            NavLink(
                pgettext("navigation", "To do"),
                "secretariat_todo",
                count=todo_count(user, timezone.localdate(), version),
            ),
            NavLink(pgettext("navigation", "Comment queue"), "comment_queue"),
            import_link,
        ]
    elif official_participant(user) is not None:
        my_work.links.append(
            NavLink(
                pgettext("navigation", "My country"),
                "workspace",
                count=todo_count(user, timezone.localdate(), version),
            )
        )
        if may_import(user):  # not an observer's official: observers report nothing
            my_work.links.append(import_link)
    if user.is_staff:
        my_work.links.append(NavLink(pgettext("navigation", "Admin"), "admin:index"))
    if my_work.links:
        groups.append(my_work)
    current = request.resolver_match.url_name if request.resolver_match else None
    for group in groups:
        for link in group.links:
            link.current = current in (link.url_name, *link.also_current)
    return groups

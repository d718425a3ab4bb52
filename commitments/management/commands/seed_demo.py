"""Add synthetic demonstration progress data and demo accounts, or remove them (--clear).

The data is made up and marked as such; see commitments/demo.py.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from commitments import demo


class Command(BaseCommand):
    # A property, in the active language: argparse needs a str, not a lazy one.
    @property
    def help(self):
        return _(
            "Add a synthetic history of progress reports for every tracked participant and "
            "commitment, and three demo accounts. All of it is demonstration data, never real "
            "progress; --clear removes it."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help=_("The same seed gives the same data (default %(default)s)."),
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help=_("Multiply the reports per pair, for load tests (1 to %(most)s).")
            % {"most": demo.MAX_SCALE},
        )
        parser.add_argument(
            "--password", help=_("Password for new demo accounts (default: a random one each).")
        )
        parser.add_argument(
            "--gaps",
            action="store_true",
            help=_(
                "Leave a few participant and commitment pairs without any report, to show "
                "empty cells (by default every pair has at least one submitted report)."
            ),
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--clear", action="store_true", help=_("Remove the demonstration data and accounts.")
        )
        mode.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Do nothing, successfully, if demonstration data is already present."),
        )

    def handle(self, *args, **options):
        if options["clear"]:
            self._clear()
            return
        if not 1 <= options["scale"] <= demo.MAX_SCALE:
            raise CommandError(
                _("--scale must be between 1 and %(most)s.") % {"most": demo.MAX_SCALE}
            )
        if options["password"] == "":
            raise CommandError(_("--password cannot be empty."))
        try:
            result = demo.seed_demo(
                seed=options["seed"],
                scale=options["scale"],
                password=options["password"],
                gaps=options["gaps"],
            )
        except demo.DemoDataPresent:
            if options["if_empty"]:
                self.stdout.write(_("Demonstration data already present; nothing added."))
                return
            raise CommandError(
                _(
                    "Demonstration data is already present. Run `manage.py seed_demo --clear` "
                    "first to remove it, then seed again."
                )
            ) from None
        except demo.DemoSetupError as error:
            raise CommandError(str(error)) from None
        self._report(result)

    def _report(self, result: demo.DemoResult):
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Added demonstration data (seed %(seed)s, scale %(scale)s): %(submitted)s "
                    "submitted reports, of which %(corrections)s corrections; %(drafts)s "
                    "drafts; %(history_rows)s history rows."
                )
                % {
                    "seed": result.seed,
                    "scale": result.scale,
                    "submitted": result.submitted,
                    "corrections": result.corrections,
                    "drafts": result.drafts,
                    "history_rows": result.history_rows,
                }
            )
        )
        if result.gaps:
            gaps = ", ".join(
                # Translators: a participant and a commitment, e.g. "Indonesia on 17a".
                _("%(participant)s on %(commitment)s")
                % {"participant": participant, "commitment": code}
                for participant, code in result.gaps
            )
            self.stdout.write(
                _("Left without any report, on purpose (--gaps): %(gaps)s.") % {"gaps": gaps}
            )
        self.stdout.write("")
        self.stdout.write(
            _(
                "These are demonstration accounts, for trying the application out; they are "
                "not real officials. Passwords are shown only this once."
            )
        )
        width = max(len(account.username) for account in result.accounts)
        self.stdout.write(f"  {'username':<{width}}  {'password':<18}  role")
        for account in result.accounts:
            password = account.password or _("(kept from before; password unchanged)")
            self.stdout.write(f"  {account.username:<{width}}  {password:<18}  {account.role}")

    def _clear(self):
        try:
            result = demo.clear_demo()
        except ProtectedError:
            raise CommandError(
                _(
                    "Some reports that are not demonstration data correct demonstration "
                    "reports; nothing was removed. Those corrections refer to the demo data, "
                    "so it stays."
                )
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Removed %(reports)s demonstration reports, %(users)s demo accounts and "
                    "%(officials)s official links, %(comments)s review comments and %(files)s "
                    "evidence files on demonstration reports, and %(history_rows)s history "
                    "rows about them (those recorded when they were added, and when removed)."
                )
                % {
                    "reports": result.reports,
                    "users": result.users,
                    "officials": result.officials,
                    "comments": result.comments,
                    "files": result.files,
                    "history_rows": result.history_rows,
                }
            )
        )
        for username in result.kept_users:
            self.stdout.write(
                _(
                    "Kept the account %(username)s: reports or comments that are not "
                    "demonstration data refer to it."
                )
                % {"username": username}
            )
        for username in result.deactivated_users:
            self.stdout.write(
                _(
                    "Kept the account %(username)s but deactivated it (it can no longer log "
                    "in): history rows or admin log entries about data that is not "
                    "demonstration data name it as the user who made a change, and deleting "
                    "it would erase that."
                )
                % {"username": username}
            )

"""Add synthetic demonstration progress data and demo accounts, or remove them (--clear).

The data is made up and marked as such; see commitments/demo.py.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError

from commitments import demo


class Command(BaseCommand):
    help = (
        "Add a synthetic history of progress reports for every tracked participant and "
        "commitment, and three demo accounts. All of it is demonstration data, never real "
        "progress; --clear removes it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help="The same seed gives the same data (default %(default)s).",
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help=f"Multiply the reports per pair, for load tests (1 to {demo.MAX_SCALE}).",
        )
        parser.add_argument(
            "--password", help="Password for new demo accounts (default: a random one each)."
        )
        parser.add_argument(
            "--gaps",
            action="store_true",
            help="Leave a few participant and commitment pairs without any report, to show "
            "empty cells (by default every pair has at least one submitted report).",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--clear", action="store_true", help="Remove the demonstration data and accounts."
        )
        mode.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, successfully, if demonstration data is already present.",
        )

    def handle(self, *args, **options):
        if options["clear"]:
            self._clear()
            return
        if not 1 <= options["scale"] <= demo.MAX_SCALE:
            raise CommandError(f"--scale must be between 1 and {demo.MAX_SCALE}.")
        if options["password"] == "":
            raise CommandError("--password cannot be empty.")
        try:
            result = demo.seed_demo(
                seed=options["seed"],
                scale=options["scale"],
                password=options["password"],
                gaps=options["gaps"],
            )
        except demo.DemoDataPresent:
            if options["if_empty"]:
                self.stdout.write("Demonstration data already present; nothing added.")
                return
            raise CommandError(
                "Demonstration data is already present. Run `manage.py seed_demo --clear` "
                "first to remove it, then seed again."
            ) from None
        except demo.DemoSetupError as error:
            raise CommandError(str(error)) from None
        self._report(result)

    def _report(self, result: demo.DemoResult):
        self.stdout.write(
            self.style.SUCCESS(
                f"Added demonstration data (seed {result.seed}, scale {result.scale}): "
                f"{result.submitted} submitted reports, of which {result.corrections} "
                f"corrections; {result.drafts} drafts; {result.history_rows} history rows."
            )
        )
        if result.gaps:
            gaps = ", ".join(f"{participant} on {code}" for participant, code in result.gaps)
            self.stdout.write(f"Left without any report, on purpose (--gaps): {gaps}.")
        self.stdout.write("")
        self.stdout.write(
            "These are demonstration accounts, for trying the application out; "
            "they are not real officials. Passwords are shown only this once."
        )
        width = max(len(account.username) for account in result.accounts)
        self.stdout.write(f"  {'username':<{width}}  {'password':<18}  role")
        for account in result.accounts:
            password = account.password or "(kept from before; password unchanged)"
            self.stdout.write(f"  {account.username:<{width}}  {password:<18}  {account.role}")

    def _clear(self):
        try:
            result = demo.clear_demo()
        except ProtectedError:
            raise CommandError(
                "Some reports that are not demonstration data correct demonstration reports; "
                "nothing was removed. Those corrections refer to the demo data, so it stays."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed {result.reports} demonstration reports, {result.users} demo accounts "
                f"and {result.officials} official links, {result.comments} review comments "
                f"and {result.files} evidence files on demonstration reports, and "
                f"{result.history_rows} history rows about them (those recorded when they "
                "were added, and when removed)."
            )
        )
        for username in result.kept_users:
            self.stdout.write(
                f"Kept the account {username}: reports or comments that are not demonstration "
                "data refer to it."
            )
        for username in result.deactivated_users:
            self.stdout.write(
                f"Kept the account {username} but deactivated it (it can no longer log in): "
                "history rows or admin log entries about data that is not demonstration data "
                "name it as the user who made a change, and deleting it would erase that."
            )

from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commitments"
    verbose_name = "Follow-up tracker"

    def ready(self):
        from commitments import caching, languages

        caching.connect_signals()
        languages.connect_signals()

"""Background tasks (Django's tasks framework), thin wrappers over the services. In
production they are stored in the database and run by `manage.py db_worker`."""

from django.tasks import task

from commitments.services import mail


@task
def deliver_email(email_id: int) -> str:
    return mail.deliver(email_id=email_id)

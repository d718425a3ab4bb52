"""Background tasks (Django's tasks framework), thin wrappers over the services. In
production they are stored in the database and run by `manage.py db_worker`."""

from django.tasks import task

from commitments.services import documents, mail


@task
def deliver_email(email_id: int) -> str:
    return mail.deliver(email_id=email_id)


@task
def prepare_document(document_id: int) -> str:
    return documents.prepare(document_id=document_id)

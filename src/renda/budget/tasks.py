"""Background tasks (django-tasks): the database worker runs them beside ``renda serve``; under
tests the immediate backend runs them inline."""

from django_tasks import task


@task()
def payment_import_task(import_id: int) -> None:
    from renda.budget.services import payment_import_run

    payment_import_run(import_id=import_id)

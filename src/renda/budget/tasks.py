"""Background tasks (django-tasks): the database worker runs them beside ``renda serve``; under
tests the immediate backend runs them inline."""

from django_tasks import task


@task()
def payment_import_task(import_id: int) -> None:
    from renda.budget.services import payment_import_run

    payment_import_run(import_id=import_id)


@task()
def run_rules_daily() -> dict[str, int]:
    from renda.budget.services import rules_run_daily

    return {str(run.congress_id): sum(run.created.values()) for run in rules_run_daily()}

"""The duty sweep as a task (SCHEDULED_JOBS, each minute) and as a function the `deliver` loop
calls every round (DELIVERY_PERIODIC), so an escalation fires within one worker cycle of its due
time (docs/reports.md, "Duty and escalation")."""

from django.tasks import task

from duty import sweep


@task(queue_name="urgent")
def sweep_task() -> int:
    return sweep.run(force=True)


def sweep_in_loop() -> None:
    sweep.run()

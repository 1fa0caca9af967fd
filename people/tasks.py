from django.tasks import task

from people.senders import get_sender


@task(queue_name="signin")
def send_signin_code(phone: str, code: str, language: str) -> None:
    get_sender().send(phone, code, language)

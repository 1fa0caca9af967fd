"""Where sign-in codes go. The sender is a setting (SIGNIN_CODE_SENDER).

The console sender prints to the server log for the demo; the memory sender keeps codes in
process for tests. The channels app adds senders for SMS and Zalo ZNS with the same shape.
"""

import logging
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import override

logger = logging.getLogger(__name__)


@dataclass
class SentCode:
    phone: str
    code: str
    text: str


class CodeSender:
    def send(self, phone: str, code: str, language: str) -> None:
        raise NotImplementedError

    @staticmethod
    def render(code: str, language: str, ttl_minutes: int) -> str:
        with override(language):
            return _("Cảnh Giác: your sign-in code is %(code)s. It expires in %(minutes)d minutes. Never share it.") % {
                "code": code,
                "minutes": ttl_minutes,
            }


class ConsoleSender(CodeSender):
    def send(self, phone: str, code: str, language: str) -> None:
        text = self.render(code, language, settings.SIGNIN_CODE_TTL_SECONDS // 60)
        logger.warning("Sign-in code for %s: %s", phone, code)
        print(f"[sign-in code] {phone}: {text}", flush=True)


class MemorySender(CodeSender):
    """Keeps sent codes in memory, newest last; tests read them from `outbox`."""

    outbox: ClassVar[list[SentCode]] = []

    def send(self, phone: str, code: str, language: str) -> None:
        text = self.render(code, language, settings.SIGNIN_CODE_TTL_SECONDS // 60)
        self.outbox.append(SentCode(phone=phone, code=code, text=text))

    @classmethod
    def last_code_for(cls, phone: str) -> str:
        for sent in reversed(cls.outbox):
            if sent.phone == phone:
                return sent.code
        raise LookupError(f"no code was sent to {phone}")


def get_sender() -> CodeSender:
    return import_string(settings.SIGNIN_CODE_SENDER)()

"""E-mail backends for tests: one that always fails, one that fails once then delivers."""

from smtplib import SMTPServerDisconnected

from django.core.mail.backends.locmem import EmailBackend as LocMemBackend


class FailingBackend(LocMemBackend):
    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


class FlakyBackend(LocMemBackend):
    failures_left = 1

    def send_messages(self, messages):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)

"""Logging filters configured in settings.LOGGING."""

import logging

from surveys.redact import redact


class RedactPersonalData(logging.Filter):
    """Masks email addresses and survey and unsubscribe links in a record's message, its
    arguments and its traceback: logs travel further than the database and are kept longer,
    and a survey token in a log would answer a patient's survey.

    Set on the loggers that log request paths (django.request, django.security.csrf,
    django.server), so every handler of theirs gets the masked record, and on the console
    handler for everything else."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _redacted(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_redacted(arg) for arg in record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def _redacted(arg):
    if arg is None or isinstance(arg, int | float):
        return arg  # keeps %d and %.1f working
    text = str(arg)
    masked = redact(text)
    return arg if masked == text else masked

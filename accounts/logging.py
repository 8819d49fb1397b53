"""A logging filter that keeps names of persons out of the logs.

Log lines should never carry names (we log ids and case numbers), but an exception message
or a third-party library can. Anything that looks like a personal name in a known script is
replaced before the record is emitted. The filter is deliberately broad: a log line that
loses a word is cheaper than a log line that names a person hunted by a security service.
"""

import logging
import re

# Two or more capitalised words in a row (Latin or Cyrillic), e.g. "Rustam Abdullaev".
_NAME_LIKE = re.compile(
    r"\b[A-ZА-ЯЁЎҚҒҲ][a-zа-яёўқғҳ'‘ʻ’-]+(?:\s+[A-ZА-ЯЁЎҚҒҲ][a-zа-яёўқғҳ'‘ʻ’-]+)+\b"
)
# A personal API token (accounts.api_tokens): its public prefix stays, its secret goes.
_API_TOKEN = re.compile(r"\b(hvn_[0-9a-f]{8}_)[A-Za-z0-9_-]+")
# Any Cyrillic word at all: our log messages are English, so Cyrillic is data.
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04FF]+")


# Capitalised runs that are Django's and Python's own words, not names: "Internal Server
# Error: /path", "Not Found: /path". Keeping them keeps the logs readable.
_OWN_WORDS = frozenset(
    "Internal Server Error Not Found Bad Request Method Allowed Service Unavailable "
    "Gateway Timeout Permission Denied Too Many Requests Forbidden Unauthorized".split()
)


# A value of a query parameter that carries names (search words, a name typed in a form),
# whatever its spelling or case: "?q=abdullaev", "&full_name=Rustam+A".
_NAME_PARAM = re.compile(
    r"([?&;](?:q|query|search|name|names|full_name|first_name|last_name|patronymic)=)"
    r"[^&;\s\"']*",
    re.IGNORECASE,
)
# Cyrillic percent-encoded in a URL (UTF-8 lead bytes D0-D4): "%D0%90%D0%B1...".
_ENCODED_CYRILLIC = re.compile(r"(?:%D[0-4]%[89AB][0-9A-F])+", re.IGNORECASE)
# Cyrillic as Python's unicode_escape writes it: Django's request logger escapes the path it
# prints ("Not Found: /persons/\u0410\u0431..."), so the name is there, only spelled so.
_ESCAPED_CYRILLIC = re.compile(r"(?:\\u04[0-9a-f]{2})+", re.IGNORECASE)

# The loggers that print request lines (with their query strings) outside Django's own
# handlers: gunicorn's access and error logs, and runserver's.
SERVER_LOGGERS = ("gunicorn.access", "gunicorn.error", "django.server")


def _redact_match(match: re.Match) -> str:
    if set(match.group(0).split()) <= _OWN_WORDS:
        return match.group(0)
    return "[redacted]"


def redact(text: str) -> str:
    text = _NAME_PARAM.sub(r"\1[redacted]", text)
    text = _ENCODED_CYRILLIC.sub("[redacted]", text)
    text = _ESCAPED_CYRILLIC.sub("[redacted]", text)
    text = _API_TOKEN.sub(r"\1[redacted]", text)
    text = _NAME_LIKE.sub(_redact_match, text)
    return _CYRILLIC_WORD.sub("[redacted]", text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the whole record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install_on_server_loggers() -> None:
    """The filter on the loggers that print request lines, on the logger itself, so that it
    applies whatever handler gunicorn or runserver gives them."""
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactPersonalData) for f in logger.filters):
            logger.addFilter(RedactPersonalData())

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


def _redact_match(match: re.Match) -> str:
    if set(match.group(0).split()) <= _OWN_WORDS:
        return match.group(0)
    return "[redacted]"


def redact(text: str) -> str:
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

"""Personal data and usable links out of text that is logged or stored for operations: send
errors, log lines. Plain text functions with no imports of models, so that the logging
configuration (portal/log_filters.py) can use them before the apps are loaded."""

import re

# The local part of an address, up to its @ (a backslash too: a refusal's text shows up in
# logs as a bytes repr, where ä is \xc3\xa4). The domain stays: it tells operations which mail
# server refuses, and names no one.
_ADDRESS = re.compile(r"[\w.!#$%&*+/=?^~\\-]+@(?=[\w-]+(?:\.[\w-]+)+)")
# A survey link's token and an unsubscribe link's signature (surveys/urls.py): each works as
# a key on its own.
_UNSUBSCRIBE_LINK = re.compile(r"(/s/unsubscribe/)[^/\s?#'\"]+")
_SURVEY_LINK = re.compile(r"(/s/)(?!unsubscribe/)[^/\s?#'\"]+")
MASK = "***"


def mask_addresses(text: str) -> str:
    """``patient@example.com`` -> ``***@example.com``."""
    return _ADDRESS.sub(MASK + "@", text)


def mask_survey_links(text: str) -> str:
    """``/s/<token>/`` -> ``/s/***/``, ``/s/unsubscribe/<signature>/`` -> ``/s/unsubscribe/***/``."""
    if "/s/" not in text:
        return text
    return _SURVEY_LINK.sub(r"\1" + MASK, _UNSUBSCRIBE_LINK.sub(r"\1" + MASK, text))


def redact(text: str) -> str:
    return mask_survey_links(mask_addresses(text))

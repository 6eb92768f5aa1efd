"""The tabs of the quality staff's pages, shown to quality staff and administrators on each of
them (``{% load quality %}{% quality_tabs "<url name>" %}``). A new page adds its line here."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cooperation.access import Role, is_admin

#: (URL name, label), in the order of the tabs.
QUALITY_PAGES = [
    ("quality-units", _("Units' NPS")),
    ("quality-practitioners", _("Practitioners")),
    ("quality-comments", _("Comments")),
    ("binding-target-list", _("Binding targets")),
    ("feedback-case-queue", _("Feedback cases")),
]


def may_read_quality_pages(user) -> bool:
    return is_admin(user) or (user.is_authenticated and user.role == Role.QUALITY)


def quality_tabs(user, current: str) -> list[dict]:
    """The tabs for ``user`` with ``current`` marked; none for anyone else (an account manager
    reading a binding target sees no quality tabs)."""
    if not may_read_quality_pages(user):
        return []
    return [{"url": reverse(name), "label": label, "current": name == current} for name, label in QUALITY_PAGES]

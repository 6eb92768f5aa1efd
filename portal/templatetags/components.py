"""The shared page components: ``{% load components %}`` then ``{% chart c %}``,
``{% key_figure f %}``, ``{% table_head t %}``, ``{% pager t %}``, ``{% empty_state "…" %}``,
``{% suppression_note %}``, ``{% stepper steps "label" %}``, ``{% checklist items "empty" %}``.
Each renders templates/components/<name>.html from plain data (portal.components); none queries
the database."""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("components/chart.html")
def chart(chart, *, compact=False):
    return {"chart": chart, "config": chart.config(), "compact": compact, "min_size": settings.MIN_GROUP_SIZE}


@register.inclusion_tag("components/key_figure.html")
def key_figure(figure):
    return {"figure": figure, "min_size": settings.MIN_GROUP_SIZE}


@register.inclusion_tag("components/table_head.html")
def table_head(table):
    return {"headers": table.headers()}


@register.inclusion_tag("components/pager.html")
def pager(table, label=""):
    return {"pages": table.pages(), "label": label}


@register.inclusion_tag("components/empty_state.html")
def empty_state(message, action_url="", action_label=""):
    return {"message": message, "action_url": action_url, "action_label": action_label}


@register.inclusion_tag("components/suppression_note.html")
def suppression_note(reason=""):
    """``reason``: "" (fewer answers than the minimum), "published" (fewer answers, or a figure
    that could be worked out from the ones shown with it), "employees" (a health figure)."""
    return {"min_size": settings.MIN_GROUP_SIZE, "reason": reason}


@register.inclusion_tag("components/stepper.html")
def stepper(steps, label=""):
    return {"steps": steps, "label": label}


@register.inclusion_tag("components/checklist.html")
def checklist(items, empty=""):
    return {"items": items, "empty": empty}

"""``{% quality_tabs "<url name>" %}``: the tabs of the quality staff's pages (portal.quality_nav)."""

from django import template

from portal.quality_nav import quality_tabs as tabs_for

register = template.Library()


@register.inclusion_tag("portal/quality/_tabs.html", takes_context=True)
def quality_tabs(context, current: str):
    return {"tabs": tabs_for(context["request"].user, current)}

from django import template
from django.utils.formats import get_format

register = template.Library()


@register.filter
def figure(value, percent: bool = False) -> str:
    """A dashboard figure: thousands grouped the local way (1.850 in Vietnamese), — when unknown.

    Django's Vietnamese format module sets no NUMBER_GROUPING, so floatformat would not group.
    """
    if value is None:
        return "—"
    if percent:
        return f"{value:.1f}".replace(".", get_format("DECIMAL_SEPARATOR")) + "%"
    return f"{int(value):,}".replace(",", get_format("THOUSAND_SEPARATOR"))


@register.filter
def shown(fig) -> str:
    """A metrics.Figure as shown: its value, or what is missing ("not declared") when it has none."""
    if fig.value is None and fig.missing:
        return str(fig.missing)
    return figure(fig.value, fig.percent)

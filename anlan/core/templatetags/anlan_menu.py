"""The left menu's links, written by a tag: about a hundred links on every page, each a variable, another
and a comparison with the page's address when looped in the template (~1,000 template nodes a page). The
menu is kept per kind of user (core.context_processors); only the link of the page itself differs."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def menu_groups(groups, path: str):
    """Each group of `groups` ([(title, [(label, url)])]) as a `navgroup` block; the link whose address is
    `path` marked `active`. The same HTML as the loop it replaces."""
    parts = []
    for title, items in groups:
        links = "".join(
            f'<a href="{escape(url)}" class="{"active" if url == path else ""}">{escape(label)}</a>'
            for label, url in items
        )
        title = f'<div class="navtitle">{escape(title)}</div>'
        parts.append(f'<div class="navgroup">\n      {title}\n      {links}\n    </div>')
    return mark_safe("\n    ".join(parts))

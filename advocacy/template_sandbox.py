"""The only tags and filters a letter template may use.

Deliberately absent: {% load %}, {% include %}, {% extends %}, {% debug %}, {% url %},
{% csrf_token %}, {% now %} and every filter that reaches outside the value it is given.
"""

from django.template import Library, defaultfilters, defaulttags

register = Library()

register.tag("if", defaulttags.do_if)
register.tag("for", defaulttags.do_for)

for _name in (
    "upper",
    "lower",
    "capfirst",
    "title",
    "default",
    "join",
    "length",
    "first",
    "last",
    "wordwrap",
    "linebreaksbr",
):
    register.filter(_name, getattr(defaultfilters, _name))

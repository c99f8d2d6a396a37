"""Marking texts for translation where Flask is not imported (services, domain).

`N_("...")` returns the English text; `pybabel extract -k N_` collects it, and the pages translate it when
they show it (`translate` in basisbaan.web.forms). With parameters, `N_("Row %(row)s.", row=3)` gives a
`Message`: the formatted English text (for the API) that still knows its template, so a page can translate
the template and then fill in the parameters.
"""

from __future__ import annotations


class Message(str):
    template: str
    params: dict

    def __new__(cls, template: str, **params):
        text = super().__new__(cls, template % params if params else template)
        text.template = template
        text.params = params
        return text


def N_(text: str, **params) -> str:  # noqa: N802 - the conventional name for a translation marker
    return Message(text, **params) if params else text

"""Marking texts for translation where Flask is not imported (services, domain).

`N_("...")` returns the text unchanged; `pybabel extract -k N_` collects it, and the pages translate it
when they show it (basisbaan.web.forms.apply_errors). The API answers in English.
"""


def N_(text: str) -> str:  # noqa: N802 - the conventional name for a no-op translation marker
    return text

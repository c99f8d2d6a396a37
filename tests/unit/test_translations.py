"""Dutch is the default language: every interface text has a Dutch translation (no database)."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "platform" / "basisbaan" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"


def test_every_message_is_translated_and_none_is_fuzzy():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    missing = [m.id for m in catalogue if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []


def test_the_catalogue_holds_every_text_in_the_code():
    """A text added to a template or marked in code without running `make translations` fails here."""
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.do"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None}
    found = set()
    for folder in (ROOT / "platform", ROOT / "plugins"):
        for _, _, message, *_ in extract_from_dir(str(folder), method_map, options, keywords):
            found.add(message if isinstance(message, str) else message[0])
    with CATALOGUE.open("rb") as handle:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert sorted(found - known) == []

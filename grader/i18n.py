"""Every sentence a student reads goes through `_()`: the source texts are
English, `locale/fr/LC_MESSAGES/grader.po` holds the French (the default
language, the course being taught in French).

The catalog is read straight from the .po file (a few lines of parsing), so
there is no compiled .mo file to keep in step with it."""
from __future__ import annotations

import ast
import gettext
import json
import re
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"


def read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr for every translated, non-fuzzy entry of a .po file."""
    catalog: dict[str, str] = {}
    msgid = msgstr = None
    current = None
    fuzzy = False

    def flush():
        if msgid and msgstr and not fuzzy:
            catalog[msgid] = msgstr

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line or line.startswith("#"):
            if current is not None and not line.startswith('"'):
                flush()
                msgid = msgstr = current = None
                fuzzy = False
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if line.startswith("msgid "):
            msgid, current = ast.literal_eval(line[6:]), "id"
        elif line.startswith("msgstr "):
            msgstr, current = ast.literal_eval(line[7:]), "str"
        elif line.startswith('"'):
            if current == "id":
                msgid += ast.literal_eval(line)
            elif current == "str":
                msgstr += ast.literal_eval(line)
    return catalog


class _PoTranslations(gettext.NullTranslations):
    def __init__(self, catalog: dict[str, str]):
        super().__init__()
        self._catalog = catalog

    def gettext(self, message: str) -> str:
        return self._catalog.get(message, message)


_current: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    global _current, _language
    if lang not in LANGUAGES:
        raise ValueError(lang)
    _language = lang
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "grader.po"
    _current = _PoTranslations(read_po(po)) if po.exists() else gettext.NullTranslations()


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """`message` in the report's language, and in the active lab's terms
    (messages are written with 2021's script and file names)."""
    from .lab import in_lab_terms
    return in_lab_terms(_current.gettext(message))


def N_(message: str) -> str:
    """Marks a text for translation where it is defined; `_()` translates it
    where it is shown."""
    return message


set_language(DEFAULT_LANGUAGE)


_TEMPLATE_CALL = re.compile(r"""_\(\s*(?P<q>["'])(?P<text>(?:\\.|(?!(?P=q)).)*)(?P=q)\s*\)""")


def source_messages(root: Path = Path(__file__).parent) -> dict[str, str]:
    """Every literal given to _() or N_() in the package (its code and its
    HTML templates): msgid -> where."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*.html")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in _TEMPLATE_CALL.finditer(line):
                found.setdefault(ast.literal_eval(m.group("q") + m.group("text") + m.group("q")),
                                 f"{path.relative_to(root.parent)}:{lineno}")
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_") and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.setdefault(node.args[0].value, f"{path.relative_to(root.parent)}:{node.lineno}")
    return found


if __name__ == "__main__":
    # python -m grader.i18n: print the messages that fr has no translation for,
    # as .po entries to fill in.
    missing = {m: w for m, w in source_messages().items()
               if m not in read_po(LOCALE_DIR / "fr" / "LC_MESSAGES" / "grader.po")}
    for msg, where in missing.items():
        print(f"#: {where}\nmsgid {json.dumps(msg, ensure_ascii=False)}\nmsgstr \"\"\n")

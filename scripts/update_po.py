#!/usr/bin/env python3
"""Adds translations to grader/locale/fr/LC_MESSAGES/grader.po.

    python scripts/update_po.py TRANSLATIONS.py

TRANSLATIONS.py defines FR = {english msgid: french msgstr}. Entries already
in the .po are kept; obsolete ones (no longer in the code) are dropped."""
import json
import runpy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from grader.i18n import LOCALE_DIR, read_po, source_messages  # noqa: E402

PO = LOCALE_DIR / "fr" / "LC_MESSAGES" / "grader.po"
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: fr\\n"\n'


def quote(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def main():
    new = runpy.run_path(sys.argv[1])["FR"] if len(sys.argv) > 1 else {}
    catalog = {**read_po(PO), **new} if PO.exists() else dict(new)
    used = source_messages()
    entries = [HEADER]
    for msgid, where in sorted(used.items(), key=lambda kv: (kv[1].rsplit(':', 1)[0], int(kv[1].rsplit(':', 1)[1]))):
        entries.append(f"#: {where}\nmsgid {quote(msgid)}\nmsgstr {quote(catalog.get(msgid, ''))}\n")
    PO.write_text("\n".join(entries), encoding="utf-8")
    missing = [m for m in used if not catalog.get(m)]
    print(f"{len(used)} messages, {len(missing)} without French")


if __name__ == "__main__":
    main()

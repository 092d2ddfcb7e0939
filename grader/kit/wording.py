"""Wordings: the statement's messages matched with case, accents, spacing
and punctuation free."""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

from grader.lab import active_lab


def without_accents(text: str) -> str:
    """`Problème à l'ouverture` -> `Probleme a l'ouverture` (and ligatures
    spelled out: NFKD)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def folded(text: str) -> str:
    """Lower case, without accents; punctuation and spacing kept (the wine
    messages' patterns read them)."""
    return without_accents(text.lower())


def folded_text(text: str) -> str:
    """Lower case, punctuation and spacing folded, for wording checks."""
    return " ".join(re.sub(r"[^a-z0-9_]+", " ", text.lower()).split())


def _folded_words(text: str) -> str:
    """folded_text, accents removed first: `Problème à l'ouverture.` reads
    `probleme a l ouverture`."""
    return folded_text(without_accents(text))


def usage_pattern(usage: str, script: str) -> str:
    """The lab's usage line (`Usage: {script} nation`) as a pattern over
    folded_text of an output: the script's name may be a path (anything between
    the words before it and its name) and may lack `.py`."""
    before, after = (folded_text(part) for part in usage.split("{script}", 1))
    pattern = (rf"\b{re.escape(before)}\b.*" if before else "") + rf"\b{re.escape(script[:-3])}\b(?: py)?"
    return pattern + (f" {re.escape(after)}\\b" if after else "")


# Between two words of a file error, French may put `à l'`, `de` or `d'`
# (`Problème à l'ouverture`), and `Pb` is short for `Problème`.
_WORDING_FILLER = "(?:(?:a|de|d) )?(?:l )?"
_WORDING_SYNONYMS = {"pb": "(?:pb|probleme)"}


def file_error_pattern(wording: str, file_name: str) -> str:
    """The lab's file error (`{file} : Pb ouverture`) as a pattern over
    _folded_words of an output: the file name, then the message's words,
    with the fillers and synonyms above; case, accents, spacing and
    punctuation free."""
    before, after = (_folded_words(part).split() for part in wording.split("{file}", 1))
    words = [_WORDING_SYNONYMS.get(w, re.escape(w)) for w in after]
    pattern = rf"\b{re.escape(folded_text(file_name))}\b"
    if before:
        pattern = rf"\b{' '.join(map(re.escape, before))}\b.*" + pattern
    return pattern + (rf".*\b{words[0]} " + " ".join(
        _WORDING_FILLER + w for w in words[1:]) + r"\b" if words else "")


def file_error_wording_ok(text: str, script: Optional[str] = None) -> bool:
    """`text` holds the file error of `script`'s exercise (default I.2's)."""
    lab = active_lab()
    exercise = lab.exercise_of(script) if script else lab.exercises["joueurs_par_nation"]
    pattern = file_error_pattern(exercise.file_error, lab.data.name)
    return re.search(pattern, _folded_words(text)) is not None

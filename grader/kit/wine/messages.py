"""Reading what the wine programs print: the statement's messages, with
case, accents, spacing and punctuation free; the server's log."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from grader.i18n import _
from grader.kit import evidence
from grader.kit.wording import folded
from grader.kit.wine.setting import WINE


# A wording's tokens: the number, a word (`bouteille(s)`: its plural free), or what separates them.
_WORDING_TOKEN = re.compile(r"(\{n\})|(\w+)(\(s\))?|([^\w{]+|\{)")
_NUMBER = r"(-?\d+)"


def wording_pattern(wording: str, accents: bool = False) -> str:
    """A lab's wording of a message (`Reste en stock : {n} bouteille(s)`) as
    a pattern over folded text: words in order, blanks between words one or
    more, punctuation free (\\W*), a plural `(s)` any ending, the number
    read as group 1. Where the number comes after words, the words after it
    are left out (`Commande de 60` is the order); after the number, the
    blank may be missing. What follows the last word does not count.
    accents=True: over raw text instead (a letter matches its accented forms;
    compile it with re.IGNORECASE)."""
    text = folded(wording)
    if "{n}" in text:
        before, after = text.split("{n}", 1)
        text = before + "{n}" if re.search(r"\w", before) else "{n}" + after
    parts: list[str] = []
    gap = ""  # what separates the next token from the last
    for number, word, plural, separator in _WORDING_TOKEN.findall(text):
        if separator:
            gap += separator
            continue
        if parts:
            # before a number, as little as it takes: the sign of `stock : -39` is the number's
            parts.append((r"\W*?" if number else r"\W*") if gap.strip() else r"\s*" if parts[-1] == _NUMBER
                         else r"\s+")
        gap = ""
        if number:
            parts.append(_NUMBER)
        else:
            parts.append("".join(_ACCENTED.get(c, re.escape(c)) for c in word) if accents else re.escape(word))
            if plural:
                parts.append(r"\S*")
    if parts and parts[-1] == r"\S*":
        parts.pop()
    return "".join(parts)


def _accented_forms() -> dict[str, str]:
    """a -> [aàáâãäå], ...: each letter with the letters that fold to it."""
    forms: dict[str, set[str]] = {}
    for code in range(0xC0, 0x180):
        c = chr(code)
        base = folded(c)
        if len(base) == 1 and base.isalpha() and c.islower() and base != c:  # ANSWER ignores case
            forms.setdefault(base, {base}).add(c)
    return {base: "[" + "".join(sorted(chars)) + "]" for base, chars in forms.items()}


_ACCENTED = _accented_forms()


class Message:
    """A message of the wine programs in any of the lab's wordings, over
    folded text; number(m) is the number a match read (None without one)."""

    def __init__(self, name: str):
        self.name = name
        self.wordings = WINE.messages[name]
        self.pattern = re.compile("|".join(f"(?:{wording_pattern(w)})" for w in self.wordings))

    def search(self, text: str) -> Optional[re.Match]:
        return self.pattern.search(text)

    @staticmethod
    def number(match: re.Match) -> Optional[int]:
        return next((int(g) for g in match.groups() if g is not None), None)


ORDER, REMAINING, SOLD_OUT, WAITING, RECEIVED, UNAVAILABLE, FAILED = (
    Message(name) for name in ("order", "remaining", "sold_out", "waiting", "received", "unavailable", "failed"))
ORDER_LOW, ORDER_HIGH = WINE.order_range  # the statement's [1, 99]
# What a client prints when it is done (pexpect, on the raw terminal text):
# one of its three outcomes, or Python stopping.
ANSWER = "(?i)(" + "|".join(wording_pattern(w, accents=True) for m in (RECEIVED, UNAVAILABLE, FAILED)
                            for w in m.wordings) + "|Traceback|Error)"


@dataclass
class ServerLog:
    """The figures the server printed, in order."""
    events: list[tuple[str, int]]  # ("order", N) / ("remaining", S) / ("waiting", 0) / ("sold_out", 0)

    @classmethod
    def parse(cls, text: str) -> "ServerLog":
        events = []
        for line in folded(text).split("\n"):
            for kind, pattern in (("waiting", WAITING), ("order", ORDER), ("remaining", REMAINING),
                                  ("sold_out", SOLD_OUT)):
                m = pattern.search(line)
                if m:
                    events.append((kind, Message.number(m) or 0))
        return cls(events)

    def values(self, kind: str) -> list[int]:
        return [v for k, v in self.events if k == kind]

    @property
    def sold_out(self) -> bool:
        return any(k == "sold_out" for k, _v in self.events)


def end_text(state: tuple[str, Optional[int]]) -> str:
    """How a program ended, as the report says it."""
    kind, value = state
    if kind == "exit":
        return _("exit status {status}").format(status=value)
    if kind == "signal":
        return _("killed by signal {signal}").format(signal=evidence.signal_name(value))
    if kind == "running":
        return _("still running: stopped by the grader")
    return _("stopped by the grader")


def last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().split("\n") if ln.strip()]
    return lines[-1] if lines else ""


# What the programs and the grader's stand-ins write for the grader is read
# without ast.literal_eval: the scenarios' threads would parse at once, and
# CPython 3.11's parser breaks then (see grader/runner.py, plain_report).


def plain_value(text: str) -> object:
    """A value a random draw gave, as the client's log writes it (repr):
    a whole number or a decimal one as such, anything else as its text."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def from_hex(text: str) -> Optional[bytes]:
    """The bytes a stand-in wrote in hexadecimal ("-" for none), None if it is not that."""
    text = text.strip()
    try:
        return b"" if text == "-" else bytes.fromhex(text)
    except ValueError:
        return None

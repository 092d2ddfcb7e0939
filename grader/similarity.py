"""Pairs of hand-ins that are suspiciously alike: a hint for the instructor,
never a verdict.

Each script is reduced to its tokens with the names, strings, numbers,
comments and layout taken out (renaming variables, rewording comments or
re-indenting changes nothing), cut into overlapping runs of RUN tokens; runs
that more than a third of the class share are dropped (the statement's code,
the template, the idioms everyone writes), and two hand-ins are compared on
what is left (Jaccard index), exercise by exercise."""
from __future__ import annotations

import builtins
import io
import itertools
import keyword
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .submission import exercise_scripts

RUN = 8  # tokens per run
COMMON = 1 / 3  # a run shared by more than this share of the class is boilerplate
MIN_RUNS = 15  # fewer distinctive runs than this: too little to compare
THRESHOLD = 0.6  # pairs at least this alike are listed


@dataclass
class Pair:
    exercise: str
    first: str  # student keys
    second: str
    score: float  # 0 to 1
    shared: int  # distinctive runs in common


def normalized_tokens(source: str) -> list[str]:
    """The script's tokens, names, literals, comments and layout left out
    (keywords, operators and the names of builtins kept: they are the
    structure)."""
    out = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                            tokenize.DEDENT, tokenize.ENCODING, tokenize.ENDMARKER):
                continue
            if tok.type == tokenize.NAME:
                out.append(tok.string if keyword.iskeyword(tok.string) or tok.string in _BUILTINS else "N")
            elif tok.type == tokenize.STRING or tok.type == getattr(tokenize, "FSTRING_START", -1):
                out.append("S")
            elif tok.type == tokenize.NUMBER:
                out.append("0")
            elif tok.type in (getattr(tokenize, "FSTRING_MIDDLE", -1), getattr(tokenize, "FSTRING_END", -1)):
                continue
            else:
                out.append(tok.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # a script Python cannot read: what was read so far
    return out


_BUILTINS = set(dir(builtins))


def runs(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + RUN]) for i in range(max(0, len(tokens) - RUN + 1))}


def similar_pairs(hand_ins: dict[str, dict[str, str]], threshold: float = THRESHOLD) -> list[Pair]:
    """`hand_ins`: student key -> {lab script name -> its text}. The pairs at
    least `threshold` alike on some exercise, most alike first."""
    pairs: list[Pair] = []
    for exercise, scripts in exercise_scripts().items():
        by_student = {}
        for key, files in hand_ins.items():
            tokens = [t for s in scripts if s in files for t in normalized_tokens(files[s])]
            if tokens:
                by_student[key] = runs(tokens)
        if len(by_student) < 2:
            continue
        counts: dict[tuple, int] = {}
        for r in by_student.values():
            for run in r:
                counts[run] = counts.get(run, 0) + 1
        limit = max(2, COMMON * len(by_student))
        distinctive = {k: {run for run in r if counts[run] <= limit} for k, r in by_student.items()}
        for a, b in itertools.combinations(sorted(distinctive), 2):
            ra, rb = distinctive[a], distinctive[b]
            if min(len(ra), len(rb)) < MIN_RUNS:
                continue
            shared = len(ra & rb)
            score = shared / len(ra | rb)
            if score >= threshold:
                pairs.append(Pair(exercise, a, b, round(score, 3), shared))
    return sorted(pairs, key=lambda p: (-p.score, p.exercise, p.first, p.second))


def scripts_of(root: Path, aliases: Optional[dict[str, Path]] = None) -> dict[str, str]:
    """The texts of the lab scripts of a hand-in (see intake.HandIn)."""
    files = {s: root / s for scripts in exercise_scripts().values() for s in scripts if (root / s).is_file()}
    files.update(aliases or {})
    texts = {}
    for script, path in files.items():
        try:
            texts[script] = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            pass
    return texts

"""Whether the grader's user is protected from the programs it runs, and the
one line that says it when they are not.

Protected: as root (each sandbox's programs run as a uid of their own,
harness/users.py), or, as another user, where the kernel gives sandboxes
namespaces (harness/namespaces.py). Otherwise student programs run with the user's
own rights: they can read, change or delete the user's files. A student
grading their own work risks nothing they do not risk running it themselves,
so nothing more is said to them (their report's sandbox note already says
"no network or file isolation"). Other people's code (a class, --batch; a
folder or archive holding files of another user) is graded that way only
given --unprotected: without it the command stops, in one line, before any
program has run. What the user unpacked themselves is theirs as far as file
owners tell: docs/INSTRUCTORS.md sends other people's work to --batch. VPL's jail
(--vpl) is not asked: it is made for one evaluation and holds nothing of
anyone's."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from .feedback import visible
from .i18n import _
from .command import tell_user

OPTION = "--unprotected"
# set by a class grading for the grading of each hand-in: the class's
# command has decided (and said it) already
DECIDED = "TPGRADER_PROTECTION_DECIDED"
OWNER_CHECKS = 2000  # files looked at, at most (a hand-in has a few dozen)


def _root() -> bool:
    """Each sandbox's programs run as a uid of their own."""
    from .harness import users
    return users.RUNS_AS_OTHER_USER


def unprotected_reason() -> Optional[str]:
    """Why student programs would run with the user's own rights, or None."""
    if _root():
        return None
    from .harness import namespaces
    return namespaces.probe()


def foreign_owner(path: Path) -> Optional[int]:
    """The uid of another user owning `path` or one of the files graded in it
    (the folders the grader looks into: intake.MAX_DEPTH deep, junk left
    out), or None when they are all the user's."""
    from .intake import MAX_DEPTH
    from .submission import JUNK_DIRS
    me = os.geteuid()
    try:
        if os.stat(path).st_uid != me:
            return os.stat(path).st_uid
    except OSError:
        return None  # the command says why it cannot be graded
    if not os.path.isdir(path):
        return None
    seen = 0
    for dirpath, dirnames, filenames in os.walk(path):
        depth = len(Path(dirpath).relative_to(path).parts)
        dirnames[:] = [d for d in dirnames
                       if d.lower() not in JUNK_DIRS and not d.startswith(".") and depth < MAX_DEPTH]
        for name in dirnames + filenames:
            seen += 1
            if seen > OWNER_CHECKS:
                return None
            try:
                uid = os.lstat(os.path.join(dirpath, name)).st_uid
            except OSError:
                continue
            if uid != me:
                return uid
    return None


def refuse_unprotected(batch: Optional[str], submission: Optional[str], allowed: bool) -> bool:
    """Before any student program runs: decide, and say in one line on stderr
    what is not protected. True when the command must stop (other people's
    code, not protected, and no --unprotected)."""
    if os.environ.get(DECIDED) or _root():  # root first: no walk, no probe
        return False
    if batch:
        whose = _("the programs of the class's hand-ins")
    elif submission and (uid := foreign_owner(Path(submission))) is not None:
        whose = _("the programs of {path} (files of another user, uid {uid})").format(
            path=visible(submission), uid=uid)
    else:
        return False  # the user's own work: nothing to protect them from
    reason = unprotected_reason()
    if reason is None:
        return False
    if allowed:
        line = _("warning, not protected ({option}): {whose} run with your rights, since this machine "
                 "gives the sandboxes no namespaces ({reason}) and you are not root: they can read, "
                 "change or delete your files.")
    else:
        line = _("not protected: {whose} would run with your rights, since this machine gives the "
                 "sandboxes no namespaces ({reason}) and you are not root: they could read, change or "
                 "delete your files. Grade as root, in a virtual machine or a container, or add {option} "
                 "to go on anyway.")
    tell_user(line.format(whose=whose, reason=reason, option=OPTION))
    return not allowed

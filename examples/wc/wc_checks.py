"""I.1 wc.py fichier: an exercise of the lab's own (lab.toml, [own.wc]), its
points under [wc] in rubric.toml. Written with the grader's kit, as a check
writer would (docs/WRITING_CHECKS.md, "An exercise of your own").

What the exercise asks: `./wc.py fichier` prints the file's number of
lines, words (runs of characters without a blank) and characters, in that
order, with whatever words around them (`4 14 63 poeme.txt`, as Unix's wc,
or `lignes : 4, mots : 14, caractères : 63`). Without an argument, a
message on stderr, nothing on stdout, a non-zero status. A file that cannot
be opened: a message on stderr naming it, no traceback.

The texts are in French, as the statement is: the grader's catalogue
translates its own texts only (the kit's), and shows these as written."""
import re

from grader.kit import check, launch
from grader.kit.run import Run
from grader.lab import active_lab

EX = "wc"
SCRIPT = active_lab().exercises[EX].script()  # "wc.py", as lab.toml names it

# Every count differs from the others, so that their order shows; the
# accents make the characters (63) differ from the bytes (68); a blank line
# and runs of spaces make naive word counts go wrong: split(' ') finds 15
# words in the whole text and 18 line by line, split() 14. (With one run of
# spaces only, split(' ') over the whole text found 14 by chance: the tests'
# bug "words_split_on_one_space" showed it.)
POEM = "Le vin est tiré,\nil faut  le boire.\n\nÀ la santé   des élèves !\n"
LINES, WORDS, CHARACTERS = POEM.count("\n"), len(POEM.split()), len(POEM)
SETTING = "poeme.txt : 4 lignes (dont une vide), des accents, des espaces répétés"


@check(EX, "launch", "Se lance par ./wc.py")
def test_launch(sandbox):
    sandbox.write("poeme.txt", POEM)
    launch.check_launch(sandbox, SCRIPT, [["poeme.txt"], []])


@check(EX, "counts", "./wc.py poeme.txt affiche ses lignes, mots et caractères, dans cet ordre")
def test_counts(sandbox):
    sandbox.write("poeme.txt", POEM)
    r = Run(sandbox, SCRIPT, ["poeme.txt"], setting=SETTING,
            expected=f"{LINES} {WORDS} {CHARACTERS} poeme.txt")
    r.ends().no_traceback("Lisez le fichier avec open(nom) dans un try ... except OSError.")
    r.succeeds("Quand tout va bien, le programme se termine normalement (code de retour 0).")
    numbers = [int(n) for n in re.findall(r"\d+", r.stdout)]
    if not _in_order(numbers, [LINES, WORDS, CHARACTERS]):
        hints = []
        if CHARACTERS not in numbers and len(POEM.encode()) in numbers:
            hints.append("Vous comptez des octets (os.path.getsize, ou le fichier lu en binaire) : "
                         "une lettre accentuée en fait deux en UTF-8 ; comptez les caractères du texte "
                         "lu, len(texte).")
        if WORDS not in numbers:
            hints.append("Les mots : texte.split() sans argument coupe sur tous les blancs, "
                         "répétés ou non ; split(' ') compte des mots vides.")
        r.fail("Les trois nombres affichés ne sont pas ceux du fichier, dans l'ordre lignes, mots, "
               "caractères.",
               hint=" ".join(hints) or "Affichez les trois nombres dans cet ordre : lignes, mots, "
                                       "caractères.")


def _in_order(numbers: list, wanted: list) -> bool:
    """`wanted` appears in `numbers` in its order, other numbers between."""
    rest = iter(numbers)
    return all(any(n == w for n in rest) for w in wanted)


@check(EX, "usage", "Sans argument : un message sur stderr, rien sur stdout, un code non nul")
def test_usage(sandbox):
    usage = active_lab().exercises[EX].usage.format(script=SCRIPT)
    r = Run(sandbox, SCRIPT, [], expected=f"stdout : (rien)\nstderr : {usage}\ncode de retour : non nul")
    hint = "Testez len(sys.argv) avant d'utiliser sys.argv[1] ; écrivez le message avec sys.stderr.write(...)."
    r.ends().no_traceback(hint).nothing_on_stdout(hint).message_on_stderr(hint)
    r.fails("Après le message, arrêtez le programme avec sys.exit(1).")


@check(EX, "missing_file", "Fichier absent : un message sur stderr qui le nomme, pas de traceback")
def test_missing_file(sandbox):
    r = Run(sandbox, SCRIPT, ["absent.txt"], setting="absent.txt n'existe pas",
            expected="stderr : un message qui nomme absent.txt, comme `absent.txt : Pb ouverture`")
    hint = "Ouvrez le fichier dans un bloc try: ... except OSError: et écrivez le message sur stderr."
    r.ends().no_traceback(hint).message_on_stderr(hint, naming="absent.txt")

"""Job-title vocabulary shared by CV reading and offer features: one reading of a title's level.

``title_level("Senior Manager")`` is the same whether the title is a CV's job or an offer's: both
``shared.domain.cv`` and ``shared.domain.matching`` read seniority here and nowhere else.

Levels, lowest to highest: intern, junior, mid, senior, lead, principal, executive. A title
states at most one; the rules below are tried in order and the first that matches wins:

1. internships and apprenticeships ("Intern", "Werkstudent", "Ausbildung") whatever else the
   title says;
2. compound titles whose words would mislead alone: "Associate Director" and "Senior Manager"
   lead a team but are not executives ("lead"); "Assistant Manager" is "junior";
3. executive, principal, lead, senior, mid, then junior words.

"Manager" alone states no level: a product or account manager is not necessarily anyone's boss.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from shared.domain.phrase_rules import FirstAndMatching, PhraseRules, casefree_key

SENIORITY_ORDER: tuple[str, ...] = ("intern", "junior", "mid", "senior", "lead", "principal", "executive")
SENIORITY_RANK: dict[str, int] = {level: n for n, level in enumerate(SENIORITY_ORDER)}

_RULES: tuple[tuple[str, str], ...] = (
    (
        "intern",
        r"intern|internship|praktikant\w*|praktikum|werkstudent\w*|working student|student|"
        r"undergraduate|trainee|apprentice\w*|ausbildung|azubi|becari[oa]|pr[aá]cticas|stagiaire|"
        r"alternance|pasant[ií]a",
    ),
    ("lead", r"associate director|senior manager|sr\.? manager|associate vice president|avp"),
    ("junior", r"assistant manager"),
    (
        "executive",
        r"chief|cto|ceo|cfo|coo|cio|ciso|cmo|cpo|vp|svp|evp|vice president|director|directora|"
        r"directeur|directrice|president|head of|managing partner|general partner|"
        r"gesch[aä]ftsf[uü]hrer\w*|abteilungsleit\w*|bereichsleit\w*",
    ),
    ("principal", r"principal|distinguished"),
    (
        "lead",
        r"lead|leader|staff|teamlead|team lead|tech lead|teamleit\w*|architect|architekt\w*|"
        r"arquitect[oa]|jef[ea]|engineering manager|founding member|co-?founder|founder",
    ),
    ("senior", r"senior|sr\.?|s[eé]nior|seasoned|expert|iii|iv"),
    ("mid", r"mid[- ]level|mid[- ]senior|intermediate|ii"),
    ("junior", r"junior|jr\.?|entry[- ]level|graduate|new grad|associate|einsteiger\w*|berufseinsteiger\w*"),
)
# "(m/w/d)", "(w/m/d)", "(m/f/x)", "(all genders)", "m/w/d" without brackets: not part of the role.
# Every alternative starts with "(" or a gender letter (the "not after a word character" test
# comes after that letter), so the regex engine skips ahead to those characters.
GENDER_TAG = re.compile(
    r"\(\s*(?:(?:[mwfdxhi*]\s*[/|,]\s*){1,3}[mwfdxhi*]|all genders?|alle geschlechter|gn\*?|w\*m\*d|d\*m\*w)"
    r"\s*\)|[mwfdx](?<!\w.)\s*/\s*[mwfdx]\s*/\s*[mwfdx](?!\w)",
    re.IGNORECASE,
)


def strip_gender_tags(title: str) -> str:
    """``"Entwickler (m/w/d)"`` -> ``"Entwickler"``: gender tags say nothing about the role."""
    if "(" in title or "/" in title:  # every gender tag has one
        title = GENDER_TAG.sub(" ", title)
    return " ".join(title.split())


@lru_cache(maxsize=1)
def _level_rules() -> PhraseRules:
    """The level rules as whole words, any case (built on first use, once per process)."""
    return PhraseRules(_RULES, "-", ignore_case=True)


def title_level(title: str) -> str | None:
    """The seniority a title states ("Senior ...", "... Intern", "Director of ..."), or None."""
    return _stated_level(strip_gender_tags(title))


def _stated_level(text: str) -> str | None:
    """``title_level`` of a title without gender tags: the first rule that matches wins."""
    return _level_rules().first(text, casefree_key(text))


# --- Role families --------------------------------------------------------------------------
#
# A title belongs to zero or more role families ("Senior Python Backend Engineer": backend;
# "Tech Lead Full-Stack Rails Engineer": fullstack and backend). Families are read from the
# folded title (lower case, accents and gender tags removed, German and English synonyms
# mapped: "KI" is "ai", "Entwickler" is "developer"), apart from the seniority words above.

TECH_FAMILIES = frozenset(
    "ml_ai data_science data_eng backend frontend fullstack software mobile devops security embedded qa "
    "it_support solutions eng_management it_project product".split()
)
# Pairs of families one step apart: a person in one could move to the other.
_ADJACENT_PAIRS = (
    ("ml_ai", "data_science"),
    ("ml_ai", "data_eng"),
    ("ml_ai", "software"),
    ("ml_ai", "backend"),
    ("data_science", "data_eng"),
    ("data_science", "business_analysis"),
    ("data_eng", "backend"),
    ("data_eng", "devops"),
    ("backend", "fullstack"),
    ("backend", "software"),
    ("backend", "devops"),
    ("frontend", "fullstack"),
    ("frontend", "software"),
    ("frontend", "mobile"),
    ("frontend", "design"),
    ("fullstack", "software"),
    ("mobile", "software"),
    ("devops", "security"),
    ("devops", "it_support"),
    ("devops", "software"),
    ("devops", "solutions"),
    ("embedded", "software"),
    ("qa", "software"),
    ("solutions", "sales"),
    ("eng_management", "software"),
    ("eng_management", "product"),
    ("product", "product_ops"),
    ("product", "it_project"),
    ("product", "project_mgmt"),
    ("product", "design"),
    ("product", "business_analysis"),
    ("it_project", "project_mgmt"),
    ("design", "creative"),
    ("content", "marketing"),
    ("sales", "marketing"),
    ("operations", "project_mgmt"),
    ("operations", "product_ops"),
    ("finance", "business_analysis"),
    ("hr", "operations"),
    ("support", "operations"),
)
ADJACENT: dict[str, frozenset[str]] = {}
for _a, _b in _ADJACENT_PAIRS:
    ADJACENT[_a] = ADJACENT.get(_a, frozenset()) | {_b}
    ADJACENT[_b] = ADJACENT.get(_b, frozenset()) | {_a}

# Word-level synonyms applied to the folded title before the family rules (and the title tokens).
SYNONYMS: dict[str, str] = {
    "ki": "ai",
    "k.i.": "ai",
    "entwickler": "developer",
    "entwicklerin": "developer",
    "softwareentwickler": "software developer",
    "softwareentwicklerin": "software developer",
    "webentwickler": "web developer",
    "webentwicklerin": "web developer",
    "anwendungsentwicklung": "software developer",
    "fachinformatiker": "it specialist",
    "programmierer": "developer",
    "ingenieur": "engineer",
    "ingenieurin": "engineer",
    "berater": "consultant",
    "beraterin": "consultant",
    "lehrer": "teacher",
    "lehrerin": "teacher",
    "vertrieb": "sales",
    "projektmanager": "project manager",
    "projektmanagerin": "project manager",
    "projektleiter": "project manager",
    "projektleitung": "project manager",
    "produktmanager": "product manager",
    "datenanalyst": "data analyst",
    "entwicklung": "development",
    "sicherheit": "security",
    "kundenberatung": "customer service",
    "kundenservice": "customer service",
    "personalabteilung": "hr",
    "buchhaltung": "accounting",
    "ingeniero": "engineer",
    "desarrollador": "developer",
    "desarrolladora": "developer",
    "développeur": "developer",
    "developpeur": "developer",
    "ingénieur": "engineer",
    "ingenieur.e": "engineer",
}

_FAMILY_RULES: tuple[tuple[str, str], ...] = (
    (
        "annotation",
        r"label(?:l)?ing|annotat\w*|ai trainer|ai training|rater|content reviewer|online data analyst|"
        r"ai specialist (?!engineer)\w+",
    ),
    (
        "ml_ai",
        r"(?:ai|ml|llm|genai|nlp|machine learning|deep learning|computer vision|ai/ml|ml/ai|mlops)"
        r"(?:[ /&-]+\w+)?[ /&-]*"
        r"(?:engineer|developer|architect|researcher|scientist|fellows?|specialist engineer)|"
        r"machine learning|deep learning|mlops|ai engineer|fellows program|research scientist",
    ),
    (
        "data_science",
        r"data scien\w*|data analyst|analytics|business intelligence|bi analyst|bi developer|"
        r"statistician|data analysis|decision scien\w*|quantitative analyst",
    ),
    (
        "data_eng",
        r"data engineer\w*|data architect|analytics engineer|etl|data platform|big data|"
        r"data warehouse|data infrastructure|database (?:engineer|administrator|developer)|dba",
    ),
    (
        "backend",
        r"back[- ]?end|server[- ]side|api engineer|ruby on rails|rails|django|python|java|golang|"
        r"\.net|c#|node(?:\.js)?|php|scala|kotlin backend|groovy|laravel|spring",
    ),
    (
        "frontend",
        r"front[- ]?end|ui engineer|ui developer|web developer|react(?!\s*native)|angular|vue|"
        r"web engineer",
    ),
    ("fullstack", r"full[- ]?stack|product engineer|laravel|rails|php/javascript"),
    (
        "software",
        r"software|developer|programmer|coder|swe|sde|it specialist|developer experience|"
        r"forward deployed engineer|application engineer|automation developer|applications? developer",
    ),
    ("mobile", r"mobile|ios|android|react native|flutter|swift|app developer"),
    (
        "devops",
        r"devops|dev ops|sre|site reliability|platform engineer|infrastructure|cloud (?:engineer|architect|"
        r"systems|platform)|systems engineer|kubernetes|release engineer|build engineer|solutions architect|"
        r"karpenter|production infrastructure|cloud systems",
    ),
    (
        "security",
        r"security(?! specialist)|cyber\w*|infosec|threat|pen ?test\w*|penetration|soc analyst|"
        r"it-sicherheit|appsec|devsecops",
    ),
    ("embedded", r"embedded|firmware|fpga|c\+\+|c c\+\+|rtos|iot engineer"),
    ("qa", r"\bqa\b|quality assurance|test ?automation|testautomatisierung|tester|sdet|test engineer"),
    (
        "it_support",
        r"it support|service desk|help ?desk|system ?administrator|systemadministrator|sysadmin|"
        r"it-systemelektroniker|systemelektroniker|systemtechniker|it-systemtechniker|information technology|"
        r"desktop support|it technician|it team lead|it specialist",
    ),
    (
        "solutions",
        r"solutions? engineer|sales engineer|solutions? architect|forward deploy\w*|"
        r"technical (?:consultant|architect)|solutions? consultant|sap \w+ consultant|sap consultant|"
        r"customer engineer|implementation (?:engineer|consultant|specialist)|technical architect",
    ),
    (
        "eng_management",
        r"engineering manager|head of (?:\w+ )?engineering|vp (?:of )?engineering|"
        r"director of engineering|engineering director|cto|chief technology officer|"
        r"head of forward deploy\w*",
    ),
    (
        "it_project",
        r"it project manager|it senior project manager|technical project manager|sap project manager|"
        r"scrum master|agile coach|technical program manager|it project",
    ),
    (
        "product",
        r"product manager|product owner|head of product|product management|product lead|"
        r"chief product officer|cpo|vp (?:of )?product|group product manager|director,? product",
    ),
    ("product_ops", r"product operations|product ops"),
    ("project_mgmt", r"project manager|program manager|projektmanager|pmo|event manager"),
    (
        "design",
        r"(?<!level )(?<!game )designer|\bux\b|\bui\b|user experience|creative director|grafik\w*|"
        r"webdesign\w*|design intern|interaction design|visual design",
    ),
    (
        "creative",
        r"artist(?! manager)|animator|level designer|game designer|video editor|videograf\w*|cutter|"
        r"narrative|illustrat\w*|motion designer|photographer|rigging",
    ),
    ("content", r"writer|copywriter|content|editor|journalist|redakteur\w*|scout|translator"),
    (
        "sales",
        r"sales|account executive|account manager|business development|partnerships?|client partner|"
        r"engagement manager|inside sales|fundraising|key account|account director|vertrieb|quereinsteiger|"
        r"business developer|partner development|gtm partnership",
    ),
    (
        "marketing",
        r"marketing|brand|growth|social media|seo|sem|communications|community|public relations|"
        r"e-?commerce manager|influencer|artist manager|creative strategist|google ads|performance",
    ),
    (
        "operations",
        r"operations|office|chief of staff|procurement|business operations|administration|"
        r"backoffice|logistics|corporate development|executive assistant|assistant|start up manager|"
        r"site manager|coordinator|vendor lead",
    ),
    (
        "finance",
        r"financ\w*|accounting|accountant|controller|payroll|cfo|tax|fp&a|investment|pricing|"
        r"bank\w*|kredit\w*|revenue|accounts? payable|trader|crypto market|treasury|audit",
    ),
    ("hr", r"\bhr\b|human resources|recruit\w*|people operations|personal\w*|talent acquisition|benefits"),
    (
        "support",
        r"customer service|support|customer success|client support|patient care|member care|"
        r"service agent|customer operations|technical account manager|kundenberatung",
    ),
    (
        "teaching",
        r"teacher|\w*lehrer\w*|\w*lehrkraft|tutor|instructor|professor|lecturer|educator|teaching|assessor|kindergarten|"
        r"school|trainer",
    ),
    (
        "healthcare",
        r"nurse|pharmac\w*|clinical|patient|health worker|chw|physician|arzt|pflege\w*|"
        r"stability specialist|medical",
    ),
    ("trades", r"electrician|mechatroniker|mechanic|kfz|meister|journeyperson|journeyman|handwerk\w*"),
    (
        "hw_eng",
        r"electrical engineer|mechanical engineer|safety engineer|quality engineer|projektingenieur|"
        r"geb[aä]udetechnik|civil engineer|hardware engineer|process engineer|landschaftsarchitekt",
    ),
    ("legal", r"legal|lawyer|attorney|counsel|compliance|privacy|policy|corporate associate|paralegal"),
    (
        "business_analysis",
        r"business analyst|configuration analyst|process analyst|systems analyst|"
        r"process engineer",
    ),
)
ALL_FAMILIES: tuple[str, ...] = tuple(family for family, _ in _FAMILY_RULES)
# A generic family that a more specific one makes redundant ("Python Backend Developer" is
# backend, not also "software"); annotation gigs are never engineering whatever they mention.
_SUBSUMED = {
    "software": ("backend", "frontend", "fullstack", "mobile", "ml_ai", "embedded", "qa", "data_eng")
}
_EXCLUSIVE = ("annotation",)
# Words are separated by white space and these (a hyphen splits a word unless it is a synonym).
_ASCII_SEPARATOR_SPACES = bytes.maketrans(b",;:|()[]!?\"'", b" " * 12)
_ASCII_HYPHEN_SEPARATOR_SPACES = bytes.maketrans(b",;:|()[]!?\"'-", b" " * 13)
_HYPHENATED_SYNONYMS = any("-" in word for word in SYNONYMS)


@lru_cache(maxsize=1)
def _family_rules() -> PhraseRules:
    """The family rules as whole words of a folded title (built on first use, once per process)."""
    return PhraseRules(_FAMILY_RULES, "+#")


class TitleReading(NamedTuple):
    """What a title says, read once: its folded form, role families and stated level."""

    folded: str
    families: frozenset[str]
    level: str | None


def read_title(title: str) -> TitleReading:
    """``fold_title``, ``role_families`` and ``title_level`` of a title, its gender tags dropped once."""
    return _title_reader()(title)


@lru_cache(maxsize=1)
def _title_reader() -> Callable[[str], TitleReading]:
    """``read_title`` with its steps inlined and its tables bound (built on first use).

    The steps are those of ``strip_gender_tags``, ``_fold``, ``folded_title_families`` and
    ``_stated_level``, in that order; an ASCII title (most) takes its level key and its folded
    words from one lower-cased text, as ``casefold`` and ``casefree_key`` agree on ASCII.
    """
    level_and_families = FirstAndMatching(_level_rules(), _family_rules()).read
    gender_tags, synonym = GENDER_TAG.sub, SYNONYMS.get
    separators = _ASCII_SEPARATOR_SPACES if _HYPHENATED_SYNONYMS else _ASCII_HYPHEN_SEPARATOR_SPACES
    make = tuple.__new__

    def read(title: str) -> TitleReading:
        if "(" in title or "/" in title:  # every gender tag has one
            title = gender_tags(" ", title)
        text = " ".join(title.split())
        if text.isascii() and not _HYPHENATED_SYNONYMS:
            key = text.lower()
            words = key.encode().translate(separators).decode().split()
            folded = " ".join(map(synonym, words, words))
        else:
            key, folded = casefree_key(text), _fold(text)
        level, found = level_and_families(text, key, folded)  # one automaton pass
        families = frozenset(found) if len(found) < 2 else _families_of(found)
        return make(TitleReading, (folded, families, level))

    return read


def fold_title(title: str) -> str:
    """Lower case, accents folded, gender tags dropped, synonyms mapped, one space between words."""
    return _fold(strip_gender_tags(title))


def _fold(title: str) -> str:
    """``fold_title`` of a title without gender tags."""
    text = title.casefold()
    if not text.isascii():
        text = fold_accents(text, keep_diaeresis=True).replace("–", " ").replace("—", " ")
    if _HYPHENATED_SYNONYMS:  # a hyphen splits a word unless the word is a synonym
        return _fold_words(text.encode().translate(_ASCII_SEPARATOR_SPACES).decode().split())
    # No synonym has a hyphen, so a hyphen always splits: one more separator. The ASCII ones go
    # by a C-level byte translation (str.translate looks each character up in a dict); UTF-8
    # bytes of other characters are all above 0x7f, so the translation keeps them.
    words = text.encode().translate(_ASCII_HYPHEN_SEPARATOR_SPACES).decode().split()
    # str.split() splits at the white space \s matches (both ask Py_UNICODE_ISSPACE).
    return " ".join(map(SYNONYMS.get, words, words))


def _fold_words(words: list[str]) -> str:
    out: list[str] = []
    for word in words:
        for part in word.split("-") if "-" in word and word not in SYNONYMS else (word,):
            if part:
                out.append(SYNONYMS.get(part, part))
    return " ".join(out)


# --- Accents --------------------------------------------------------------------------------
#
# Folding accents is compatibility decomposition (NFKD), dropping the combining marks, and
# composing again (NFC). Titles are mostly ASCII, else mostly Latin with some punctuation: for
# text within Latin-1, Latin Extended-A and General Punctuation (no combining mark there), folding
# each character alone gives the same text as folding the whole
# (tests/unit/test_title_equivalence.py checks it), so one translation table replaces three passes.

_TABLE_RANGES = ((0x80, 0x180), (0x2000, 0x2070))
_BEYOND_TABLE = re.compile(r"[^\x00-\u017f\u2000-\u206f]")


def _fold_accents_fully(text: str, keep_diaeresis: bool) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        c for c in decomposed if not unicodedata.combining(c) or (keep_diaeresis and c == "\u0308")
    )
    return unicodedata.normalize("NFC", kept)


@lru_cache(maxsize=2)
def _latin_accent_folds(keep_diaeresis: bool) -> tuple[dict[str, str], re.Pattern[str]]:
    """Each character of the table's ranges folded alone, and those it changes (built on first use).

    Only the changed ones are looked up: "für" and "Müller" keep their umlaut with
    ``keep_diaeresis``, and a lookup per character costs a call.
    """
    chars = (chr(c) for lo, hi in _TABLE_RANGES for c in range(lo, hi))
    folds = {c: _fold_accents_fully(c, keep_diaeresis) for c in chars}
    changed = "".join(c for c, folded in folds.items() if folded != c)
    return folds, re.compile(f"[{re.escape(changed)}]")


def fold_accents(text: str, *, keep_diaeresis: bool = False) -> str:
    """``"Développeur"`` -> ``"Developpeur"``: compatibility forms and accents folded.

    With ``keep_diaeresis`` an umlaut stays ("Müller"), as German spells it.
    """
    if text.isascii():  # ASCII has no accents to fold
        return text
    if _BEYOND_TABLE.search(text):
        return _fold_accents_fully(text, keep_diaeresis)
    folds, changed = _latin_accent_folds(keep_diaeresis)
    return changed.sub(lambda char: folds[char.group()], text)


def role_families(title: str) -> frozenset[str]:
    """The role families a job title belongs to (empty when it names none we know)."""
    return folded_title_families(fold_title(title))


def folded_title_families(text: str) -> frozenset[str]:
    """``role_families`` of a title already passed through ``fold_title``."""
    found = _family_rules().matching(text)
    if len(found) < 2:  # the rules below need two families
        return frozenset(found)
    return _families_of(found)


def _families_of(found: set[str]) -> frozenset[str]:
    """The families of a title whose rules ``found`` (two or more): exclusive, merged, subsumed."""
    for exclusive in _EXCLUSIVE:
        if exclusive in found:
            return frozenset({exclusive})
    if "frontend" in found and "backend" in found:
        found -= {"frontend", "backend"}  # "Python Django and Vue.js" is both ends: full stack
        found.add("fullstack")
    for generic, specific in _SUBSUMED.items():
        if generic in found and not found.isdisjoint(specific):
            found.discard(generic)
    return frozenset(found)


def family_closeness(mine: frozenset[str], theirs: frozenset[str]) -> float:
    """1 for a shared family, 0.6 for an adjacent one, 0.25 for two tech families, else 0."""
    if not mine or not theirs:
        return 0.0
    if not mine.isdisjoint(theirs):
        return 1.0
    if any(not ADJACENT.get(f, frozenset()).isdisjoint(theirs) for f in mine):
        return 0.6
    if not mine.isdisjoint(TECH_FAMILIES) and not theirs.isdisjoint(TECH_FAMILIES):
        return 0.25
    return 0.0

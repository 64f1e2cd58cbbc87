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
_COMPILED: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (level, re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE)) for level, words in _RULES
)
# "(m/w/d)", "(w/m/d)", "(m/f/x)", "(all genders)", "m/w/d" without brackets: not part of the role.
GENDER_TAG = re.compile(
    r"\(\s*(?:[mwfdxhi*]\s*[/|,]\s*){1,3}[mwfdxhi*]\s*\)|(?<!\w)(?:[mwfdx]\s*/\s*){2}[mwfdx](?!\w)|"
    r"\(\s*(?:all genders?|alle geschlechter|gn\*?|w\*m\*d|d\*m\*w)\s*\)",
    re.IGNORECASE,
)


def strip_gender_tags(title: str) -> str:
    """``"Entwickler (m/w/d)"`` -> ``"Entwickler"``: gender tags say nothing about the role."""
    return " ".join(GENDER_TAG.sub(" ", title).split())


def title_level(title: str) -> str | None:
    """The seniority a title states ("Senior ...", "... Intern", "Director of ..."), or None."""
    text = strip_gender_tags(title)
    for level, pattern in _COMPILED:
        if pattern.search(text):
            return level
    return None

"""Smaller CV facts: spoken languages, locations, education, certifications, industries."""

from __future__ import annotations

import re

from shared.domain.cv.sections import Section, of_kind
from shared.domain.language import guess_language
from shared.domain.profiles import EducationItem, LanguageItem

_LANGUAGES = {
    "englisch": "English",
    "anglais": "English",
    "deutsch": "German",
    "allemand": "German",
    "französisch": "French",
    "français": "French",
    "francais": "French",
    "spanisch": "Spanish",
    "espagnol": "Spanish",
    "italienisch": "Italian",
    "italien": "Italian",
    "portugiesisch": "Portuguese",
    "portugais": "Portuguese",
    "niederländisch": "Dutch",
    "néerlandais": "Dutch",
    "russisch": "Russian",
    "russe": "Russian",
    "chinesisch": "Chinese",
    "chinois": "Chinese",
    "japanisch": "Japanese",
    "japonais": "Japanese",
    "türkisch": "Turkish",
    "turc": "Turkish",
    "polnisch": "Polish",
    "polonais": "Polish",
    "arabisch": "Arabic",
    "arabe": "Arabic",
    "english": "English",
    "inglés": "English",
    "ingles": "English",
    "spanish": "Spanish",
    "español": "Spanish",
    "castellano": "Spanish",
    "castilian": "Spanish",
    "french": "French",
    "francés": "French",
    "frances": "French",
    "german": "German",
    "alemán": "German",
    "aleman": "German",
    "italian": "Italian",
    "italiano": "Italian",
    "portuguese": "Portuguese",
    "portugués": "Portuguese",
    "catalan": "Catalan",
    "catalán": "Catalan",
    "català": "Catalan",
    "basque": "Basque",
    "euskera": "Basque",
    "galician": "Galician",
    "gallego": "Galician",
    "dutch": "Dutch",
    "neerlandés": "Dutch",
    "russian": "Russian",
    "ruso": "Russian",
    "chinese": "Chinese",
    "chino": "Chinese",
    "mandarin": "Mandarin Chinese",
    "mandarín": "Mandarin Chinese",
    "cantonese": "Cantonese",
    "japanese": "Japanese",
    "japonés": "Japanese",
    "korean": "Korean",
    "coreano": "Korean",
    "arabic": "Arabic",
    "árabe": "Arabic",
    "hindi": "Hindi",
    "bengali": "Bengali",
    "urdu": "Urdu",
    "turkish": "Turkish",
    "turco": "Turkish",
    "polish": "Polish",
    "polaco": "Polish",
    "swedish": "Swedish",
    "sueco": "Swedish",
    "norwegian": "Norwegian",
    "danish": "Danish",
    "finnish": "Finnish",
    "greek": "Greek",
    "griego": "Greek",
    "hebrew": "Hebrew",
    "romanian": "Romanian",
    "rumano": "Romanian",
    "czech": "Czech",
    "hungarian": "Hungarian",
    "ukrainian": "Ukrainian",
    "vietnamese": "Vietnamese",
    "thai": "Thai",
    "indonesian": "Indonesian",
    "malay": "Malay",
    "tagalog": "Tagalog",
    "swahili": "Swahili",
    "persian": "Persian",
    "farsi": "Persian",
    "tamil": "Tamil",
    "punjabi": "Punjabi",
}
_LEVEL = (
    r"native|mother tongue|bilingual|fluent|fluency|proficient|professional working|advanced|"
    r"intermediate|basic|elementary|conversational|beginner|[abc][12]|nativo|nativa|lengua materna|"
    r"bilingüe|avanzado|avanzada|intermedio|intermedia|básico|básica|fluido|fluida|muttersprache|"
    r"muttersprachlich|fließend|fliessend|verhandlungssicher|sehr gut|gut|grundkenntnisse|"
    r"langue maternelle|courant|bilingue|avancé|intermédiaire|notions|scolaire"
)
_LANG_WORD = re.compile(r"\b(" + "|".join(sorted(_LANGUAGES, key=len, reverse=True)) + r")\b", re.IGNORECASE)
_LEVEL_NEAR = re.compile(rf"\b({_LEVEL})\b", re.IGNORECASE)
_FLUENT_IN = re.compile(
    rf"\b(?P<level>{_LEVEL})\s+(?:in|en|speaker of|de|auf)\s+(?P<lang>[A-Za-zÀ-ÿ]+)", re.IGNORECASE
)

_US_STATES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY "
    "NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC"
).split()
_COUNTRIES = (
    "USA",
    "United States",
    "UK",
    "United Kingdom",
    "Spain",
    "España",
    "Germany",
    "France",
    "Italy",
    "Portugal",
    "Netherlands",
    "Ireland",
    "Canada",
    "Mexico",
    "México",
    "Argentina",
    "Chile",
    "Colombia",
    "Brazil",
    "India",
    "China",
    "Japan",
    "Republic of Korea",
    "South Korea",
    "Korea",
    "Singapore",
    "Australia",
    "Switzerland",
    "Sweden",
    "Poland",
    "Belgium",
    "Austria",
    "Denmark",
    "Norway",
    "Finland",
)
_PLACE = r"[A-Z][A-Za-zÀ-ÿ.'-]+(?:[ -][A-Z][A-Za-zÀ-ÿ.'-]+){0,3}"
_LOCATION_RE = re.compile(
    rf"\b(?P<loc>{_PLACE},\s*(?:(?:{'|'.join(_US_STATES)})\b(?:,\s*(?:USA|United States)\b)?"
    rf"|(?:{'|'.join(sorted(_COUNTRIES, key=len, reverse=True))})\b))"
)
_DEGREE = re.compile(
    r"\b(?:bachelors?|master|masters|b\.?\s?s\.?c?|m\.?\s?s\.?c?|b\.a\.|m\.a\.|b\.?tech|m\.?tech|meng|"
    r"beng|mba|ph\.?\s?d\.?|doctorate|doctor of|associate of|associate degree|diploma|licenciatura|"
    r"licenciado|grado|máster|master's|doctorado|ingeniería|ingeniero|graduado|técnico superior|"
    r"m\.?\s?sc\.?|b\.?\s?sc\.?|diplom|diplom-\w+|staatsexamen|abitur|promotion|licence|"
    r"maîtrise|doctorat|bts|dut|diplôme|ingénieur)\b",
    re.IGNORECASE,
)
_INSTITUTION = re.compile(
    r"\b(?:university|universidad|universitat|college|institute|instituto|school|escuela|polytechnic|"
    r"politécnica|academy|postech|mit|ucla|uc berkeley|universität|universitaet|hochschule|"
    r"fachhochschule|tu|th|lmu|rwth|eth|epfl|université|universite|école|ecole|lycée|gymnasium|"
    r"insa|sorbonne|polytechnique)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19[5-9]\d|20[0-4]\d)\b")
_INDUSTRIES = (
    (
        "Financial services",
        r"fintech|financial services|financial sector|banking|payments?\b|payment gateway",
    ),
    ("E-commerce", r"e-?commerce|online retail"),
    ("Software", r"\bsaas\b|software company|b2b saas"),
    ("Education", r"elementary|classroom|school|students|teaching"),
    ("Healthcare", r"healthcare|hospital|clinical|medical"),
    ("Telecommunications", r"telecommunications|telecom\b"),
    ("Crypto and blockchain", r"\bdefi\b|blockchain|crypto"),
    ("Government and defence", r"military|cyber command|ministry|government"),
    ("Non-profit", r"non-?profit|charity|ngo\b"),
    ("Automotive and mobility", r"car rental|automotive|mobility"),
    ("Media and entertainment", r"streaming|youtube|netflix|media company"),
)


_CODE_NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "nl": "Dutch",
    "pt": "Portuguese",
    "it": "Italian",
}
CV_LANGUAGE_LEVEL = "working (the CV is written in it)"


def languages(sections: list[Section], text: str) -> list[LanguageItem]:
    """Spoken languages: names in a languages section, "fluent in X" anywhere, and the CV's own
    language (a CV written in English shows working English) when not listed already."""
    found = _stated_languages(sections, text)
    own = _CODE_NAMES.get(guess_language(text) or "")
    if own is not None and all(item.name != own for item in found):
        found.append(LanguageItem(name=own, level=CV_LANGUAGE_LEVEL))
    return found


def _stated_languages(sections: list[Section], text: str) -> list[LanguageItem]:
    found: dict[str, str | None] = {}
    for section in of_kind(sections, "languages"):
        for line in section.lines:
            for m in _LANG_WORD.finditer(line):
                level = _LEVEL_NEAR.search(line[m.end() : m.end() + 40])
                found.setdefault(_LANGUAGES[m.group(1).lower()], level.group(1) if level else None)
    for m in _FLUENT_IN.finditer(text):
        name = _LANGUAGES.get(m.group("lang").lower())
        if name is not None and found.get(name) is None:
            found[name] = m.group("level")
    return [LanguageItem(name=name, level=level) for name, level in found.items()]


def locations(sections: list[Section]) -> list[str]:
    """Where the candidate is: "City, ST" or "City, Country" in the header lines."""
    header = sections[0] if sections and sections[0].kind == "header" else None
    if header is None:
        return []
    out: list[str] = []
    for line in header.lines:
        for m in _LOCATION_RE.finditer(line):
            loc = m.group("loc").strip()
            if loc not in out:
                out.append(loc)
    return out[:3]


def education(sections: list[Section]) -> list[EducationItem]:
    """Degrees in education sections, with the nearest institution and year."""
    out: list[EducationItem] = []
    for section in of_kind(sections, "education"):
        lines = [line.strip() for line in section.lines if line.strip()]
        for i, line in enumerate(lines):
            if not _DEGREE.search(line) or len(line.split()) > 16:
                continue
            parts = [p.strip() for p in re.split(r",|\|", line) if p.strip()]
            degree = parts[0]
            if len(parts) > 1 and len(degree.split()) <= 2 and not _INSTITUTION.search(parts[1]):
                degree = f"{parts[0]}, {parts[1]}"  # "B.Tech, Computer Science and Engineering"
            institution = next((p for p in parts[1:] if _INSTITUTION.search(p)), None)
            window = [lines[j] for j in (i - 1, i + 1, i + 2, i - 2) if 0 <= j < len(lines)]
            if institution is None:
                near = next((w for w in window if _INSTITUTION.search(w) and not _DEGREE.search(w)), None)
                institution = re.split(r",|\||\(", near)[0].strip() if near else None
            years = _YEAR.findall(" ".join([line, *window[:2]]))
            out.append(
                EducationItem(degree=degree, institution=institution, end=max(years) if years else None)
            )
    return out


def certifications(sections: list[Section]) -> list[str]:
    """Lines of certification sections, bullets and bare years dropped."""
    out: list[str] = []
    for section in of_kind(sections, "certifications"):
        for raw in section.lines:
            line = re.sub(r"^[\s•·▪*-]+", "", raw).strip()
            if len(line) < 4 or _YEAR.fullmatch(line) or re.fullmatch(r"[\d\s/–-]+", line):
                continue
            if line not in out:
                out.append(line)
    return out[:30]


def industries(text: str) -> list[str]:
    """Industries the experience and summary text mention, in a fixed order."""
    return [name for name, pattern in _INDUSTRIES if re.search(pattern, text, re.IGNORECASE)]

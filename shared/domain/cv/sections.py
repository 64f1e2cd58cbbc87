"""Section detection in CV text: English, Spanish, German and French headings ("Work Experience",
"EXPERIENCE", "Formación académica", "Idiomas", "Berufserfahrung", "Langues", ...).

A heading is a short line whose words, lower-cased and stripped of punctuation, are one of the
known headings below. Everything before the first heading is the ``header`` (name, headline,
contact line). Unknown headings ("Awards", "Publications") start an ``other`` section so their
lines never leak into the section above them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADINGS: dict[str, tuple[str, ...]] = {
    "summary": (
        "summary",
        "professional summary",
        "profile",
        "professional profile",
        "about me",
        "about",
        "objective",
        "career objective",
        "personal statement",
        "resumen",
        "perfil",
        "perfil profesional",
        "sobre mí",
        "sobre mi",
        "objetivo",
        "objetivo profesional",
        "extracto",
        "profil",
        "über mich",
        "zusammenfassung",
        "kurzprofil",
        "résumé",
        "à propos",
    ),
    "experience": (
        "experience",
        "work experience",
        "professional experience",
        "employment",
        "employment history",
        "work history",
        "career history",
        "relevant experience",
        "research",
        "research experience",
        "experiencia",
        "experiencia laboral",
        "experiencia profesional",
        "historial laboral",
        "trayectoria",
        "berufserfahrung",
        "berufliche erfahrung",
        "beruflicher werdegang",
        "werdegang",
        "praxiserfahrung",
        "erfahrung",
        "expérience",
        "expériences",
        "expérience professionnelle",
        "expériences professionnelles",
        "experience professionnelle",
        "parcours professionnel",
    ),
    "education": (
        "education",
        "academic background",
        "education and training",
        "formación",
        "formación académica",
        "formacion academica",
        "educación",
        "estudios",
        "ausbildung",
        "bildung",
        "bildungsweg",
        "studium",
        "akademischer werdegang",
        "formation",
        "formations",
        "études",
        "diplômes",
        "titulación",
    ),
    "skills": (
        "skills",
        "technical skills",
        "core skills",
        "key skills",
        "relevant skills",
        "competencies",
        "core competencies",
        "tech stack",
        "technologies",
        "technical expertise",
        "habilidades",
        "conocimientos",
        "competencias",
        "aptitudes",
        "conocimientos de computación",
        "conocimientos informáticos",
        "programming",
        "kenntnisse",
        "fähigkeiten",
        "fachkenntnisse",
        "it-kenntnisse",
        "kompetenzen",
        "compétences",
        "compétences techniques",
    ),
    "languages": (
        "languages",
        "language skills",
        "idiomas",
        "lenguas",
        "languages spoken",
        "sprachen",
        "sprachkenntnisse",
        "fremdsprachen",
        "langues",
        "compétences linguistiques",
    ),
    "certifications": (
        "certifications",
        "certificates",
        "certification",
        "licenses",
        "licenses & certifications",
        "licenses and certifications",
        "certificaciones",
        "certificados",
        "cursos y certificaciones",
    ),
    "other": (
        "projects",
        "projects & associations",
        "personal projects",
        "awards",
        "honors",
        "honors & awards",
        "honours",
        "publications",
        "interests",
        "personal interests",
        "references",
        "links",
        "coursework",
        "volunteer",
        "volunteering",
        "community",
        "activities",
        "special activites",
        "special activities",
        "professional associations",
        "proyectos",
        "publicaciones",
        "intereses",
        "referencias",
        "misceláneo",
        "premios",
        "voluntariado",
        "hobbies",
        "contact",
        "contacto",
        "datos personales",
    ),
}
_KIND = {heading: kind for kind, headings in _HEADINGS.items() for heading in headings}
_PUNCT = re.compile(r"[:\s]+$|^[\s•·▪*-]+")


@dataclass(frozen=True)
class Section:
    """A run of lines under one heading; ``first_line`` is the index of its first body line."""

    kind: str
    heading: str
    lines: tuple[str, ...]
    first_line: int

    @property
    def text(self) -> str:
        """The body as one string."""
        return "\n".join(self.lines)


def heading_kind(line: str) -> str | None:
    """The section kind a line announces, or None when it is not a heading."""
    words = _PUNCT.sub("", line.strip())
    if not words or len(words) > 40 or len(words.split()) > 4:
        return None
    return _KIND.get(" ".join(words.lower().split()))


def split_sections(text: str) -> list[Section]:
    """The CV as sections in text order, the first one being the ``header``."""
    lines = text.split("\n")
    sections: list[Section] = []
    kind, heading, start = "header", "", 0
    for i, line in enumerate(lines):
        found = heading_kind(line)
        if found is None:
            continue
        sections.append(Section(kind, heading, tuple(lines[start:i]), start))
        kind, heading, start = found, line.strip(), i + 1
    sections.append(Section(kind, heading, tuple(lines[start:]), start))
    return sections


def of_kind(sections: list[Section], kind: str) -> list[Section]:
    """Sections of one kind, in order."""
    return [s for s in sections if s.kind == kind]

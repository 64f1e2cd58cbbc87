"""A tiny stop-word language guesser for CV and job text (en, de, fr, es, nl, pt, it).

CVs and job postings rarely say which language they are written in, and matching wants to
know (an English CV against a German posting). Counting very common function words is enough to
tell these languages apart on a paragraph of text; short or ambiguous text gets None.
"""

from __future__ import annotations

import re

_STOPWORD_TABLE = """
en: the and of to in for with you our we are is on as be will your this that an or at
de: und der die das mit für wir sie ist von zu den auf ein eine bei im uns dich du oder als
fr: et le la les des pour avec vous nous est une un du dans sur au qui en votre notre
es: y el la los las de para con en una un del que por nuestro tu es se al su como
nl: en de het van een voor met je wij we zijn op in te bij ons jouw naar als die
pt: e o a os as de para com em uma um do da que por nosso você é se no na
it: e il la le di per con in una un del che sono nostro tu è si al della come
"""
_STOPWORDS: dict[str, frozenset[str]] = {
    lang.strip(): frozenset(words.split())
    for lang, _, words in (line.partition(":") for line in _STOPWORD_TABLE.strip().splitlines())
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def guess_language(text: str, *, min_hits: int = 5) -> str | None:
    """ISO 639-1 code of the most likely language, or None when the text says too little."""
    words = [w.casefold() for w in _WORD.findall(text[:5000])]
    if not words:
        return None
    scores = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOPWORDS.items()}
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    # Romance languages share many function words: demand a clear margin.
    if top < min_hits or top < second * 1.2:
        return None
    return best

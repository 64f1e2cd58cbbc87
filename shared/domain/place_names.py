"""Name tables behind shared.domain.places: countries, US states, regions, well-known cities.

Kept as compact text tables (one line per code) so adding a name is a one-word edit.
"""

from __future__ import annotations

# ISO 3166-1 alpha-2: the names and codes boards use for the country.
_COUNTRY_TABLE = """
US: united states|united states of america|usa|us|u.s.|u.s.a.|america
GB: united kingdom|uk|gb|great britain|england|scotland|wales
DE: germany|deutschland|de
CA: canada|can
AU: australia|aus
NL: netherlands|the netherlands|holland|nederland|nl
CH: switzerland|schweiz|suisse|ch
AT: austria|österreich|at
FR: france
ES: spain|españa
PT: portugal
IT: italy|italia
IE: ireland
BE: belgium
DK: denmark
SE: sweden
NO: norway
FI: finland
PL: poland
CZ: czech republic|czechia
HU: hungary
RO: romania
GR: greece
EE: estonia
LV: latvia
LT: lithuania
LU: luxembourg
UA: ukraine
TR: turkey
IL: israel
IN: india
JP: japan
CN: china
SG: singapore
HK: hong kong
KR: south korea|korea
TW: taiwan
PH: philippines
ID: indonesia
VN: vietnam
TH: thailand
MY: malaysia
NZ: new zealand
BR: brazil|brasil
MX: mexico
AR: argentina
CL: chile
CO: colombia
PE: peru
UY: uruguay
HT: haiti
ZA: south africa
NG: nigeria
KE: kenya
EG: egypt
AE: united arab emirates|uae
SA: saudi arabia
RS: serbia
HR: croatia
BG: bulgaria
SK: slovakia
SI: slovenia
CY: cyprus
MT: malta
IS: iceland
"""

# State / province / Land names whose code and country a location string implies.
_REGION_TABLE = """
US: CA=california|NY=new york|TX=texas|GA=georgia|WA=washington|MA=massachusetts|NH=new hampshire
CA: ON=ontario|BC=british columbia|QC=quebec|AB=alberta
AU: NSW=new south wales|VIC=victoria
DE: BY=bavaria|BY=bayern
"""

# Well-known cities whose country a bare city name implies.
_CITY_TABLE = """
GB: london|manchester|edinburgh
IE: dublin
FR: paris
NL: amsterdam|utrecht|rotterdam
SE: stockholm
DK: copenhagen
NO: oslo
FI: helsinki
ES: madrid|barcelona
PT: lisbon
IT: milan|rome
AT: vienna
CH: zurich|zürich
PL: warsaw
CZ: prague
DE: berlin|munich|münchen|hamburg|cologne|köln|frankfurt|düsseldorf|stuttgart
US: new york|new york city|san francisco|seattle|boston|austin|chicago|los angeles
CA: toronto|vancouver|montreal
AU: sydney|melbourne
IN: bombay|mumbai|bangalore
SG: singapore
IL: tel aviv
JP: tokyo
BR: são paulo|sao paulo
PH: metro manila
"""

_STATE_TABLE = """
AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM
NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY
"""
US_STATES = frozenset(_STATE_TABLE.split())

_MACRO_TABLE = """
europe|emea|apac|latam|americas|asia|africa|oceania|worldwide|anywhere|north america|northern america
|south america|middle east|european timezones
""".replace("\n", "")
# Macro-regions published instead of a country ("Remote - Europe", "LATAM").
MACRO_REGIONS = frozenset(_MACRO_TABLE.strip().split("|"))


def _table(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.strip().splitlines():
        code, _, names = line.partition(":")
        out.update(dict.fromkeys((n.strip() for n in names.split("|")), code.strip()))
    return out


def _regions(text: str) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for line in text.strip().splitlines():
        country, _, entries = line.partition(":")
        for entry in entries.split("|"):
            code, _, name = entry.strip().partition("=")
            out[name] = (code, country.strip())
    return out


COUNTRIES: dict[str, str] = _table(_COUNTRY_TABLE)
ISO_CODES = frozenset(COUNTRIES.values())
REGIONS: dict[str, tuple[str, str]] = _regions(_REGION_TABLE)
CITIES: dict[str, str] = _table(_CITY_TABLE)

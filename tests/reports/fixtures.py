"""One small, fixed ReportData built by hand: the input of every renderer's golden file.

Four sources, one of them hostile (markup, quotes, `&`, `|`, a newline and an ANSI escape in its
title and text, a `javascript:` url, a quote that starts like a spreadsheet formula); findings of
every status, a conflict with drift that changed since review, a reviewed conflict, a conflict
with a time-zone hint and a suggestion; one input problem; one orphaned review.
"""
from __future__ import annotations

import datetime as dt

from claims import Claim, DateValue, Evidence, QuantityValue, RefValue, content_id, make_claim, value_key
from reconcile import Finding, ReportData, ReviewDecision, ReviewState, Suggestion, ValueGroup
from sources import Problem, Published, Source

HOSTILE_MARKUP = "<script>window.__pwned=1;alert(1)</script>"
HOSTILE_TITLE = f'Moon {HOSTILE_MARKUP} "scoop" & more | pipes\nsecond line \x1b[31mred\x1b[0m'
HOSTILE_QUOTE = (
    f'=HYPERLINK("http://evil.example") {HOSTILE_MARKUP} The LUPEX rover will weigh 340 kg'
    ' | "really" &\nsurely \x1b[31mso\x1b[0m.'
)

WION_TEXT = (
    "India and Japan discuss progress of Chandrayaan-5.\n"
    "The LUPEX mission is scheduled to launch in 2027 from Tanegashima.\n"
    "Its rover will weigh about 350 kg, and JAXA will build the lander.\n"
)
TOI_TEXT = (
    "PM Modi is in Japan for the annual summit.\n"
    "Officials now say LUPEX will launch in 2028 on an H3 rocket.\n"
    "The lander is provided by JAXA.\n"
    "The Third India-Japan Space Dialogue was held on August 29, 2025.\n"
)
ISRO_TEXT = (
    "ISRO brief on cooperation.\n"
    "The Third Space Dialogue took place on August 30, 2025 in Tokyo.\n"
    "LUPEX will fly on the H3-24L.\n"
    "The Thirty Meter Telescope will have a 30 m primary mirror.\n"
)
HOSTILE_TEXT = f"{HOSTILE_TITLE}\n{HOSTILE_QUOTE}\n"


def _source(source_id: str, text: str, **meta: object) -> Source:
    """A source with the given metadata; its content hash is a hash of its text."""
    return Source(id=source_id, path=f"{source_id}.md", content_hash=content_id(text), text=text, **meta)  # type: ignore[arg-type]


SOURCES = [
    _source("wion-lupex", WION_TEXT, title="India and Japan discuss progress of Chandrayaan-5",
            publisher="WION", url="https://example.org/wion/lupex?a=1&b=2",
            published=Published(date=dt.date(2025, 5, 15), precision="day")),
    _source("toi-summit", TOI_TEXT, title="Modi in Japan: space on the summit agenda",
            publisher="Times of India", author="A. Reporter", url="https://example.org/toi/summit",
            published=Published(date=dt.date(2025, 8, 1), precision="month")),
    _source("isro-brief", ISRO_TEXT, title="ISRO brief: India–Japan space cooperation",
            publisher="ISRO", published=Published(date=dt.date(2025, 1, 1), precision="year"),
            primary=True, extra={"language": "en"}),
    _source("zz-hostile", HOSTILE_TEXT, title=HOSTILE_TITLE, publisher='Evil & "Co" <b>|</b>',
            url="javascript:alert(1)"),
]
_BY_ID = {source.id: source for source in SOURCES}


def _claim(source_id: str, entity: str, field: str, value: DateValue | QuantityValue | RefValue,
           sentence: str) -> Claim:
    """A claim whose evidence is `sentence` in the source's text, its span the value's text in it."""
    text = _BY_ID[source_id].text
    at = text.index(sentence)
    start = at + sentence.index(value.text)
    evidence = Evidence(quote=sentence, start=start, end=start + len(value.text),
                        line=text.count("\n", 0, start) + 1)
    rule = f"{field}.fixture.v1"
    return make_claim(source_id=source_id, entity=entity, field=field, value=value, evidence=evidence, rule=rule)


def _year(year: int, text: str) -> DateValue:
    return DateValue(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), text=text)


def _day(day: dt.date, text: str) -> DateValue:
    return DateValue(start=day, end=day, text=text)


C_WION_LAUNCH = _claim("wion-lupex", "lupex", "launch_date", _year(2027, "2027"),
                       "The LUPEX mission is scheduled to launch in 2027 from Tanegashima.")
C_TOI_LAUNCH = _claim("toi-summit", "lupex", "launch_date", _year(2028, "2028"),
                      "Officials now say LUPEX will launch in 2028 on an H3 rocket.")
C_WION_MASS = _claim("wion-lupex", "lupex", "rover_mass",
                     QuantityValue(value=350.0, unit="kg", text="about 350 kg", qualifier="approx"),
                     "Its rover will weigh about 350 kg, and JAXA will build the lander.")
C_HOSTILE_MASS = _claim("zz-hostile", "lupex", "rover_mass",
                        QuantityValue(value=340.0, unit="kg", text="340 kg"), HOSTILE_QUOTE)
C_TOI_DIALOGUE = _claim("toi-summit", "space-dialogue-3", "event_date", _day(dt.date(2025, 8, 29), "August 29, 2025"),
                        "The Third India-Japan Space Dialogue was held on August 29, 2025.")
C_ISRO_DIALOGUE = _claim("isro-brief", "space-dialogue-3", "event_date", _day(dt.date(2025, 8, 30), "August 30, 2025"),
                         "The Third Space Dialogue took place on August 30, 2025 in Tokyo.")
C_TOI_VEHICLE = _claim("toi-summit", "lupex", "launch_vehicle", RefValue(id="h3", text="H3"),
                       "Officials now say LUPEX will launch in 2028 on an H3 rocket.")
C_ISRO_VEHICLE = _claim("isro-brief", "lupex", "launch_vehicle", RefValue(id="h3-24l", text="H3-24L"),
                        "LUPEX will fly on the H3-24L.")
C_WION_LANDER = _claim("wion-lupex", "lupex", "lander_provider", RefValue(id="jaxa", text="JAXA"),
                       "Its rover will weigh about 350 kg, and JAXA will build the lander.")
C_TOI_LANDER = _claim("toi-summit", "lupex", "lander_provider", RefValue(id="jaxa", text="JAXA"),
                      "The lander is provided by JAXA.")
C_ISRO_MIRROR = _claim("isro-brief", "tmt", "mirror_diameter", QuantityValue(value=30.0, unit="m", text="30 m"),
                       "The Thirty Meter Telescope will have a 30 m primary mirror.")

CLAIMS = [C_WION_LAUNCH, C_TOI_LAUNCH, C_WION_MASS, C_HOSTILE_MASS, C_TOI_DIALOGUE, C_ISRO_DIALOGUE,
          C_TOI_VEHICLE, C_ISRO_VEHICLE, C_WION_LANDER, C_TOI_LANDER, C_ISRO_MIRROR]


def _group(*claims: Claim) -> ValueGroup:
    """One value and the sources and claims stating it."""
    return ValueGroup(value=claims[0].value, sources=sorted({c.source_id for c in claims}),
                      claim_ids=sorted(c.claim_id for c in claims))


def _finding(status: str, *groups: ValueGroup, **extra: object) -> Finding:
    """A finding over the groups, its id a hash of entity, field and the distinct values."""
    first = next(iter(groups))
    claim = next(c for c in CLAIMS if c.claim_id == first.claim_ids[0])
    fid = content_id([claim.entity, claim.field, sorted(value_key(g.value) for g in groups)])
    return Finding(finding_id=fid, entity=claim.entity, field=claim.field, status=status,  # type: ignore[arg-type]
                   values=list(groups), **extra)  # type: ignore[arg-type]


F_LAUNCH = _finding(
    "conflict", _group(C_WION_LAUNCH), _group(C_TOI_LAUNCH), drift=True,
    review=ReviewState(state="changed-since-review", verdict="superseded", value=C_WION_LAUNCH.value,
                       note="ISRO said 2027 in May.", who="asha", when="2025-06-01",
                       added_values=["2028-01-01..2028-12-31"]),
    suggestion=Suggestion(value=C_TOI_LAUNCH.value, confidence=0.82, sources=["toi-summit"],
                          reasons=["the most recent source", "names the rocket"]),
)
F_MASS = _finding(
    "conflict", _group(C_WION_MASS), _group(C_HOSTILE_MASS),
    review=ReviewState(state="reviewed", verdict="dismissed", reason="extraction-error",
                       note="The second source is not trustworthy.", who="ben", when="2025-09-02"),
)
F_DIALOGUE = _finding(
    "conflict", _group(C_TOI_DIALOGUE), _group(C_ISRO_DIALOGUE),
    hint="The dates are one day apart: time zones may explain it.",
)
F_VEHICLE = _finding("refinement", _group(C_TOI_VEHICLE), _group(C_ISRO_VEHICLE))
F_LANDER = _finding("agreement", _group(C_WION_LANDER, C_TOI_LANDER))
F_MIRROR = _finding("single-source", _group(C_ISRO_MIRROR))

REPORT = ReportData(
    corpus="tests/data/fixture",
    sources=SOURCES,
    claims=CLAIMS,
    findings=[F_LAUNCH, F_MASS, F_DIALOGUE, F_VEHICLE, F_LANDER, F_MIRROR],
    problems=[Problem(path="broken.md", line=3,
                      message="`published: 15/05/2025` is not YYYY-MM-DD, YYYY-MM or YYYY")],
    orphans=[ReviewDecision(entity="chandrayaan-4", field="launch_date", values=["2027-01-01..2027-12-31"],
                            verdict="noted", note="No source mentions it any more.", who="asha", when="2025-07-10")],
    reliability={"wion-lupex": 0.8, "toi-summit": 0.75, "isro-brief": 0.9, "zz-hostile": 0.1},
    copy_clusters=[["wion-lupex", "toi-summit"]],
)

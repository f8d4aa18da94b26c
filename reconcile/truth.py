"""Suggested values for conflicts, from source reliability estimated across all findings.

An Accu-style truth-discovery model written for typed values. Each round:

1. a value's vote is the sum, over independent voters, of `ln(n·t / (1 − t))`, where `t` is the
   voter's reliability and `n` the assumed number of wrong values (Accu);
2. related values lend each other support: a refinement backs its ancestor fully (`spring 2027`
   backs `2027`); overlapping values, and date-times within the field's tolerance, back each
   other by `support` of their vote;
3. votes become probabilities per finding (softmax), and reliability is the mean probability of
   what a source states, pulled towards its prior (primary sources start higher).

The first `rounds` use one reliability per source over all fields: a site that is wrong on one
kind of value is rarely right on a related one, and pooling keeps a large family of similar sites
from taking over one field. The last `field_rounds` refine a reliability per source and field,
shrunk towards the source's overall one, so a site good on schedules and bad on actual times
is weighed as such.

Independence: sources that state the identical value on nearly every disputed finding they share
are copy clusters (`copy_agreement`, over at least `copy_min_items` findings); a cluster votes once
per value, with its best member's weight.

Nothing is overwritten: the model returns suggestions with reasons; every claim stays. Parameters
(`TruthOptions`) are few and documented; no source is named in code.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from claims import DateValue, DomainPack, FieldSpec, QuantityValue, RefValue, TypedValue, value_key, value_label
from sources import Source

from reconcile.compare import compare_values, date_bounds, minute_tolerance
from reconcile.models import Finding, Suggestion


class TruthOptions(BaseModel):
    """The model's few parameters, with the values used on every benchmark."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    rounds: int = Field(default=12, ge=1)          # rounds with one reliability per source (all fields)
    field_rounds: int = Field(default=3, ge=0)     # then rounds with a reliability per source and field
    prior: float = Field(default=0.8, gt=0, lt=1)  # reliability of a source before any evidence
    primary_prior: float = Field(default=0.95, gt=0, lt=1)  # … of a primary source (the agency)
    prior_weight: float = Field(default=2.0, ge=0)  # pseudo-claims that hold reliability to its prior
    field_pooling: float = Field(default=50.0, ge=0)  # pseudo-claims pulling a field's reliability to the source's
    false_values: float = Field(default=3.0, gt=1)  # Accu's n: wrong values a source could state
    support: float = Field(default=0.5, ge=0, le=1)  # share of a vote lent to a close/overlapping value
    copy_agreement: float = Field(default=0.99, gt=0, le=1)  # identical on this share of disputes → copies
    copy_min_items: int = Field(default=50, ge=1)
  # disputed findings two sources must share first
    recency_bonus: float = Field(default=0.25, ge=0)  # vote bonus for the newest statement on drift


class TruthResult(BaseModel):
    """Reliability per source (overall and per field), a suggestion per finding, and copy clusters."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    reliability: dict[str, float]
    field_reliability: dict[str, dict[str, float]]
    suggestions: dict[str, Suggestion]
    copy_clusters: list[list[str]]


@dataclass
class _Claims:
    """Every (finding, distinct value, source) statement as parallel arrays."""

    item: np.ndarray       # finding index of each value
    value_field: np.ndarray  # field index of each value
    claim_value: np.ndarray  # value index of each statement
    claim_source: np.ndarray  # source index of each statement
    pair_from: np.ndarray  # value pairs where `from` lends support to `to`
    pair_to: np.ndarray
    pair_weight: np.ndarray
    values: list[list[tuple[TypedValue, list[str]]]]  # per finding: merged values and their sources


def estimate_truth(findings: Sequence[Finding], pack: DomainPack, *, sources: Sequence[Source] = (),
                   copies: Sequence[Sequence[str]] = (), options: TruthOptions | None = None) -> TruthResult:
    """Reliability of each source and a suggested value for every finding, with reasons.

    `sources` give `primary` and `published`; `copies` are copy clusters already known (from
    `claims.copies.detect_copies` over article texts), joined with those the claims reveal.
    """
    options = options or TruthOptions()
    if not findings:
        return TruthResult(reliability={}, field_reliability={}, suggestions={}, copy_clusters=[])
    source_ids = sorted({s for f in findings for g in f.values for s in g.sources})
    index = {s: i for i, s in enumerate(source_ids)}
    fields = sorted({f.field for f in findings})
    data = _collect(findings, pack, index, fields, options)
    primary = {s.id for s in sources if s.primary}
    prior = np.array([options.primary_prior if s in primary else options.prior for s in source_ids])
    links = _copy_links(data, options)
    for known in copies:  # clusters found elsewhere, e.g. claims.copies over article texts
        members = [index[s] for s in known if s in index]
        links += [(members[0], m) for m in members[1:]]
    cluster = _components(links, len(source_ids))
    prob, trust = _iterate(data, cluster, prior, len(fields), options)
    clusters = [c for c in _cluster_lists(cluster, source_ids) if len(c) > 1]
    published = {s.id: s.published.start for s in sources if s.published is not None}
    context = _Context(source_ids, fields, trust, clusters, primary, published, options, pack)
    suggestions = {f.finding_id: _suggest(f, i, data, prob, context) for i, f in enumerate(findings)}
    # Built here from floats, strings and models, so not validated again (10⁵ reliabilities).
    return TruthResult.model_construct(
        reliability=_overall(data, trust, source_ids, fields),
        field_reliability={field: dict(zip(source_ids, _rounded(trust[:, k]))) for k, field in enumerate(fields)},
        suggestions=suggestions, copy_clusters=clusters)


def attach_suggestions(findings: Sequence[Finding], result: TruthResult) -> list[Finding]:
    """The findings with `suggestion` set on every conflict; other findings unchanged."""
    return [f.model_copy(update={"suggestion": result.suggestions.get(f.finding_id)})
            if f.status == "conflict" and f.finding_id in result.suggestions else f for f in findings]


# --- collecting statements ---------------------------------------------------------------

def truth_key(value: TypedValue) -> str:
    """The identity the model votes on: the value key without a date-time's zone label."""
    if isinstance(value, DateValue) and value.tz is not None:
        value = value.model_copy(update={"tz": None})
    return value_key(value)


def _merge(finding: Finding) -> list[tuple[TypedValue, list[str]]]:
    """The finding's values merged by `truth_key`, each with its sorted sources."""
    merged: dict[str, tuple[TypedValue, set[str]]] = {}
    for group in finding.values:
        value, backers = merged.setdefault(truth_key(group.value), (group.value, set()))
        backers.update(group.sources)
    return [(value, sorted(backers)) for _, (value, backers) in sorted(merged.items())]


def _collect(findings: Sequence[Finding], pack: DomainPack, index: Mapping[str, int],
             fields: list[str], options: TruthOptions) -> _Claims:
    """Statements and supporting value pairs as arrays."""
    item: list[int] = []
    value_field: list[int] = []
    claim_value: list[int] = []
    claim_source: list[int] = []
    pairs: list[tuple[int, int, float]] = []
    values = []
    field_index = {f: k for k, f in enumerate(fields)}
    for i, finding in enumerate(findings):
        merged = _merge(finding)
        values.append(merged)
        base = len(item)
        for value, backers in merged:
            v = len(item)
            item.append(i)
            value_field.append(field_index[finding.field])
            claim_value.extend([v] * len(backers))
            claim_source.extend(map(index.__getitem__, backers))
        spec = pack.field_by_id.get(finding.field)
        if spec is not None and len(merged) > 1:
            pairs.extend(_support_pairs([v for v, _ in merged], base, spec, pack, options))
    pair = np.array(pairs, dtype=float).reshape(-1, 3)
    return _Claims(np.array(item, dtype=np.int64), np.array(value_field, dtype=np.int64),
                   np.array(claim_value, dtype=np.int64), np.array(claim_source, dtype=np.int64),
                   pair[:, 0].astype(np.int64), pair[:, 1].astype(np.int64), pair[:, 2], values)


def _support_pairs(values: list[TypedValue], base: int, spec: FieldSpec, pack: DomainPack,
                   options: TruthOptions) -> list[tuple[int, int, float]]:
    """(from, to, weight): how much a vote for `from` also backs `to`."""
    out = []
    for a, va in enumerate(values):
        for b, vb in enumerate(values):
            if a != b and (weight := support(va, vb, spec, pack, share=options.support)) > 0:
                out.append((base + a, base + b, weight))
    return out


def support(a: TypedValue, b: TypedValue, field: FieldSpec, pack: DomainPack, *, share: float = 0.5) -> float:
    """How much stating `a` backs `b`: 1 when `a` refines `b`, `share` when they are compatible, else 0.

    `spring 2027` backs `2027` fully and `2027` backs `spring 2027` by `share`; two date-times
    within the field's tolerance back each other by `share`.
    """
    if isinstance(a, DateValue) and isinstance(b, DateValue) and a.minute is not None and b.minute is not None:
        close = a.start == b.start and abs(a.minute - b.minute) <= minute_tolerance(field)
        return share if close else 0.0
    relation = compare_values(a, b, field, pack)
    if relation == "conflict":
        return 0.0
    return 1.0 if _refines(a, b, field, pack) else share


def _refines(a: TypedValue, b: TypedValue, field: FieldSpec, pack: DomainPack) -> bool:
    """Whether `a` says everything `b` says and more (a narrower date, a descendant ref)."""
    if isinstance(a, DateValue) and isinstance(b, DateValue):
        (a_start, a_end), (b_start, b_end) = date_bounds(a), date_bounds(b)
        return b_start <= a_start and a_end <= b_end
    if isinstance(a, RefValue) and isinstance(b, RefValue):
        return b.id in pack.lineage(field.catalogue or "", a.id)[1:]
    if isinstance(a, QuantityValue) and isinstance(b, QuantityValue):
        return b.low is not None and b.high is not None and b.low <= a.value <= b.high
    return False


# --- the iteration -----------------------------------------------------------------------

def _iterate(data: _Claims, cluster: np.ndarray, prior: np.ndarray, n_fields: int,
             options: TruthOptions) -> tuple[np.ndarray, np.ndarray]:
    """Value probabilities and reliability per (source, field) after `options.rounds` rounds."""
    n_sources, n_values = len(prior), len(data.item)
    statement_field = data.value_field[data.claim_value]
    # A copy cluster votes once per value: its statements of one value form one vote group.
    voter = cluster[data.claim_source]
    groups, group_of = np.unique(data.claim_value * n_sources + voter, return_inverse=True)
    group_value = groups // n_sources
    slot = data.claim_source * n_fields + statement_field
    count = np.bincount(slot, minlength=n_sources * n_fields)
    trust = np.repeat(prior[:, None], n_fields, axis=1)
    prob = np.zeros(n_values)
    for round_ in range(options.rounds + options.field_rounds):
        pooling = None if round_ < options.rounds else options.field_pooling
        t = np.clip(trust[data.claim_source, statement_field], 0.01, 0.99)
        weight = np.log(options.false_values * t / (1 - t))
        best = np.full(len(groups), -np.inf)
        np.maximum.at(best, group_of, weight)
        vote = np.bincount(group_value, weights=best, minlength=n_values)
        vote = vote + np.bincount(data.pair_to, weights=data.pair_weight * vote[data.pair_from], minlength=n_values)
        prob = _softmax(vote, data.item)
        mass = np.bincount(slot, weights=prob[data.claim_value], minlength=n_sources * n_fields)
        trust = _pooled_trust(mass.reshape(n_sources, n_fields), count.reshape(n_sources, n_fields),
                              prior, pooling, options)
    return prob, trust


def _pooled_trust(mass: np.ndarray, count: np.ndarray, prior: np.ndarray, pooling: float | None,
                  options: TruthOptions) -> np.ndarray:
    """Reliability per (source, field): its share of probable statements on the field, shrunk
    towards the source's reliability over all fields (`field_pooling` pseudo-statements), which is
    itself shrunk towards the prior (`prior_weight`). A site that is wrong on one kind of time is
    more likely wrong on a related one than a site that is right everywhere else."""
    overall = (mass.sum(axis=1) + options.prior_weight * prior) / (count.sum(axis=1) + options.prior_weight)
    if pooling is None:
        return np.repeat(overall[:, None], mass.shape[1], axis=1)
    return np.asarray((mass + pooling * overall[:, None]) / (count + pooling), dtype=float)


def _softmax(vote: np.ndarray, item: np.ndarray) -> np.ndarray:
    """Per finding, the probabilities `exp(vote)` normalised over the finding's values."""
    n_items = int(item.max()) + 1 if len(item) else 0
    top = np.full(n_items, -np.inf)
    np.maximum.at(top, item, vote)
    weight = np.exp(vote - top[item])
    return np.asarray(weight / np.bincount(item, weights=weight, minlength=n_items)[item], dtype=float)


# --- copy detection ----------------------------------------------------------------------

def _copy_links(data: _Claims, options: TruthOptions) -> list[tuple[int, int]]:
    """Which pairs of sources copy each other: sources that state the identical value on nearly every disputed
    finding they share are copies of one another (or of one feed).

    Only disputed findings (two or more distinct values) count: on undisputed ones independent
    sources agree too, while on disputed ones even good independent sources differ now and then
    (a minute, a stray gate); copies almost never do. Judged over all fields together, since
    independent sources that are right on one field agree there as closely as copies do.
    Pairs are counted per finding (sparse), never in a sources × sources matrix.
    """
    n_items = int(data.item.max()) + 1 if len(data.item) else 0
    keep = (np.bincount(data.item, minlength=n_items) > 1)[data.item[data.claim_value]]
    item, value, source = data.item[data.claim_value][keep], data.claim_value[keep], data.claim_source[keep]
    # A source on fewer disputed findings than a link needs cannot be linked: leave it out before
    # pairing, or findings stated by thousands of sources would make millions of pairs.
    busy = np.bincount(source, minlength=int(source.max()) + 1 if len(source) else 0) >= options.copy_min_items
    item, value, source = item[busy[source]], value[busy[source]], source[busy[source]]
    if len(source) == 0:
        return []
    n = int(source.max()) + 1
    pair_ids, shared = _pair_counts(item, source, n)     # findings both sources state something on
    same_ids, same_count = _pair_counts(value, source, n)  # … where they state the same value
    identical = np.zeros(len(pair_ids), dtype=np.int64)
    identical[np.searchsorted(pair_ids, same_ids)] = same_count
    linked = pair_ids[(shared >= options.copy_min_items) & (identical >= options.copy_agreement * shared)]
    return [(int(p // n), int(p % n)) for p in linked.tolist()]


def _pair_counts(group: np.ndarray, source: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """For each pair of sources (as `a * n + b`, a < b), in how many groups both appear."""
    members = np.unique(group.astype(np.int64) * n + source)
    group, source = members // n, members % n
    bounds = np.flatnonzero(np.r_[True, group[1:] != group[:-1], True])
    pairs = [source[lo + a] * n + source[lo + b]
             for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist()) if hi - lo > 1
             for a, b in [np.triu_indices(hi - lo, 1)]]
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    ids, counts = np.unique(np.concatenate(pairs), return_counts=True)
    return ids, counts


def _components(links: list[tuple[int, int]], n_sources: int) -> np.ndarray:
    """Connected components of the linked pairs, each source labelled by its cluster's smallest member."""
    label = np.arange(n_sources)
    for a, b in sorted(links):
        root_a, root_b = _root(label, a), _root(label, b)
        label[max(root_a, root_b)] = min(root_a, root_b)
    return np.array([_root(label, i) for i in range(n_sources)], dtype=np.int64)


def _root(label: np.ndarray, i: int) -> int:
    while label[i] != i:
        i = int(label[i])
    return int(i)


def _cluster_lists(labels: np.ndarray, source_ids: list[str]) -> list[list[str]]:
    """Clusters (one label per source) as sorted lists of source ids, sorted by first member.

    `source_ids` are sorted, so a stable sort by label keeps each cluster's members in order.
    """
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.r_[True, np.diff(labels[order]) != 0]).tolist() + [len(order)]
    members = [source_ids[i] for i in order.tolist()]
    return sorted((members[a:b] for a, b in zip(bounds[:-1], bounds[1:])), key=lambda cluster: cluster[0])


# --- suggestions -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Context:
    """What suggestions need beyond the probabilities."""

    source_ids: list[str]
    fields: list[str]
    trust: np.ndarray
    clusters: list[list[str]]
    primary: set[str]
    published: dict[str, dt.date]
    options: TruthOptions
    pack: DomainPack

    def __post_init__(self) -> None:
        object.__setattr__(self, "_cluster", {s: c for c in self.clusters for s in c})
        object.__setattr__(self, "_source_index", {s: i for i, s in enumerate(self.source_ids)})
        object.__setattr__(self, "_field_index", {f: i for i, f in enumerate(self.fields)})

    def cluster_of(self, source: str) -> list[str]:
        cluster: list[str] = self.__dict__["_cluster"].get(source, [source])
        return cluster

    def copied(self, sources: Sequence[str]) -> set[str]:
        """Those of `sources` that belong to a copy cluster."""
        clusters: dict[str, list[str]] = self.__dict__["_cluster"]
        return clusters.keys() & sources

    def reliability(self, source: str, field: str) -> float:
        return float(self.trust[self.__dict__["_source_index"][source], self.__dict__["_field_index"][field]])

    def reliabilities(self, sources: Sequence[str], field: str) -> np.ndarray:
        """The reliability on `field` of each of `sources`, in their order."""
        rows = np.fromiter(map(self.__dict__["_source_index"].__getitem__, sources), dtype=np.int64, count=len(sources))
        return np.asarray(self.trust[rows, self.__dict__["_field_index"][field]], dtype=float)

    def newest(self, sources: Sequence[str]) -> dt.date | None:
        """The latest publication date among `sources`, None when none is dated."""
        dated = self.published.keys() & sources
        return max(map(self.published.__getitem__, dated)) if dated else None


def _suggest(finding: Finding, item: int, data: _Claims, prob: np.ndarray, context: _Context) -> Suggestion:
    """The most probable value of a finding, with its confidence and the reasons."""
    first = int(np.searchsorted(data.item, item))
    merged = data.values[item]
    scores: list[float] = prob[first:first + len(merged)].tolist()
    if finding.drift:
        scores = _favour_newest(merged, scores, context)
    rank = sorted(range(len(merged)), key=lambda k: (-round(scores[k], 9), -_primary_count(merged[k][1], context),
                                                     -len(merged[k][1]), truth_key(merged[k][0])))
    chosen = _most_specific(finding, merged, rank, context)
    value, backers = merged[chosen]
    reasons = _reasons(finding, merged, chosen, context)
    if chosen != rank[0]:
        reasons.insert(0, f"the most specific value within the best-supported one, {value_label(merged[rank[0]][0])}, "
                          "whose confidence it carries")
    # A value inside the best-supported one carries that support (the reason says so).
    return Suggestion(value=value, confidence=round(scores[rank[0]], 3), reasons=reasons, sources=backers)


def _most_specific(finding: Finding, merged: list[tuple[TypedValue, list[str]]], rank: list[int],
                   context: _Context) -> int:
    """The best-ranked value, or the best-ranked of those that refine it: "later this decade" wins
    support from every year inside it, yet "by 2028", inside it, is the answer worth suggesting."""
    field = context.pack.field_by_id.get(finding.field)
    top = merged[rank[0]][0]
    if field is None or (isinstance(top, DateValue) and top.minute is not None):
        return rank[0]
    return next((k for k in rank[1:] if _refines(merged[k][0], top, field, context.pack)), rank[0])


def _primary_count(backers: list[str], context: _Context) -> int:
    return len(context.primary.intersection(backers))  # backers are distinct


def _favour_newest(merged: list[tuple[TypedValue, list[str]]], scores: list[float],
                   context: _Context) -> list[float]:
    """On a schedule that drifted, the value stated most recently gets `recency_bonus` (renormalised)."""
    newest = [context.newest(backers) or dt.date.min for _, backers in merged]
    latest = max(newest)
    raised = [score * (1 + context.options.recency_bonus) if when == latest != dt.date.min else score
              for score, when in zip(scores, newest)]
    total = sum(raised)
    return [score / total for score in raised] if total else scores


def _reasons(finding: Finding, merged: list[tuple[TypedValue, list[str]]], chosen: int,
             context: _Context) -> list[str]:
    """Why the value is suggested: independent backing, reliability, primary sources, recency."""
    backers = merged[chosen][1]
    clustered = context.copied(backers)
    copied = sorted({tuple(context.cluster_of(s)) for s in clustered})
    # Each copy cluster counts once; every other backer (they are distinct) counts for itself.
    independent = len(backers) - len(clustered) + len(copied)
    reasons = [f"backed by {independent} independent source(s) ({len(backers)} in all)"]
    if copied:
        reasons.append("counted once as copies: " + "; ".join(_few(c) for c in copied))
    # Backers are sorted, so a stable sort by reliability breaks ties by source id.
    most_reliable = np.argsort(-context.reliabilities(backers, finding.field), kind="stable")[:3]
    ranked = [backers[i] for i in most_reliable.tolist()]
    reasons.append("estimated reliability on this field: "
                   + ", ".join(f"{s} {context.reliability(s, finding.field):.2f}" for s in ranked))
    primary = [s for s in backers if s in context.primary]
    if primary:
        reasons.append("stated by a primary source: " + ", ".join(primary))
    reasons.extend(_recency_reason(finding, merged, chosen, context))
    return reasons


def _recency_reason(finding: Finding, merged: list[tuple[TypedValue, list[str]]], chosen: int,
                    context: _Context) -> list[str]:
    """When the suggested date is the newest statement, say so; on drift, that older statements
    were likely superseded rather than wrong."""
    newest = context.newest(merged[chosen][1])
    if newest is None or not isinstance(merged[chosen][0], DateValue):
        return []
    others = [when for k, (_, b) in enumerate(merged) if k != chosen if (when := context.newest(b)) is not None]
    if not others or newest <= max(others):
        return []
    if finding.drift:
        return [f"the newest statement (published {newest.isoformat()}); older values were "
                f"likely superseded by a schedule change, not wrong"]
    return [f"the newest dated statement (published {newest.isoformat()}); for a schedule, a newer "
            f"statement usually supersedes an older one"]


def _few(cluster: Sequence[str], shown: int = 4) -> str:
    """`a, b, c, d and 496 more` for a long cluster."""
    head = ", ".join(cluster[:shown])
    return head if len(cluster) <= shown else f"{head} and {len(cluster) - shown} more"


def _overall(data: _Claims, trust: np.ndarray, source_ids: list[str], fields: list[str]) -> dict[str, float]:
    """Each source's reliability averaged over fields, weighted by how much it states on each."""
    statement_field = data.value_field[data.claim_value]
    count = np.zeros_like(trust)
    np.add.at(count, (data.claim_source, statement_field), 1)
    total = count.sum(axis=1)
    mean = (trust * count).sum(axis=1) / np.maximum(total, 1)
    return dict(zip(source_ids, _rounded(mean)))


def _rounded(numbers: np.ndarray) -> list[float]:
    """Each number exactly as Python's `round(x, 3)` gives it, for 10⁵ numbers at numpy speed.

    `round` returns the float nearest to k/1000, k the integer nearest to x·1000 computed exactly
    (ties to even). `rint(x * 1000) / 1000` finds the same k unless the rounded product lies
    within a rounding error of a half-integer (or is not finite, or too large for a fraction):
    those few numbers go through `round` itself. Dividing the integer k by 1000 is correctly
    rounded, so it gives the float nearest to k/1000, as `round` does.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # infinities and NaN go through `round`
        scaled = np.asarray(numbers, dtype=float) * 1000.0
        margin = 1e-9 * np.maximum(np.abs(scaled), 1.0)
        unsure = ~(np.abs(scaled - np.floor(scaled) - 0.5) > margin) | ~(np.abs(scaled) < 2.0**52)
    rounded: list[float] = (np.rint(scaled) / 1000.0).tolist()
    for i in np.flatnonzero(unsure).tolist():
        rounded[i] = round(float(numbers[i]), 3)
    return rounded

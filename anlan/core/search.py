"""The global search in the header: one term over every registry the user is offered, grouped by registry.

What a term matches, per registry (`match_q`, also used by the registry lists' own `?q=` filter, so a
group's "查看全部" lists exactly the rows it counted):
- the registry's `search_fields` (names, titles, codes, numbers, 统一社会信用代码), containing the term;
- a region code (6, 9 or 12 digits): the rows owned inside that region's subtree;
- a full phone number, for roles that see phone numbers in full (core.roles.sees_full_phone): equality on
  the blind index beside each encrypted phone field (core.fields.BlindIndexField). Phones are encrypted
  with a random nonce, so they cannot be compared in SQL; the index is a keyed hash of the normalised
  number. Only full numbers are indexed (why: BlindIndexField).

Scope is never decided here: every row comes from `config.queryset(user, "view")`, the one scoping
function. Speed: registries with nothing the term can match are not queried at all, and each queried
registry costs one query that returns its first rows and, through a window function, its total (plain
`LIKE` scans on tables of at most tens of thousands of rows in a county; phone and region matches use
indexed columns). The term is bounded (2–50 characters).
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F, Q, Window

from .crypto import blind_index
from .fields import blind_index_fields, normalise_phone
from .kit import ModelConfig, all_configs, offered_to
from .labels import region_full_names
from .regioncodes import region_prefix
from .roles import sees_full_phone
from .scoping import column_path

__all__ = ["MAX_LENGTH", "MIN_LENGTH", "PER_GROUP", "Group", "Hit", "Results", "clean_term", "match_q", "search"]

MIN_LENGTH = 2
MAX_LENGTH = 50
PER_GROUP = 5
_REGION_CODE_LENGTHS = (6, 9, 12)


@dataclass(frozen=True)
class Hit:
    pk: object
    name: str
    url: str
    region_code: str
    region_name: str


@dataclass
class Group:
    registry: str  # "registry.enterprise"
    label: str  # the registry's name, "企业"
    count: int
    hits: list[Hit]
    more_url: str  # the registry's list filtered by the term

    @property
    def more(self) -> bool:
        return self.count > len(self.hits)


@dataclass
class Results:
    term: str
    message: str = ""  # why nothing was searched, or a note on how the term was read
    groups: list[Group] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups)


def clean_term(raw) -> tuple[str, str]:
    """(term, message): the term to search, or "" and the Chinese reason it is not searched."""
    term = " ".join(str(raw or "").split())
    if not term:
        return "", "请输入要搜索的名称、编码、统一社会信用代码或电话号码"
    if len(term) < MIN_LENGTH:
        return "", f"搜索内容太短：请至少输入 {MIN_LENGTH} 个字"
    if len(term) > MAX_LENGTH:
        return "", f"搜索内容太长：最多 {MAX_LENGTH} 个字"
    return term, ""


def match_q(config: ModelConfig, user, term: str) -> Q | None:
    """What `term` matches in `config`'s registry for `user`; None when nothing can match (not queried)."""
    model = config.model
    q = Q()
    for name in config.search_fields:
        q |= Q(**{f"{name}__icontains": term})
    spec = getattr(model, "scope_spec", None)
    if term.isdigit() and len(term) in _REGION_CODE_LENGTHS and spec is not None and spec.region:
        prefix = region_prefix(term) if len(term) == 12 else term
        q |= Q(**{f"{column_path(model, spec.region)}__startswith": prefix})
    number = normalise_phone(term)
    if number and sees_full_phone(user):
        digest = blind_index(number)
        for index in blind_index_fields(model):
            q |= Q(**{index.name: digest})
    return q if q.children else None


def search(user, raw_term, *, per_group: int = PER_GROUP) -> Results:
    """The registries `user` is offered, each with how many rows match and its first `per_group` rows."""
    term, message = clean_term(raw_term)
    results = Results(term=term, message=message)
    if not term:
        return results
    results.message = _note(user, term)
    found = []
    for config in all_configs():
        if not offered_to(user, config.model):
            continue
        q = match_q(config, user, term)
        if q is None:
            continue
        rows, count = _first_rows(config, user, q, per_group)
        if count:
            found.append((config, rows, count))
    names = region_full_names({code for _, rows, _ in found for _, code in rows})
    for config, rows, count in found:
        hits = [
            Hit(obj.pk, str(obj), config.reverse("detail", obj.pk), code, names.get(code, "")) for obj, code in rows
        ]
        more_url = f"{config.reverse('list')}?{urlencode({'q': term})}"
        results.groups.append(Group(config.model._meta.label_lower, config.label, count, hits, more_url))
    return results


def _first_rows(config: ModelConfig, user, q: Q, limit: int) -> tuple[list[tuple], int]:
    """[(row, owner region code)] and the total, in one query (the total as a window over the match)."""
    # The selector's prefetches fill list columns (many-to-many names); a hit shows only the row's name.
    qs = config.queryset(user, "view").filter(q).prefetch_related(None)
    spec = getattr(config.model, "scope_spec", None)
    if spec is not None and spec.region:
        qs = qs.annotate(_region_code=F(column_path(config.model, spec.region)))
    if qs.query.group_by is not None:  # an aggregating selector: a window over groups would mislead
        count = qs.count()
        rows = list(qs[:limit])
    else:
        rows = list(qs.annotate(_total=Window(Count("pk")))[:limit])
        count = rows[0]._total if rows else 0
    return [(obj, str(getattr(obj, "_region_code", "") or "")) for obj in rows], count


def _note(user, term: str) -> str:
    """A line under the search box on how a number was read (nothing for names)."""
    region_code = term.isdigit() and len(term) in _REGION_CODE_LENGTHS
    if normalise_phone(term) and not region_code:
        if sees_full_phone(user):
            return "已按完整电话号码查找联系人"
        return "您的角色不能按电话号码查找联系人，已按名称和编码查找"
    if term.isdigit() and len(term) < 7 and not region_code and sees_full_phone(user):
        return "按电话号码查找须输入完整号码（不支持只输入其中几位）"
    return ""

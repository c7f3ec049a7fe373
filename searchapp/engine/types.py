"""Plain objects between the API and the engine: a SearchRequest in, a SearchResult out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

FACET_FIELDS = ("outlet", "person", "date")
SORTS = ("relevance", "newest", "oldest")
RANKINGS = ("best", "bm25", "proximity", "feedback")  # "best": proximity and feedback
COLLAPSE = ("story",)
COUNT_BY = ("article", "story")
MAX_COPIES_LISTED = 10
DATE_INTERVALS = ("day", "week", "month", "year")
# Names a declared facet field cannot take: the API's parameters and the article's fields.
RESERVED_NAMES = frozenset((
    "q", "outlet", "person", "people", "date", "date_from", "date_to", "date_interval",
    "sort", "page", "per_page", "facets", "facet_size", "snippets", "format", "body", "bom",
    "collapse", "count_by", "story", "copies", "id", "title", "url", "authors",
    "published", "text", "day", "prefix", "size", "limit", "fields", "score", "snippet"))


@dataclass
class SearchRequest:
    q: str = ""
    outlets: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    facets: tuple[str, ...] | None = None  # None: the core three and every declared field
    facet_size: int = 10
    date_interval: str | None = None
    snippets: bool = True
    fields: dict[str, list[str]] = field(default_factory=dict)  # declared facet filters
    collapse: str | None = None  # "story": one result per story, its best-ranked copy
    count_by: str = "article"  # "story": facets count distinct stories
    rank: str = "best"  # relevance ranking: "bm25", "proximity", "feedback", or both
    explain: bool = False  # each hit's score in its parts (Hit.explanation)


@dataclass
class Copy:
    id: str
    title: str
    outlet: str


@dataclass
class Copies:
    """The other matching copies of a collapsed result's story."""

    count: int
    articles: list[Copy]


@dataclass
class FeedbackTerm:
    term: str  # as indexed (stemmed)
    word: str  # as the top results most often write it
    weight: float  # in the feedback query
    score: float  # what it adds to this hit


@dataclass
class Explanation:
    """A hit's score in parts that add up to it: BM25 per field, proximity, feedback."""

    bm25: dict[str, float]
    proximity: float
    feedback: float
    feedback_terms: list[FeedbackTerm]


@dataclass
class Hit:
    id: str
    title: str
    outlet: str
    published: date | None
    authors: list[str]
    people: list[str]
    url: str
    score: float | None
    snippet: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # declared facet values
    story: str = ""
    copies: Copies | None = None  # with collapse=story
    explanation: Explanation | None = None  # with explain=True, for a ranked hit


@dataclass
class FacetBucket:
    value: str
    count: int
    selected: bool = False


@dataclass
class DateBucket:
    value: str
    start: date
    end: date
    count: int


@dataclass
class SearchResult:
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit]
    facets: dict[str, list]
    date_interval: str | None = None
    suggestion: str | None = None
    articles: int = 0  # matching articles (total counts stories when collapsed)


@dataclass
class ArticleRecord:
    """A whole stored article, as `GET /articles/<id>` returns it."""

    id: str
    title: str
    body: str
    outlet: str
    published: date | None
    authors: list[str]
    people: list[str]
    url: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    story: str = ""


@dataclass
class IndexStats:
    """What `searchapp index stats` prints."""

    generation: str
    documents: int
    outlets: list[tuple[str, int]]
    without_outlet: int
    people: int
    first_day: date | None
    last_day: date | None
    without_date: int
    declared: dict[str, int] = field(default_factory=dict)  # facet field -> distinct values


MAX_TIMELINE_QUERIES = 5
MAX_TIMELINE_BUCKETS = 5000


@dataclass
class TimelineRequest:
    """Attention over time: for each query, the matching articles per period next to all
    the articles in the same filters."""

    queries: list[str] = field(default_factory=lambda: [""])
    outlets: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    date_interval: str | None = None
    fields: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class TimelineBucket:
    value: str
    start: date
    end: date
    count: int
    total: int
    ratio: float


@dataclass
class TimelineSeries:
    q: str
    total: int
    undated: int
    buckets: list[TimelineBucket]


@dataclass
class Timeline:
    date_interval: str
    took_ms: float
    series: list[TimelineSeries]

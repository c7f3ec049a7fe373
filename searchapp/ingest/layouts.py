"""Field layouts of JSON records: searchapp's own, known corpora, or a user's mapping."""

from __future__ import annotations

from dataclasses import dataclass, field

ARTICLE_FIELDS = ("id", "title", "body", "outlet", "published", "authors", "people", "url")


@dataclass(frozen=True)
class Layout:
    """Which record key holds each Article field (missing keys mean "not given")."""

    name: str
    keys: dict[str, str] = field(default_factory=dict)
    # Record key with the outlet's home domain, used to give one name per publication.
    outlet_domain: str | None = None

    def key(self, article_field: str) -> str:
        return self.keys.get(article_field, article_field)

    def matches(self, record: dict) -> bool:
        return self.key("title") in record and self.key("body") in record


OWN = Layout("searchapp")
ALLSIDES = Layout(
    "allsides",
    keys={"id": "ID", "body": "content_original", "outlet": "source", "published": "date"},
    outlet_domain="source_url",
)
KNOWN_LAYOUTS = (ALLSIDES, OWN)


def detect_layout(record: dict) -> Layout:
    """The first known layout whose title and body keys the record has (else our own)."""
    for layout in KNOWN_LAYOUTS:
        if layout.matches(record):
            return layout
    return OWN


def parse_field_map(pairs: list[str]) -> Layout:
    """A user layout from `field=key` pairs, e.g. ["body=text", "published=pub_date"]."""
    keys: dict[str, str] = {}
    domain = None
    for pair in pairs:
        target, sep, source = pair.partition("=")
        target, source = target.strip(), source.strip()
        if not sep or not source:
            raise ValueError(f"--map expects field=key, got {pair!r}")
        if target == "outlet_domain":
            domain = source
        elif target in ARTICLE_FIELDS:
            keys[target] = source
        else:
            raise ValueError(
                f"--map: unknown field {target!r} (one of {', '.join(ARTICLE_FIELDS)}, "
                "outlet_domain)"
            )
    return Layout("custom", keys=keys, outlet_domain=domain)

"""One outlet name per publication, from messy source labels and their home domains.

Labels such as "New York Times - News", "Fox Online News" and "Fox News (Online)" name
sections or channels of one publication; the section is not part of the outlet. When
records carry the outlet's home domain, every label seen on that domain (columnists,
"Guest Writer - Right") maps to the publication's most common name there.

Part of ingest: the domain votes need a first pass over the source file, which only the
reader has. Enrichment cleans each article's label with the same `clean_outlet`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

_SECTION = re.compile(
    r"""\s*(?:
        [-–]\s*(?:news|opinion|editorial|opinion/editorial|uk|left|right|center)
      | \((?:online\ news|web\ news|online|news|opinion)\)
      | \s(?:opinion|editorial)
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_ONLINE = re.compile(r"\s+Online(?=\s+News\b)", re.IGNORECASE)
_HOST_PREFIX = re.compile(r"^(?:https?://)?(?:www\d?\.|online\.)*", re.IGNORECASE)


def clean_outlet(label: str) -> str:
    """The publication part of a source label: "New York Times - News" -> "New York Times"."""
    name = " ".join(label.split())
    while True:
        stripped = _SECTION.sub("", name)
        if stripped == name or not stripped:
            break
        name = stripped
    return _ONLINE.sub("", name)


def host_key(domain: str) -> str:
    """A comparable host: scheme, `www.` and `online.` prefixes and paths removed."""
    return _HOST_PREFIX.sub("", domain.strip().lower()).split("/")[0]


class OutletNames:
    """Maps (label, domain) to one outlet name per publication domain."""

    def __init__(self, label_hosts: Counter):
        votes: dict[str, Counter] = defaultdict(Counter)
        for (label, domain), count in label_hosts.items():
            if label and domain:
                votes[host_key(domain)][clean_outlet(label)] += count
        self._by_host: dict[str, str] = {}
        for host, names in votes.items():
            self._by_host[host] = names.most_common(1)[0][0]
        # A blog or section subdomain (politicalticker.blogs.cnn.com) follows its parent.
        for host in list(self._by_host):
            parts = host.split(".")
            for cut in range(1, len(parts) - 1):
                parent = ".".join(parts[cut:])
                if parent in votes:
                    self._by_host[host] = self._by_host[parent]
                    break

    def name(self, label: str, domain: str = "") -> str:
        host = host_key(domain) if domain else ""
        if host in self._by_host:
            return self._by_host[host]
        return clean_outlet(label)

"""Facet fields a user declares at build time (`--facet-field topic --facet-field
lean=bias_text`): keyword values read from a record key, filtered and counted like outlet.

A declaration lives in the generation's whoosh schema (a `DeclaredFacet` field remembers
the record key it reads), so `index add` and the serving workers find it where the data
is, and a rebuild keeps it unless told otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import fields

from searchapp.engine.types import RESERVED_NAMES

WHOOSH_PREFIX = "facet_"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_DECLARED = 10


class DeclaredFacet(fields.KEYWORD):
    """Comma-joined exact values, stored, with the record key they come from."""

    def __init__(self, source: str):
        super().__init__(commas=True, stored=True, scorable=False)
        self.source = source


@dataclass(frozen=True)
class FacetDeclaration:
    """`name` (in the API and on the page) is read from the record key `source`."""

    name: str
    source: str

    @property
    def field(self) -> str:
        return WHOOSH_PREFIX + self.name


def parse_declarations(specs: list[str]) -> list[FacetDeclaration]:
    """`name` or `name=record_key` specs; ValueError says which one is wrong and why."""
    found: dict[str, FacetDeclaration] = {}
    for spec in specs:
        name, _, source = spec.partition("=")
        name, source = name.strip(), (source.strip() or name.strip())
        if not NAME_PATTERN.match(name):
            raise ValueError(f"--facet-field {spec!r}: a name is 1-32 lowercase letters, "
                             "digits or _, starting with a letter")
        if name in RESERVED_NAMES:
            raise ValueError(f"--facet-field {spec!r}: {name!r} is taken by the API "
                             f"({', '.join(sorted(RESERVED_NAMES))})")
        if name in found:
            raise ValueError(f"--facet-field {spec!r}: {name!r} is declared twice")
        found[name] = FacetDeclaration(name, source)
    if len(found) > MAX_DECLARED:
        raise ValueError(f"--facet-field: at most {MAX_DECLARED} fields")
    return list(found.values())


def declarations(schema: fields.Schema) -> list[FacetDeclaration]:
    """The declared facets of an index, in name order (none for older indexes)."""
    return sorted((FacetDeclaration(name[len(WHOOSH_PREFIX):], field.source)
                   for name, field in schema.items() if isinstance(field, DeclaredFacet)),
                  key=lambda d: d.name)


def add_to_schema(schema: fields.Schema, declared: list[FacetDeclaration]) -> fields.Schema:
    for declaration in declared:
        schema.add(declaration.field, DeclaredFacet(declaration.source))
    return schema

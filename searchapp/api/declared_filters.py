"""Filters on declared facet fields: `?topic=elections&lean=left`, one parameter per field.

The fields differ from index to index, so the endpoints' schemas cannot list them: each
endpoint lets parameters it does not know through (`unknown=INCLUDE`) and reads them here,
every value of each, under the same limits as `outlet`; the engine then refuses a name
the index does not declare (UnknownFacetField, a 422 listing the fields it has).
"""

from __future__ import annotations

from flask import request
from flask_smorest import abort
from marshmallow import Schema

from searchapp.api.schemas import MAX_FACET_VALUE_CHARS, MAX_FILTER_VALUES

DESCRIPTION = ("Declared facet fields (an index built with `--facet-field`; GET "
               "/api/v1/health lists them as `facet_fields`) filter by their own name, like "
               "`outlet`: `?topic=elections&topic=immigration&lean=left` (OR within a field, "
               "AND across fields). Any other unknown parameter is a 422.")


def declared_filters(schema: type[Schema]) -> dict[str, list[str]]:
    """The request's parameters that `schema` does not define, as declared-field filters."""
    known = {field.data_key or name for name, field in schema().fields.items()}
    found: dict[str, list[str]] = {}
    errors: dict[str, list[str]] = {}
    for name in request.args:
        if name in known:
            continue
        values = request.args.getlist(name)
        if len(values) > MAX_FILTER_VALUES:
            errors[name] = [f"Longer than maximum length {MAX_FILTER_VALUES}."]
        elif any(not 1 <= len(v) <= MAX_FACET_VALUE_CHARS for v in values):
            errors[name] = [f"Length must be between 1 and {MAX_FACET_VALUE_CHARS}."]
        else:
            found[name] = values
    if errors:
        abort(422, errors={"query": errors}, message="The request's parameters are invalid.")
    return found

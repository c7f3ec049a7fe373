"""schemathesis against the served app's own OpenAPI spec, through a real gunicorn: generated
valid and invalid requests for every operation must get no server error, no status or
body outside the spec, and JSON for every error.

Not run: `positive_data_acceptance`. Some schema-valid requests are refused by design, with
a 422 naming the parameter (page * per_page over 10,000, date_to before date_from, a
`published:` value that is not a date), which OpenAPI 3.0 cannot express.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from searchapp.api import create_app
from searchapp.engine import IndexStore
from searchapp.pipeline import build_index
from tests.servers import GUNICORN, serving

EXAMPLES_PER_OPERATION = 150
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, negative_data_rejection,
          unsupported_method]


@pytest.fixture(scope="module")
def served_base(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("fuzz") / "index"
    build_index(IndexStore(index_dir))
    with serving(GUNICORN, index_dir) as base:
        yield base


def _spec() -> dict:
    """The spec the app serves (it does not depend on the index), read when tests are
    collected; requests then go to the real gunicorn."""
    return create_app("no-index-needed-for-the-spec").test_client().get(
        "/api/v1/openapi.json").json


schema = schemathesis.openapi.from_dict(_spec())
# A generated request whose line is over 32 KB is refused by gunicorn with a JSON 414 (the
# spec's default error response): a rejection as good as a 422.
schema.config.checks.negative_data_rejection.expected_statuses.append("414")


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None,
          suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_answers_within_its_spec(case, served_base):
    case.call_and_validate(base_url=served_base, checks=CHECKS, timeout=10)

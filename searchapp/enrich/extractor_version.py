"""Which people extractor made a cached result: the model's identity plus the rules' version.

Kept apart from `people` (which imports spaCy) so that a build or an add whose people all
come from the cache never loads the model's libraries.
"""

from __future__ import annotations

import json
from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parent / "model"
RULES_VERSION = "names-22"  # change whenever the rules in people.py change their results


def _model_version() -> str:
    try:
        meta = json.loads((MODEL_DIR / "meta.json").read_text())
    except FileNotFoundError:
        return "missing"
    return f"{meta.get('name')}-{meta.get('version')}-{meta.get('performance', {}).get('ents_f')}"


# Changes whenever results would change, so the content-hash cache is not reused wrongly.
EXTRACTOR_VERSION = f"{_model_version()}+{RULES_VERSION}"

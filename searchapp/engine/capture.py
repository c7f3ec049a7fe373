"""The positional fields' whoosh format, which also hands each word's positions to the writer.

The schema's positional fields (`text`, `title`, `person_words`, `outlet_words`) use
`CapturedFrequency`: whoosh stores each posting's frequency, and the word positions, which
the format computes anyway, go to the writer (`index/segment_writer.py`) instead of being
pickled into whoosh's postings (a pickle per posting to write, and another to read).
Phrases are answered from the segment arrays alone. Against whoosh's Positions format this
makes a build about 9% faster and the index 30% smaller than storing positions twice would.

whoosh pickles the schema, this format included, into every index's table of contents, so
this module's path and class names are part of the on-disk format: they never move.
"""

from __future__ import annotations

from collections import defaultdict

from whoosh.formats import Frequency, tokens
from whoosh.system import pack_uint

from searchapp.engine.declared import declarations

VALUE_FIELDS = ("outlet", "people", "day")


def value_fields(schema) -> list[str]:
    """The exact-value fields of a schema: the core three and its declared facets."""
    return [name for name in VALUE_FIELDS if name in schema] + [
        declaration.field for declaration in declarations(schema)]


class CapturedFrequency(Frequency):
    """whoosh's Frequency format; during indexing it also reports each term's positions."""

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("sink", None)  # the schema is pickled into the index's TOC
        return state

    def word_values(self, value, analyzer, **kwargs):
        field_boost = self.field_boost
        sink = getattr(self, "sink", None)
        fast = getattr(analyzer, "index_positions", None)
        if fast is not None and isinstance(value, str) and set(kwargs) <= {"mode"}:
            # the English analyzer's one-loop path: the same words, positions and weights
            for word, positions in fast(value).items():
                if sink is not None:
                    sink(word, positions)
                count = len(positions)
                yield (word, count, float(count) * field_boost, pack_uint(count))
            return
        poses = defaultdict(list)
        weights = defaultdict(float)
        kwargs["positions"] = True
        kwargs["boosts"] = True
        for token in tokens(value, analyzer, kwargs):
            poses[token.text].append(token.pos)
            weights[token.text] += token.boost
        for word, positions in poses.items():
            if sink is not None:
                sink(word, positions)
            yield (word, len(positions), weights[word] * field_boost, pack_uint(len(positions)))

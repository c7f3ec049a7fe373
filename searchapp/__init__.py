"""searchapp: full-text search with facets on outlet, people and date for news articles."""

__version__ = "0.1.0"

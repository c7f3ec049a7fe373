"""Date periods at the edges a calendar has: ISO weeks across a new year (week 53, a week 1
that starts in December), month and year ends, and the guard that counts periods before
building them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from searchapp.article import Article
from searchapp.engine import Indexer, IndexStore, Searcher
from searchapp.engine.read.facets import period_count, periods
from searchapp.engine.types import SearchRequest


def _values(first: date, last: date, interval: str) -> list[tuple[str, date, date]]:
    return [(b.value, b.start, b.end) for b in periods(first, last, interval)]


def test_iso_weeks_across_a_new_year():
    # 1 January 2021 is a Friday: it belongs to week 53 of 2020.
    assert _values(date(2020, 12, 30), date(2021, 1, 5), "week") == [
        ("2020-W53", date(2020, 12, 28), date(2021, 1, 3)),
        ("2021-W01", date(2021, 1, 4), date(2021, 1, 10)),
    ]
    # 31 December 2018 is a Monday: the first day of week 1 of 2019.
    assert _values(date(2018, 12, 31), date(2018, 12, 31), "week") == [
        ("2019-W01", date(2018, 12, 31), date(2019, 1, 6))]


def test_months_and_years_end_where_the_calendar_does():
    assert _values(date(2023, 11, 15), date(2024, 2, 29), "month") == [
        ("2023-11", date(2023, 11, 1), date(2023, 11, 30)),
        ("2023-12", date(2023, 12, 1), date(2023, 12, 31)),
        ("2024-01", date(2024, 1, 1), date(2024, 1, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ]
    assert _values(date(2023, 12, 31), date(2024, 1, 1), "year") == [
        ("2023", date(2023, 1, 1), date(2023, 12, 31)),
        ("2024", date(2024, 1, 1), date(2024, 12, 31)),
    ]


@pytest.mark.parametrize("interval", ["day", "week", "month", "year"])
def test_the_period_guard_never_counts_fewer_than_there_are(interval):
    first = date(2019, 12, 25)
    for span in (0, 1, 6, 7, 13, 27, 28, 31, 59, 364, 366, 800):
        last = first + timedelta(days=span)
        built = len(periods(first, last, interval))
        assert built <= period_count(first, last, interval) <= built + 2, (interval, span)


def test_the_week_facet_counts_articles_in_their_iso_week(tmp_path):
    days = [date(2020, 12, 31), date(2021, 1, 3), date(2021, 1, 4), date(2018, 12, 31)]
    store = IndexStore(tmp_path)
    Indexer(store).rebuild([Article(f"a{i}", f"Report {i}", "body words", published=day)
                            for i, day in enumerate(days)])
    result = Searcher(store).search(SearchRequest(date_interval="week", facets=("date",),
                                                  facet_size=100))
    assert [(b.value, b.start, b.count) for b in result.facets["date"]] == [
        ("2019-W01", date(2018, 12, 31), 1),
        ("2020-W53", date(2020, 12, 28), 2),
        ("2021-W01", date(2021, 1, 4), 1),
    ]

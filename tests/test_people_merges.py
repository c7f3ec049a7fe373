"""One person, one facet value, on paragraphs written the way news writes them: a lone
surname counts under the full name the corpus mostly means by it, hyphen and space
spellings are one name, a dash ends a name, and phrases that are no person are dropped.
Through the real indexing path (the model runs on every article) and the API."""

from __future__ import annotations

import pytest

from searchapp.api import create_app
from searchapp.canonical_names import canonical_names
from searchapp.engine import IndexStore
from searchapp.pipeline import build_index
from tests.conftest import write_jsonl

PARAGRAPHS = {
    # the corpus names Donald Trump in full far more often than any other Trump
    "t1": "President Donald Trump spoke in Ohio on Monday. Donald Trump said the economy "
          "was strong.",
    "t2": "Donald Trump met governors at the White House, where Donald Trump took questions.",
    "t3": "Former President Donald Trump held a rally in Iowa.",
    "t4": "Melania Trump visited a hospital in Texas on Tuesday.",
    "t5": "Trump said on Wednesday that the tariffs would stay. Trump did not take questions.",
    # two Clintons, neither the one the corpus mostly means: a lone surname stays apart
    "c1": "Hillary Clinton campaigned in Florida. Hillary Clinton spoke about health care.",
    "c2": "Bill Clinton addressed the convention in Denver.",
    "c3": "Clinton declined to comment on the report.",
    "k1": "NBA legend Kareem Abdul-Jabbar wrote a column on Tuesday. Kareem Abdul Jabbar, who "
          "won six titles, said the league must act. Abdul-Jabbar was applauded.",
    "m1": "It is hard to imagine this Senate—and this majority leader, the intensely political "
          "Mitch McConnell—letting the president fill the seat.",
    "x1": "Praise God, said the pastor. Team Obama celebrated the result, while critics of the "
          "Obama CIA pointed to the Brady Bill. Congressmember John Lewis spoke last.",
    "y1": "President Moon Jae-in of South Korea met Kim Jong-un at the border. Kim Jong Un "
          "smiled for the cameras.",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("merges")
    source = write_jsonl(root / "news.jsonl", [
        {"id": key, "title": f"Report {key}", "body": body, "outlet": "Wire"}
        for key, body in PARAGRAPHS.items()])
    build_index(IndexStore(root / "index"), [source], workers=1)
    return create_app(root / "index").test_client()


def _people(client, article_id: str) -> list[str]:
    hits = client.get("/api/v1/search", query_string={"q": f"id:{article_id}"}).json
    return client.get(f"/api/v1/articles/{article_id}").json["people"] if hits else []


def _facet(client) -> dict[str, int]:
    body = client.get("/api/v1/search", query_string={"facets": "person",
                                                      "facet_size": 100}).json
    return {b["value"]: b["count"] for b in body["facets"]["person"]}


def test_a_lone_surname_counts_under_the_full_name_the_corpus_mostly_means(client):
    facet = _facet(client)
    assert facet["Donald Trump"] == 4 and "Trump" not in facet  # t1-t3 and t5
    assert facet["Melania Trump"] == 1
    assert _people(client, "t5") == ["Donald Trump"]
    body = client.get("/api/v1/search", query_string={"person": "Trump"}).json
    assert body["total"] == 4, "a filter on the surname is the person's filter"


def test_a_surname_two_people_share_evenly_stays_a_surname(client):
    facet = _facet(client)
    assert facet["Clinton"] == 1 and facet["Hillary Clinton"] == 1 and facet["Bill Clinton"] == 1


def test_hyphen_and_space_spellings_are_one_name_and_a_dash_ends_a_name(client):
    assert _people(client, "k1") == ["Kareem Abdul-Jabbar"]
    assert _people(client, "m1") == ["Mitch McConnell"]
    assert _people(client, "y1") == ["Moon Jae-in", "Kim Jong-un"], "a syllable is no dash"


def test_phrases_that_are_no_person_are_dropped(client):
    # "Obama" alone, the person "Team Obama" and "the Obama CIA" refer to, may stay (the
    # dev set's guidelines leave such modifier uses undecided); the phrases may not
    assert set(_people(client, "x1")) - {"Obama"} == {"John Lewis"}
    facet = _facet(client)
    for phrase in ("Praise God", "Team Obama", "Obama CIA", "Brady Bill",
                   "Congressmember John Lewis"):
        assert phrase not in facet


def test_the_dominance_rule_on_the_counts_the_issue_reported():
    """799 AllSides articles: "Donald Trump" 239 vs "Trump" 104; "Obama" 148 vs "Barack
    Obama" 136; with the other Trumps and Obamas such a corpus names."""
    mapping = canonical_names({"Donald Trump": 239, "Trump": 104, "Melania Trump": 12,
                               "Ivanka Trump": 20, "Obama": 148, "Barack Obama": 136,
                               "Michelle Obama": 25, "Hillary Clinton": 60, "Bill Clinton": 40,
                               "Clinton": 30})
    assert mapping["Trump"] == "Donald Trump" and mapping["Obama"] == "Barack Obama"
    assert mapping["Clinton"] == "Clinton"
    assert mapping["Ivanka Trump"] == "Ivanka Trump"

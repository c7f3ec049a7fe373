"""People extraction and canonical names, on real sentences from the sample articles."""

from __future__ import annotations

import pytest

from searchapp.api import create_app
from searchapp.canonical_names import canonical_names, fold
from searchapp.engine import IndexStore
from searchapp.enrich.names import clean_name, resolve_in_article
from searchapp.enrich.people import extract_people, people_in_doc, person_spans
from searchapp.ingest import SAMPLE_DIR
from searchapp.pipeline import build_index
from tests.conftest import write_jsonl

SAMPLE = {p.stem[:3]: p.read_text(encoding="utf-8") for p in SAMPLE_DIR.glob("*.txt")}


def sentences(article: str, *starts: str) -> str:
    """Whole lines of a sample article that start with the given words."""
    lines = [line for line in SAMPLE[article].splitlines()
             if any(line.startswith(s) for s in starts)]
    assert len(lines) >= len(starts), starts
    return "\n".join(lines)


def test_surname_mentions_resolve_to_the_full_name_used_in_the_article():
    text = sentences("000", "(CNSNews.com)", "Putin and Wang Yi", "“International relations")
    people = extract_people(text)
    assert people[:2] == ["Vladimir Putin", "Wang Yi"]
    assert "Putin" not in people and "Wang" not in people


def test_titles_and_honorifics_are_not_part_of_names():
    text = sentences("004", "Wang Yi said China", "‘Putin will receive", "Patrushev, who is close")
    people = extract_people(text)
    assert "Sergei Lavrov" in people and "Dmitry Peskov" in people
    assert not [p for p in people if p.split()[0] in ("Foreign", "Kremlin", "Comrade")]


def test_title_plus_surname_resolves_to_the_named_person():
    text = sentences("001", "Wang’s trip comes") + "\n" + sentences("002", "China and Russia’s")
    people = extract_people(text)
    assert "Joe Biden" in people and "Biden" not in people
    assert "President Biden" not in people


def test_initials_and_hyphenated_names_stay_whole():
    assert clean_name("B. Lara") == "B. Lara"
    assert clean_name("K.J. Matthew") == "K.J. Matthew"
    assert clean_name("“Lara,") == "Lara"
    assert "Ari-Pekka Nikkola" in extract_people("Finland's Ari-Pekka Nikkola won the event.")


def test_possessives_are_stripped():
    text = sentences("004", "China’s top diplomat today said", "The Chinese diplomat yesterday")
    assert extract_people(text)[0] == "Vladimir Putin"
    assert clean_name("Putin’s") == "Putin" and clean_name("President Biden's") == "Biden"


def test_people_who_share_a_surname_stay_apart():
    text = sentences("000", "Putin and Wang Yi", "“It is a known fact", "Wang Wenbin was")
    people = extract_people(text)
    assert "Wang Yi" in people and "Wang Wenbin" in people


def test_places_organisations_and_days_are_not_people():
    for text in SAMPLE.values():
        people = set(extract_people(text))
        assert not people & {"Moscow", "Kremlin", "Beijing", "Ukraine", "Russia", "China",
                             "NATO", "Security Council", "Wednesday", "Chinese", "Russian"}


def test_every_full_name_in_the_sample_is_found():
    expected = {
        "000": {"Vladimir Putin", "Wang Yi", "Xi Jinping", "Jens Stoltenberg", "Ned Price",
                "Maria Zakharova", "Wang Wenbin"},
        "002": {"Vladimir Putin", "Wang Yi", "Xi Jinping", "Antony Blinken", "Dmitry Peskov"},
        "003": {"Wang Yi", "Vladimir Putin", "Xi Jinping", "Antonio Guterres",
                "Vassily Nebenzya", "Yu Jie"},
        "004": {"Vladimir Putin", "Wang Yi", "Dmitry Peskov", "Antony Blinken",
                "Mykhailo Podolyak"},
    }
    for article, names in expected.items():
        assert names <= set(extract_people(SAMPLE[article])), article


def sample_people(client) -> dict[str, list[str]]:
    """People of each sample article as the API returns them (text plus metadata)."""
    hits = client.get("/api/v1/search", query_string={"per_page": 5}).json["results"]
    return {hit["id"][:3]: hit["people"] for hit in hits}


def test_bylines_are_not_people_and_headlines_set_first_mention(client):
    people = sample_people(client)
    # "By Nectar Gan and Simone McCarthy, CNN": the article's own authors, not people it
    # mentions
    assert not {"Nectar Gan", "Simone McCarthy"} & set(people["001"])
    # the headline "Putin and China’s top diplomat ..." is the first mention of Putin
    assert people["001"][0] == "Vladimir Putin"
    # "Putin Discusses ‘New Levels of Cooperation’ ..." is a title-cased headline
    assert people["000"][0] == "Vladimir Putin" and "Putin Discusses" not in people["000"]


def test_outlets_and_lone_place_names_are_not_people(client):
    people = sample_people(client)
    assert "Al Jazeera" not in people["003"], "the article's own outlet"
    assert "Washington" not in people["002"], "“accusing Washington of turning the war ...”"
    # a place word stays a person when the article names someone with it in full
    assert extract_people("George Washington crossed the Delaware in 1776. "
                          "Washington then marched on Trenton.") == ["George Washington"]


@pytest.mark.parametrize("a,b", [("Sergey", "Sergei"), ("Nikolai", "Nikolay"),
                                 ("Dmitry", "Dmitri"), ("Zelenskyy", "Zelenskiy")])
def test_spelling_variants_fold_together(a, b):
    assert fold(a) == fold(b)


def test_canonical_names_merge_variants_and_unambiguous_surnames():
    counts = {"Sergey Lavrov": 3, "Sergei Lavrov": 2, "Lavrov": 1, "Wang Yi": 5,
              "Wang Wenbin": 1, "Wang": 2, "Nikolay Patrushev": 1, "Nikolai Patrushev": 2}
    canonical = canonical_names(counts)
    assert canonical["Sergei Lavrov"] == canonical["Sergey Lavrov"] == "Sergey Lavrov"
    assert canonical["Lavrov"] == "Sergey Lavrov"
    assert canonical["Nikolay Patrushev"] == "Nikolai Patrushev"
    assert canonical["Wang"] == "Wang", "two Wangs: a lone surname stays ambiguous"
    assert canonical["Wang Wenbin"] == "Wang Wenbin" and canonical["Wang Yi"] == "Wang Yi"


def test_resolution_prefers_the_nearest_full_name_for_a_shared_surname():
    assert resolve_in_article(["Wang Yi", "Wang", "Wang Wenbin", "Wang"]) == [
        "Wang Yi", "Wang Wenbin"]
    assert resolve_in_article(["Vladimir Putin", "Putin", "Xi"]) == ["Vladimir Putin", "Xi"]


def test_person_facet_filter_and_query_use_canonical_names(client):
    body = client.get("/api/v1/search", query_string={"facet_size": 100}).json
    lavrov = [b for b in body["facets"]["person"] if "Lavrov" in b["value"]]
    assert len(lavrov) == 1 and lavrov[0]["count"] == 5
    canonical = lavrov[0]["value"]
    for spelling in ("Sergey Lavrov", "Sergei Lavrov", "sergei lavrov"):
        filtered = client.get("/api/v1/search", query_string={"person": spelling}).json
        assert filtered["total"] == 5, spelling
        selected = [b for b in filtered["facets"]["person"] if b["selected"]]
        assert [b["value"] for b in selected] == [canonical]
    for query in ("person:sergei", "person:sergey", 'person:"sergei lavrov"'):
        assert client.get("/api/v1/search", query_string={"q": query}).json["total"] == 5
    hits = client.get("/api/v1/search").json["results"]
    assert all(canonical in h["people"] for h in hits)
    assert not [p for h in hits for p in h["people"] if p != canonical and "Lavrov" in p]


def _tagged(words: list[str], ents: list[tuple[int, int, str]]):
    """A Doc with the model's labels given by hand, to test the rules on their own."""
    import spacy
    from spacy.tokens import Doc, Span

    doc = Doc(spacy.blank("en").vocab, words=words)
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in ents]
    return doc


def test_every_mention_of_a_person_counts_whatever_the_model_labelled_it():
    words = ("SOCCER - SHEARER NAMED CAPTAIN . Alan Shearer will lead England , "
             "Shearer said . Major praised Shearer . John Major spoke .").split()
    doc = _tagged(words, [(6, 8, "PER"), (10, 11, "LOC"), (12, 13, "PER"), (15, 16, "ORG"),
                          (19, 21, "PER")])
    mentions = [(s.start, s.text) for s in person_spans(doc)]
    assert mentions == [(2, "SHEARER"), (6, "Alan Shearer"), (12, "Shearer"), (15, "Major"),
                        (17, "Shearer"), (19, "John Major")]


def test_a_name_mostly_labelled_a_place_is_no_person():
    words = "Kyiv said . Kyiv is the capital ; Russia struck Kyiv .".split()
    doc = _tagged(words, [(0, 1, "PER"), (3, 4, "LOC"), (8, 9, "LOC"), (10, 11, "LOC")])
    assert person_spans(doc) == []


def test_a_name_written_as_a_company_is_no_person():
    words = ("Apic Yamada Corp said profit rose . Apic Yamada shares fell , and "
             "Edward D. Jones & Co cut its rating , Anna Smith said .").split()
    doc = _tagged(words, [(0, 3, "PER"), (7, 9, "PER"), (13, 16, "PER"), (22, 24, "PER")])
    assert [s.text for s in person_spans(doc)] == ["Anna Smith"]


def test_church_and_military_titles_are_not_part_of_names():
    assert clean_name("Cardinal Joseph Bernardin") == "Joseph Bernardin"
    assert clean_name("Archbishop Desmond Tutu") == "Desmond Tutu"
    assert clean_name("Maj. Gen. Charles Brown") == "Charles Brown"


def test_party_and_state_tags_and_lone_letters_are_not_people():
    # "Sen. Rand Paul (R-Ky.) said ...": the model tags the affiliation as a name
    assert clean_name("R-Ky.") is None and clean_name("D-Nev") is None
    assert clean_name("D") is None and clean_name("R.") is None
    assert clean_name("Xi") == "Xi" and clean_name("Jean-Claude Juncker") == "Jean-Claude Juncker"


def test_a_name_after_an_honorific_is_a_person_whatever_the_model_said():
    # news outside CoNLL writes "Mr. Bolton" often, and the model calls it an organisation
    words = ("Mr. Bolton said the talks failed . Students at Duke University cheered "
             "Miss Universe in King County , and the Sen. Budget Committee heard "
             "Rep. Alexandria Ocasio-Cortez .").split()
    doc = _tagged(words, [(0, 2, "ORG"), (9, 11, "ORG"), (12, 14, "MISC"), (15, 17, "LOC"),
                          (21, 23, "ORG"), (25, 26, "LOC")])
    # not "Budget Committee" (Sen. for Senate), nor "Alexandria" cut off its name
    assert [s.text for s in person_spans(doc)] == ["Mr. Bolton"]
    # "Bolton" alone is mostly a town or a club in annotated news; after "Mr." it is a name
    assert people_in_doc(doc) == ["Bolton"]


def test_a_lone_name_written_as_often_in_organisations_is_no_person():
    # AllSides: the model tags "Fox" a person once and the article also says "Fox News";
    # "Trump voters" (MISC) says nothing against Trump
    words = "Fox said on Fox News that Trump voters like Trump .".split()
    doc = _tagged(words, [(0, 1, "PER"), (3, 5, "ORG"), (6, 7, "MISC"), (9, 10, "PER")])
    assert people_in_doc(doc) == ["Trump"]
    # a name the article completes is no lone name: "Ken Fox" stays whatever "Fox News" says
    words = "Ken Fox said on Fox News that Fox will run .".split()
    doc = _tagged(words, [(0, 2, "PER"), (4, 6, "ORG"), (8, 9, "PER")])
    assert people_in_doc(doc) == ["Ken Fox"]


def test_names_with_particles_are_one_person():
    # AllSides: "the killing of Osama bin Laden", "Syrian President Bashar al-Assad",
    # "De Blasio senior adviser Peter Ragone said"; the model tags "Osama" and "Laden"
    # apart and cannot see past "bin"
    words = ("the killing of Osama bin Laden . bin Laden hid . Syrian President Bashar "
             "al-Assad met Bill de Blasio . Assad and De Blasio spoke .").split()
    doc = _tagged(words, [(3, 4, "PER"), (5, 6, "PER"), (8, 9, "PER"), (13, 15, "PER"),
                          (16, 19, "PER"), (20, 21, "PER"), (22, 24, "PER")])
    assert people_in_doc(doc) == ["Osama bin Laden", "Bashar al-Assad", "Bill de Blasio"]
    # "Al Gore" is no surname: "Gore" stays with whichever Gore the article named last
    assert resolve_in_article(["Al Gore", "Tipper Gore", "Gore"]) == ["Al Gore", "Tipper Gore"]


def test_particle_spellings_are_one_facet_value():
    canonical = canonical_names({"Bashar al-Assad": 5, "Bashar Assad": 3, "Assad": 4,
                                 "bin Laden": 2, "Bin Laden": 1, "Osama bin Laden": 4,
                                 "Al Gore": 2, "Gore": 1, "Tipper Gore": 1})
    assert {canonical[n] for n in ("Bashar Assad", "Assad")} == {"Bashar al-Assad"}
    assert {canonical[n] for n in ("bin Laden", "Bin Laden")} == {"Osama bin Laden"}
    assert canonical["Al Gore"] == "Al Gore" and canonical["Gore"] == "Gore"


def test_regnal_numbers_belong_to_the_name():
    # AllSides: "Pope Emeritus Benedict XVI" and "Pope John Paul II", which the model tags
    # without their numbers; "I" is a number only after a royal title
    words = ("Pope Emeritus Benedict XVI praised Pope John Paul II . King Baudouin I "
             "of Belgium met Biden I think .").split()
    doc = _tagged(words, [(0, 3, "PER"), (5, 8, "PER"), (10, 12, "PER"), (16, 17, "PER")])
    assert people_in_doc(doc) == ["Benedict XVI", "John Paul II", "Baudouin I", "Biden"]


def test_jr_and_sr_tell_a_son_from_his_father():
    # AllSides writes "Donald Trump Jr." 550 times; the model tags "Donald Trump" and
    # leaves "Jr." out, which made the son his father
    words = ("Donald Trump Jr. met the lawyer , his father Donald Trump said . Trump Jr. "
             "denied it , and Martin Luther King , Jr. was quoted .").split()
    doc = _tagged(words, [(0, 2, "PER"), (9, 11, "PER"), (13, 14, "PER"), (19, 22, "PER")])
    assert people_in_doc(doc) == ["Donald Trump Jr.", "Donald Trump", "Martin Luther King Jr."]
    assert clean_name("DONALD TRUMP JR") == clean_name("Donald Trump Jr") == "Donald Trump Jr."
    # a lone "Trump" beside the son alone is as often the father: it stays a surname
    assert resolve_in_article(["Donald Trump Jr.", "Trump", "Trump Jr."]) == [
        "Donald Trump Jr.", "Trump"]
    canonical = canonical_names({"Donald Trump": 10, "Trump": 9, "Donald Trump Jr.": 4,
                                 "Trump Jr.": 2, "Donald J. Trump Jr.": 1})
    assert canonical["Trump"] == "Donald Trump"
    assert {canonical[n] for n in ("Trump Jr.", "Donald J. Trump Jr.")} == {"Donald Trump Jr."}


def test_the_son_is_his_own_facet_value_and_filter(tmp_path):
    records = [
        {"id": "son", "title": "Emails released",
         "body": "Donald Trump Jr. released the emails on Tuesday. His father, President "
                 "Donald Trump, defended him."},
        {"id": "son-again", "title": "Testimony",
         "body": "Senators questioned Donald Trump, Jr. about the meeting for five hours."},
        {"id": "father", "title": "Rally", "body": "President Donald Trump spoke in Ohio."},
    ]
    store = IndexStore(tmp_path / "ix")
    build_index(store, [write_jsonl(tmp_path / "a.jsonl", records)], workers=1)
    client = create_app(tmp_path / "ix").test_client()
    facet = {b["value"]: b["count"] for b in client.get("/api/v1/search").json["facets"]["person"]}
    assert facet["Donald Trump Jr."] == 2 and facet["Donald Trump"] == 2
    for spelling in ("Donald Trump Jr.", "donald trump jr", "Donald Trump Jr"):
        found = client.get("/api/v1/search", query_string={"person": spelling}).json
        assert sorted(h["id"] for h in found["results"]) == ["son", "son-again"], spelling


def test_a_monarch_with_a_regnal_number_is_a_person_whatever_the_model_said():
    # AllSides: the model calls "Queen Elizabeth II" an organisation (21 articles)
    words = ("Queen Elizabeth II met the crew of the Queen Elizabeth in King County I "
             "think .").split()
    doc = _tagged(words, [(0, 3, "ORG"), (8, 10, "ORG"), (11, 13, "LOC")])
    assert people_in_doc(doc) == ["Elizabeth II"]


def test_a_quoted_nickname_is_left_out_of_the_name():
    # AllSides: 'Lewis "Scooter" Libby' came out as three people, and 'Joaquin "El Chapo"
    # Guzman' as "Guzman" alone, the model calling "Joaquin" and "El Chapo" places
    words = ('Lewis " Scooter " Libby was convicted . Libby appealed . Seconds later , '
             'Joaquin " El Chapo " Guzman gets back up and escapes through the shower . '
             'On " Fox News Sunday , " Ben Carson said the West should wage war .').split()
    doc = _tagged(words, [(0, 1, "PER"), (2, 3, "PER"), (4, 5, "PER"), (8, 9, "PER"),
                          (14, 15, "LOC"), (16, 18, "LOC"), (19, 20, "PER"),
                          (31, 34, "ORG"), (36, 38, "PER")])
    assert people_in_doc(doc) == ["Lewis Libby", "Joaquin Guzman", "Ben Carson"]
    # a nickname is no new person, and an apostrophe inside a name is no quote
    assert clean_name("Elizabeth 'Pocahontas' Warren") == "Elizabeth Warren"
    assert clean_name("Conan O'Brien's") == "Conan O'Brien"


def test_in_a_headline_a_capitalised_word_after_a_quote_is_no_name():
    words = 'The Michelle Obama " Nightmare " Debate'.split()
    doc = _tagged(words, [(1, 3, "PER")])
    assert people_in_doc(doc) == ["Michelle Obama"]


def test_nicknames_in_real_news_text():
    text = ('Seconds later, Joaquin "El Chapo" Guzman gets back up, sits down on his cell bed '
            'and changes his shoes.\n\nGuzman, Mexico\'s most notorious drug kingpin, slipped '
            'through a hole under the shower and escaped.')
    assert extract_people(text) == ["Joaquin Guzman"]


def test_a_name_written_as_a_newspapers_is_no_person():
    # eng.testa: the model calls these papers people; "daily" after "his" is no paper
    words = ("But Le Matin newspaper said the bomb killed seven . Zycie Warszawy daily said "
             "on Saturday . A report in the news weekly Der Spiegel said so . Zycie Warszawy "
             "said its publisher agreed . His daily Trump bashing went on .").split()
    doc = _tagged(words, [(1, 3, "PER"), (10, 12, "PER"), (23, 25, "PER"), (28, 30, "PER"),
                          (37, 38, "PER")])
    assert people_in_doc(doc) == ["Trump"]


def test_a_pair_of_surnames_and_a_leading_the_are_no_new_people():
    # the sample's "Lavrov-Wang talks" and AllSides' "The Trump administration", which
    # the model tags as one name each
    words = ("Wang Yi met Sergei Lavrov . Ukraine featured in the Lavrov-Wang talks . "
             "The Trump administration moved on Thursday to suspend aid .").split()
    doc = _tagged(words, [(0, 2, "PER"), (3, 5, "PER"), (6, 7, "LOC"), (10, 11, "PER"),
                          (13, 15, "PER")])
    assert people_in_doc(doc) == ["Wang Yi", "Sergei Lavrov", "Trump"]


def test_a_lone_stop_word_is_no_person():
    # AllSides page text the retrained model tags: "Please re-enter." (9 articles),
    # "Behind the scenes" (8)
    words = ("Invalid email address . Please re-enter . Behind the scenes , officials "
             "told Mr. Bolton so .").split()
    doc = _tagged(words, [(4, 5, "PER"), (7, 8, "PER"), (14, 15, "PER")])
    assert people_in_doc(doc) == ["Bolton"]


def test_capitol_hill_is_no_person_however_the_model_tags_it():
    # AllSides: the retrained model calls "Capitol Hill" a person in 71 of 1,500 articles
    words = ("FBI Director James Comey told Capitol Hill lawmakers on Wednesday . Hearings "
             "began on Capitol Hill .").split()
    doc = _tagged(words, [(2, 4, "PER"), (5, 7, "PER"), (14, 16, "PER")])
    assert people_in_doc(doc) == ["James Comey"]

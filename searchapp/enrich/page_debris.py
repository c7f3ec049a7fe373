"""Page debris removed from a scraped article body before it is indexed or read for people.

Crawled news bodies carry what the page showed around the story: photo credits
("Mandel Ngan/AFP/Getty Images"), bylines and contributor lines ("By Nectar Gan and
Simone McCarthy, CNN", "Contributing: Kevin Johnson"), author bios and "follow her on
Twitter" lines, The Hill's hover cards (a politician's legal name and three related
headlines glued after the name: "Mitch McConnell Addison (Mitch) Mitchell McConnellGOP
senators balk ... MORE"), related-headline links and page furniture ("Story Continued
Below", "ADVERTISEMENT", newsletter prompts). They are not the story: their names are not
people the article mentions, and their words pollute snippets and ranking.

Every rule is a shape, not a list of names: a credit is a name joined by a slash to a
photo agency, a byline is a line made only of names (near the top or bottom of the
body, or holding the article's own `authors`), a card runs from a repeated surname to
"MORE". Story sentences never have these shapes, so the story text stays whole; what
was taken out comes back as `Removal`s, by kind, for measuring and reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HOVER_CARD, CREDIT, BYLINE, BIO, RELATED, FURNITURE = (
    "hover card", "photo credit", "byline", "author bio", "related link", "page furniture")


@dataclass(frozen=True)
class Removal:
    kind: str
    text: str


# One word of a name: capitalised, with apostrophes and hyphens ("O'Rourke",
# "Ocasio-Cortez", "McCarthy"), or an initial ("J.").
_NOT_A_NAME = r"(?!(?:The|Of|And|In|On|For|An?|To|With|At|From|By|Is|Are|Was|How|Why|What)\b)"
_WORD = _NOT_A_NAME + r"[A-Z][\w'’-]*[a-z][\w'’-]*"
# The same word with its letters taken at once (possessively), for patterns where a word
# always runs to the next space or separator: with backtracking inside words, a line of a
# dozen capitalised words took milliseconds to refuse, and bylines were most of a build.
_WHOLE_WORD = _NOT_A_NAME + r"[A-Z](?=[\w'’-]*[a-z])[\w'’-]*+"
_INITIAL = r"(?:[A-Z]\.(?: [A-Z]\.)? )"
_NAME = rf"{_INITIAL}?{_WORD}(?: {_INITIAL}?{_WORD}){{0,2}}"


def _person(word: str) -> str:
    """A person's name of two to four words, as bylines write them."""
    return rf"{_INITIAL}?{word}(?: {_INITIAL}?{word}){{1,3}}(?:,? (?:Jr\.|Sr\.|II|III))?"


_PERSON = _person(_WORD)
_WHOLE_PERSON = _person(_WHOLE_WORD)

# Photo agencies and the outlets that credit their own photographers.
_AGENCY = (
    r"(?:AP(?: Photo)?|AFP|EPA(?:-EFE)?|UPI|Reuters|REUTERS|Getty(?: Images)?|POLITICO|"
    r"Bloomberg(?: News)?|Pool|AAP|Xinhua|Sipa(?: USA)?|NurPhoto|Shutterstock|Corbis|"
    r"ZUMA(?: Wire| Press)?|TNS|Redux|iStock(?:photo)?(?:\.com)?|Anadolu(?: Agency)?|"
    r"SOPA Images|LightRocket|NYT|Polaris|MCT|Newscom|Alamy|WireImage|FilmMagic|"
    r"Invision|Abaca(?: Press)?|KCNA|Yonhap|Kyodo|dpa|Imagn|The Washington Post|"
    r"The New York Times|USA TODAY(?: NETWORK| Sports)?|(?:The )?Associated Press|"
    r"Stringer|CNN|NPR|Fox News|WireImage|DVIDS|U\.S\. Navy|U\.S\. Army|White House)"
)
_CREDIT_KEYWORDS = ("Photograph", "Photo credit", "Credit", "Picture", "Image copyright",
                    "Photo by", "Photos by", "Image source")
# Each pattern with the strings one of which any match contains: a line without them is
# not scanned by it (most lines have no slash).
_CREDIT_PATTERNS = [
    # "Mandel Ngan/AFP/Getty Images", "(Stringer/Reuters)", "Mark Wilson/Getty Images"
    # ("a Public Agenda/USA TODAY/Ipsos survey" is none: a credit is not followed by lower
    # case or another slash)
    (re.compile(rf"\(?\b{_NAME} ?/ ?{_AGENCY}(?:(?: ?/ ?| via ){_AGENCY})*\b\)?(?!/| [a-z])"),
     ("/",)),
    # "REUTERS/Zach Gibson", "(Reuters/Jonathan Ernst)", "AP Photo/Evan Vucci"
    (re.compile(rf"\(?\b(?:REUTERS|Reuters|AP Photo|AP|AFP|EPA|Getty Images) ?/ ?"
                rf"(?:File\b|(?!{_AGENCY}\b){_NAME}\b)\)?"), ("/",)),
    # "AFP/Getty Images", "Bloomberg/Bloomberg via Getty Images": agencies only
    (re.compile(rf"\(?\b{_AGENCY}(?:(?: ?/ ?| via ){_AGENCY})+\b\)?(?!/| [a-z])"),
     ("/", " via ")),
    # "Photograph: Julius Constantine Motal/AP", "Image copyright Getty Images"
    (re.compile(rf"\b(?:{'|'.join(_CREDIT_KEYWORDS)})(?::| by)? ?(?:{_AGENCY}|{_NAME})"
                rf"(?:(?: ?/ ?| via ){_AGENCY})*"), _CREDIT_KEYWORDS),
]

# The Hill: the shown surname, one to four more name words (the legal name), the surname
# again (glued to the first related headline), the headlines, and "MORE". Of the repeats
# before one "MORE", the card starts at the last ("Lindsey Graham Lindsey Olin Graham...":
# "Graham", not "Lindsey").
_REPEATED_WORD = re.compile(
    r"(?=\b(?P<last>[A-Z][\w'’.-]+) (?:\(?[A-Z][\w'’.-]*\)? ){1,4}(?P=last)(?=[A-Z0-9\s\"“'‘(]))")
_MORE = re.compile(r" MORE(?![A-Za-z])")
MAX_CARD_CHARS = 700


def _without_cards(line: str, removed: list[Removal]) -> str:
    out, done = [], 0
    for more in _MORE.finditer(line):
        window_start = max(done, more.start() - MAX_CARD_CHARS)
        starts = list(_REPEATED_WORD.finditer(line, window_start, more.start()))
        if not starts:
            continue
        shown = starts[-1]
        card_start = shown.start() + len(shown.group("last"))
        removed.append(Removal(HOVER_CARD, line[card_start:more.end()].strip()))
        out.append(line[done:card_start])
        done = more.end()
    out.append(line[done:])
    return "".join(out)


_INLINE_FURNITURE_PHRASES = (
    "Enlarge this image", "toggle caption", "hide caption", "Hide Caption", "Facebook Twitter",
    "Image caption", "Media caption", "Story Continued", "Continue Reading", "ADVERTISEMENT",
    "Advertisement")
_INLINE_FURNITURE = re.compile(
    r"\b(?:Enlarge this image|toggle caption|hide caption|Hide Caption \d+ of \d+|"
    r"Facebook Twitter Pinterest|Image caption|Media caption|Story Continued Below|"
    r"Continue Reading Below|ADVERTISEMENT|Advertisement:?)(?=\s|$)"
)

_FURNITURE_LINE = re.compile(
    r"(?:AD|Advertisement:?|ADVERTISEMENT|Story Continued Below|Continue Reading Below|"
    r"Replay|JUST WATCHED|MUST WATCH|More Videos.*|Slideshow \(\d+ Images?\)|"
    r"Media playback is unsupported on your device|Image copyright.*|"
    r"CLICK HERE\b.*|Click here (?:for more|to (?:read|sign|get|subscribe)).*|"
    r"(?:Sign up|Subscribe)\b.{0,80}\b(?:newsletters?|Newsletters?|inbox|Playbook)\b.*|"
    r"Share All sharing options for:.*|Support Vox's explanatory journalism.*|"
    r"Follow @\w+.*|With Post [Ww]ires|(?:Copyright|©) ?(?:©|\(c\))? ?\d{4}\b.*|"
    r"Read more: ?Download the .*|\[pullquote\])"
)

_RELATED_LABEL = (
    r"(?:More|MORE|RELATED|Related|TRENDING|Trending|READ MORE|Read more|Read More|SEE ALSO|"
    r"See also|Also on POLITICO|ALSO ON POLITICO|Also WATCH|WATCH|Watch|PHOTOS|VIDEO|Video|"
    r"PODCAST|MORE ON THIS|More On This|MORE FROM [A-Z ]+|Play Video)"
)
_RELATED_LINE = re.compile(rf"(?:{_RELATED_LABEL} ?:.*|\( ?{_RELATED_LABEL} ?:.*\)\.?)")
_RELATED_INLINE = re.compile(rf"\( ?{_RELATED_LABEL} ?:[^()]{{0,200}}\)")

_JOIN = r"(?:,? and |, | & |; )"
_OUTLET_TAIL = (rf"(?: ?[,/|;] ?(?:The )?{_WHOLE_WORD}(?: (?:of |and |& )?{_WHOLE_WORD}){{0,3}})*")
_NAMES_LINE = re.compile(rf"(?:By |Analysis by |Opinion by |Written by )?{_WHOLE_PERSON}"
                         rf"(?:{_OUTLET_TAIL}?{_JOIN}{_WHOLE_PERSON})*{_OUTLET_TAIL}\.?")
_NAMES_LINE_LOWER_WORDS = frozenset(("by", "and", "of", "&"))


def _may_be_names_line(line: str) -> bool:
    """Whether every word could belong to a line of names (a capital, or by/and/of/&):
    story sentences fail at their first lower-case word, before the pattern is tried."""
    for token in line.split():
        token = token.lstrip(",/|;")
        if token and not token[0].isupper() and token not in _NAMES_LINE_LOWER_WORDS:
            return False
    return True
_BYLINE_LINE = re.compile(
    rf"(?:(?:By|Analysis by|Opinion by|Written by|Reporting by|Editing by) {_PERSON}.*|"
    rf"Contributing ?:.*|.*\bcontributed to this (?:report|story|article)\.?|"
    rf"{_PERSON} reported from [A-Z][^.]*\.|"
    rf"(?:Follow|Email) (?:{_PERSON}|[A-Z][a-z]+|him|her|me|us|them) (?:on|at|:) .*)"
)
_FOLLOW = re.compile(r"\b(?:[Ff]ollow|[Ee]mail) (?:him|her|me|them|us)\b.{0,20}"
                     r"\b(?:on Twitter|on Facebook|on Instagram|at @|@)")
_BIO_START = re.compile(rf"{_WHOLE_PERSON},? (?:is|was|has been|serves as|writes)\b")
_BIO_WORDS = re.compile(
    r"\b(?:columnist|contributor|contributing (?:writer|editor)|author of|is the author|"
    r"editor|correspondent|senior fellow|fellow at|writes (?:about|on|a)|his (?:new |latest )"
    r"?book|her (?:new |latest )?book|[Ff]ollow (?:him|her)|Twitter|@\w)")

EDGE_LINES = 4  # bylines and bios stand in the first or the last few lines
MAX_BYLINE_WORDS = 16
MAX_BIO_WORDS = 90


def _words(line: str) -> int:
    return len(line.split())


def _inline(line: str, removed: list[Removal]) -> str:
    """The line without hover cards, credits, furniture phrases and related links."""
    def drop(kind: str):
        def replace(match: re.Match) -> str:
            removed.append(Removal(kind, match.group(0).strip()))
            return ""
        return replace

    def credit(match: re.Match) -> str:
        before = match.string[max(0, match.start() - 40):match.start()].rstrip()
        after = match.string[match.end():match.end() + 40]
        # "according to the Des Moines Register/Bloomberg Politics poll" is story text: a
        # credit follows no lower-case word and names no poll
        if (before and (before.split()[-1].isalpha() and before.split()[-1].islower())) or (
                _POLL.match(after)):
            return match.group(0)
        removed.append(Removal(CREDIT, match.group(0).strip()))
        return ""

    if " MORE" in line:
        line = _without_cards(line, removed)
    if any(phrase in line for phrase in _INLINE_FURNITURE_PHRASES):
        line = _INLINE_FURNITURE.sub(drop(FURNITURE), line)
    if "/" in line or ":" in line or "copyright" in line or " by " in line:
        for pattern, needs in _CREDIT_PATTERNS:
            if any(phrase in line for phrase in needs):
                line = pattern.sub(credit, line)
    if "(" in line:
        line = _RELATED_INLINE.sub(drop(RELATED), line)
    return " ".join(line.split())


_POLL = re.compile(r"(?:\s+[A-Z][\w-]*){0,3}\s+(?:poll|survey|Poll|Survey)\b")


def _line_kind(line: str, position: int, count: int, authors: list[str],
               outlet: str | None, after_quote: bool) -> str | None:
    """The kind of debris a whole line is, if it is one. A line of names right after a
    quotation is its attribution (roundups: "Noah Feldman, Bloomberg"), not a byline."""
    if _FURNITURE_LINE.fullmatch(line) or (outlet and line.casefold() == outlet.casefold()):
        return FURNITURE
    words = _words(line)
    if words <= 30 and _RELATED_LINE.fullmatch(line):
        return RELATED
    at_edge = position < EDGE_LINES or position >= count - EDGE_LINES
    by_author = any(a in line for a in authors if " " in a)
    if words <= MAX_BYLINE_WORDS and (_BYLINE_LINE.fullmatch(line) or (
            (at_edge or by_author) and not after_quote and _may_be_names_line(line)
            and _NAMES_LINE.fullmatch(line))):
        return BYLINE
    if words <= 30 and _FOLLOW.search(line):
        return BIO
    if at_edge and position >= count - EDGE_LINES and words <= MAX_BIO_WORDS:
        starts_with_author = not line.endswith(":") and any(  # "Julia Azari:" opens a quote
            line.startswith(a) for a in authors if " " in a)
        if starts_with_author or (_BIO_START.match(line) and _BIO_WORDS.search(line)):
            return BIO
    return None


def strip_debris(body: str, authors: list[str] = (), outlet: str | None = None,
                 ) -> tuple[str, list[Removal]]:
    """The body without page debris, and what was removed (in order)."""
    removed: list[Removal] = []
    lines = [_inline(line, removed) for line in body.split("\n")]
    filled = [i for i, line in enumerate(lines) if line]
    for position, i in enumerate(filled):
        before = lines[filled[position - 1]] if position else ""
        kind = _line_kind(lines[i], position, len(filled), list(authors), outlet,
                          before.endswith(_CLOSING_QUOTES))
        if kind:
            removed.append(Removal(kind, lines[i]))
            lines[i] = ""
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip(), removed


_CLOSING_QUOTES = ('"', "”", "’", "'")
_BLANK_RUNS = re.compile(r"\n{3,}")

"""Find the actors a news text names: people with their titles and posts, and organisations.

People are found where news copy introduces them: after a title ("Chief Constable Simon
Bailey", "Mr Symonds", "Labour MP Jane Doe"), before a post ("Andy Symonds, chair of the
Norfolk Police Federation"), beside a speech verb ("said Jane Doe"), in a photo credit
("Picture: ANTONY KELLY"), or as an organisation's unnamed voice ("a Norfolk Constabulary
spokesman"). Organisations are runs of capitalised words with a head word that says what they
are ("... Federation", "... Constabulary", "University of ...", "Department for ..."), a
few well-known names (pollsters, public bodies) and acronyms given in brackets after a name.

Every actor is then matched against the debate's existing actors (:func:`match_known`), so the
same person gets the same id; an actor the debate does not know gets a new id from its name.
All mentions (full names, "Mr Surname", "the Federation") are kept in text order so that a
later "he said" or "Mr Symonds" can be resolved to the last matching named person.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

# -- word lists ------------------------------------------------------------------------------

HONORIFICS = {
    "Mr": "m", "Mrs": "f", "Ms": "f", "Miss": "f", "Mx": "", "Dr": "", "Sir": "m", "Dame": "f",
    "Lord": "m", "Lady": "f", "Baroness": "f", "Baron": "m", "Prof": "", "Professor": "", "Rev": "",
    "Cllr": "", "Councillor": "",
}
# Titles written before a full name; those in CHIEF_OFFICER_TITLES make a chief officer.
POST_TITLES = [
    "Police and Crime Commissioner", "Deputy Chief Constable", "Assistant Chief Constable",
    "Chief Constable", "Chief Superintendent", "Detective Superintendent", "Superintendent",
    "Detective Chief Inspector", "Chief Inspector", "Detective Inspector", "Inspector",
    "Detective Sergeant", "Sergeant", "Sgt", "Det Sgt", "PC", "DC", "DS", "DI", "DCI", "Supt",
    "Chairman", "Chairwoman", "Chair", "Spokesman", "Spokeswoman", "Spokesperson", "President",
    "Chief Executive", "Director", "General Secretary", "Prime Minister", "Home Secretary",
    "Health Secretary", "Education Secretary", "Justice Secretary", "Transport Secretary",
    "Foreign Secretary", "Chancellor", "Minister", "Secretary", "Headteacher", "Head Teacher",
    "Principal", "Commissioner", "Mayor", "Coroner", "Judge", "Leader",
]
CHIEF_OFFICER_TITLES = {"Chief Constable", "Deputy Chief Constable", "Assistant Chief Constable"}
PARTIES = ["Labour", "Conservative", "Tory", "Liberal Democrat", "Lib Dem", "SNP", "Green",
           "Reform UK", "Plaid Cymru"]
PARTY_POSTS = ["MP", "MSP", "MS", "MEP", "peer", "councillor", "leader", "spokesman", "spokeswoman"]
# Head words that make a run of capitalised words an organisation, and the kind it gives.
HEADS = {
    "federation": "staff-association", "union": "staff-association", "association": "staff-association",
    "police": "police-force", "constabulary": "police-force",
    "university": "research-institution", "institute": "research-institution",
    "college": "research-institution", "school": "organisation", "academy": "organisation",
    "council": "coordinating-body", "department": "government-body", "ministry": "government-body",
    "office": "government-body", "treasury": "government-body", "government": "government-body",
    "parliament": "government-body", "commission": "government-body", "authority": "government-body",
    "agency": "government-body", "executive": "government-body", "inspectorate": "government-body",
    "committee": "government-body", "service": "organisation", "services": "organisation",
    "press": "publisher", "wire": "publisher", "times": "publisher", "news": "publisher",
    "guardian": "publisher", "telegraph": "publisher", "mail": "publisher", "herald": "publisher",
    "gazette": "publisher", "echo": "publisher", "mirror": "publisher", "express": "publisher",
    "chronicle": "publisher", "observer": "publisher",
    "trust": "organisation", "foundation": "organisation", "society": "organisation",
    "alliance": "organisation", "campaign": "organisation", "network": "organisation",
    "group": "organisation", "partnership": "organisation", "fund": "organisation",
    "centre": "organisation", "center": "organisation", "bank": "organisation",
    "confederation": "organisation", "coalition": "organisation", "charity": "organisation",
    "board": "organisation", "forum": "organisation", "company": "organisation", "plc": "organisation",
    "ltd": "organisation", "organisation": "organisation", "organization": "organisation",
    "hospital": "organisation", "chamber": "organisation", "party": "organisation",
    "institution": "research-institution",
}
LOCAL_GOVERNMENT = {"city", "county", "district", "borough", "town", "parish", "metropolitan"}
# Well-known names without a head word: UK pollsters and public bodies (kind by name).
KNOWN_NAMES = {
    "Ipsos MORI": "polling-organisation", "Ipsos": "polling-organisation", "YouGov": "polling-organisation",
    "Savanta ComRes": "polling-organisation", "ComRes": "polling-organisation",
    "Opinium": "polling-organisation", "Survation": "polling-organisation",
    "Deltapoll": "polling-organisation", "Kantar": "polling-organisation", "Populus": "polling-organisation",
    "NatCen": "research-institution", "NHS England": "government-body", "NHS": "government-body",
    "BBC": "publisher", "Reuters": "publisher", "Ofsted": "government-body", "Ofcom": "government-body",
    "Ofgem": "government-body", "Ofwat": "government-body", "HMRC": "government-body",
    "Whitehall": "government-body", "Downing Street": "government-body", "Number 10": "government-body",
}
# Capitalised words that start a sentence or a run but never a name.
NOT_NAMES = {
    "The", "A", "An", "This", "That", "These", "Those", "But", "And", "Or", "If", "When", "While",
    "As", "At", "In", "On", "Of", "For", "From", "To", "With", "By", "After", "Before", "Since",
    "Yesterday", "Today", "Tomorrow", "Last", "Next", "Now", "Earlier", "Later", "Meanwhile",
    "However", "Both", "All", "Some", "Many", "Most", "Every", "Each", "His", "Her", "Their", "Our",
    "Its", "He", "She", "They", "We", "It", "I", "You", "There", "Here", "Speaking", "Asked",
    "Under", "Between", "Over", "Only", "Also", "Even", "Such", "Other", "New", "Fresh", "Figures",
    "Statistics", "Picture", "Photo", "Image", "Read", "Mr", "Mrs", "Ms", "Dr", "Sir", "Monday",
    "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
    "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December", "England", "Wales", "Scotland", "Britain", "UK", "London", "Police", "Taser",
    "Researchers", "Officers", "Ministers", "Parents", "Teachers", "Doctors", "Nurses",
}
FEMALE = {
    "Alice", "Amanda", "Amy", "Angela", "Ann", "Anna", "Anne", "Bridget", "Carol", "Caroline", "Catherine",
    "Charlotte", "Claire", "Clare", "Deborah", "Diane", "Elaine", "Eleanor", "Elizabeth", "Ellie", "Emily",
    "Emma", "Fiona", "Gemma", "Hannah", "Harriet", "Helen", "Jane", "Janet", "Jennifer", "Jessica", "Jo",
    "Joanna", "Julie", "Karen", "Kate", "Katherine", "Kathryn", "Kelly", "Laura", "Lisa", "Louise", "Lucy",
    "Margaret", "Maria", "Mary", "Megan", "Michelle", "Natalie", "Nicola", "Olivia", "Patricia", "Priti",
    "Rachel", "Rebecca", "Ruth", "Sally", "Samantha", "Sarah", "Shabana", "Sharon", "Sophie", "Stella",
    "Susan", "Suella", "Theresa", "Tracey", "Victoria", "Yvette", "Zoe",
}

MALE = {
    "Adam", "Alan", "Alex", "Andrew", "Andy", "Anthony", "Antony", "Ben", "Bill", "Boris", "Brian",
    "Chris", "Christopher", "Colin", "Craig", "Daniel", "Dave", "David", "Dominic", "Ed", "Edward",
    "Gareth", "Gary", "Gavin", "George", "Graham", "Greg", "Harry", "Ian", "Jack", "James", "Jamie",
    "Jason", "Jeremy", "John", "Jon", "Jonathan", "Keir", "Kevin", "Liam", "Mark", "Martin", "Matt",
    "Matthew", "Michael", "Mike", "Neil", "Nick", "Nigel", "Paul", "Peter", "Philip", "Richard", "Rishi",
    "Rob", "Robert", "Sadiq", "Sajid", "Sam", "Scott", "Simon", "Stephen", "Steve", "Steven", "Stuart",
    "Thomas", "Tim", "Tom", "Tony", "Wes", "William",
}

# -- patterns --------------------------------------------------------------------------------

_NAME_WORD = r"(?:Mc|Mac|[A-Z]['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?![A-Za-z])"
_FULL_NAME = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{1,2}}"
_CAP_WORD = r"[A-Z][\w’'&.-]*[\w’']|[A-Z]"
_CONNECTOR = r"(?:of|for|and|on|the|&)"
_CAP_RUN = rf"(?:{_CAP_WORD})(?:[ \t]+(?:{_CONNECTOR}[ \t]+)*(?:{_CAP_WORD}))*"
SPEECH_VERBS = (r"said|says|told|added|adds|insisted|warned|claimed|argued|stated|explained|"
                r"admitted|suggested|believes|believed|thinks|urged|pledged|promised|vowed|"
                r"announced|revealed|stressed|noted|conceded|acknowledged|maintained|denied|"
                r"called for|calls for|wrote|writes|commented|confirmed|predicted|cautioned|found|concluded|"
                r"estimated|estimates|warns|insists|claims|argues|tells|explains|admits|accepts|accepted")


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_TITLED = re.compile(
    rf"\b(?P<title>{_alternation(POST_TITLES)})\.?[ \t]+(?P<name>{_FULL_NAME})\b"
    rf"|\b(?P<hon>{_alternation(HONORIFICS)})\.?[ \t]+(?P<hname>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}})\b"
    rf"|\b(?P<party>(?:{_alternation(PARTIES)})[ \t]+(?:{_alternation(PARTY_POSTS)}))"
    rf"[ \t]+(?P<pname>{_FULL_NAME})\b"
)
_APPOSITIVE = re.compile(
    rf"\b(?P<name>{_FULL_NAME}),[ \t]+(?:the[ \t]+|a[ \t]+|an[ \t]+)?"
    rf"(?P<post>[A-Za-z][a-z]+(?:[ \t-][a-z]+){{0,4}}?)"
    rf"[ \t]+(?:of|at|for|from)[ \t]+(?:the[ \t]+)?(?P<org>{_CAP_RUN})"
)
_NAME_SPEAKS = re.compile(
    rf"\b(?P<name>{_FULL_NAME}),?[ \t]+(?:(?:has|had|also|previously|later|then)[ \t]+)*(?:{SPEECH_VERBS})\b"
    rf"|\b(?:said|added|says|adds|warned|insisted|explained)[ \t]+(?P<name2>{_FULL_NAME})\b"
)
_CREDIT = re.compile(
    rf"\b(?:Picture|Photo|Photograph|Pic|Credit)s?:?[ \t]+"
    rf"(?P<name>[A-Z][A-Z'’-]+(?:[ \t]+[A-Z][A-Z'’-]+)+(?![a-z])|{_FULL_NAME})"
    rf"(?:[ \t]*/[ \t]*(?P<org>{_CAP_RUN}))?"
    rf"|\bImage:[ \t]+(?P<iorg>[A-Z][\w&]*(?:[ \t]+[A-Z][\w&]*)*)"
)
_VOICES = r"spokesman|spokeswoman|spokesperson"
_VOICE = re.compile(
    rf"\b(?:[Aa]n?|[Tt]he)[ \t]+(?P<org>{_CAP_RUN})[ \t]+(?P<post>{_VOICES}|representative)\b"
    rf"|\b(?:[Aa]n?|[Tt]he)[ \t]+(?P<post2>{_VOICES})[ \t]+for[ \t]+(?:the[ \t]+)?(?P<org2>{_CAP_RUN})"
)
_GROUP = re.compile(
    rf"\b(?P<group>[Rr]esearchers|[Aa]cademics|[Ss]cientists|[Ee]conomists|[Ee]xperts|[Aa]nalysts)[ \t]+"
    rf"(?:at|from)[ \t]+(?:the[ \t]+)?(?P<org>{_CAP_RUN})"
)
_RUN = re.compile(_CAP_RUN)
_NAMED_BEFORE = re.compile(rf"{_FULL_NAME},[ \t]*$")
_TITLE_WORDS = {w for title in [*POST_TITLES, *HONORIFICS] for w in title.split()}
_BRACKETED_ACRONYM = re.compile(r"[ \t]*\((?P<acronym>[A-Z][A-Za-z]{1,7})\)")
_KNOWN = re.compile(rf"\b(?:{_alternation(KNOWN_NAMES)})\b")


# -- the result ------------------------------------------------------------------------------


@dataclass
class Actor:
    """One actor the text names: its fullest name, its kind and, once matched, its id."""

    name: str
    kind: str
    gender: str = ""
    honorific: str = ""
    post: str = ""
    id: str = ""
    known: bool = False  # the id is an existing actor's of the debate

    @property
    def is_person(self) -> bool:
        return self.kind in ("person", "chief-officer")

    @property
    def surname(self) -> str:
        return self.name.split()[-1] if self.is_person else ""


@dataclass(frozen=True)
class Mention:
    """Where the text names an actor: [start, end) and the actor's index in :class:`Cast`."""

    start: int
    end: int
    actor: int


@dataclass
class Cast:
    """The actors of one text and every mention of them, in text order."""

    actors: list[Actor] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list, repr=False)

    def _position(self, offset: int) -> int:
        """How many mentions start before ``offset`` (mentions are in text order, none overlapping)."""
        if len(self._starts) != len(self.mentions):
            self._starts = [m.start for m in self.mentions]
        return bisect.bisect_left(self._starts, offset)

    def within(self, start: int, end: int) -> list[Mention]:
        """The mentions lying inside [start, end)."""
        found = []
        for mention in self.mentions[self._position(start):]:
            if mention.start >= end:
                break
            if mention.end <= end:
                found.append(mention)
        return found

    def before(self, offset: int) -> Iterator[Mention]:
        """The mentions ending at or before ``offset``, nearest first."""
        for mention in reversed(self.mentions[: self._position(offset)]):
            if mention.end <= offset:
                yield mention

    def ending_at(self, end: int, start_from: int) -> Mention | None:
        """The mention ending exactly at ``end`` and starting at or after ``start_from``."""
        mention = next(self.before(end), None)
        return mention if mention is not None and mention.end == end and mention.start >= start_from else None

    def last_person(self, before: int, gender: str = "") -> int | None:
        """The last person named before ``before`` (of ``gender`` "m"/"f" when it is known)."""
        for mention in self.before(before):
            actor = self.actors[mention.actor]
            if actor.is_person and (not gender or actor.gender in ("", gender)):
                return mention.actor
        return None

    def last_with(self, before: int, word: str) -> int | None:
        """The last actor named before ``before`` whose name or post holds ``word``."""
        word = word.lower()
        for mention in self.before(before):
            actor = self.actors[mention.actor]
            if word in actor.name.lower().split() or word in actor.post.lower():
                return mention.actor
        return None


@dataclass(frozen=True)
class KnownActor:
    """An actor the debate already has (from its annotation files)."""

    id: str
    name: str
    kind: str
    honorific: str = ""


# -- names -----------------------------------------------------------------------------------

_STOP = {"the", "of", "and", "for", "at", "a", "an", "on", "&", "not", "named"}


def tokens(name: str) -> tuple[str, ...]:
    """A name reduced to what identifies it: no accents, brackets, possessives, plurals or
    little words ("National Police Chiefs' Council" and "National Police Chief Council" agree)."""
    name = re.sub(r"\([^)]*\)", " ", name)
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", name.lower().replace("'s", "").replace("’s", ""))
    return tuple(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words if w not in _STOP)


def slug(name: str) -> str:
    """An id made from a name: lower case words joined by hyphens."""
    flat = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", flat.lower())) or "actor"


def without_titles(name: str) -> str:
    """A name without the titles before it ("Mr Symonds" -> "Symonds", "Chief Constable Simon
    Bailey" -> "Simon Bailey")."""
    words = name.split()
    while len(words) > 1 and words[0].rstrip(".") in _TITLE_WORDS:
        words = words[1:]
    return " ".join(words)


def initials(name: str) -> str:
    """The acronym of an organisation's name ("National Police Chiefs' Council" -> "NPCC")."""
    return "".join(w[0] for w in re.findall(r"[A-Za-z]+", re.sub(r"\([^)]*\)", "", name))
                   if w.lower() not in _STOP).upper()


def _title_case(name: str) -> str:
    return " ".join(w.capitalize() if w.isupper() else w for w in name.split())


def _gender(first: str, honorific: str = "") -> str:
    if first in FEMALE:
        return "f"
    if first in MALE:
        return "m"
    return HONORIFICS.get(honorific, "")


def _org_span(text: str, start: int, end: int) -> tuple[int, int, str] | None:
    """The organisation inside the capitalised run [start, end), with its kind, if the run has
    a head word: from its first name word to its last head word, or on through 'of'/'for'."""
    words = [(m.start() + start, m.end() + start, m.group()) for m in re.finditer(r"\S+", text[start:end])]
    while words and words[0][2] in NOT_NAMES and words[0][2].lower() not in HEADS:
        words.pop(0)
    heads = [i for i, (_, _, w) in enumerate(words) if w.strip("’'").lower() in HEADS]
    if not heads:
        return None
    last = heads[-1]
    if last + 1 < len(words) and words[last + 1][2] in ("of", "for"):
        last = len(words) - 1
    while last > 0 and words[last][2] in ("of", "for", "and", "on", "the", "&"):
        last -= 1
    span = words[: last + 1]
    if not span:
        return None
    head = span[heads[-1] if heads[-1] <= last else heads[0]][2].strip("’'").lower()
    kind = HEADS[head]
    if head == "council" and any(w.lower() in LOCAL_GOVERNMENT for _, _, w in span):
        kind = "government-body"
    return span[0][0], span[-1][1], kind


# -- finding actors --------------------------------------------------------------------------


class _Finder:
    """Collects actors and mentions while the patterns run over one text."""

    def __init__(self, text: str):
        self.text = text
        self.cast = Cast()
        self.by_key: dict[tuple[str, ...], int] = {}
        self.spans: list[tuple[int, int, int]] = []  # start, end, actor
        self.starts: dict[int, list[int]] = {}  # actor -> sorted starts of its mentions

    def mention(self, start: int, end: int, index: int) -> None:
        """Record that the actor ``index`` is named at [start, end)."""
        self.spans.append((start, end, index))
        bisect.insort(self.starts.setdefault(index, []), start)

    def add(self, name: str, kind: str, start: int, end: int, **extra: str) -> int:
        """Register (or find again) the actor called ``name`` and its mention at [start, end)."""
        key = tokens(name)
        index = self.by_key.get(key)
        if index is None:
            index = len(self.cast.actors)
            self.cast.actors.append(Actor(name=name, kind=kind, gender=extra.get("gender", ""),
                                          honorific=extra.get("honorific", ""), post=extra.get("post", "")))
            self.by_key[key] = index
        else:
            actor = self.cast.actors[index]
            if kind == "chief-officer" or (actor.kind == "organisation" and kind != "organisation"):
                actor.kind = kind
            for attr, value in extra.items():
                if value and not getattr(actor, attr):
                    setattr(actor, attr, value)
        self.mention(start, end, index)
        return index

    def person(self, name: str, start: int, end: int, title: str = "", post: str = "") -> int:
        name = _title_case(name)
        words = name.split()
        while len(words) > 2 and words[0] in _TITLE_WORDS:  # "Councillor Margaret Ellis"
            title = title or words[0]
            start += len(words[0]) + 1
            words = words[1:]
        name = " ".join(words)
        honorific = title if title in HONORIFICS else ""
        kind = "chief-officer" if title in CHIEF_OFFICER_TITLES else "person"
        return self.add(name, kind, start, end, gender=_gender(name.split()[0], honorific),
                        honorific=honorific, post=post or ("" if honorific else title))

    def organisation(self, start: int, end: int) -> int | None:
        found = _org_span(self.text, start, end)
        if found is None:
            return None
        o_start, o_end, kind = found
        name = self.text[o_start:o_end]
        if len(tokens(name)) == 1 and tokens(name)[0] in {h[:-1] if h.endswith("s") else h for h in HEADS}:
            return None  # a bare head word ("the Federation") is a reference, resolved later
        return self.add(name, kind, o_start, o_end)


def find_actors(text: str) -> Cast:
    """Every actor ``text`` names, with all their mentions in text order."""
    finder = _Finder(text)
    surname_refs: list[tuple[int, int, str, str]] = []  # start, end, honorific, surname

    for m in _TITLED.finditer(text):
        if m.group("title") and m.group("name").split()[0] not in NOT_NAMES:
            finder.person(m.group("name"), m.start("name"), m.end("name"), title=m.group("title"))
        elif m.group("hon"):
            words = m.group("hname").split()
            if len(words) == 1:
                surname_refs.append((m.start(), m.end("hname"), m.group("hon"), words[0]))
            elif words[0] not in NOT_NAMES:
                finder.person(m.group("hname"), m.start("hname"), m.end("hname"), title=m.group("hon"))
        elif m.group("party"):
            finder.person(m.group("pname"), m.start("pname"), m.end("pname"), post=m.group("party"))
    for m in _APPOSITIVE.finditer(text):
        name = m.group("name")
        if name.split()[0] in NOT_NAMES or _org_span(text, m.start("name"), m.end("name")):
            continue
        org = finder.organisation(m.start("org"), m.end("org"))
        post = m.group("post").lower()
        if org is not None:
            post += " of " + finder.cast.actors[org].name
        finder.person(name, m.start("name"), m.end("name"), post=post)
    for m in _CREDIT.finditer(text):
        if m.group("iorg"):
            finder.add(m.group("iorg"), "publisher", m.start("iorg"), m.end("iorg"))
            continue
        finder.person(m.group("name"), m.start("name"), m.end("name"), post="photographer")
        if m.group("org"):
            found = _org_span(text, m.start("org"), m.end("org"))
            if found:
                finder.add(text[found[0]:found[1]], "publisher", found[0], found[1])
    for m in _VOICE.finditer(text):
        org_group, post_group = ("org", "post") if m.group("org") else ("org2", "post2")
        found = _org_span(text, m.start(org_group), m.end(org_group))
        org_name = text[found[0]:found[1]] if found else m.group(org_group)
        if org_name.split()[0] in NOT_NAMES:
            continue
        if found:
            finder.add(org_name, found[2], found[0], found[1])
        if _NAMED_BEFORE.search(text, max(0, m.start() - 60), m.start()):
            continue  # "Neil Archer, a spokesman for ...": the voice has a name
        finder.add(f"{org_name} {m.group(post_group)}", "person", m.start(), m.end(),
                   post=f"{m.group(post_group)} of {org_name}")
    for m in _GROUP.finditer(text):
        found = _org_span(text, m.start("org"), m.end("org"))
        if found:
            org_name = text[found[0]:found[1]]
            finder.add(org_name, found[2], found[0], found[1])
            finder.add(f"{org_name} {m.group('group').lower()}", "research-group", m.start(), found[1])
    for m in _NAME_SPEAKS.finditer(text):
        group = "name" if m.group("name") else "name2"
        name = m.group(group)
        if name.split()[0] in NOT_NAMES or _org_span(text, m.start(group), m.end(group)):
            continue
        if any(w in NOT_NAMES or w in _TITLE_WORDS for w in name.split()):
            continue
        finder.person(name, m.start(group), m.end(group))
    for m in _KNOWN.finditer(text):
        finder.add(m.group(), KNOWN_NAMES[m.group()], m.start(), m.end())
    for m in _RUN.finditer(text):
        index = finder.organisation(m.start(), m.end())
        if index is not None:
            acronym = _BRACKETED_ACRONYM.match(text, m.end())
            if acronym:
                finder.by_key.setdefault(tokens(acronym.group("acronym")), index)

    _mentions_of_known_names(finder, surname_refs)
    return finder.cast


def _mentions_of_known_names(finder: _Finder, surname_refs: list[tuple[int, int, str, str]]) -> None:
    """Every further mention: each actor's name wherever it recurs, "Mr Surname" and bare
    surnames resolved to the last person of that surname named before them (else the first one
    after), "the Federation" to the last organisation with that head word; then sort and drop
    mentions that lie inside longer ones."""
    text, cast = finder.text, finder.cast
    for index, actor in enumerate(list(cast.actors)):
        for m in re.finditer(rf"(?<![\w-]){re.escape(actor.name)}(?![\w-])", text):
            finder.mention(m.start(), m.end(), index)
    persons = [i for i, a in enumerate(cast.actors) if a.is_person and len(a.name.split()) > 1]
    for start, end, honorific, surname in surname_refs:
        target = _by_surname(finder, persons, surname, start)
        if target is None:
            full = re.search(rf"\b(?P<first>{_NAME_WORD})[ \t]+{re.escape(surname)}\b", text)
            if full and full.group("first") not in NOT_NAMES and full.group("first") not in _TITLE_WORDS:
                target = finder.person(full.group(), full.start(), full.end(), title=honorific)
                persons.append(target)
                finder.mention(start, end, target)
                for m in re.finditer(rf"(?<![\w-]){re.escape(full.group())}(?![\w-])", text):
                    finder.mention(m.start(), m.end(), target)
                continue
            target = finder.add(surname, "person", start, end, honorific=honorific,
                                gender=HONORIFICS.get(honorific, ""))
        else:
            actor = cast.actors[target]
            actor.honorific = actor.honorific or honorific
            actor.gender = actor.gender or HONORIFICS.get(honorific, "")
            finder.mention(start, end, target)
    for index in persons:
        surname = cast.actors[index].surname
        for m in re.finditer(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", text):
            if _by_surname(finder, persons, surname, m.start()) == index:
                finder.mention(m.start(), m.end(), index)
    for m in re.finditer(r"\b[Tt]he[ \t]+(?P<head>[A-Z][a-z]+)\b(?![ \t]+[A-Z])", text):
        if m.group("head").lower() in HEADS:
            target = _last_org_with(finder, m.group("head"), m.start())
            if target is not None:
                finder.mention(m.start("head"), m.end("head"), target)
    chosen: list[Mention] = []
    for start, end, index in sorted(set(finder.spans), key=lambda s: (s[0], -(s[1] - s[0]))):
        if chosen and start < chosen[-1].end:
            continue
        chosen.append(Mention(start, end, index))
    cast.mentions = chosen


def _last_before(finder: _Finder, candidates: list[int], at: int) -> tuple[int, int] | None:
    """(start, actor) of the last mention before ``at`` of any of ``candidates``."""
    best: tuple[int, int] | None = None
    for index in candidates:
        starts = finder.starts.get(index, [])
        pos = bisect.bisect_left(starts, at)
        if pos and (best is None or starts[pos - 1] > best[0]):
            best = (starts[pos - 1], index)
    return best


def _by_surname(finder: _Finder, persons: list[int], surname: str, at: int) -> int | None:
    candidates = [i for i in persons if finder.cast.actors[i].surname == surname]
    if not candidates:
        return None
    before = _last_before(finder, candidates, at)
    if before:
        return before[1]
    after = [(finder.starts[i][0], i) for i in candidates if finder.starts.get(i)]
    return min(after)[1] if after else candidates[0]


def _last_org_with(finder: _Finder, head: str, at: int) -> int | None:
    orgs = [i for i, a in enumerate(finder.cast.actors)
            if not a.is_person and head.lower() in a.name.lower().split()]
    best = _last_before(finder, orgs, at)
    return best[1] if best else None


# -- matching the debate's actors ------------------------------------------------------------


def match_known(actor: Actor, known: list[KnownActor]) -> KnownActor | None:
    """The existing actor ``actor`` is, if any: the same name once reduced by :func:`tokens`;
    for a person, the same surname with a compatible first name or initial (or none written);
    for an organisation, an acronym of the other's name."""
    key = tokens(actor.name)
    for other in known:
        if tokens(other.name) == key or slug(actor.name) == other.id:
            return other
    if actor.is_person:
        words = key
        for other in known:
            theirs = tokens(other.name)
            if other.kind not in ("person", "chief-officer") or not theirs or not words:
                continue
            if theirs[-1] == words[-1] and (len(words) == 1 or words[0][0] == theirs[0][0]):
                return other
        return None
    if actor.name.isupper() and len(actor.name) > 1:
        for other in known:
            if initials(other.name) == actor.name:
                return other
    return None


def assign_ids(cast: Cast, known: list[KnownActor]) -> None:
    """Give every actor an id: the existing actor's it matches, else a new one from its name
    (made unique within the text and against the debate's ids)."""
    taken = {k.id for k in known}
    for actor in cast.actors:
        other = match_known(actor, known)
        if other is not None:
            actor.id, actor.known = other.id, True
            continue
        base = slug(actor.name)
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        actor.id = candidate
        taken.add(candidate)

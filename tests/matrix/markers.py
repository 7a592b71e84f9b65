"""What must never show in an answer: the titles of the other organisation's records, and, for a login that
does not see its whole organisation, the titles of records out of its reach.

The titles are looked for all at once (`Titles`): a few thousand titles, one by one, against every
answer of the matrix would cost minutes. A title that also belongs to a record the
login may see (two wards with the same kind of incident) is left out: showing it proves nothing.
"""

import re

from django.apps import apps

from core.scoping import in_organization, visible

MIN_LENGTH = 16
# (model, field, characters kept): the records whose titles are looked for.
TITLED = (
    ("incidents.Incident", "title", None),
    ("followup.Obstacle", "title", None),
    # An obstacle carries its subject's name as its own text (copied when it was raised): a login that sees
    # the obstacle reads it there, even when the project it names is out of its reach.
    ("followup.Obstacle", "subject_label", None),
    ("followup.Directive", "content", 40),
    ("followup.ConclusionNotice", "title", None),
    ("investment.Project", "name", None),
    ("investment.SupervisionSession", "title", None),
    ("fieldwork.CalendarEntry", "title", None),
    ("fieldwork.Visit", "purpose", None),
)
# Only the other organisation's; within an organisation these are reference data every member reads.
FOREIGN_ONLY = (("org.Person", "full_name", None), ("org.Agency", "name", None))


def _titles(qs, field: str, keep: int | None) -> set[str]:
    values = qs.values_list(field, flat=True)
    return {(v[:keep] if keep else v).strip() for v in values if v}


WORD = re.compile(r"\w+")
KEY_WORDS = 3


class Titles:
    """Many titles, looked for in a text at once: each title is keyed by its first words, the text's runs of
    words are looked up in that key set (one pass over the text), and a title whose key is met is then
    looked for as it is written. A regular expression of thousands of alternatives took as long as the
    request it checked."""

    def __init__(self, titles):
        self.by_key: dict[tuple, list[str]] = {}
        for title in titles:
            words = tuple(WORD.findall(title.lower()))
            if words:
                self.by_key.setdefault(words[:KEY_WORDS], []).append(title)
        self.lengths = sorted({len(key) for key in self.by_key})

    def __bool__(self) -> bool:
        return bool(self.by_key)

    def search(self, text: str) -> str | None:
        """The first title found in `text`, or None."""
        words = WORD.findall(text.lower())
        for n in self.lengths:
            runs = set(zip(*(words[i:] for i in range(n)), strict=False))
            for key in runs & self.by_key.keys():
                for title in self.by_key[key]:
                    if title in text:
                        return title
        return None


def forbidden_titles(user, other_user) -> Titles:
    """The titles `user` must never be shown."""
    seen_text, hidden = [], set()
    for label, field, keep in TITLED + FOREIGN_ONLY:
        model = apps.get_model(label)
        everything = model._base_manager.all()
        mine = in_organization(everything, user, model.scope)
        hidden |= _titles(in_organization(everything, other_user, model.scope), field, keep)
        if (label, field, keep) in FOREIGN_ONLY or model.scope.reference or user.sees_all:
            seen_text += _titles(mine, field, None)
            continue
        seen = visible(everything, user)
        seen_text += _titles(seen, field, None)
        hidden |= _titles(mine.exclude(pk__in=seen.values("pk")), field, keep)
    from accounts.models import User

    # Logins' names are read across the organisation (a user list, an assignee): a person of the other
    # organisation with the same name as one of ours proves nothing.
    seen_text += [u.get_full_name() for u in User.objects.filter(organization_id=user.organization_id)]
    blob = "\n".join(seen_text)
    return Titles(t for t in hidden if len(t) >= MIN_LENGTH and t not in blob)

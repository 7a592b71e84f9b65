"""References to other records, shown only to those who may see them.

A page or an API answer that mentions another record (the obstacle a directive came from, the directive it
follows up, the check that spawned it) names it and links to it only when the viewer may open it. Otherwise
it reads "an item out of your reach", with no title and no id.

Each app says once, at start-up, which of its models others refer to, and how to tell which of its records a
user sees when that is not simply what the project's scoping lets through:

    from core import references
    references.register(Directive)  # what core.scoping.visible() lets the user see
    references.register(Secret, lambda user: selectors.secret_list(user=user))  # a rule of its own

Give a provider only for a rule of its own: it is called for every list that names such records, and a list
selector that builds columns (annotations) costs milliseconds to build each time. The registered models are
the ones a list's typed links are checked against in its own query (`annotate(generic=...)`); another model
with a scope is still resolved one record at a time through the scoping, and one without counts as out of
reach.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Exists, Model, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from core.scoping import visible

OUT_OF_REACH = _("an item out of your reach")

# model -> (user -> the queryset of that model's records the user sees), or None for the project's scoping
_providers: dict[type, Callable | None] = {}


def register(model: type, provider: Callable | None = None) -> None:
    """Declare a model that others refer to, and how to list the records of it that a user sees:
    provider(user) -> QuerySet, or None for what the project's scoping lets through."""
    _providers[model] = provider


def _visible_queryset(model: type, user) -> QuerySet | None:
    provider = _providers.get(model)
    if provider is not None:
        return provider(user)
    if hasattr(model, "scope"):
        # A model nobody registered: what the one scoping mechanism lets the user see.
        return visible(model._default_manager.all(), user)
    return None


@dataclass(frozen=True)
class Reference:
    """A record as one viewer may see it: its title and link, or the out-of-reach text and nothing else."""

    pk: int | None
    visible: bool
    title: str = ""
    link: str = ""

    @property
    def id(self) -> int | None:
        return self.pk if self.visible else None

    @property
    def label(self) -> str:
        return self.title if self.visible else str(OUT_OF_REACH)

    @property
    def url(self) -> str:
        return self.link if self.visible else ""

    def __bool__(self) -> bool:
        return self.pk is not None

    def as_api(self) -> dict | None:
        """{"id", "label"} for an API answer: a null id and the out-of-reach label when out of reach."""
        return {"id": self.id, "label": self.label} if self else None


NOTHING = Reference(pk=None, visible=False)
# A record that exists but that the viewer may not see (its id is never shown).
HIDDEN = Reference(pk=0, visible=False)


def _model(model: type) -> type:
    return model._meta.concrete_model


def visible_pks(user, model: type, pks: Iterable[int | None]) -> set[int]:
    """Which of these ids of `model` the user may see: one query."""
    wanted = sorted({pk for pk in pks if pk is not None})
    if not wanted:
        return set()
    qs = _visible_queryset(_model(model), user)
    if qs is None:
        return set()
    return set(qs.filter(pk__in=wanted).order_by().values_list("pk", flat=True))


def resolve(user, records: Iterable[Model | None], titles: Iterable[str] | None = None) -> list[Reference]:
    """A Reference for each record (None gives an empty one), in the order given: one query per model."""
    records = list(records)
    titles = list(titles) if titles is not None else [None] * len(records)
    by_model: dict[type, list[int]] = {}
    for record in records:
        if record is not None:
            by_model.setdefault(_model(type(record)), []).append(record.pk)
    seen = {(model, pk) for model, pks in by_model.items() for pk in visible_pks(user, model, pks)}
    out = []
    for record, title in zip(records, titles, strict=True):
        if record is None:
            out.append(NOTHING)
            continue
        visible = (_model(type(record)), record.pk) in seen
        out.append(
            Reference(
                pk=record.pk,
                visible=visible,
                title=(title or str(record)) if visible else "",
                link=record.get_absolute_url() if visible and hasattr(record, "get_absolute_url") else "",
            )
        )
    return out


def reference(user, record: Model | None, title: str = "") -> Reference:
    """One record as the user may see it."""
    return resolve(user, [record], [title])[0]


def reference_to(
    user, model: type | None, pk: int | None, title: str = "", link: str = "", in_reach: bool | None = None
) -> Reference:
    """A record known by its model and id (a stored typed link), without loading it.

    `in_reach` is the answer when a list already computed it (see `annotate`); otherwise one query, and the
    answer is remembered for the request (on the user object, like the reach).
    """
    if model is None or pk is None:
        return NOTHING
    if in_reach is None:
        memo = user.__dict__.setdefault("_coso_references", {})
        key = (_model(model), pk)
        if key not in memo:
            memo[key] = pk in visible_pks(user, model, [pk])
        in_reach = memo[key]
    visible = bool(in_reach)
    return Reference(pk=pk, visible=visible, title=title if visible else "", link=link if visible else "")


def _exists(model: type, user, outer: str):
    qs = _visible_queryset(_model(model), user)
    if qs is None:
        return Value(False)
    return Exists(qs.filter(pk=OuterRef(outer)).order_by().values("pk"))


def annotate(qs: QuerySet, user, *fields: str, generic: tuple[str, str] | None = None) -> QuerySet:
    """Annotate each row of a list with whether the user reaches the records it refers to, in the same query.

    `fields` are foreign keys ("parent" gives `parent_in_reach`); `generic` is a typed link as
    (content type field, id field), giving `<id field>_in_reach` for the registered models.
    """
    columns = {}  # one annotate(): each call clones the whole list query
    for name in fields:
        field = qs.model._meta.get_field(name)
        columns[f"{name}_in_reach"] = _exists(field.related_model, user, field.attname)
    if generic is not None:
        ct_field, id_field = generic
        from django.contrib.contenttypes.models import ContentType

        whens = [
            When(
                Q(**{f"{ct_field}_id": ContentType.objects.get_for_model(model).pk}),
                then=_exists(model, user, id_field),
            )
            for model in _providers
        ]
        columns[f"{id_field}_in_reach"] = Case(
            *whens, default=Value(None), output_field=BooleanField(null=True)
        )
    return qs.annotate(**columns) if columns else qs


def in_reach(obj, name: str) -> bool | None:
    """What `annotate` computed for this row, or None when it did not."""
    return getattr(obj, f"{name}_in_reach", None)


def api_reference(
    context, model: type | None, pk: int | None, title: str = "", in_reach: bool | None = None
) -> dict | None:
    """For a django-ninja resolver: the caller's view of a referenced record, or None when there is none.

    @staticmethod
    def resolve_parent(obj, context):
        return references.api_reference(context, Directive, obj.parent_id, str(obj.parent))
    """
    return reference_to(context["request"].user, model, pk, title, in_reach=in_reach).as_api()


def api_id(context, model: type | None, pk: int | None, in_reach: bool | None = None) -> int | None:
    """A referenced record's id when the caller may see it, else None."""
    return reference_to(context["request"].user, model, pk, in_reach=in_reach).id

"""Generic views every app builds its pages from, configured by attributes (after NetBox's generic views).

- `ObjectListView`: a scoped selector, one FilterSet, sorts, pagination, the htmx partial, an export link.
- `ObjectDetailView`: the record loaded once through its gate; buttons gated by pure `can_<action>`.
- `ObjectFormView`: create or edit; post → service → field errors or conflict → message → redirect.
- `ObjectActionView`: a POST action (archive, a status move) with the same flow and no form page.
- `ObjectExportView`: the list's rows, with the list's FilterSet and sorts, as an Excel workbook.
- `ObjectImportView`: an Excel sheet handed to a registered import, run as a task with a progress page.

Every view requires a sign-in and answers 404 to whoever `permission(user)` refuses. No view saves: the
writes are the configured services', which validate, save and record the audit event.
"""

from collections.abc import Callable
from types import FunctionType

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.errors import ConflictError
from core.filters import filter_page
from core.forms import add_errors, form_version
from core.imports import import_start
from core.listing import SortOption, paginate, render_list, sort_queryset
from core.web import filter_query, posted_version, xlsx_export, xlsx_response

# Attributes that hold plain functions (selectors, gates, services): stored as static methods, so that
# `selector = selectors.agency_list` in a class body is called as `selector(user=...)`, without `self`.
FUNCTION_ATTRIBUTES = ("selector", "gate", "service", "permission", "workbook", "template_workbook")


def can_write(user) -> bool:
    """Viewers and role-less users never write (cf. core.api_inputs.require_writer)."""
    return bool(getattr(user, "role", None)) and not getattr(user, "is_read_only", True)


def anyone(user) -> bool:
    return True


class ScopedView(LoginRequiredMixin, View):
    """Signed in, and let through by `permission(user)`; anyone else is told the page does not exist."""

    permission: Callable = staticmethod(anyone)
    nav = ""
    raise_exception = False  # anonymous users are sent to the sign-in page

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in FUNCTION_ATTRIBUTES:
            value = cls.__dict__.get(name)
            if isinstance(value, FunctionType):
                setattr(cls, name, staticmethod(value))

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.permission(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def base_context(self) -> dict:
        return {"nav": self.nav}


class FilteredMixin:
    """The scoped rows of a list, filtered by its FilterSet and sorted: shared by the page and the export."""

    selector: Callable  # selector(user=...) -> QuerySet, already scoped to the user
    filterset = None
    sorts: list[SortOption] = []

    def get_queryset(self, request):
        return self.selector(user=request.user)

    def filtered(self, request, *, drop: tuple[str, ...] = ()):
        """The FilterSet applied to the scoped rows; `drop` leaves out some parameters (the bucket chips
        count the rows of every bucket under the other filters)."""
        data = request.GET
        if drop:
            data = data.copy()
            for name in drop:
                data.pop(name, None)
        queryset = self.get_queryset(request)
        if self.filterset is None:
            return None, queryset
        filterset = filter_page(self.filterset, request, queryset, data)
        return filterset, filterset.qs

    def sorted(self, request, queryset):
        if not self.sorts:
            return queryset, ""
        return sort_queryset(request, queryset, self.sorts)


class ObjectListView(FilteredMixin, ScopedView):
    """A list page: scoped rows, the FilterSet, sorts, a page of rows, the htmx partial and an export link.

    `get_extra_context(request, page, filterset)` adds what the template shows beside the rows;
    `known_count(request, filterset)` may give the number of rows when the page counts them anyway."""

    template_name = ""
    partial_name = ""
    per_page: int | None = None
    export_url = ""  # a URL name; the link carries the same filters
    # The filters always in sight; when any other is applied, the "more filters" panel opens.
    primary_filters: tuple[str, ...] = ("q",)

    def get(self, request, *args, **kwargs):
        filterset, queryset = self.filtered(request)
        queryset, sort = self.sorted(request, queryset)
        page = paginate(request, queryset, self.per_page, count=self.known_count(request, filterset))
        context = {
            **self.base_context(),
            "page": page,
            "sort": sort,
            "filters": filterset,
            "params": request.GET,
            "q": request.GET.get("q", "").strip(),
            "export_query": filter_query(request),
            "more_filters": self.more_filters(filterset),
        }
        if self.export_url:
            context["export_url"] = self.export_url
        context.update(self.get_extra_context(request, page, filterset))
        return render_list(request, self.template_name, self.partial_name, context)

    def more_filters(self, filterset) -> bool:
        if filterset is None:
            return False
        return any(name not in self.primary_filters for name in filterset.applied)

    def known_count(self, request, filterset) -> int | None:
        """How many rows the filtered list has, when the page computes it anyway (None: the paginator
        counts them)."""
        return None

    def get_extra_context(self, request, page, filterset) -> dict:
        return {}


class ObjectExportView(FilteredMixin, ScopedView):
    """The list's rows (same selector, FilterSet and sorts as the page) as an audited Excel download."""

    workbook: Callable  # workbook(queryset) -> bytes
    filename = "export"

    def get(self, request, *args, **kwargs):
        _filterset, queryset = self.filtered(request)
        queryset, _sort = self.sorted(request, queryset)
        return xlsx_export(request, self.workbook(queryset), self.filename)


class ObjectDetailView(ScopedView):
    """One record, loaded once through its gate `get_<entity>_for_user(user=, pk=)` (404 for missing and
    not-yours alike). `actions` maps a button to a pure `can_<action>(user, obj)`, which reads only the
    record already loaded and the user: the template reads `can.<action>`."""

    gate: Callable
    template_name = ""
    partial_name = ""  # a page with rows of its own (a notice's directives): htmx asks for the rows alone
    context_object_name = "object"
    actions: dict[str, Callable] = {}

    def get(self, request, pk, *args, **kwargs):
        return self.render_detail(request, self.gate(user=request.user, pk=pk))

    def render_detail(self, request, obj, *, status: int = 200):
        """The page of a record already loaded: also for a form posted from it that comes back with errors."""
        context = {
            **self.base_context(),
            self.context_object_name: obj,
            "can": {name: check(request.user, obj) for name, check in self.actions.items()},
        }
        context.update(self.get_extra_context(request, obj))
        if self.partial_name:
            return render_list(request, self.template_name, self.partial_name, context)
        return render(request, self.template_name, context, status=status)

    def get_extra_context(self, request, obj) -> dict:
        return {}


class ServiceCallMixin:
    """Call a service and turn its refusal into something the page shows."""

    success_message = _("Saved.")

    def get_success_message(self, obj) -> str:
        """The message after success; override when it names what was done (the new status, say)."""
        return self.success_message

    def get_success_url(self, obj) -> str:
        return obj.get_absolute_url()


class ObjectFormView(ServiceCallMixin, ScopedView):
    """Create (no pk) or edit (a pk, loaded through `gate` with action "change") a record.

    GET shows the form. POST: a valid form goes to `create(request, data)` or `update(request, obj, data,
    version)`, which call the app's service; a `ValidationError` lands on the form's fields
    (`core.forms.add_errors`), a `ConflictError` on the form as a whole; success sets `success_message`
    and redirects to `get_success_url(obj)`. The view never saves a model itself."""

    gate: Callable | None = None
    gate_action = "change"
    form_class = None
    template_name = ""
    htmx_template_name = ""  # the form alone, when htmx asks for it
    context_object_name = "object"
    initial_fields: tuple[str, ...] = ()

    def get_object(self, request, pk):
        if pk is None or self.gate is None:
            return None
        return self.gate(user=request.user, pk=pk, action=self.gate_action)

    def get_initial(self, request, obj) -> dict:
        if obj is None:
            return {}
        return {name: getattr(obj, name) for name in self.initial_fields}

    def get_form_kwargs(self, request, obj) -> dict:
        """Extra arguments of the form (its pickers, scoped to the user)."""
        return {}

    def get_form(self, request, obj):
        return self.form_class(
            request.POST if request.method == "POST" else None,
            initial=self.get_initial(request, obj),
            **self.get_form_kwargs(request, obj),
        )

    def create(self, request, data):
        raise NotImplementedError(f"{type(self).__name__} does not create records")

    def update(self, request, obj, data, version):
        raise NotImplementedError(f"{type(self).__name__} does not edit records")

    def form_data(self, form) -> dict:
        return {k: v for k, v in form.cleaned_data.items() if k != "version"}

    def save(self, request, obj, form):
        data = self.form_data(form)
        if obj is None:
            return self.create(request, data)
        return self.update(request, obj, data, form_version(form))

    def get(self, request, pk=None, *args, **kwargs):
        obj = self.get_object(request, pk)
        return self.render_form(request, obj, self.get_form(request, obj))

    def post(self, request, pk=None, *args, **kwargs):
        obj = self.get_object(request, pk)
        form = self.get_form(request, obj)
        if form.is_valid():
            try:
                saved = self.save(request, obj, form)
            except ValidationError as exc:
                add_errors(form, exc)
            except ConflictError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, self.get_success_message(saved))
                return redirect(self.get_success_url(saved))
        return self.render_form(request, obj, form)

    def render_form(self, request, obj, form):
        context = {**self.base_context(), "form": form, self.context_object_name: obj}
        context.update(self.get_extra_context(request, obj))
        template = self.template_name
        if self.htmx_template_name and request.headers.get("HX-Request"):
            template = self.htmx_template_name
        return render(request, template, context)

    def get_extra_context(self, request, obj) -> dict:
        return {}


class ObjectActionView(ServiceCallMixin, ScopedView):
    """A POST action on one record (archive, restore, a status move): gate → service → message → redirect.

    `service(actor=, <object_argument>=obj, version=)` by default; override `perform` for other arguments.
    A refusal (`ValidationError`, `ConflictError`) is shown as an error message and nothing changes."""

    http_method_names = ["post"]
    gate: Callable
    gate_action = "change"
    service: Callable
    object_argument = "obj"

    def perform(self, request, obj):
        return self.service(
            actor=request.user, **{self.object_argument: obj}, version=posted_version(request)
        )

    def post(self, request, pk, *args, **kwargs):
        obj = self.gate(user=request.user, pk=pk, action=self.gate_action)
        try:
            result = self.perform(request, obj)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except ConflictError as exc:
            messages.error(request, exc.message)
        else:
            obj = result if result is not None else obj
            messages.success(request, self.get_success_message(obj))
        return redirect(self.get_success_url(obj))


class ObjectImportView(ScopedView):
    """Import an Excel sheet as a background task: GET shows the form (`?template=1` downloads the blank
    sheet); POST hands the file to `core.imports.import_start` for the registered import `import_kind`, with
    `job_params(request, obj)` (what its target needs to find `obj` again), and redirects to the job's page,
    which shows the progress and then the outcome. A file the import may not even start with (too large)
    comes back on the form."""

    form_class = None
    import_kind = ""  # a key of core.imports' registry
    template_workbook: Callable | None = None  # () -> bytes, the blank sheet to fill in
    template_filename = "template.xlsx"
    template_name = ""
    context_object_name = ""

    def get_object(self, request, pk):
        return None

    def job_params(self, request, obj) -> dict:
        return {}

    def get_extra_context(self, request, obj) -> dict:
        """What the page says beside the form: the shared template core/import.html reads `title`,
        `pretitle`, `intro`, `template_url` and `cancel_url`."""
        return {}

    def get(self, request, pk=None, *args, **kwargs):
        obj = self.get_object(request, pk)
        if request.GET.get("template") and self.template_workbook is not None:
            return xlsx_response(self.template_workbook(), self.template_filename)
        return self.render_page(request, obj, self.form_class())

    def post(self, request, pk=None, *args, **kwargs):
        obj = self.get_object(request, pk)
        form = self.form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = import_start(
                    actor=request.user,
                    kind=self.import_kind,
                    file=form.cleaned_data["file"],
                    params=self.job_params(request, obj),
                    language=request.LANGUAGE_CODE,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return redirect(job.get_absolute_url())
        return self.render_page(request, obj, form)

    def render_page(self, request, obj, form):
        context = {**self.base_context(), "form": form}
        if self.context_object_name:
            context[self.context_object_name] = obj
        context.update(self.get_extra_context(request, obj))
        return render(request, self.template_name, context)


class ConfidentialityEdit(ObjectFormView):
    """Mark a record confidential ("Mật"), change its named readers, or lift the mark: for whoever may edit
    the record (its gate with `gate_action`). Each app routes it with its own gate:
    `ConfidentialityEdit.as_view(gate=selectors.get_incident_for_user, gate_action="reassign")`."""

    template_name = "core/confidentiality.html"
    context_object_name = "record"
    success_message = _("The confidential mark has been saved.")

    def get_form(self, request, obj):
        from core.forms import ConfidentialityForm

        initial = {
            "confidential": obj.confidential,
            "confidential_readers": list(obj.confidential_readers.all()),
            "version": obj.version,
        }
        return ConfidentialityForm(
            request.POST if request.method == "POST" else None,
            initial=initial,
            organization_id=obj.organization_id,
        )

    def update(self, request, obj, data, version):
        from core.services import confidentiality_set

        return confidentiality_set(
            actor=request.user,
            instance=obj,
            confidential=data["confidential"],
            readers=list(data["confidential_readers"]),
            version=version,
        )

    def post(self, request, pk=None, *args, **kwargs):
        if pk is None:
            raise Http404
        return super().post(request, pk, *args, **kwargs)

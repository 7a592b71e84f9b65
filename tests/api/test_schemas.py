"""The OpenAPI document describes what the code accepts: one component per schema name, and every
operation's documented request body is the schema its function reads."""

import typing

from pydantic import BaseModel

from coso.api import api

PROJECT = ("coso", "core", "accounts", "org", "followup", "incidents", "fieldwork", "investment", "reports")


def _operations():
    for bound in api._get_bound_routers():
        for view in bound.path_operations.values():
            yield from view.operations


def _models(annotation, seen: set) -> None:
    """Every project schema class an annotation reaches, through lists, unions and nested fields."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        if annotation.__module__.split(".")[0] in PROJECT:
            seen.add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, seen)
        return
    for arg in typing.get_args(annotation):
        _models(arg, seen)


def _body_model(operation):
    """The schema of the JSON body the function reads (a bare schema parameter), or None."""
    hints = typing.get_type_hints(operation.view_func, include_extras=True)
    bodies = [
        hint
        for name, hint in hints.items()
        if name != "return" and isinstance(hint, type) and issubclass(hint, BaseModel)
    ]
    assert len(bodies) <= 1, operation.view_func
    return bodies[0] if bodies else None


def test_no_two_schema_classes_share_a_component_name():
    classes = set()
    for operation in _operations():
        hints = typing.get_type_hints(operation.view_func, include_extras=True)
        for hint in hints.values():
            _models(hint, classes)
        for model in (operation.response_models or {}).values():
            _models(model, classes)
    by_name = {}
    for cls in classes:
        by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    assert len(by_name) > 40  # the walk reached the apps' schemas
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert shared == {}


def test_every_documented_request_body_is_the_one_the_code_accepts():
    document = api.get_openapi_schema()
    documented = {}
    for methods in document["paths"].values():
        for spec in methods.values():
            documented[spec["operationId"]] = spec.get("requestBody")
    checked = 0
    for operation in _operations():
        model = _body_model(operation)
        body = documented[api.get_openapi_operation_id(operation)]
        if model is None:
            continue
        ref = body["content"]["application/json"]["schema"]["$ref"]
        component = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
        accepted = model.model_json_schema(by_alias=True)
        where = f"{operation.methods} {operation.view_func.__module__}.{operation.view_func.__name__}"
        assert set(component.get("properties", {})) == set(accepted.get("properties", {})), where
        assert set(component.get("required", [])) == set(accepted.get("required", [])), where
        checked += 1
    assert checked > 20

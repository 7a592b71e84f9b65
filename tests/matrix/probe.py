"""Sending one request of the matrix, reading what it answered, and what a write left behind."""

import html
import io
import json
import re
import zipfile

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from core.models import AuditEvent

TAGS = re.compile(rb"<[^>]+>")
TEXT_TAGS = re.compile(r"<[^>]+>")
SCRIPTS = re.compile(r"<(script|style)\b.*?</\1>", re.S)


def example(schema: dict, components: dict, depth: int = 0):
    """A value that satisfies `schema` well enough to pass the API's validation and reach its gate."""
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[1]], components, depth)
    for combined in ("allOf", "anyOf", "oneOf"):
        if combined in schema:
            options = [s for s in schema[combined] if s.get("type") != "null"]
            return example(options[0], components, depth) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "object" or "properties" in schema:
        if depth > 4:
            return {}
        required = schema.get("required", [])
        props = schema.get("properties", {})
        return {name: example(props[name], components, depth + 1) for name in required if name in props}
    if kind == "array":
        return [example(schema.get("items", {}), components, depth + 1)] if schema.get("minItems") else []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if fmt == "date":
        return "2026-06-01"
    if fmt == "date-time":
        return "2026-06-01T08:00:00+07:00"
    return "Kiểm tra"


def request_body(operation: dict, components: dict) -> tuple[str, object] | None:
    """(content type, body) for an operation with a request body, from the OpenAPI document."""
    body = operation.get("requestBody")
    if not body:
        return None
    content = body.get("content", {})
    if "application/json" in content:
        return "application/json", example(content["application/json"]["schema"], components)
    if "multipart/form-data" in content:
        schema = content["multipart/form-data"]["schema"]
        data = example(schema, components)
        return "multipart/form-data", {k: v for k, v in data.items() if not isinstance(v, dict | list)}
    return None


def send(client: Client, method: str, url: str, *, bearer: str | None = None, body=None):
    """One request; an API call carries its bearer token and its body."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {bearer}"} if bearer else {}
    method = method.lower()
    if body is None:
        if method == "post":
            return client.post(url, data={}, **headers)
        return client.generic(method.upper(), url, **headers)
    content_type, data = body
    if content_type == "form":
        return client.post(url, data=data, **headers)
    if content_type == "application/json":
        return client.generic(method.upper(), url, json.dumps(data), content_type=content_type, **headers)
    files = {
        key: SimpleUploadedFile(f"{key}.xlsx", value) if isinstance(value, bytes) else value
        for key, value in data.items()
    }
    return client.post(url, data=files, **headers)


def text_of(response) -> str:
    """The readable text of an answer: a page, JSON (its escapes decoded), an .xlsx or .docx (its XML parts),
    a calendar feed."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                parts = [archive.read(n) for n in archive.namelist() if n.endswith(".xml")]
        except zipfile.BadZipFile:
            return ""
        return html.unescape(TAGS.sub(b"", b" ".join(parts)).decode("utf-8", "replace"))
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            return json.dumps(json.loads(content), ensure_ascii=False)
        except ValueError:
            return content.decode("utf-8", "replace")
    text = content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("text/html"):
        text = TEXT_TAGS.sub(" ", SCRIPTS.sub(" ", text))
    return html.unescape(text)


def body_shape(response):
    """What a refusal must share with "not found": the status, and for the API its JSON body."""
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            return response.status_code, json.loads(response.content)
        except ValueError:
            return response.status_code, response.content
    return response.status_code, response.get("Location")


def snapshot(kind_model: str | None, params: tuple) -> tuple:
    """What a refused write must leave as it was: the audit trail's last entry and the record's row."""
    row = None
    if kind_model and params:
        model = apps.get_model(kind_model)
        row = model._base_manager.filter(pk=params[-1]).values().first()
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first(), row


def rolled_back(func):
    """Run `func` in a savepoint that is rolled back, so that an allowed write leaves the demo as it was."""
    with transaction.atomic():
        result = func()
        transaction.set_rollback(True)
    return result

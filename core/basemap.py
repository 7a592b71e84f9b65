"""The basemap every map of the product draws under its points (docs/maps.md).

Two settings, both optional: `COSO_MAP_PMTILES`, a PMTiles archive the office places on the server, which
the application serves itself (`/basemap/basemap.pmtiles`, behind sign-in, with HTTP Range requests as the
browser's PMTiles reader asks them); and `COSO_MAP_TILE_URL`, a `{z}/{x}/{y}` tile server of the office's
network. The archive wins when both are set. With neither, the maps draw their points on a plain background
and say how to add a basemap. The browser side is `static/coso/basemap.js`.
"""

import os
import re
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import http_date
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def pmtiles_path() -> Path | None:
    """The archive named by COSO_MAP_PMTILES (relative to the var directory unless absolute), if it is a
    file that can be read; else None."""
    name = (getattr(settings, "COSO_MAP_PMTILES", "") or "").strip()
    if not name:
        return None
    path = Path(name)
    if not path.is_absolute():
        path = settings.VAR_DIR / path
    return path if path.is_file() and os.access(path, os.R_OK) else None


def tile_url() -> str:
    return (getattr(settings, "COSO_MAP_TILE_URL", "") or "").strip()


@dataclass(frozen=True)
class Basemap:
    kind: str  # "pmtiles", "tiles" or "" (none)
    url: str
    pmtiles_missing: bool  # COSO_MAP_PMTILES names a file that is not there

    @property
    def configured(self) -> bool:
        return bool(self.kind)


def basemap() -> Basemap:
    """What the maps draw under their points: the archive, else the tile server, else nothing."""
    named = bool((getattr(settings, "COSO_MAP_PMTILES", "") or "").strip())
    if pmtiles_path() is not None:
        return Basemap("pmtiles", reverse("basemap_pmtiles"), pmtiles_missing=False)
    url = tile_url()
    if url:
        return Basemap("tiles", url, pmtiles_missing=named)
    return Basemap("", "", pmtiles_missing=named)


def tile_origin() -> str:
    """The tile server's origin for the Content Security Policy ("{s}" subdomains become "*"); empty when
    the tiles come from this site itself, or when there is no tile server."""
    if pmtiles_path() is not None:
        return ""
    parts = urlsplit(tile_url())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    host = parts.netloc.rsplit("@", 1)[-1].replace("{s}", "*")
    return f"{parts.scheme}://{host}"


def allow_basemap(view):
    """Let a map page load images from the configured tile server, and nothing else from outside."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        origin = tile_origin()
        if not origin:
            return view(request, *args, **kwargs)
        config = {key: list(value) for key, value in settings.SECURE_CSP.items()}
        config["img-src"] = [*config.get("img-src", []), origin]
        return csp_override(config)(view)(request, *args, **kwargs)

    return wrapped


allow_basemap_get = method_decorator(allow_basemap, name="get")


# --- the archive, served with Range requests ---------------------------------------------------------


def byte_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """The first and last byte (both included) of a single `bytes=` range over a file of `size` bytes.
    None: no range asked, or one this view does not serve (several ranges, another unit): the whole file.
    False: a range that lies outside the file (416)."""
    match = _RANGE.match(header.strip().replace(" ", "")) if header else None
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            return False
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        return False
    return start, end


def _chunks(path: Path, start: int, length: int):
    with path.open("rb") as handle:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                return
            length -= len(data)
            yield data


@require_safe
@login_required
def pmtiles_archive(request):
    """GET (and HEAD) the archive of COSO_MAP_PMTILES: the whole file, or the one byte range asked (206),
    for any signed-in user; 404 when no archive is configured or it cannot be read."""
    path = pmtiles_path()
    if path is None:
        raise Http404
    stat = path.stat()
    size = stat.st_size
    etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
    asked = byte_range(request.headers.get("Range", ""), size)
    if request.headers.get("If-Range") not in (None, etag):
        asked = None  # the file changed since the client's copy: send it whole
    if asked is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif asked is None:
        response = FileResponse(path.open("rb"), content_type="application/vnd.pmtiles")
        response["Content-Length"] = str(size)
    else:
        start, end = asked
        response = StreamingHttpResponse(
            _chunks(path, start, end - start + 1), status=206, content_type="application/vnd.pmtiles"
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["Cache-Control"] = "private, max-age=3600"
    return response

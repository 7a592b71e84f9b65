"""The basemap: which one the maps draw, the PMTiles archive served with Range requests behind sign-in, and
the Content Security Policy that lets in only the configured tile server."""

import pytest
from django.template import Context, Template
from django.test import Client

from core.basemap import basemap, byte_range, tile_origin
from core.tests.pmtiles import archive

URL = "/basemap/basemap.pmtiles"


@pytest.fixture
def data() -> bytes:
    return archive()


@pytest.fixture
def pmtiles(tmp_path, settings, data):
    path = tmp_path / "basemap.pmtiles"
    path.write_bytes(data)
    settings.COSO_MAP_PMTILES = str(path)
    settings.COSO_MAP_TILE_URL = ""
    return path


@pytest.fixture
def signed_in(make_user, hanoi) -> Client:
    client = Client()
    client.force_login(make_user("office", hanoi))
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_byte_ranges_are_read_as_the_http_specification_says():
    assert byte_range("", 100) is None
    assert byte_range("bytes=0-15", 100) == (0, 15)
    assert byte_range("bytes=90-", 100) == (90, 99)
    assert byte_range("bytes=-10", 100) == (90, 99)
    assert byte_range("bytes=-500", 100) == (0, 99)
    assert byte_range("bytes=0-16383", 100) == (0, 99)  # the PMTiles reader's first request, on a small file
    assert byte_range("bytes=100-200", 100) is False
    assert byte_range("bytes=20-10", 100) is False
    assert byte_range("bytes=-0", 100) is False
    assert byte_range("bytes=0-1,5-6", 100) is None  # several ranges: the whole file
    assert byte_range("items=0-1", 100) is None


def test_the_archive_answers_206_with_the_bytes_asked(pmtiles, signed_in, data):
    response = signed_in.get(URL, headers={"Range": "bytes=0-15"})
    assert response.status_code == 206
    assert body(response) == data[:16] == b"PMTiles\x03" + data[8:16]
    assert response["Content-Range"] == f"bytes 0-15/{len(data)}"
    assert response["Content-Length"] == "16"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "application/vnd.pmtiles"
    etag = response["ETag"]

    tail = signed_in.get(URL, headers={"Range": "bytes=-36"})
    assert tail.status_code == 206 and body(tail) == data[-36:]
    assert tail["Content-Range"] == f"bytes {len(data) - 36}-{len(data) - 1}/{len(data)}"

    first = signed_in.get(URL, headers={"Range": "bytes=0-16383"})  # longer than the file: cut at its end
    assert first.status_code == 206 and body(first) == data
    assert first["Content-Range"] == f"bytes 0-{len(data) - 1}/{len(data)}"

    middle = signed_in.get(URL, headers={"Range": "bytes=127-", "If-Range": etag})
    assert middle.status_code == 206 and body(middle) == data[127:]


def test_the_whole_archive_without_a_range_and_416_outside_it(pmtiles, signed_in, data):
    whole = signed_in.get(URL)
    assert whole.status_code == 200 and body(whole) == data
    assert whole["Accept-Ranges"] == "bytes" and whole["Content-Length"] == str(len(data))
    outside = signed_in.get(URL, headers={"Range": f"bytes={len(data)}-"})
    assert outside.status_code == 416 and outside["Content-Range"] == f"bytes */{len(data)}"
    changed = signed_in.get(URL, headers={"Range": "bytes=0-15", "If-Range": '"another-version"'})
    assert changed.status_code == 200 and body(changed) == data
    head = signed_in.head(URL, headers={"Range": "bytes=0-15"})
    assert head.status_code == 206 and head["Content-Length"] == "16"
    assert signed_in.post(URL).status_code == 405


def test_the_archive_needs_a_sign_in_and_a_configured_file(pmtiles, signed_in, settings, tmp_path):
    anonymous = Client().get(URL, headers={"Range": "bytes=0-15"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    settings.COSO_MAP_PMTILES = ""
    assert signed_in.get(URL).status_code == 404
    settings.COSO_MAP_PMTILES = str(tmp_path / "missing.pmtiles")
    assert signed_in.get(URL).status_code == 404


def test_a_relative_path_is_read_under_the_var_directory(pmtiles, signed_in, settings, tmp_path, data):
    settings.VAR_DIR = tmp_path
    settings.COSO_MAP_PMTILES = "basemap.pmtiles"
    assert basemap().kind == "pmtiles" and basemap().url == URL
    assert body(signed_in.get(URL, headers={"Range": "bytes=0-6"})) == b"PMTiles"


def test_which_basemap_the_maps_draw(settings, tmp_path, pmtiles):
    settings.COSO_MAP_TILE_URL = "https://{s}.tiles.example.vn/{z}/{x}/{y}.png"
    assert basemap().kind == "pmtiles"  # the archive wins
    assert tile_origin() == ""  # and nothing from outside is let in
    settings.COSO_MAP_PMTILES = str(tmp_path / "missing.pmtiles")
    chosen = basemap()
    assert (chosen.kind, chosen.url, chosen.pmtiles_missing) == (
        "tiles",
        "https://{s}.tiles.example.vn/{z}/{x}/{y}.png",
        True,
    )
    assert tile_origin() == "https://*.tiles.example.vn"
    settings.COSO_MAP_PMTILES = ""
    settings.COSO_MAP_TILE_URL = ""
    assert not basemap().configured and not basemap().pmtiles_missing


def render(text: str) -> str:
    return Template("{% load basemap %}" + text).render(Context({}))


def test_the_template_tags_carry_the_configuration_and_the_notice(settings, pmtiles):
    assert render("{% basemap_attrs %}") == f'data-basemap="pmtiles" data-basemap-url="{URL}"'
    assert "protomaps-leaflet.js" in render("{% basemap_assets %}")
    assert "leaflet.markercluster.js" not in render("{% basemap_assets %}")
    assert "leaflet.markercluster.js" in render("{% basemap_assets cluster=True %}")
    assert render("{% basemap_notice %}").strip() == ""

    settings.COSO_MAP_PMTILES = ""
    settings.COSO_MAP_TILE_URL = "/tiles/{z}/{x}/{y}.png"
    assert render("{% basemap_attrs %}") == 'data-basemap="tiles" data-basemap-url="/tiles/{z}/{x}/{y}.png"'
    assert "protomaps-leaflet.js" not in render("{% basemap_assets %}")

    settings.COSO_MAP_TILE_URL = ""
    assert render("{% basemap_attrs %}") == 'data-basemap="" data-basemap-url=""'
    notice = render("{% basemap_notice %}")
    assert "COSO_MAP_PMTILES" in notice and "COSO_MAP_TILE_URL" in notice
    assert "var/maps/basemap.pmtiles" in notice
    assert "Chưa cấu hình bản đồ nền" in notice  # in Vietnamese first

"""A tiny but real PMTiles (version 3) archive, written by hand for the basemap's tests.

It holds one vector tile (Mapbox Vector Tile) whose layer "earth" is a square covering the whole tile, and
one directory entry whose run length addresses that same tile at every position of every zoom level from 0
to `max_zoom`: wherever the map looks, protomaps-leaflet draws the land colour of its flavour. Uncompressed
throughout (the header says so), so that nothing but the format itself is needed. The format:
https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md; the vector tile:
https://github.com/mapbox/vector-tile-spec/tree/master/2.1.
"""

import json
import struct
from itertools import pairwise

HEADER_LENGTH = 127
NO_COMPRESSION = 1
MVT = 1
EXTENT = 4096


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def zigzag(value: int) -> int:
    return (value << 1) ^ (value >> 63)


def _field(number: int, wire: int) -> bytes:
    return varint((number << 3) | wire)


def _bytes(number: int, payload: bytes) -> bytes:
    return _field(number, 2) + varint(len(payload)) + payload


def _packed(number: int, values: list[int]) -> bytes:
    return _bytes(number, b"".join(varint(v) for v in values))


def land_tile() -> bytes:
    """A vector tile with one layer, "earth", holding one polygon: the whole tile (clockwise in tile
    coordinates, y down, as an exterior ring must be)."""
    corners = [(0, 0), (EXTENT, 0), (EXTENT, EXTENT), (0, EXTENT)]
    geometry = [(1 & 0x7) | (1 << 3), zigzag(corners[0][0]), zigzag(corners[0][1])]  # MoveTo(1)
    geometry.append((2 & 0x7) | (3 << 3))  # LineTo(3)
    for (x0, y0), (x1, y1) in pairwise(corners):
        geometry += [zigzag(x1 - x0), zigzag(y1 - y0)]
    geometry.append((7 & 0x7) | (1 << 3))  # ClosePath
    feature = _field(1, 0) + varint(1) + _field(3, 0) + varint(3) + _packed(4, geometry)  # id 1, POLYGON
    layer = (
        _field(15, 0) + varint(2)  # version 2
        + _bytes(1, b"earth")
        + _bytes(2, feature)
        + _field(5, 0) + varint(EXTENT)
    )  # fmt: skip
    return _bytes(3, layer)


def tiles_up_to(max_zoom: int) -> int:
    """How many tiles zooms 0 to `max_zoom` hold: tile ids run 0 … this − 1 (Hilbert order by zoom)."""
    return ((4 ** (max_zoom + 1)) - 1) // 3


def archive(max_zoom: int = 14, bounds=(102.0, 8.0, 110.0, 24.0), center=(105.85, 21.03, 11)) -> bytes:
    """The whole archive: header, root directory (one entry), metadata, the one tile."""
    tile = land_tile()
    directory = (
        varint(1)  # entries
        + varint(0)  # tile id (delta)
        + varint(tiles_up_to(max_zoom))  # run length: the same tile for every id
        + varint(len(tile))  # length
        + varint(0 + 1)  # offset + 1
    )
    metadata = json.dumps({"name": "test", "vector_layers": [{"id": "earth", "fields": {}}]}).encode()
    root_offset = HEADER_LENGTH
    metadata_offset = root_offset + len(directory)
    data_offset = metadata_offset + len(metadata)
    min_lon, min_lat, max_lon, max_lat = bounds
    center_lon, center_lat, center_zoom = center
    header = b"PMTiles" + struct.pack(
        "<BQQQQQQQQQQQBBBBBBiiiiBii",
        3,  # version
        root_offset,
        len(directory),
        metadata_offset,
        len(metadata),
        data_offset + len(tile),  # leaf directories: none
        0,
        data_offset,
        len(tile),
        tiles_up_to(max_zoom),  # addressed tiles
        1,  # tile entries
        1,  # tile contents
        1,  # clustered
        NO_COMPRESSION,  # internal compression
        NO_COMPRESSION,  # tile compression
        MVT,
        0,  # min zoom
        max_zoom,
        int(min_lon * 10_000_000),
        int(min_lat * 10_000_000),
        int(max_lon * 10_000_000),
        int(max_lat * 10_000_000),
        center_zoom,
        int(center_lon * 10_000_000),
        int(center_lat * 10_000_000),
    )
    assert len(header) == HEADER_LENGTH, len(header)
    return header + directory + metadata + tile

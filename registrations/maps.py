"""The network area's map drawn as an inline SVG outline: no tiles, no script, works offline,
and prints in a committee paper."""

import math

from shapely.geometry import shape
from shapely.ops import unary_union


def _polygons(geojson: dict):
    if geojson.get("type") == "FeatureCollection":
        geometries = [f["geometry"] for f in geojson.get("features", []) if f.get("geometry")]
    else:
        geometries = [geojson.get("geometry", geojson)]
    merged = unary_union([shape(g).buffer(0) for g in geometries])
    return list(getattr(merged, "geoms", [merged]))


def area_svg_paths(geojson: dict, width: int = 480, height: int = 320) -> tuple[str, int, int]:
    """An SVG path for the area's outline, fitted into width x height, longitude squeezed by
    the cosine of the latitude so the shape is not stretched. Returns (path, width, height)."""
    polygons = _polygons(geojson)
    min_x, min_y, max_x, max_y = unary_union(polygons).bounds
    squeeze = math.cos(math.radians((min_y + max_y) / 2))
    span_x = max((max_x - min_x) * squeeze, 1e-9)
    span_y = max(max_y - min_y, 1e-9)
    scale = min((width - 20) / span_x, (height - 20) / span_y)

    def point(x, y):
        return f"{10 + (x - min_x) * squeeze * scale:.1f},{10 + (max_y - y) * scale:.1f}"

    rings = []
    for polygon in polygons:
        for ring in (polygon.exterior, *polygon.interiors):
            rings.append("M" + " L".join(point(x, y) for x, y in ring.coords) + " Z")
    return " ".join(rings), width, height

"""The province shapes in ``data/geo/`` (ODbL) and what the map needs from them.

The 25 provincial-level units are keyed by their ISO 3166-2:KH codes, the same codes the
gazetteer gives every place, so the map joins article counts on ``iso``. The files are
read once per process; they never change while the dashboard runs.
"""

from __future__ import annotations

import csv
import functools
import json

from feeds.config import PROJECT_ROOT
from feeds.lexicon import iso_order

GEO_DIR = PROJECT_ROOT / "data" / "geo"  # shipped with the code, not user data
SHAPES = GEO_DIR / "cambodia-provinces.geojson"
CENTROIDS = GEO_DIR / "cambodia-province-centroids.csv"
# data/geo/README.md: this line goes under every map drawn from these files.
ATTRIBUTION = (
    "Province boundaries © OpenStreetMap contributors, via geoBoundaries "
    "(KHM ADM1; Runfola et al. 2020), ODbL 1.0"
)


@functools.cache
def shapes() -> dict:
    """The GeoJSON FeatureCollection (outer rings clockwise, as Altair draws them)."""
    return json.loads(SHAPES.read_text(encoding="utf-8"))


@functools.cache
def province_names() -> dict[str, str]:
    """ISO code -> English name, KH-1 first."""
    names = {f["properties"]["iso"]: f["properties"]["name"] for f in shapes()["features"]}
    return dict(sorted(names.items(), key=lambda kv: iso_order(kv[0])))


@functools.cache
def centroids() -> dict[str, tuple[float, float]]:
    """ISO code -> (lon, lat) of a label point inside the province."""
    with CENTROIDS.open(encoding="utf-8", newline="") as fp:
        return {row["iso"]: (float(row["lon"]), float(row["lat"])) for row in csv.DictReader(fp)}

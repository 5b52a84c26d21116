"""Save collections of an OGC API - Features server with QGIS, headless.

Run by web/qgis_test.go with a python3 that has Debian's python3-qgis:

    python3 qgis_save.py SERVER OUT_DIR DRIVER:COLLECTION...

SERVER is the landing page (http://host:port/ogc); DRIVER is "GPKG" or
"ESRI Shapefile". Each collection is read through QGIS's OAPIF provider,
written with QgsVectorFileWriter, and read back from the file. Prints one
JSON object, by DRIVER:COLLECTION: {"features": n, "values": {property:
number of features with a value}} or {"error": "..."}. Saved fields are
matched to the layer's by position, as the writer keeps their order and a
Shapefile shortens their names.
"""
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (QgsApplication, QgsCoordinateTransformContext,  # noqa: E402
                       QgsVectorFileWriter, QgsVectorLayer)
from qgis.PyQt.QtCore import QVariant  # noqa: E402

EXT = {"GPKG": "gpkg", "ESRI Shapefile": "shp"}


def is_null(v):
    return v is None or (isinstance(v, QVariant) and v.isNull())


def save(server, out_dir, driver, collection):
    layer = QgsVectorLayer(f"url='{server}' typename='{collection}'", collection, "OAPIF")
    if not layer.isValid():
        return {"error": "QGIS cannot open the collection"}
    path = os.path.join(out_dir, f"{collection}.{EXT[driver]}")
    opts = QgsVectorFileWriter.SaveVectorOptions()
    opts.driverName = driver
    opts.fileEncoding = "UTF-8"
    err, msg = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, path, QgsCoordinateTransformContext(), opts)[:2]
    if err != QgsVectorFileWriter.NoError:
        return {"error": msg or f"QgsVectorFileWriter error {err}"}
    saved = QgsVectorLayer(path, collection, "ogr")
    names = [f.name() for f in layer.fields()]
    skip = saved.fields().count() - len(names)  # a GeoPackage's own fid first
    values = dict.fromkeys(names, 0)
    n = 0
    for feature in saved.getFeatures():
        n += 1
        for name, v in zip(names, feature.attributes()[skip:]):
            if not is_null(v):
                values[name] += 1
    return {"features": n, "values": values}


def main():
    server, out_dir, jobs = sys.argv[1], sys.argv[2], sys.argv[3:]
    app = QgsApplication([], False)
    app.initQgis()
    report = {}
    for job in jobs:
        driver, collection = job.split(":", 1)
        report[job] = save(server, out_dir, driver, collection)
    app.exitQgis()
    print(json.dumps(report))


if __name__ == "__main__":
    main()

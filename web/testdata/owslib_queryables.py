# OWSLib reads a collection's queryables and filters items with CQL2:
# python3 owslib_queryables.py URL COLLECTION FILTER prints the queryables
# and the matching features' ids as JSON.
import json
import sys

from owslib.ogcapi.features import Features

url, collection, cql = sys.argv[1:4]
api = Features(url)
q = api.collection_queryables(collection)
items = api.collection_items(collection, filter=cql, limit=1000)
print(json.dumps({"queryables": q, "ids": [f["id"] for f in items["features"]],
                  "matched": items.get("numberMatched")}))

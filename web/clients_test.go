package web_test

import (
	"net/url"
	"testing"
)

// served is what a server serves of one collection: its features' ids and
// properties, in order, from every page, and its JSON Schema's properties.
type served struct {
	ids    []string
	props  []map[string]any
	schema map[string]map[string]any
}

func collectionIDs(t *testing.T, base string) []string {
	t.Helper()
	_, _, v := fetch(t, base+"/ogc/collections")
	var ids []string
	for _, c := range v["collections"].([]any) {
		ids = append(ids, c.(map[string]any)["id"].(string))
	}
	return ids
}

func serve(t *testing.T, base, collection string) served {
	t.Helper()
	var s served
	for next := base + "/ogc/collections/" + url.PathEscape(collection) + "/items?limit=10000"; next != ""; {
		code, _, v := fetch(t, next)
		if code != 200 {
			t.Fatalf("%s: %d %v", next, code, v)
		}
		for _, f := range v["features"].([]any) {
			f := f.(map[string]any)
			s.ids = append(s.ids, f["id"].(string))
			s.props = append(s.props, f["properties"].(map[string]any))
		}
		next = ""
		if l := links(v)["next"]; l != nil {
			next = l["href"].(string)
		}
	}
	_, _, sch := fetch(t, base+"/ogc/collections/"+url.PathEscape(collection)+"/schema")
	s.schema = map[string]map[string]any{}
	for k, p := range sch["properties"].(map[string]any)["properties"].(map[string]any)["properties"].(map[string]any) {
		s.schema[k] = p.(map[string]any)
	}
	return s
}

package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// HTML pages of the OGC API, for people browsing it (f=html, or a browser's
// Accept: text/html). Each links the web map and its JSON alternate.

// wantsHTML reports whether a request asks for HTML: f=html, or no f and an
// Accept header that names text/html and no JSON type (browsers do; GDAL,
// QGIS and fetch() do not).
func wantsHTML(r *http.Request) bool {
	f := r.URL.Query().Get("f")
	if f != "" {
		return f == "html"
	}
	a := r.Header.Get("Accept")
	return strings.Contains(a, "text/html") && !strings.Contains(a, "json")
}

// withF is a URL with its f parameter set to format.
func withF(u *url.URL, base, format string) string {
	q := u.Query()
	q.Set("f", format)
	return base + u.Path + "?" + q.Encode()
}

// htmlPage is what the page template shows: a heading, text, links, and a
// table whose first column may link.
type htmlPage struct {
	Title, Description string
	Links              []Link
	Head               []string
	Rows               []htmlRow
	JSON, Map          string
}

type htmlRow struct {
	Href  string
	Cells []string
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · planmap</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em}
table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.2em .6em;text-align:left;vertical-align:top}
nav a{margin-right:1em}</style></head><body>
<nav><a href="{{.Map}}">Map 地图</a><a href="{{.JSON}}">JSON</a></nav>
<h1>{{.Title}}</h1>{{if .Description}}<p>{{.Description}}</p>{{end}}
{{if .Links}}<ul>{{range .Links}}<li><a href="{{.Href}}">{{if .Title}}{{.Title}}{{else}}{{.Rel}}{{end}}</a> <small>({{.Rel}}{{if .Type}}, {{.Type}}{{end}})</small></li>{{end}}</ul>{{end}}
{{if .Head}}<table><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr>
{{range $row := .Rows}}<tr>{{range $i, $c := $row.Cells}}<td>{{if and (eq $i 0) $row.Href}}<a href="{{$row.Href}}">{{$c}}</a>{{else}}{{$c}}{{end}}</td>{{end}}</tr>
{{end}}</table>{{end}}
</body></html>
`))

// writeHTML renders a page; a row's first cell links to its Href.
func writeHTML(w http.ResponseWriter, r *http.Request, p htmlPage) error {
	p.JSON = withF(r.URL, baseURL(r), "json")
	p.Map = baseURL(r) + "/"
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, p); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b.Bytes())
	}
	return nil
}

// htmlLinks are a resource's links with its HTML self link for the JSON one.
func htmlLinks(links []Link) []Link {
	out := make([]Link, 0, len(links))
	for _, l := range links {
		if l.Rel != "self" && l.Rel != "alternate" {
			out = append(out, l)
		}
	}
	return out
}

// propertyRows lists a feature's properties as rows, sorted by name.
func propertyRows(props map[string]any) []htmlRow {
	names := make([]string, 0, len(props))
	for k := range props {
		names = append(names, k)
	}
	sort.Strings(names)
	rows := make([]htmlRow, len(names))
	for i, k := range names {
		v := props[k]
		s := ""
		if v != nil {
			s = fmt.Sprint(v)
		}
		rows[i] = htmlRow{Cells: []string{k, s}}
	}
	return rows
}

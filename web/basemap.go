package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Basemap is a map the web page draws beneath the plan's layers, above its
// own offline base map (which shows through wherever the basemap's tiles do
// not load): raster tiles from XYZ templates, or a MapLibre style. planmap
// itself never fetches it; the reader's browser does.
type Basemap struct {
	Name string `json:"name"` // the preset, "raster" or "style"
	// Raster holds the raster layers, bottom first; each lists its tile URL
	// templates, which the browser takes in turn.
	Raster      [][]string `json:"raster,omitempty"`
	Style       string     `json:"style,omitempty"` // a MapLibre style URL
	TileSize    int        `json:"tile_size,omitempty"`
	MaxZoom     int        `json:"maxzoom,omitempty"`
	Attribution string     `json:"attribution"` // shown in the map's credits, as text
	warnings    []string   // for the operator's log
}

// Warnings say what the operator should add to the configuration.
func (b *Basemap) Warnings() []string {
	if b == nil {
		return nil
	}
	return b.warnings
}

// TiandituKeyEnv is where a Tianditu preset reads its key: it ends up in the
// tile URLs the browser requests (Tianditu's browser keys are bound to the
// site's domain), but planmap never logs it.
const TiandituKeyEnv = "PLANMAP_TIANDITU_KEY"

// tiandituCredit is the credit of the Tianditu presets. Tianditu's terms ask a
// site to show the map's approval number (审图号) with it; planmap does not
// carry one it could not confirm from Tianditu's own documentation, so the
// operator adds it with --basemap-attribution (see README).
const tiandituCredit = "天地图 Tianditu · 国家地理信息公共服务平台"

// tiandituLayers are the presets' layers: the map and its Chinese labels, in
// Web Mercator (TILEMATRIXSET=w). Tianditu's CGCS2000 coordinates agree with
// WGS84 to centimetres, so planmap's data lies on it without any offset.
var tiandituLayers = map[string][]string{"tianditu-vec": {"vec", "cva"}, "tianditu-img": {"img", "cia"}}

var (
	tiandituKey = regexp.MustCompile(`^[0-9A-Za-z]{8,64}$`)
	// subdomains is a template's {a-c} or {0-7}: one URL per letter or digit.
	subdomains = regexp.MustCompile(`\{([a-z0-9])-([a-z0-9])\}`)
)

// ParseBasemap reads the --basemap setting: "" or "none" for none, a preset
// (tianditu-vec, tianditu-img), an XYZ template with {z}, {x} and {y}, or a
// style URL. attribution replaces the preset's credit when given; getenv
// reads the Tianditu key.
func ParseBasemap(spec, attribution string, getenv func(string) string) (*Basemap, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" || spec == "none" {
		return nil, nil
	}
	if layers, ok := tiandituLayers[spec]; ok {
		key := getenv(TiandituKeyEnv)
		if key == "" {
			return nil, fmt.Errorf("--basemap %s needs a Tianditu key in %s", spec, TiandituKeyEnv)
		}
		if !tiandituKey.MatchString(key) {
			return nil, fmt.Errorf("--basemap %s: %s is not a Tianditu key (8–64 letters and digits)", spec, TiandituKeyEnv)
		}
		b := &Basemap{Name: spec, TileSize: 256, MaxZoom: 18, Attribution: tiandituCredit}
		for _, l := range layers {
			var urls []string
			for i := 0; i < 8; i++ {
				urls = append(urls, fmt.Sprintf("https://t%d.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"+
					"&LAYER=%s&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=%s", i, l, l, key))
			}
			b.Raster = append(b.Raster, urls)
		}
		if attribution != "" {
			b.Attribution = attribution
		}
		if !strings.Contains(b.Attribution, "审图号") {
			b.warnings = append(b.warnings, "Tianditu's map should be credited with its 审图号: add it with --basemap-attribution (env PLANMAP_BASEMAP_ATTRIBUTION)")
		}
		return b, nil
	}
	urls := expandSubdomains(spec)
	u, err := url.Parse(urls[0])
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("--basemap %q: want none, tianditu-vec, tianditu-img, an http(s) XYZ template with {z}, {x} and {y}, or a MapLibre style URL", spec)
	}
	b := &Basemap{Attribution: attribution}
	if attribution == "" {
		b.warnings = append(b.warnings, "the basemap is credited to no one: set --basemap-attribution (env PLANMAP_BASEMAP_ATTRIBUTION)")
	}
	if !strings.Contains(spec, "{") {
		b.Name, b.Style = "style", spec
		return b, nil
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(spec, p) {
			return nil, fmt.Errorf("--basemap %q: an XYZ template needs {z}, {x} and {y}; it has no %s", spec, p)
		}
	}
	b.Name, b.TileSize, b.MaxZoom = "raster", 256, 19
	b.Raster = [][]string{urls}
	return b, nil
}

// expandSubdomains turns a template's {a-c} into one URL per subdomain.
func expandSubdomains(tmpl string) []string {
	m := subdomains.FindStringSubmatchIndex(tmpl)
	if m == nil {
		return []string{tmpl}
	}
	var out []string
	for c := tmpl[m[2]]; c <= tmpl[m[4]]; c++ {
		out = append(out, tmpl[:m[0]]+string(c)+tmpl[m[1]:])
	}
	return out
}

// Describe names the basemap for the log, without its URLs (they may hold a key).
func (b *Basemap) Describe() string {
	if b == nil {
		return "none (offline base map only)"
	}
	hosts := strings.Join(b.origins(), " ")
	return b.Name + " from " + hosts
}

// origins are the scheme and host of everything the page loads for the
// basemap. A style may name tiles, sprites and fonts on any host, so it
// opens https: as a whole.
func (b *Basemap) origins() []string {
	if b == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	add := func(raw string) {
		if u, err := url.Parse(raw); err == nil && !seen[u.Scheme+"://"+u.Host] {
			seen[u.Scheme+"://"+u.Host] = true
			out = append(out, u.Scheme+"://"+u.Host)
		}
	}
	for _, l := range b.Raster {
		for _, t := range l {
			add(t)
		}
	}
	if b.Style != "" {
		add(b.Style)
		out = append(out, "https:")
	}
	return out
}

// pageCSP is the web page's Content-Security-Policy: it loads from this
// server only, and from the basemap's hosts when one is configured.
func pageCSP(b *Basemap) string {
	extra := ""
	if o := b.origins(); len(o) > 0 {
		extra = " " + strings.Join(o, " ")
	}
	return "default-src 'self'; img-src 'self' data: blob:" + extra + "; worker-src 'self' blob:; child-src 'self' blob:; " +
		"style-src 'self' 'unsafe-inline'; connect-src 'self'" + extra
}

// basemap tells the web page which basemap to draw: {"basemap": null} when
// none is configured, and the page then makes no request elsewhere.
func (s *Server) basemap(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-cache")
	return writeJSON(w, r, http.StatusOK, typeJSON, map[string]any{"basemap": s.opts.Basemap})
}

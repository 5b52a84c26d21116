package web

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"golang.org/x/image/vector"

	"planmap/geo"
)

// Map tiles are drawn from the vector tile of the same tile: its features
// are already clipped, simplified and thinned for the zoom, in tile
// coordinates. Each layer is drawn in its style's colour (a feature's own
// "color", as metro lines have, before it), as the web map draws it in
// outline: areas filled faintly and outlined, lines stroked, points as dots.
// The background stays transparent, for a client to lay the tiles over a
// base map.

// mapTileSize is the width and height of a map tile in pixels.
const mapTileSize = 256

// Widths in pixels of a 256-pixel tile.
const (
	outlineWidth = 1.2
	lineWidth    = 2
	dotRadius    = 3.5
	dotRim       = 1.2
	areaAlpha    = 64 // a quarter opaque
)

// emptyPNG is the tile with nothing on it, fully transparent.
var emptyPNG = encodePNG(image.NewNRGBA(image.Rect(0, 0, mapTileSize, mapTileSize)))

// renderTile draws a gzipped vector tile as a PNG map tile; each MVT layer
// takes its style from the plan layer of its name, and is drawn only if the
// tileset has that layer.
func renderTile(gz []byte, layers []geo.Layer) ([]byte, error) {
	if len(gz) == 0 {
		return emptyPNG, nil
	}
	ls, err := mvt.UnmarshalGzipped(gz)
	if err != nil {
		return nil, err
	}
	style := make(map[string]geo.Layer, len(layers))
	for _, l := range layers {
		style[l.ID] = l
	}
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, mapTileSize, mapTileSize))}
	for _, l := range ls {
		if pl, ok := style[l.Name]; ok {
			c.layer(l, pl)
		}
	}
	return encodePNG(c.img), nil
}

func encodePNG(img image.Image) []byte {
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, img); err != nil {
		panic("web: PNG of an in-memory image: " + err.Error()) // cannot fail writing to a buffer
	}
	return b.Bytes()
}

// canvas draws onto a tile through one rasteriser, which each paint reuses.
type canvas struct {
	img *image.RGBA
	z   vector.Rasterizer
}

// paint draws the shapes add adds as one antialiased mask in one colour, so
// shapes of a layer that overlap do not darken each other.
func (c *canvas) paint(col color.Color, add func(z *vector.Rasterizer)) {
	c.z.Reset(mapTileSize, mapTileSize)
	add(&c.z)
	c.z.Draw(c.img, c.img.Bounds(), image.NewUniform(col), image.Point{})
}

// layer draws one MVT layer: fills first, then strokes, then dots, each
// colour of the layer at a time, and only what it has (a paint costs a pass
// over the whole tile).
func (c *canvas) layer(l *mvt.Layer, pl geo.Layer) {
	scale := float32(mapTileSize) / float32(l.Extent)
	type shapes struct{ areas, lines, points []orb.Geometry }
	byColor := map[color.NRGBA]*shapes{}
	var order []color.NRGBA
	for _, f := range l.Features {
		col := parseColor(pl.Style.Color)
		if s, ok := f.Properties["color"].(string); ok {
			col = parseColor(s)
		}
		sh := byColor[col]
		if sh == nil {
			sh = &shapes{}
			byColor[col] = sh
			order = append(order, col)
		}
		switch f.Geometry.Dimensions() {
		case 2:
			sh.areas = append(sh.areas, f.Geometry)
		case 1:
			sh.lines = append(sh.lines, f.Geometry)
		case 0:
			sh.points = append(sh.points, f.Geometry)
		}
	}
	for _, col := range order {
		sh := byColor[col]
		// The base map's areas (districts) would veil the whole plan: outlines only.
		if len(sh.areas) > 0 && !pl.Base {
			faint := col
			faint.A = areaAlpha
			c.paint(faint, func(z *vector.Rasterizer) { eachRing(sh.areas, scale, func(r []pt) { ring(z, r) }) })
		}
		if len(sh.areas)+len(sh.lines) > 0 {
			c.paint(col, func(z *vector.Rasterizer) {
				eachRing(sh.areas, scale, func(r []pt) { stroke(z, append(r, r[0]), outlineWidth/2) })
				eachLine(sh.lines, scale, func(l []pt) { stroke(z, l, lineWidth/2) })
			})
		}
		if len(sh.points) > 0 {
			white := color.NRGBA{255, 255, 255, 255}
			c.paint(white, func(z *vector.Rasterizer) { eachPoint(sh.points, scale, func(p pt) { disc(z, p, dotRadius+dotRim) }) })
			c.paint(col, func(z *vector.Rasterizer) { eachPoint(sh.points, scale, func(p pt) { disc(z, p, dotRadius) }) })
		}
	}
}

// parseColor reads #rrggbb; anything else is the web map's fallback grey.
func parseColor(s string) color.NRGBA {
	if len(s) == 7 && s[0] == '#' {
		if v, err := strconv.ParseUint(s[1:], 16, 32); err == nil {
			return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
		}
	}
	return color.NRGBA{0x55, 0x55, 0x55, 255}
}

// pt is a point in tile pixels.
type pt struct{ x, y float32 }

func toPts(ls []orb.Point, scale float32) []pt {
	out := make([]pt, len(ls))
	for i, p := range ls {
		out[i] = pt{float32(p[0]) * scale, float32(p[1]) * scale}
	}
	return out
}

func eachRing(gs []orb.Geometry, scale float32, fn func([]pt)) {
	for _, g := range gs {
		var polys orb.MultiPolygon
		switch g := g.(type) {
		case orb.Polygon:
			polys = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			polys = g
		}
		for _, p := range polys {
			for _, r := range p {
				if len(r) > 2 {
					fn(toPts(r, scale))
				}
			}
		}
	}
}

func eachLine(gs []orb.Geometry, scale float32, fn func([]pt)) {
	for _, g := range gs {
		switch g := g.(type) {
		case orb.LineString:
			fn(toPts(g, scale))
		case orb.MultiLineString:
			for _, l := range g {
				fn(toPts(l, scale))
			}
		}
	}
}

func eachPoint(gs []orb.Geometry, scale float32, fn func(pt)) {
	for _, g := range gs {
		switch g := g.(type) {
		case orb.Point:
			fn(toPts([]orb.Point{g}, scale)[0])
		case orb.MultiPoint:
			for _, p := range toPts(g, scale) {
				fn(p)
			}
		}
	}
}

// ring adds a closed ring; the rasteriser fills by winding, so a hole,
// wound the other way (MVT), stays empty.
func ring(z *vector.Rasterizer, r []pt) {
	z.MoveTo(r[0].x, r[0].y)
	for _, p := range r[1:] {
		z.LineTo(p.x, p.y)
	}
	z.ClosePath()
}

// stroke adds a line of half-width h: a quad along each segment and a
// disc at each vertex for round joins and caps. Quads and discs are all
// wound the same way, so where they overlap they add up, never cancel.
func stroke(z *vector.Rasterizer, l []pt, h float32) {
	for i, a := range l {
		disc(z, a, h)
		if i == 0 {
			continue
		}
		b := l[i-1]
		dx, dy := a.x-b.x, a.y-b.y
		n := float32(math.Hypot(float64(dx), float64(dy)))
		if n == 0 {
			continue
		}
		nx, ny := -dy/n*h, dx/n*h
		ring(z, []pt{{b.x + nx, b.y + ny}, {a.x + nx, a.y + ny}, {a.x - nx, a.y - ny}, {b.x - nx, b.y - ny}})
	}
}

// disc adds a circle as a 16-gon, wound as stroke's quads are.
func disc(z *vector.Rasterizer, c pt, r float32) {
	const n = 16
	var p [n]pt
	for i := range p {
		s, co := math.Sincos(2 * math.Pi * float64(i) / n)
		p[i] = pt{c.x + r*float32(co), c.y - r*float32(s)}
	}
	ring(z, p[:])
}

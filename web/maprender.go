package web

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
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
	haloWidth    = lineWidth * 4
	haloRadius   = 9  // the web map's 18 at its 512-pixel tiles
	haloAlpha    = 48 // about the web map's 0.16-0.2
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

// look is how a feature is drawn besides its colour, as the web map draws
// it, so that a map tile never shows a sketch as surer than its source: a
// shape that is only indicative, or stands for its district, faint, dashed
// and with a halo; a line not built yet dashed, as the layer's own style
// may dash it.
type look struct {
	col    color.NRGBA
	approx bool       // accuracy indicative or district
	dash   [2]float32 // a line's dash and gap in line widths; zero: solid
	mark   mark       // an area's status, marked over its fill
}

// mark is the web map's pattern over an area that is not there yet:
// diagonal hatching where it is planned, dots where it is being built.
type mark uint8

const (
	noMark mark = iota
	hatchMark
	dotMark
)

func lookOf(f *geojson.Feature, pl geo.Layer) look {
	lk := look{col: parseColor(pl.Style.Color)}
	if s, ok := f.Properties["color"].(string); ok {
		lk.col = parseColor(s)
	}
	acc, _ := f.Properties["accuracy"].(string)
	lk.approx = acc == geo.AccuracyIndicative || acc == geo.AccuracyDistrict
	switch status, _ := f.Properties["status"].(string); status {
	case geo.StatusPlanned:
		lk.mark, lk.dash = hatchMark, [2]float32{2, 1.5}
	case geo.StatusUnderConstruction:
		lk.mark, lk.dash = dotMark, [2]float32{4, 1.5}
	}
	if pl.Style.Dashed {
		lk.dash = [2]float32{3, 2}
	}
	return lk
}

// layer draws one MVT layer: fills first, then strokes, then dots, each
// look of the layer at a time, and only what it has (a paint costs a pass
// over the whole tile).
func (c *canvas) layer(l *mvt.Layer, pl geo.Layer) {
	scale := float32(mapTileSize) / float32(l.Extent)
	type shapes struct{ areas, lines, points []orb.Geometry }
	byLook := map[look]*shapes{}
	var order []look
	for _, f := range l.Features {
		lk := lookOf(f, pl)
		sh := byLook[lk]
		if sh == nil {
			sh = &shapes{}
			byLook[lk] = sh
			order = append(order, lk)
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
	for _, lk := range order {
		sh := byLook[lk]
		// The base map's areas (districts) would veil the whole plan: outlines only.
		if len(sh.areas) > 0 && !pl.Base {
			c.paint(alpha(lk.col, areaAlpha, lk.approx), func(z *vector.Rasterizer) { eachRing(sh.areas, scale, func(r []pt) { ring(z, r) }) })
			if lk.mark != noMark {
				c.pattern(sh.areas, scale, lk.mark)
			}
		}
		if lk.approx && len(sh.lines) > 0 { // the web map's halo of an approximate line
			c.paint(alpha(lk.col, haloAlpha, false), func(z *vector.Rasterizer) {
				eachLine(sh.lines, scale, func(l []pt) { stroke(z, l, haloWidth/2, true) })
			})
		}
		if len(sh.areas)+len(sh.lines) > 0 {
			outline := [2]float32{}
			if lk.approx || pl.Style.Dashed {
				outline = [2]float32{3, 2}
			}
			c.paint(alpha(lk.col, 255, lk.approx), func(z *vector.Rasterizer) {
				eachRing(sh.areas, scale, func(r []pt) { dashed(z, append(r, r[0]), outlineWidth, outline) })
				eachLine(sh.lines, scale, func(l []pt) { dashed(z, l, lineWidth, lk.dash) })
			})
		}
		if len(sh.points) > 0 {
			if lk.approx {
				c.paint(alpha(lk.col, haloAlpha, false), func(z *vector.Rasterizer) { eachPoint(sh.points, scale, func(p pt) { disc(z, p, haloRadius) }) })
			}
			white := color.NRGBA{255, 255, 255, 255}
			c.paint(white, func(z *vector.Rasterizer) { eachPoint(sh.points, scale, func(p pt) { disc(z, p, dotRadius+dotRim) }) })
			c.paint(lk.col, func(z *vector.Rasterizer) { eachPoint(sh.points, scale, func(p pt) { disc(z, p, dotRadius) }) })
		}
	}
}

// markGrey and markStep are the web map's status patterns: grey, a line or
// a dot every 8 pixels.
var markGrey = color.NRGBA{60, 60, 60, 140}

const markStep = 8

// pattern draws an area's status mark over its fill, inside the areas only.
func (c *canvas) pattern(areas []orb.Geometry, scale float32, m mark) {
	inside := c.mask(func(z *vector.Rasterizer) { eachRing(areas, scale, func(r []pt) { ring(z, r) }) })
	marks := c.mask(func(z *vector.Rasterizer) {
		for o := float32(-mapTileSize); o < mapTileSize; o += markStep {
			if m == hatchMark {
				stroke(z, []pt{{o, mapTileSize}, {o + mapTileSize, 0}}, 0.6, false)
				continue
			}
			for y := float32(markStep / 2); y < mapTileSize; y += markStep {
				if o >= 0 {
					disc(z, pt{o + markStep/2, y}, 1.1)
				}
			}
		}
	})
	for i, a := range inside.Pix {
		marks.Pix[i] = uint8(uint16(marks.Pix[i]) * uint16(a) / 255)
	}
	draw.DrawMask(c.img, c.img.Bounds(), image.NewUniform(markGrey), image.Point{}, marks, image.Point{}, draw.Over)
}

// mask is the coverage of the shapes add adds.
func (c *canvas) mask(add func(z *vector.Rasterizer)) *image.Alpha {
	c.z.Reset(mapTileSize, mapTileSize)
	add(&c.z)
	m := image.NewAlpha(image.Rect(0, 0, mapTileSize, mapTileSize))
	c.z.Draw(m, m.Bounds(), image.Opaque, image.Point{})
	return m
}

// alpha is col at opacity a, halved for a shape that is only approximate.
func alpha(col color.NRGBA, a uint8, approx bool) color.NRGBA {
	if approx {
		a /= 2
	}
	col.A = a
	return col
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

// dashed adds a line of width w, in dashes of dash[0] widths with gaps of
// dash[1] widths along it (solid when dash is zero), as MapLibre measures a
// line-dasharray; dashes end square, as its lines do.
func dashed(z *vector.Rasterizer, l []pt, w float32, dash [2]float32) {
	if dash[0] <= 0 {
		stroke(z, l, w/2, true)
		return
	}
	on, off := dash[0]*w, dash[1]*w
	var cur []pt
	left, drawing := on, true // length left of the current dash or gap
	for i := 1; i < len(l); i++ {
		a, b := l[i-1], l[i]
		seg := float32(math.Hypot(float64(b.x-a.x), float64(b.y-a.y)))
		for at := float32(0); seg > 0 && at < seg; {
			step := min(left, seg-at)
			p := lerp(a, b, (at+step)/seg)
			if drawing {
				if len(cur) == 0 {
					cur = append(cur, lerp(a, b, at/seg))
				}
				cur = append(cur, p)
			}
			at += step
			if left -= step; left <= 0 {
				if drawing && len(cur) > 1 {
					stroke(z, cur, w/2, false)
				}
				cur, drawing, left = nil, !drawing, off
				if drawing {
					left = on
				}
			}
		}
	}
	if len(cur) > 1 {
		stroke(z, cur, w/2, false)
	}
}

func lerp(a, b pt, t float32) pt { return pt{a.x + (b.x-a.x)*t, a.y + (b.y-a.y)*t} }

// stroke adds a line of half-width h: a quad along each segment and a
// disc at each vertex for round joins and caps (butt caps without). Quads and discs are all
// wound the same way, so where they overlap they add up, never cancel.
func stroke(z *vector.Rasterizer, l []pt, h float32, caps bool) {
	for i, a := range l {
		if caps || i > 0 && i < len(l)-1 {
			disc(z, a, h)
		}
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

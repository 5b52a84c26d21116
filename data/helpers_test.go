package data

import (
	"io"
	"os/exec"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

var updatedWant = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

func orbPoint(lon, lat float64) orb.Geometry { return orb.Point{lon, lat} }

func orbLine(pts [][2]float64) orb.Geometry {
	l := orb.LineString{}
	for _, p := range pts {
		l = append(l, orb.Point(p))
	}
	return l
}

func orbPolygon(pts [][2]float64) orb.Geometry {
	r := orb.Ring{}
	for _, p := range pts {
		r = append(r, orb.Point(p))
	}
	return orb.Polygon{r}
}

func goRun(t *testing.T, stdout, stderr io.Writer) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("go", "run", "./data/build", "-check")
	cmd.Dir = ".."
	cmd.Stdout, cmd.Stderr = stdout, stderr
	return cmd
}

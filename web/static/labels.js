// labelPoint returns a point inside a (Multi)Polygon to hang its label on:
// the middle of the widest stretch of the horizontal line through the
// centroid of its largest ring. Good enough for labels; not a pole of
// inaccessibility.
export function labelPoint(geom) {
    const polys = geom.type === 'MultiPolygon' ? geom.coordinates : [geom.coordinates];
    let best = polys[0], bestArea = -1;
    for (const p of polys) {
        const a = Math.abs(ringArea(p[0]));
        if (a > bestArea) { best = p; bestArea = a; }
    }
    const [cx, cy] = centroid(best[0]);
    // Where the line y = cy crosses the polygon's rings (holes included).
    const xs = [];
    for (const ring of best) {
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
            const [x1, y1] = ring[j], [x2, y2] = ring[i];
            if ((y1 > cy) !== (y2 > cy)) xs.push(x1 + (cy - y1) * (x2 - x1) / (y2 - y1));
        }
    }
    xs.sort((a, b) => a - b);
    let mid = cx, width = -1;
    for (let k = 0; k + 1 < xs.length; k += 2) {
        if (xs[k] <= cx && cx <= xs[k + 1]) return [cx, cy]; // the centroid is inside
        if (xs[k + 1] - xs[k] > width) { width = xs[k + 1] - xs[k]; mid = (xs[k] + xs[k + 1]) / 2; }
    }
    return [mid, cy];
}

function ringArea(r) {
    let a = 0;
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) a += (r[j][0] - r[i][0]) * (r[j][1] + r[i][1]);
    return a / 2;
}

function centroid(r) {
    let x = 0, y = 0, a = 0;
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
        const f = r[j][0] * r[i][1] - r[i][0] * r[j][1];
        x += (r[j][0] + r[i][0]) * f; y += (r[j][1] + r[i][1]) * f; a += f;
    }
    if (a === 0) return r[0];
    return [x / (3 * a), y / (3 * a)];
}

// The static edition (planmap export): the web map with no planmap behind
// it, only files on a static host. The exported index.html loads this
// module before app.js (the live server's page never does). It reads
// planmap-static.json, draws the vector tiles from the PMTiles archive
// (window.pmtiles, vendored), and answers the requests app.js and tools.js
// make of the API from the exported files, so the page itself is unchanged.
import * as maplibregl from '/static/vendor/maplibre-gl/maplibre-gl.mjs';

const site = new URL('.', document.baseURI); // the edition's folder, wherever it is published
const realFetch = window.fetch.bind(window);
window.planmapStatic = true; // edit.js offers no sign-in here
const file = (path) => new URL(path, site).href;
const cache = new Map();
const getFile = (path) => {
    if (!cache.has(path)) {
        cache.set(path, realFetch(file(path)).then((r) => {
            if (!r.ok) throw new Error(`${path}: ${r.status}`);
            return r.json();
        }));
    }
    return cache.get(path);
};
const config = getFile('planmap-static.json');

const protocol = new window.pmtiles.Protocol();
maplibregl.addProtocol('pmtiles', protocol.tile);

const json = (body, status = 200) => new Response(JSON.stringify(body),
    {status, headers: {'Content-Type': 'application/json'}});
const notFound = (what) => json({code: 'NotFound', description: `${what} is not in the static edition`}, 404);
const fc = (features, more = {}) => ({type: 'FeatureCollection', features, numberReturned: features.length, ...more});

const layerFile = (id) => getFile(`layers/${id}.geojson`);
const allFeatures = async () => {
    const {layers} = await config;
    return (await Promise.all(layers.map(layerFile))).flatMap((l) => l.features);
};

// The API, answered from files: the paths app.js and tools.js ask for.
const routes = [
    [/^\/ogc\/collections$/, () => getFile('collections.json')],
    [/^\/tiles\/plan\.json$/, async () => {
        const tj = await getFile('plan.json');
        return {...tj, tiles: [`pmtiles://${file((await config).pmtiles)}/{z}/{x}/{y}`]};
    }],
    [/^\/api\/targets$/, () => getFile('targets.json')],
    [/^\/api\/basemap$/, () => getFile('basemap.json')],
    [/^\/ogc\/collections\/([a-z0-9-]+)\/items$/, async ([, id], q) => {
        const {layers} = await config;
        if (!layers.includes(id)) return null;
        let features = (await layerFile(id)).features;
        if (q.has('tile_id')) {
            const ids = await getFile('tile-ids.json');
            const fid = ids[id]?.[q.get('tile_id')];
            features = features.filter((f) => f.id === fid);
        }
        const offset = +(q.get('offset') ?? 0), limit = +(q.get('limit') ?? 100);
        return fc(features.slice(offset, offset + limit), {numberMatched: features.length});
    }],
    [/^\/ogc\/collections\/([a-z0-9-]+)\/items\/([^/]+)$/, async ([, id, fid]) => {
        const {layers} = await config;
        if (!layers.includes(id)) return null;
        return (await layerFile(id)).features.find((f) => f.id === decodeURIComponent(fid)) ?? null;
    }],
    [/^\/api\/search$/, async (_, q) => search(await allFeatures(), q.get('q') ?? '', +(q.get('limit') ?? 10))],
    [/^\/api\/nearby$/, async (_, q) => nearby(await allFeatures(), +q.get('lon'), +q.get('lat'),
        +(q.get('radius') ?? 1000), +(q.get('limit') ?? 100))],
    [/^\/api\/stats$/, async (_, q) => stats(await config, q.get('layers'))],
];

window.fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input.url, location.href);
    if (url.origin === location.origin) {
        for (const [re, answer] of routes) {
            const m = url.pathname.match(re);
            if (!m) continue;
            const body = await answer(m, url.searchParams);
            return body === null ? notFound(url.pathname) : json(body);
        }
    }
    return realFetch(input, init);
};

// Links to the server's files point at their copies in the edition.
const links = [
    [/^\/download\/([a-z0-9-]+)\.geojson$/, (m) => `layers/${m[1]}.geojson`],
    [/^\/download\/([a-z0-9-]+)\.csv$/, (m) => `download/${m[1]}.csv`],
    [/^\/data\/SOURCES\.md$/, () => 'data/SOURCES.md'],
    [/^\/plan$/, () => 'plan.html'],
    [/^\/ogc\/?$/, () => 'collections.json'],
];
document.addEventListener('click', (e) => {
    const a = e.target.closest?.('a[href^="/"]');
    if (!a) return;
    const u = new URL(a.href);
    for (const [re, to] of links) {
        const m = u.pathname.match(re);
        if (m) { a.href = file(to(m)) + u.hash; return; }
    }
}, true);

// search: exact names first, then names that start with the text, then
// names that hold it (as the server orders them), in Chinese or English.
function search(features, text, limit) {
    const t = text.trim().toLowerCase();
    if (!t) return fc([]);
    const rank = (f) => {
        const names = [f.properties.name_zh, f.properties.name_en].filter(Boolean).map((n) => n.toLowerCase());
        if (names.some((n) => n === t)) return 0;
        if (names.some((n) => n.startsWith(t))) return 1;
        if (names.some((n) => n.includes(t))) return 2;
        return 3;
    };
    return fc(features.map((f) => [rank(f), f]).filter(([r]) => r < 3).sort((a, b) => a[0] - b[0])
        .slice(0, limit).map(([, f]) => f));
}

// nearby: features within radius metres of a point, nearest first: the
// distance to the nearest vertex or edge, 0 inside an area (on a local plane,
// which is close enough within the few kilometres asked for).
function nearby(features, lon, lat, radius, limit) {
    const kx = 111320 * Math.cos(lat * Math.PI / 180), ky = 110540;
    const xy = ([x, y]) => [(x - lon) * kx, (y - lat) * ky];
    const seg = (a, b) => {
        const [ax, ay] = xy(a), [bx, by] = xy(b), dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
        const t = l2 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / l2)) : 0;
        return Math.hypot(ax + t * dx, ay + t * dy);
    };
    const line = (cs) => (cs.length === 1 ? Math.hypot(...xy(cs[0])) : Math.min(...cs.slice(1).map((c, i) => seg(cs[i], c))));
    const inside = (ring) => {
        let at = false;
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
            const [xi, yi] = ring[i], [xj, yj] = ring[j];
            if ((yi > lat) !== (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi) at = !at;
        }
        return at;
    };
    const polygon = (p) => (inside(p[0]) && !p.slice(1).some(inside) ? 0 : Math.min(...p.map(line)));
    const dist = (g) => {
        switch (g?.type) {
        case 'Point': return line([g.coordinates]);
        case 'MultiPoint': case 'LineString': return line(g.coordinates);
        case 'MultiLineString': return Math.min(...g.coordinates.map(line));
        case 'Polygon': return polygon(g.coordinates);
        case 'MultiPolygon': return Math.min(...g.coordinates.map(polygon));
        case 'GeometryCollection': return Math.min(...g.geometries.map(dist));
        default: return Infinity;
        }
    };
    const hits = features.map((f) => [dist(f.geometry), f]).filter(([d]) => d <= radius).sort((a, b) => a[0] - b[0]);
    return fc(hits.slice(0, limit).map(([d, f]) => ({...f, properties: {...f.properties, distance_m: Math.round(d * 10) / 10,
        inside: d === 0, scope: (f.properties.uncertainty_m ?? 0) > radius / 10 ? 'approximate' : 'here'}})),
    {numberMatched: hits.length});
}

// stats: the layers' features by district and status, counted from the
// files (the timeline's datetime is not applied in the static edition).
async function stats(cfg, layers) {
    const ids = layers ? layers.split(',').filter((id) => cfg.layers.includes(id)) : cfg.layers;
    const counts = new Map(), totals = {};
    let total = 0;
    for (const id of ids) {
        for (const f of (await layerFile(id)).features) {
            const key = JSON.stringify([id, f.properties.district ?? null, f.properties.status]);
            counts.set(key, (counts.get(key) ?? 0) + 1);
            totals[id] = (totals[id] ?? 0) + 1;
            total++;
        }
    }
    return {counts: [...counts].map(([k, count]) => {
        const [layer, district, status] = JSON.parse(k);
        return {layer, district, status, count};
    }), totals, total, statuses: ['existing', 'under_construction', 'planned', 'expansion', 'upgrade'], districts_en: {}};
}

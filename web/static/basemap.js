// The base map beneath the plan: planmap's own offline base layers (districts,
// rivers, lakes, OpenStreetMap roads and rail stations, all from planmap's
// tiles), and above them the basemap the server may be configured with
// (--basemap: raster tiles or a MapLibre style), which hides the offline base
// where its tiles load and lets it show through where they do not.
// Without a configured basemap nothing here asks any other host.

const FONT = ['Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', 'sans-serif'];
const en = ['==', ['global-state', 'lang'], 'en'];
// Names in the map's language; OpenStreetMap gives the roads and stations Chinese names only.
const name = ['case', ['all', en, ['!=', ['coalesce', ['get', 'name_en'], ''], '']],
    ['get', 'name_en'], ['coalesce', ['get', 'name_zh'], ['get', 'name_en']]];
const UNNAMED = '无名道路'; // the builder's name for OSM ways without one (data/build/basemap.go)

// Road classes, widest first: width in pixels at z11 and z16, and the zoom
// their names appear from. Links (ramps) are drawn as their road, thinner.
const ROADS = [
    {cls: ['trunk'], w: [1.6, 12], label: 13},
    {cls: ['primary'], w: [1.2, 10], label: 13},
    {cls: ['secondary'], w: [0.6, 8], label: 14, minzoom: 12},
    {cls: ['tertiary'], w: [0.4, 6], label: 14, minzoom: 13},
    {cls: ['trunk_link', 'primary_link', 'secondary_link'], w: [0.4, 5], minzoom: 13},
];

const kindIn = (cls) => ['in', ['get', 'kind'], ['literal', cls.map((c) => `road_${c}`)]];
const width = ([a, b], extra = 0) => ['interpolate', ['exponential', 1.5], ['zoom'], 11, a + extra, 16, b + extra];

// offlineLayers returns the MapLibre layers of one base layer l; src gives
// its source ({source, 'source-layer'}), on shows it.
function offlineLayers(l, src, on) {
    const id = l.id, out = [];
    const add = (part, spec) => out.push({id: `${id}:${part}`, ...src, metadata: {'planmap:layer': id},
        ...(l.style?.minzoom ? {minzoom: l.style.minzoom} : {}), ...spec,
        layout: {...spec.layout, visibility: on ? 'visible' : 'none'}});
    const text = (layout, paint) => ({type: 'symbol',
        layout: {'text-field': name, 'text-font': FONT, 'text-size': 12, 'text-max-width': 8, ...layout},
        paint: {'text-color': '#6b645a', 'text-halo-color': '#fff', 'text-halo-width': 1.5, ...paint}});
    switch (id) {
    case 'districts':
        add('fill', {type: 'fill', paint: {'fill-color': '#f7f4ee'}});
        add('line', {type: 'line', paint: {'line-color': '#9a948a', 'line-dasharray': [3, 2],
            'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.8, 14, 1.6]}});
        break;
    case 'rivers':
        // Natural Earth centrelines: coarse, so drawn wide and soft.
        add('line', {type: 'line', layout: {'line-join': 'round', 'line-cap': 'round'}, paint: {'line-color': '#a9cde6',
            'line-width': ['interpolate', ['exponential', 1.6], ['zoom'], 7, 2, 10, 6, 13, 24, 16, 80]}});
        break;
    case 'base-roads':
        // Casings of every class under the fills, so crossings read as joined.
        for (const [i, r] of ROADS.entries()) {
            add(`casing-${i}`, {type: 'line', filter: kindIn(r.cls), ...(r.minzoom ? {minzoom: r.minzoom} : {}),
                layout: {'line-join': 'round', 'line-cap': 'round'},
                paint: {'line-color': '#9c9488', 'line-width': width(r.w, 1.2)}});
        }
        for (const [i, r] of [...ROADS.entries()].reverse()) {
            add(`fill-${i}`, {type: 'line', filter: kindIn(r.cls), minzoom: Math.max(r.minzoom ?? 0, 12),
                layout: {'line-join': 'round', 'line-cap': 'round'},
                paint: {'line-color': '#ffffff', 'line-width': width(r.w)}});
        }
        break;
    case 'lakes':
        // Wikidata gives the lakes as label points only: a dot, not a shore.
        add('dot', {type: 'circle', paint: {'circle-color': '#a9cde6', 'circle-stroke-color': '#7fb0d3',
            'circle-stroke-width': 1, 'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 5, 13, 14]}});
        break;
    case 'base-rail-stations':
        add('dot', {type: 'circle', filter: ['==', ['get', 'kind'], 'railway_station'], paint: {
            'circle-color': '#fff', 'circle-stroke-color': '#555', 'circle-stroke-width': 2,
            'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 3, 16, 6]}});
        add('tram', {type: 'circle', minzoom: 14, filter: ['==', ['get', 'kind'], 'tram_stop'], paint: {
            'circle-color': '#fff', 'circle-stroke-color': '#888', 'circle-stroke-width': 1.2, 'circle-radius': 3}});
        break;
    default: { // a base layer this module does not know: plain grey
        const type = {Point: 'circle', Polygon: 'fill'}[kindOf(l)] ?? 'line';
        add('any', {type, paint: {[`${type}-color`]: '#bbb'}});
    }
    }
    // Labels of the base, in the same order, beneath the plan's layers.
    switch (id) {
    case 'districts':
        add('label', text({'text-size': 13, 'text-letter-spacing': 0.2}, {'text-color': '#8a8478'}));
        out.at(-1).source = 'labels'; // one label per district, at a point inside (app.js fills "labels")
        delete out.at(-1)['source-layer'];
        out.at(-1).filter = ['==', ['get', 'layer'], id];
        break;
    case 'rivers':
        add('label', text({'symbol-placement': 'line', 'symbol-spacing': 400}, {'text-color': '#3d6f94'}));
        break;
    case 'lakes':
        add('label', text({'text-size': 11, 'text-offset': [0, 1.1], 'text-anchor': 'top'}, {'text-color': '#3d6f94'}));
        break;
    case 'base-roads':
        for (const [i, r] of ROADS.entries()) {
            if (!r.label) continue;
            add(`label-${i}`, {...text({'symbol-placement': 'line', 'symbol-spacing': 300, 'text-size':
                ['interpolate', ['linear'], ['zoom'], 13, 11, 16, 13]}), minzoom: r.label,
            filter: ['all', kindIn(r.cls), ['!=', ['get', 'name_zh'], UNNAMED]]});
        }
        break;
    case 'base-rail-stations':
        add('label', {...text({'text-size': 11, 'text-offset': [0, 0.9], 'text-anchor': 'top', 'text-optional': true},
            {'text-color': '#444'}), minzoom: 13, filter: ['any', ['==', ['get', 'kind'], 'railway_station'], ['>=', ['zoom'], 15]]});
        break;
    }
    return out;
}

const kindOf = (l) => l.geometry_type.replace(/^Multi/, '');

// The order the base is drawn in, bottom first; other base layers go last.
const ORDER = ['districts', 'rivers', 'lakes', 'base-roads', 'base-rail-stations'];

// baseLayers returns the style layers of the dataset's base layers (l.base):
// fills and lines first, then their labels, all to go beneath the plan's.
export function baseLayers(layers, {src, visible}) {
    const base = layers.filter((l) => l.base)
        .sort((a, b) => ((ORDER.indexOf(a.id) + 1) || 99) - ((ORDER.indexOf(b.id) + 1) || 99));
    const all = base.flatMap((l) => offlineLayers(l, src(l.id), visible.has(l.id)));
    return [...all.filter((x) => x.type !== 'symbol'), ...all.filter((x) => x.type === 'symbol')];
}

// loadBasemap asks the server which basemap to draw ({"basemap": null}:
// none), and for a style URL fetches the style. It returns {sources,
// layers, sprite, credit}, empty when there is none or it cannot be had.
export async function loadBasemap() {
    const none = {sources: {}, layers: [], credit: null};
    let bm;
    try {
        const r = await fetch('/api/basemap', {headers: {Accept: 'application/json'}});
        bm = r.ok ? (await r.json()).basemap : null;
    } catch {
        return none;
    }
    if (!bm) return none;
    const credit = bm.attribution || null;
    if (bm.raster) {
        const sources = {}, layers = [];
        bm.raster.forEach((tiles, i) => {
            sources[`basemap-${i}`] = {type: 'raster', tiles, tileSize: bm.tile_size || 256, maxzoom: bm.maxzoom || 18};
            layers.push({id: `basemap:${i}`, type: 'raster', source: `basemap-${i}`});
        });
        return {sources, layers, credit};
    }
    try {
        const r = await fetch(bm.style);
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        const st = await r.json();
        // Its sources and layers under names of their own; no "glyphs", so its
        // labels are drawn with the browser's fonts like planmap's.
        const sources = Object.fromEntries(Object.entries(st.sources ?? {}).map(([k, v]) =>
            [`basemap-${k}`, {...v, ...(typeof v.url === 'string' ? {url: new URL(v.url, bm.style).href} : {})}]));
        const layers = (st.layers ?? []).map((l) => ({...l,
            id: `basemap:${l.id}`, ...(l.source ? {source: `basemap-${l.source}`} : {})}));
        return {sources, layers, sprite: st.sprite ? new URL(st.sprite, bm.style).href : undefined, credit};
    } catch (err) {
        console.warn('planmap: the basemap style could not be loaded; drawing the offline base only:', err.message);
        return none;
    }
}

// withBase puts the base beneath the plan in a style whose first layer is
// its background: the offline base, then the configured basemap.
export function withBase(style, {layers, src, visible, basemap}) {
    Object.assign(style.sources, basemap.sources);
    if (basemap.sprite) style.sprite = basemap.sprite;
    style.layers.splice(1, 0, ...baseLayers(layers, {src, visible}), ...basemap.layers);
    return style;
}

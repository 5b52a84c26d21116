// planmap's web map: the plan's layers from planmap's own vector tiles,
// a layer panel, feature details, search, "near me" and the plan's targets.
// Everything it loads comes from this server; nothing from the internet.
import * as maplibregl from '/static/vendor/maplibre-gl/maplibre-gl.mjs';
import {drawIcon, hatchPattern} from '/static/icons.js';
import {labelPoint} from '/static/labels.js';
import {initTools, setToolsLang, toolsBusy} from '/static/tools.js';

// ---------------------------------------------------------------- strings

const I18N = {
    zh: {
        title: '武汉“十四五”规划空间要素',
        searchPlaceholder: '搜索地名，如 阳逻港 / Yangluo',
        layers: '图层', near: '附近', targets: '目标', targetsTitle: '规划目标',
        statusFilter: '规划状态', legend: '图例',
        nearHint: '在地图上点击一个位置，或使用您的位置。',
        useLocation: '使用我的位置', radius: '半径',
        nearCount: (n, r) => `半径 ${r} 内有 ${n} 个规划要素`,
        nearNone: '半径内没有规划要素',
        locating: '正在定位…', locateFailed: '无法获取位置',
        noResults: '没有找到', kind: '类型', status: '状态', district: '行政区',
        planSection: '规划章节', planQuote: '规划原文', planLine: '行', targetsOf: '目标',
        accuracy: '位置精度', source: '来源', permalink: '链接', copyLink: '复制链接', copied: '已复制',
        showOnMap: '在地图上显示', year: '年',
        legendExisting: '现状', legendPlanned: '规划 / 在建', legendApprox: '示意位置（精度有限）',
        legendHatch: '蓄滞洪区', otherLang: 'English', loadFailed: '加载失败：',
        status_existing: '现状', status_under_construction: '在建', status_planned: '规划',
        status_expansion: '扩建', status_upgrade: '改造提升',
        accuracy_surveyed: '实测位置（来自测量数据）',
        accuracy_approximate: '大致位置：一手来源所指地点，误差约2公里以内',
        accuracy_indicative: '示意：按所述规则或描述绘制，形状和位置可能偏差更大',
        accuracy_district: '仅知所在行政区：以行政区范围表示，并非实际范围',
        accuracy_unknown: '未绘制：数据源中没有其位置',
        placement: '绘制方法', evidence: '位置依据',
    },
    en: {
        title: "Wuhan's 14th Five-Year Plan on the map",
        searchPlaceholder: 'Search a place, e.g. Yangluo / 阳逻港',
        layers: 'Layers', near: 'Near me', targets: 'Targets', targetsTitle: 'Plan targets',
        statusFilter: 'Status', legend: 'Legend',
        nearHint: 'Click a point on the map, or use your location.',
        useLocation: 'Use my location', radius: 'Radius',
        nearCount: (n, r) => `${n} plan elements within ${r}`,
        nearNone: 'No plan elements within the radius',
        locating: 'Locating…', locateFailed: 'Could not get your location',
        noResults: 'Nothing found', kind: 'Kind', status: 'Status', district: 'District',
        planSection: 'Plan section', planQuote: "The plan's words", planLine: 'line', targetsOf: 'Targets',
        accuracy: 'Location accuracy', source: 'Source', permalink: 'Link', copyLink: 'Copy link', copied: 'Copied',
        showOnMap: 'Show on map', year: '',
        legendExisting: 'Existing', legendPlanned: 'Planned / under construction',
        legendApprox: 'Schematic position (approximate)', legendHatch: 'Flood-storage basin',
        otherLang: '中文', loadFailed: 'Failed to load: ',
        status_existing: 'Existing', status_under_construction: 'Under construction', status_planned: 'Planned',
        status_expansion: 'Expansion', status_upgrade: 'Upgrade',
        accuracy_surveyed: 'Surveyed: from measured data',
        accuracy_approximate: 'Approximate: a site a primary source names, within about 2 km',
        accuracy_indicative: 'Indicative: drawn by a stated rule or a description; shape and place may be off by more',
        accuracy_district: 'District only: drawn as its district, not its own extent',
        accuracy_unknown: 'Not drawn: no source places it',
        placement: 'How it is drawn', evidence: 'Evidence for the site',
    },
};
const STATUSES = ['existing', 'under_construction', 'planned', 'expansion', 'upgrade'];
const APPROX = ['indicative', 'district']; // accuracies drawn as "approximate"

// kindOf is a layer's geometry kind without Multi: Point, LineString or Polygon.
const kindOf = (l) => l.geometry_type.replace(/^Multi/, '');
const FONT = ['Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', 'sans-serif'];

let lang = 'zh';
const t = (key, ...args) => {
    const v = I18N[lang][key] ?? I18N.zh[key] ?? key;
    return typeof v === 'function' ? v(...args) : v;
};
const $ = (sel) => document.querySelector(sel);
const el = (tag, props = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
        if (k === 'class') e.className = v;
        else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
        else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
    }
    e.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
    return e;
};
const nameOf = (p) => (lang === 'en' ? p.name_en || p.name_zh : p.name_zh || p.name_en) || p.id;
const titleOf = (l) => (lang === 'en' ? l.title_en : l.title_zh);
const km = (m) => (m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(m < 10000 ? 1 : 0)} km`);

async function getJSON(url) {
    const r = await fetch(url, {headers: {Accept: 'application/json'}});
    if (!r.ok) throw new Error(`${url}: ${r.status}`);
    return r.json();
}

// ---------------------------------------------------------------- URL hash
// MapLibre keeps the view in #map=zoom/lat/lon; we add lang= and feature=layer/id.

function hashParams() {
    return new URLSearchParams(location.hash.slice(1));
}
function setHashParam(key, value) {
    const p = hashParams();
    if (value) p.set(key, value); else p.delete(key);
    history.replaceState(history.state, '', '#' + p.toString().replaceAll('%2F', '/'));
}

// ---------------------------------------------------------------- the style
// One MapLibre layer set per planmap layer; ids are "<layer>:<part>" and each
// carries metadata {"planmap:layer": id} so the panel can toggle them together.

const state = {layers: [], byId: {}, tiles: null, visible: new Set(), defaultVisible: new Set(), attribution: null,
    labels: new Map(), selected: null, near: null, nearMode: false,
    styleLoaded: false, pendingState: {}};

// setMapState sets a global-state property of the style (language, statuses),
// once the style has loaded.
function setMapState(key, value) {
    if (state.styleLoaded) window.map.setGlobalStateProperty(key, value);
    else state.pendingState[key] = value;
}

// src returns where a planmap layer's features come from: the vector tiles,
// or, on a server without tiles, the layer's GeoJSON from the OGC API.
function src(id) {
    return state.tiles ? {source: 'plan', 'source-layer': id} : {source: `gj:${id}`};
}

const statusFilter = ['in', ['get', 'status'], ['global-state', 'statuses']];
const approx = ['in', ['get', 'accuracy'], ['literal', APPROX]];
const label = ['case', ['==', ['global-state', 'lang'], 'en'],
    ['coalesce', ['get', 'name_en'], ['get', 'name_zh']],
    ['coalesce', ['get', 'name_zh'], ['get', 'name_en']]];
const dashedIfPlanned = ['match', ['get', 'status'],
    'planned', ['literal', [2, 1.5]], 'under_construction', ['literal', [4, 1.5]], ['literal', [1, 0]]];

// role names what a layer is, so that it can be drawn as a planner expects.
function role(l) {
    const id = l.id, g = kindOf(l);
    if (id === 'districts') return 'districts';
    if (g === 'Polygon') {
        if (l.base && /water|river|lake/.test(id)) return 'water';
        if (/sub-?cent|subcity/.test(id)) return 'subcentre';
        if (/flood-storage|storage-basin|detention/.test(id)) return 'flood';
        if (l.theme === 'ecology' || /green|wedge|park|wetland/.test(id)) return 'green';
        return 'area';
    }
    if (g === 'LineString') {
        if (l.base && /river|water/.test(id)) return 'river';
        if (/metro/.test(id)) return 'metro';
        if (l.theme === 'ecology' || /green/.test(id)) return 'greenline';
        return 'line';
    }
    if (l.base) return 'lake';
    return 'point';
}

// iconOf names the symbol of a point layer (icons.js draws it).
function iconOf(l) {
    const s = `${l.style?.icon ?? ''} ${l.id}`;
    if (/pump/.test(l.id)) return 'pump';
    if (/metro/.test(s)) return 'metro';
    if (/airport/.test(s)) return 'airport';
    if (/harbor|port/.test(s)) return 'port';
    if (/rail|station/.test(s)) return 'rail';
    for (const k of ['dam', 'hospital', 'industry', 'water']) if (s.includes(k)) return k;
    return 'dot';
}

function layersFor(l) {
    const id = l.id;
    const color = l.style?.color || '#555';
    const meta = {'planmap:layer': id};
    const base = {...src(id), metadata: meta};
    if (l.style?.minzoom) base.minzoom = l.style.minzoom;
    const filt = (f) => (l.base ? f : f ? ['all', statusFilter, f] : statusFilter);
    const out = [];
    const add = (part, spec) => {
        const filter = filt(spec.filter);
        const layer = {id: `${id}:${part}`, ...base, ...spec,
            layout: {...spec.layout, visibility: state.visible.has(id) ? 'visible' : 'none'}};
        if (layer.source === 'labels') delete layer['source-layer'];
        if (filter) layer.filter = filter; else delete layer.filter;
        out.push(layer);
    };
    // Areas are labelled once, at a point inside each (labels.js), not once per tile.
    const labelSrc = kindOf(l) === 'Polygon' ? {source: 'labels', filter: ['==', ['get', 'layer'], id]} : {};
    const labels = (extra = {}) => add('label', {
        type: 'symbol', ...labelSrc,
        layout: {'text-field': label, 'text-font': FONT, 'text-size': 12, 'text-max-width': 8, ...extra.layout},
        paint: {'text-color': '#333', 'text-halo-color': '#fff', 'text-halo-width': 1.5, ...extra.paint},
        ...(extra.minzoom && extra.minzoom > (base.minzoom ?? 0) ? {minzoom: extra.minzoom} : {}),
    });
    // Outlines are dashed where the layer says so or the feature's shape is only indicative.
    const outlineDash = l.style?.dashed ? ['literal', [3, 2]] : ['case', approx, ['literal', [3, 2]], ['literal', [1, 0]]];
    const area = (fill, opacity, line, width = 1.2) => {
        add('fill', {type: 'fill', paint: {'fill-color': fill, 'fill-opacity': ['case', approx, opacity * 0.6, opacity]}});
        add('line', {type: 'line', paint: {'line-color': line, 'line-width': width, 'line-dasharray': outlineDash}});
    };
    const lines = (c, width, dash) => {
        // A soft, wide band under indicative lines says "roughly here".
        add('approx', {type: 'line', filter: approx,
            paint: {'line-color': c, 'line-width': width * 3.5, 'line-opacity': 0.16, 'line-blur': 4}});
        add('casing', {type: 'line', layout: {'line-join': 'round'},
            paint: {'line-color': '#fff', 'line-width': width + 2, 'line-opacity': 0.8}});
        add('line', {type: 'line', layout: {'line-join': 'round'},
            paint: {'line-color': c, 'line-width': width, 'line-dasharray': dash}});
    };
    switch (role(l)) {
    case 'districts':
        add('fill', {type: 'fill', paint: {'fill-color': '#f7f4ee'}});
        add('line', {type: 'line', paint: {'line-color': '#9a948a', 'line-width': 0.8, 'line-dasharray': [3, 2]}});
        labels({layout: {'text-size': 13, 'text-letter-spacing': 0.2}, paint: {'text-color': '#8a8478'}});
        break;
    case 'water':
        add('fill', {type: 'fill', paint: {'fill-color': '#b9d7ea'}});
        labels({layout: {'text-size': 11}, paint: {'text-color': '#3d6f94'}, minzoom: 10});
        break;
    case 'river':
        add('line', {type: 'line', layout: {'line-join': 'round', 'line-cap': 'round'}, paint: {'line-color': '#a9cde6',
            'line-width': ['interpolate', ['exponential', 1.6], ['zoom'], 7, 2, 10, 6, 13, 24, 16, 80]}});
        labels({layout: {'symbol-placement': 'line', 'text-size': 12, 'symbol-spacing': 400},
            paint: {'text-color': '#3d6f94'}});
        break;
    case 'lake':
        add('dot', {type: 'circle', paint: {'circle-color': '#a9cde6', 'circle-radius':
            ['interpolate', ['linear'], ['zoom'], 9, 5, 13, 14], 'circle-stroke-color': '#7fb0d3', 'circle-stroke-width': 1}});
        labels({layout: {'text-size': 11, 'text-offset': [0, 1.1], 'text-anchor': 'top'}, paint: {'text-color': '#3d6f94'}});
        break;
    case 'subcentre':
        area(color, 0.24, color, 2);
        labels({layout: {'text-size': 14}, paint: {'text-color': '#8a3d12'}});
        break;
    case 'green':
        area(color, 0.3, '#2e7d32');
        labels({paint: {'text-color': '#1b5e20'}, minzoom: 10});
        break;
    case 'flood':
        add('fill', {type: 'fill', paint: {'fill-pattern': 'hatch-blue', 'fill-opacity': ['case', approx, 0.7, 1]}});
        add('line', {type: 'line', paint: {'line-color': '#1f6fb4', 'line-width': 1.5, 'line-dasharray': outlineDash}});
        labels({paint: {'text-color': '#1f5f9a'}, minzoom: 9});
        break;
    case 'metro':
        // Official line colours; lines not yet open are dashed.
        lines(['coalesce', ['get', 'color'], color], 3, dashedIfPlanned);
        labels({layout: {'symbol-placement': 'line', 'text-size': 11}, minzoom: 11});
        break;
    case 'greenline':
        lines(color, 2, l.style?.dashed ? ['literal', [3, 2]] : dashedIfPlanned);
        labels({layout: {'symbol-placement': 'line', 'text-size': 11}, paint: {'text-color': '#1b5e20'}, minzoom: 11});
        break;
    case 'line':
        lines(color, 2, l.style?.dashed ? ['literal', [3, 2]] : dashedIfPlanned);
        labels({layout: {'symbol-placement': 'line', 'text-size': 11}, minzoom: 11});
        break;
    case 'point': {
        const icon = iconOf(l);
        // A blurred halo under points whose position is only indicative or district-level.
        add('approx', {type: 'circle', filter: approx,
            paint: {'circle-radius': 18, 'circle-color': color, 'circle-opacity': 0.2, 'circle-blur': 0.7}});
        add('icon', {type: 'symbol', layout: {
            'icon-image': ['match', ['get', 'status'], ['planned', 'under_construction'],
                `${icon}:${id}:open`, `${icon}:${id}`],
            'icon-size': icon === 'metro' ? 0.7 : 0.9, 'icon-allow-overlap': true,
            'text-field': label, 'text-font': FONT, 'text-size': 11, 'text-offset': [0, 1.2],
            'text-anchor': 'top', 'text-optional': true, 'text-max-width': 8,
        }, paint: {'text-color': '#222', 'text-halo-color': '#fff', 'text-halo-width': 1.5}});
        break;
    }
    default:
        area(color, 0.16, color);
        labels({minzoom: 10});
    }
    return out;
}

function buildStyle() {
    const sources = {
        hl: {type: 'geojson', data: {type: 'FeatureCollection', features: []}},
        circle: {type: 'geojson', data: {type: 'FeatureCollection', features: []}},
        labels: {type: 'geojson', data: {type: 'FeatureCollection', features: []}},
    };
    if (state.tiles) {
        const tj = state.tiles;
        // No attribution here: it would credit every layer, shown or not (see credits()).
        sources.plan = {type: 'vector', tiles: tj.tiles, minzoom: tj.minzoom ?? 0, maxzoom: tj.maxzoom ?? 14};
        if (tj.bounds) sources.plan.bounds = tj.bounds;
    } else {
        // Filled in by loadGeoJSON: the feature id goes into the properties, as in the tiles.
        for (const l of state.layers) {
            sources[`gj:${l.id}`] = {type: 'geojson', data: {type: 'FeatureCollection', features: []}};
        }
    }
    // The base map first; then areas, lines and points, so nothing hides a symbol.
    const rank = {Polygon: 0, LineString: 1, Point: 2};
    const ordered = [...state.layers].sort((a, b) => (b.base - a.base) || (rank[kindOf(a)] - rank[kindOf(b)]) || (a.order - b.order));
    const layers = [{id: 'background', type: 'background', paint: {'background-color': '#eef2f3'}}];
    const labelLayers = [];
    for (const l of ordered) {
        for (const sl of layersFor(l)) (sl.type === 'symbol' && !sl.id.endsWith(':icon') ? labelLayers : layers).push(sl);
    }
    layers.push(
        {id: 'near-circle', type: 'fill', source: 'circle', paint: {'fill-color': '#ff6f00', 'fill-opacity': 0.06}},
        {id: 'near-circle-line', type: 'line', source: 'circle',
            paint: {'line-color': '#ff6f00', 'line-width': 1.5, 'line-dasharray': [2, 2]}},
        // Highlights: the selected feature in red, filled; the near-me results outlined in orange.
        {id: 'hl-fill', type: 'fill', source: 'hl', filter: ['all', ['==', ['geometry-type'], 'Polygon'], ['get', 'selected']],
            paint: {'fill-color': '#d50000', 'fill-opacity': 0.12}},
        {id: 'hl-line', type: 'line', source: 'hl', filter: ['!=', ['geometry-type'], 'Point'],
            paint: {'line-color': ['case', ['get', 'selected'], '#d50000', '#ff6f00'],
                'line-width': ['case', ['get', 'selected'], 4, ['==', ['geometry-type'], 'Polygon'], 1.5, 4],
                'line-opacity': 0.8}},
        {id: 'hl-point', type: 'circle', source: 'hl', filter: ['==', ['geometry-type'], 'Point'],
            paint: {'circle-radius': 13, 'circle-color': 'rgba(0,0,0,0)',
                'circle-stroke-color': ['case', ['get', 'selected'], '#d50000', '#ff6f00'], 'circle-stroke-width': 3}},
    );
    layers.push(...labelLayers);
    return {
        version: 8,
        // No "glyphs": MapLibre draws every label with the browser's own fonts.
        state: {lang: {default: lang}, statuses: {default: STATUSES}},
        sources, layers,
    };
}

function addImages(map) {
    map.addImage('hatch-blue', hatchPattern('#1f6fb4'), {pixelRatio: 2});
    for (const l of state.layers) {
        if (kindOf(l) !== 'Point' || l.base) continue;
        const icon = iconOf(l), color = l.style?.color || '#555';
        map.addImage(`${icon}:${l.id}`, drawIcon(icon, color, false), {pixelRatio: 2});
        map.addImage(`${icon}:${l.id}:open`, drawIcon(icon, color, true), {pixelRatio: 2});
    }
}

// ---------------------------------------------------------------- start

async function start() {
    lang = hashParams().get('lang') === 'en' ? 'en' : 'zh';
    const [cols, tiles] = await Promise.all([
        getJSON('/ogc/collections'),
        // The tiles are optional: without them the map draws the OGC API's GeoJSON.
        fetch('/tiles/plan.json').then((r) => (r.ok ? r.json() : null)).catch(() => null),
    ]);
    state.layers = cols.collections.map((c) => ({...c, order: c.order ?? 0, style: c.style ?? {}}));
    state.byId = Object.fromEntries(state.layers.map((l) => [l.id, l]));
    state.tiles = tiles;
    state.visible = initialVisible();
    state.defaultVisible = overview();
    if (!tiles) console.info('planmap: no vector tiles on this server; drawing the layers from /ogc GeoJSON');

    const center = [114.34, 30.58]; // the main city, right of the panel
    const map = new maplibregl.Map({
        container: 'map', style: buildStyle(), center, zoom: 10,
        minZoom: 6, maxZoom: 18, hash: 'map', attributionControl: false,
        localIdeographFontFamily: FONT.map((f) => (f === 'sans-serif' ? f : `'${f}'`)).join(', '),
        maxBounds: [[111.5, 28.5], [117.5, 32.5]],
    });
    window.map = map; // for the browser tests and the curious
    map.once('style.load', () => {
        state.styleLoaded = true;
        for (const [k, v] of Object.entries(state.pendingState)) map.setGlobalStateProperty(k, v);
    });
    map.addControl(new maplibregl.NavigationControl({showCompass: false}), 'bottom-right');
    map.addControl(new maplibregl.ScaleControl(), 'bottom-left');
    state.attribution = new maplibregl.AttributionControl({compact: window.innerWidth < 700, customAttribution: credits()});
    map.addControl(state.attribution, 'bottom-right');
    addImages(map);
    if (!tiles) map.once('style.load', () => loadGeoJSON(map));
    map.on('styleimagemissing', (e) => console.warn('missing image', e.id));

    buildLayerPanel(); buildStatusFilter(); buildLegend(); applyLang();
    // On a phone the map comes first: panels open from the tabs, the attribution from its (i).
    if (window.innerWidth < 700) {
        $('#side').hidden = true;
        $('#tabs [data-tab="layers"]').setAttribute('aria-pressed', 'false');
        map.once('load', () => document.querySelector('.maplibregl-ctrl-attrib')?.classList.remove('maplibregl-compact-show'));
    }
    wireUI(map);
    initTools($('#tab-tools'), {map, lang: () => lang, layers: () => state.layers, visible: () => state.visible, tab: $('#tabs [data-tab="tools"]'),
        credits: () => [...new Set(state.layers.filter((l) => state.visible.has(l.id)).flatMap((l) => l.credits ?? []))]});
    map.on('load', async () => {
        const fid = hashParams().get('feature');
        if (fid) openFeature(fid, {fly: true});
        await loadLabels([...state.visible]);
        document.body.dataset.ready = 'true';
    });
}

// loadGeoJSON fills the per-layer GeoJSON sources of a server without tiles.
async function loadGeoJSON(map) {
    await Promise.all(state.layers.map(async (l) => {
        const fc = await getJSON(`/ogc/collections/${l.id}/items?limit=10000`);
        for (const f of fc.features) f.properties.id = f.id;
        map.getSource(`gj:${l.id}`).setData(fc);
    }));
}

// loadLabels fetches the areas of polygon layers once and puts one label
// point per area into the "labels" source.
async function loadLabels(ids) {
    const todo = ids.filter((id) => state.byId[id] && kindOf(state.byId[id]) === 'Polygon' && !state.labels.has(id));
    if (!todo.length) return;
    for (const id of todo) state.labels.set(id, []);
    await Promise.all(todo.map(async (id) => {
        try {
            const fc = await getJSON(`/ogc/collections/${id}/items?limit=10000`);
            state.labels.set(id, fc.features.filter((f) => f.geometry).map((f) => ({type: 'Feature',
                geometry: {type: 'Point', coordinates: labelPoint(f.geometry)},
                properties: {id: f.id, layer: id, name_zh: f.properties.name_zh, name_en: f.properties.name_en,
                    kind: f.properties.kind, status: f.properties.status, accuracy: f.properties.accuracy}})));
        } catch (err) {
            state.labels.delete(id); // try again next time
            console.warn('planmap: no labels for', id, err.message);
        }
    }));
    window.map.getSource('labels').setData({type: 'FeatureCollection', features: [...state.labels.values()].flat()});
}

// ---------------------------------------------------------------- layer panel

function styleLayersOf(id) {
    return window.map.getStyle().layers.filter((l) => l.metadata?.['planmap:layer'] === id).map((l) => l.id);
}

// The layers shown on first load: the base map and the plan's backbone. The
// rest are a click away in the panel; #layers=… in the URL overrides this.
const OVERVIEW = ['main-city', 'sub-centres', 'metro-lines', 'metro-stations', 'railway-stations', 'airports',
    'ports', 'port-areas', 'pump-stations', 'flood-storage-basins', 'ecological-framework', 'east-lake-green-heart'];

function overview() {
    const on = state.layers.filter((l) => l.base || OVERVIEW.includes(l.id));
    // A dataset with none of the overview layers shows everything.
    return new Set((on.some((l) => !l.base) ? on : state.layers).map((l) => l.id));
}

// credits names the sources of the layers on show, each once, in layer order
// (each collection lists its own). MapLibre shows them as HTML: escape them.
function credits() {
    const on = state.layers.filter((l) => state.visible.has(l.id)).flatMap((l) => l.credits ?? []);
    return [...new Set(on)].map((c) => c.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`));
}

function initialVisible() {
    const fromHash = hashParams().get('layers');
    return fromHash === null ? overview() : new Set(fromHash.split(',').filter((id) => state.byId[id]));
}

function setLayerVisible(id, on) {
    if (on) state.visible.add(id); else state.visible.delete(id);
    if (on) loadLabels([id]);
    // The control rereads its options when the style changes, as it is about to.
    state.attribution.options.customAttribution = credits();
    for (const sl of styleLayersOf(id)) window.map.setLayoutProperty(sl, 'visibility', on ? 'visible' : 'none');
    const box = document.querySelector(`input[data-layer="${id}"]`);
    if (box) box.checked = on;
    syncThemeBoxes();
    // The URL names the visible layers only when they differ from the overview.
    const d = state.defaultVisible;
    const same = d.size === state.visible.size && [...d].every((x) => state.visible.has(x));
    setHashParam('layers', same ? null : [...state.visible].join(','));
}

function syncThemeBoxes() {
    for (const box of document.querySelectorAll('input[data-theme]')) {
        const ids = state.layers.filter((l) => l.theme === box.dataset.theme).map((l) => l.id);
        const n = ids.filter((id) => state.visible.has(id)).length;
        box.checked = n === ids.length;
        box.indeterminate = n > 0 && n < ids.length;
        box.closest('details').querySelector('.on').textContent = `${n}/${ids.length}`;
    }
}

function buildLayerPanel() {
    const box = $('#layer-list');
    box.replaceChildren();
    const themes = [...new Set(state.layers.map((l) => l.theme))];
    for (const th of themes) {
        const members = state.layers.filter((x) => x.theme === th).sort((a, b) => a.order - b.order);
        const themeBox = el('input', {type: 'checkbox', 'data-theme': th, 'aria-label': th,
            onchange: (e) => members.forEach((l) => setLayerVisible(l.id, e.target.checked))});
        const group = el('details', {class: 'theme', open: members.some((l) => state.visible.has(l.id))},
            el('summary', {}, themeBox, el('span', {class: 'theme-title', 'data-theme-title': th}),
                el('span', {class: 'on'})));
        for (const l of members) {
            const cb = el('input', {type: 'checkbox', checked: state.visible.has(l.id), 'data-layer': l.id,
                onchange: (e) => setLayerVisible(l.id, e.target.checked)});
            group.append(el('label', {class: 'layer'}, cb, swatch(l),
                el('span', {class: 'name', 'data-layer-title': l.id}),
                el('span', {class: 'count'}, String(l.feature_count ?? ''))));
        }
        box.append(group);
    }
    syncThemeBoxes();
}

function swatch(l) {
    const color = l.style?.color || '#555';
    if (kindOf(l) === 'Point' && !l.base) return badge(color, false, iconOf(l));
    const r = role(l);
    const s = el('span', {class: `swatch ${r}${l.style?.dashed ? ' dashed' : ''}`, 'aria-hidden': 'true'});
    s.style.setProperty('--c', ['water', 'river', 'lake'].includes(r) ? '#a9cde6' : color);
    return s;
}

function buildStatusFilter() {
    const box = $('#statuses');
    for (const s of STATUSES) {
        box.append(el('label', {class: 'status'}, el('input', {type: 'checkbox', checked: true, value: s,
            onchange: () => {
                const on = [...box.querySelectorAll('input:checked')].map((i) => i.value);
                setMapState('statuses', on);
            }}), el('span', {'data-i18n': `status_${s}`})));
    }
}

// badge is a point symbol as an <img>-like swatch, for the panel and legend.
function badge(color, open, icon = 'dot') {
    const img = drawIcon(icon, color, open);
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    c.getContext('2d').putImageData(img, 0, 0);
    const s = el('span', {class: 'swatch point', 'aria-hidden': 'true'});
    s.style.backgroundImage = `url(${c.toDataURL()})`;
    return s;
}

function buildLegend() {
    const line = (cls) => el('span', {class: `swatch ${cls}`, 'aria-hidden': 'true'});
    $('#legend-body').replaceChildren(
        el('div', {}, line('legend-solid'), badge('#1565c0', false), el('span', {'data-i18n': 'legendExisting'})),
        el('div', {}, line('legend-dashed'), badge('#1565c0', true), el('span', {'data-i18n': 'legendPlanned'})),
        el('div', {}, line('legend-approx'), el('span', {'data-i18n': 'legendApprox'})),
        el('div', {}, line('flood'), el('span', {'data-i18n': 'legendHatch'})),
    );
}

// ---------------------------------------------------------------- language

function applyLang() {
    document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
    document.title = `${t('title')} · planmap`;
    for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
    for (const e of document.querySelectorAll('[data-i18n-placeholder]')) e.placeholder = t(e.dataset.i18nPlaceholder);
    for (const e of document.querySelectorAll('[data-layer-title]')) e.textContent = titleOf(state.byId[e.dataset.layerTitle]);
    for (const e of document.querySelectorAll('[data-theme-title]')) e.textContent = themeTitle(e.dataset.themeTitle);
    const b = $('#lang');
    b.textContent = t('otherLang');
    b.lang = lang === 'en' ? 'zh-CN' : 'en';
    if (window.map) setMapState('lang', lang);
}

const THEMES = {
    base: ['底图', 'Base map'], structure: ['空间结构', 'Spatial structure'], transport: ['综合交通', 'Transport'],
    water: ['水安全', 'Water'], ecology: ['生态', 'Ecology'], energy: ['能源', 'Energy'],
    utilities: ['市政设施', 'Urban utilities'], innovation: ['科技创新与产业', 'Innovation and industry'],
    services: ['公共服务', 'Public services'], commerce: ['商贸物流', 'Commerce and logistics'],
};
const themeTitle = (id) => (THEMES[id] ? THEMES[id][lang === 'en' ? 1 : 0] : id);

function setLang(l) {
    lang = l;
    setHashParam('lang', l === 'en' ? 'en' : null);
    applyLang();
    setToolsLang(l);
    // Panels built from data are rebuilt in the new language.
    if (state.selected) renderFeature(state.selected);
    if (state.near) renderNear();
    if (state.targets) renderTargets();
}

// ---------------------------------------------------------------- panels

function showTab(name) {
    for (const b of document.querySelectorAll('#tabs [data-tab]')) b.setAttribute('aria-pressed', String(b.dataset.tab === name));
    for (const s of document.querySelectorAll('#side .tab')) s.hidden = s.id !== `tab-${name}`;
    $('#side').hidden = false;
    state.nearMode = name === 'near';
    window.map.getCanvas().style.cursor = state.nearMode ? 'crosshair' : '';
    if (name === 'targets' && !state.targets) loadTargets();
}

function wireUI(map) {
    for (const b of document.querySelectorAll('#tabs [data-tab]')) {
        b.addEventListener('click', () => {
            const open = b.getAttribute('aria-pressed') === 'true' && !$('#side').hidden;
            if (open) { $('#side').hidden = true; b.setAttribute('aria-pressed', 'false'); state.nearMode = false; }
            else showTab(b.dataset.tab);
        });
    }
    for (const b of document.querySelectorAll('[data-close]')) {
        b.addEventListener('click', () => {
            $(`#${b.dataset.close}`).hidden = true;
            if (b.dataset.close === 'feature') closeFeature();
        });
    }
    $('#lang').addEventListener('click', () => setLang(lang === 'en' ? 'zh' : 'en'));
    wireSearch();
    wireNear(map);

    const interactive = () => map.getStyle().layers
        .filter((l) => l.metadata?.['planmap:layer'] && !state.byId[l.metadata['planmap:layer']]?.base)
        .map((l) => l.id);
    map.on('click', (e) => {
        if (toolsBusy()) return; // the click is a measured point (tools.js)
        if (state.nearMode) { nearAt(e.lngLat.lng, e.lngLat.lat); return; }
        const p = e.point, box = [[p.x - 6, p.y - 6], [p.x + 6, p.y + 6]];
        const hits = map.queryRenderedFeatures(box, {layers: interactive()});
        // Prefer points over lines over areas: the smaller thing is what was aimed at.
        const rank = {Point: 0, LineString: 1, MultiLineString: 1, Polygon: 2, MultiPolygon: 2};
        hits.sort((a, b) => rank[a.geometry.type] - rank[b.geometry.type]);
        const f = hits[0];
        if (f) openTileFeature(f);
    });
    map.on('mousemove', (e) => {
        if (state.nearMode || toolsBusy()) return;
        const p = e.point;
        const n = map.queryRenderedFeatures([[p.x - 4, p.y - 4], [p.x + 4, p.y + 4]], {layers: interactive()}).length;
        map.getCanvas().style.cursor = n ? 'pointer' : '';
    });
}

// ---------------------------------------------------------------- feature panel

// openTileFeature opens a clicked map feature. Tiles of a dense layer carry
// no string id: the feature is found by its MVT id instead.
async function openTileFeature(f) {
    const layer = f.properties.layer || f.layer.metadata['planmap:layer'];
    if (f.properties.id != null) return openFeature(`${layer}/${f.properties.id}`);
    try {
        const fc = await getJSON(`/ogc/collections/${encodeURIComponent(layer)}/items?tile_id=${f.id}&limit=1`);
        if (fc.features.length) openFeature(`${layer}/${fc.features[0].id}`);
    } catch (err) {
        console.warn('planmap: cannot find clicked feature', layer, f.id, err.message);
    }
}

async function openFeature(ref, {fly = true} = {}) {
    const [layer, id] = ref.split('/');
    let f;
    try {
        f = await getJSON(`/ogc/collections/${encodeURIComponent(layer)}/items/${encodeURIComponent(id)}`);
    } catch (err) {
        console.warn('planmap: cannot open feature', ref, err.message);
        return;
    }
    f.properties.id = f.id;
    state.selected = f;
    setHashParam('feature', `${layer}/${id}`);
    renderFeature(f);
    highlight();
    if (fly && f.geometry) flyTo(f.geometry);
}

function closeFeature() {
    state.selected = null;
    setHashParam('feature', null);
    highlight();
}

function flyTo(geom) {
    const map = window.map;
    if (geom.type === 'Point') {
        map.flyTo({center: geom.coordinates, zoom: Math.max(map.getZoom(), 13), essential: true});
        return;
    }
    const b = new maplibregl.LngLatBounds();
    const walk = (c) => (typeof c[0] === 'number' ? b.extend(c) : c.forEach(walk));
    walk(geom.coordinates);
    map.fitBounds(b, {padding: 60, maxZoom: 14, essential: true});
}

// placementOf is the rule that drew a feature, in the map's language.
const placementOf = (p) => (lang === 'en' ? p.placement_en : p.placement_zh) || p.placement_en || '';

function renderFeature(f) {
    const p = f.properties, layer = state.byId[p.layer];
    const other = lang === 'en' ? p.name_zh : p.name_en;
    const link = `${location.origin}/#feature=${p.layer}/${f.id}${lang === 'en' ? '&lang=en' : ''}`;
    const row = (k, v) => (v ? [el('dt', {}, t(k)), el('dd', {}, v)] : []);
    // targets come as JSON text, which GIS tools can keep in a table (README).
    const targets = (p.targets ? JSON.parse(p.targets) : []).map((x) =>
        el('li', {}, `${metricOf(x)}: ${targetValue(x)}`, x.year ? ` (${x.year})` : ''));
    const section = [p.plan_section, p.plan_line ? `${t('planLine')} ${p.plan_line}` : null].filter(Boolean).join(' · ');
    $('#feature-body').replaceChildren(...[
        el('p', {class: 'layer-name'}, layer ? titleOf(layer) : p.layer),
        el('h2', {id: 'feature-name'}, nameOf({...p, id: f.id})),
        other ? el('p', {class: 'other-name', lang: lang === 'en' ? 'zh-CN' : 'en'}, other) : null,
        el('dl', {},
            row('kind', p.kind),
            row('status', el('span', {class: `status-badge ${p.status}`}, t(`status_${p.status}`))),
            row('district', p.district),
            row('planSection', section),
        ),
        p.plan_quote ? el('blockquote', {lang: 'zh-CN'}, p.plan_quote) : null,
        targets.length ? [el('h3', {}, t('targetsOf')), el('ul', {class: 'targets'}, targets)] : null,
        el('p', {class: `accuracy ${p.accuracy}`}, el('strong', {}, `${t('accuracy')}: `), t(`accuracy_${p.accuracy}`)),
        // The rule's own words say how far to trust the place (uncertainty_m).
        placementOf(p) ? el('p', {class: 'placement'}, `${t('placement')}: ${placementOf(p)}`) : null,
        p.evidence && p.evidence !== 'plan' ? el('p', {class: 'evidence'}, `${t('evidence')}: ${p.evidence}`) : null,
        // Without geometry there is no source to name; the placement says why.
        p.source && f.geometry ? el('p', {class: 'source'}, `${t('source')}: ${p.source}`) : null,
        el('p', {class: 'permalink'}, el('a', {href: link, id: 'permalink'}, t('permalink')), ' ',
            el('button', {type: 'button', onclick: (e) => {
                navigator.clipboard?.writeText(link).then(() => { e.target.textContent = t('copied'); });
            }}, t('copyLink'))),
    ].flat().filter(Boolean));
    $('#feature').hidden = false;
}

// ---------------------------------------------------------------- highlight

function highlight() {
    const feats = [];
    for (const f of state.near?.features ?? []) feats.push({...f, properties: {selected: false}});
    if (state.selected?.geometry) feats.push({...state.selected, properties: {selected: true}});
    window.map.getSource('hl')?.setData({type: 'FeatureCollection', features: feats});
}

// ---------------------------------------------------------------- search

function wireSearch() {
    const input = $('#q'), list = $('#results');
    let timer, seq = 0;
    const run = async () => {
        const q = input.value.trim();
        if (!q) { list.hidden = true; return; }
        const mine = ++seq;
        let fc;
        try { fc = await getJSON(`/api/search?q=${encodeURIComponent(q)}&limit=10`); } catch { return; }
        if (mine !== seq) return; // a newer query is on its way
        list.replaceChildren(...(fc.features.length ? fc.features.map((f) => el('li', {},
            el('button', {type: 'button', 'data-feature': `${f.properties.layer}/${f.id}`, onclick: () => {
                list.hidden = true;
                openFeature(`${f.properties.layer}/${f.id}`);
            }}, el('span', {class: 'name'}, nameOf({...f.properties, id: f.id})),
            el('span', {class: 'meta'}, titleOf(state.byId[f.properties.layer] ?? {}) ?? '')))) :
            [el('li', {class: 'none'}, t('noResults'))]));
        list.hidden = false;
    };
    input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 200); });
    $('#search').addEventListener('submit', (e) => {
        e.preventDefault();
        clearTimeout(timer);
        run().then(() => list.querySelector('button')?.focus());
    });
    input.addEventListener('keydown', (e) => { if (e.key === 'Escape') list.hidden = true; });
    document.addEventListener('click', (e) => { if (!$('#search').contains(e.target)) list.hidden = true; });
}

// ---------------------------------------------------------------- near me

function wireNear() {
    const r = $('#radius');
    r.addEventListener('input', () => {
        $('#radius-out').value = km(+r.value);
        if (state.near) nearAt(state.near.lon, state.near.lat);
    });
    $('#locate').addEventListener('click', () => {
        $('#near-summary').textContent = t('locating');
        navigator.geolocation.getCurrentPosition(
            (pos) => nearAt(pos.coords.longitude, pos.coords.latitude, {fit: true}),
            () => { $('#near-summary').textContent = t('locateFailed'); },
            {enableHighAccuracy: true, timeout: 10000});
    });
}

async function nearAt(lon, lat, {fit = false} = {}) {
    const radius = +$('#radius').value;
    // All layers are asked for (a list of 80 ids is too long for the API); the base map is left out here.
    const fc = await getJSON(`/api/nearby?lon=${lon}&lat=${lat}&radius=${radius}&limit=300`);
    const features = fc.features.filter((f) => !state.byId[f.properties.layer]?.base).slice(0, 100);
    state.near = {lon, lat, radius, features};
    window.map.getSource('circle').setData(circle(lon, lat, radius));
    renderNear();
    highlight();
    if (fit) {
        const d = radius / 111320;
        window.map.fitBounds([[lon - d / Math.cos(lat * Math.PI / 180), lat - d],
            [lon + d / Math.cos(lat * Math.PI / 180), lat + d]], {padding: 40});
    }
}

function renderNear() {
    const {features, radius} = state.near;
    $('#near-summary').textContent = features.length ? t('nearCount', features.length, km(radius)) : t('nearNone');
    const list = $('#near-list');
    list.dataset.lon = state.near.lon;
    list.dataset.lat = state.near.lat;
    list.replaceChildren(...features.map((f) => el('li', {},
        el('button', {type: 'button', 'data-feature': `${f.properties.layer}/${f.id}`,
            onclick: () => openFeature(`${f.properties.layer}/${f.id}`)},
        el('span', {class: 'name'}, nameOf({...f.properties, id: f.id})),
        el('span', {class: 'meta'}, titleOf(state.byId[f.properties.layer] ?? {}) ?? ''),
        el('span', {class: 'dist', 'data-m': f.properties.distance_m}, km(f.properties.distance_m))))));
}

// circle is a polygon of the points radius metres from the centre (spherical earth).
function circle(lon, lat, radius) {
    const R = 6371008.8, d = radius / R, φ1 = lat * Math.PI / 180, λ1 = lon * Math.PI / 180, ring = [];
    for (let i = 0; i <= 64; i++) {
        const θ = (i / 64) * 2 * Math.PI;
        const φ2 = Math.asin(Math.sin(φ1) * Math.cos(d) + Math.cos(φ1) * Math.sin(d) * Math.cos(θ));
        const λ2 = λ1 + Math.atan2(Math.sin(θ) * Math.sin(d) * Math.cos(φ1), Math.cos(d) - Math.sin(φ1) * Math.sin(φ2));
        ring.push([λ2 * 180 / Math.PI, φ2 * 180 / Math.PI]);
    }
    return {type: 'Feature', properties: {}, geometry: {type: 'Polygon', coordinates: [ring]}};
}

// ---------------------------------------------------------------- targets

async function loadTargets() {
    try {
        state.targets = (await getJSON('/api/targets')).targets;
    } catch (err) {
        $('#target-list').textContent = t('loadFailed') + err.message;
        return;
    }
    renderTargets();
}

// targetValue is a target's figure as the plan qualifies it ("≥ 15座",
// "约 300万标箱"), or the plan's own wording where it gives no figure.
function targetValue(x) {
    if (x.value == null) return x.text || '';
    const cmp = x.comparator === '约' && lang === 'en' ? '≈' : x.comparator;
    return `${cmp ? `${cmp} ` : ''}${x.value}${x.unit || ''}`;
}

const metricOf = (x) => (lang === 'en' && x.metric_en) || x.metric;

function renderTargets() {
    const groups = Map.groupBy(state.targets, (x) => x.group || '');
    $('#target-list').replaceChildren(...[...groups].map(([g, items]) => el('section', {class: 'target-group'},
        g ? el('h3', {lang: 'zh-CN'}, g) : null,
        el('ul', {class: 'list'}, items.map((x) => el('li', {class: 'target', 'data-target': x.id},
            el('span', {class: 'metric', lang: metricOf(x) === x.metric ? 'zh-CN' : 'en'}, metricOf(x)),
            el('span', {class: 'value'}, targetValue(x), x.year ? el('small', {}, ` ${x.year}${t('year')}`) : null),
            x.plan_quote ? el('q', {lang: 'zh-CN'}, x.plan_quote) : null,
            x.feature ? el('button', {type: 'button', class: 'show', 'data-feature': `${x.layer}/${x.feature}`,
                onclick: () => openFeature(`${x.layer}/${x.feature}`)}, t('showOnMap')) : null))))));
}

start().catch((err) => {
    console.error('planmap: the map failed to start:', err);
    document.body.append(el('p', {class: 'fatal'}, t('loadFailed') + err.message));
});

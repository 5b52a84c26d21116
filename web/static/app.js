// planmap's web map: the plan's layers from planmap's own vector tiles,
// a layer panel, feature details, search, "near me" and the plan's targets.
// Everything it loads comes from this server; nothing from the internet.
import * as maplibregl from '/static/vendor/maplibre-gl/maplibre-gl.mjs';
import {drawIcon, dotPattern, hatchPattern} from '/static/icons.js';
import {labelPoint} from '/static/labels.js';
import {KINDS, DISTRICTS} from '/static/kinds.js';
import {initTools, setToolsLang, toolsBusy} from '/static/tools.js';
import {loadBasemap, withBase} from '/static/basemap.js';
import {wireSearch} from '/static/search.js';
import {initEdit, editActions, relabelEdits, editBusy} from '/static/edit.js';

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
        search: '搜索', panels: '面板', mapLabel: '地图', close: '关闭', about: '关于', aboutTitle: '关于本图',
        timeline: '规划时序', year2020: '2020 现状', year2025: '2025 “十四五”', year2035: '2035 远景',
        districtFilter: '行政区', allDistricts: '全部行政区', showTheme: (x) => `显示或隐藏“${x}”的全部图层`,
        expandTheme: (x) => `展开“${x}”`, showLayer: (x) => `显示“${x}”`,
        youAreHere: '你在这里', nearHere: '附近', nearApprox: '大致在附近（位置为示意）',
        nearDistrict: '以行政区表示的规划要素', nearWide: '此处所在的大范围规划区域', inside: '在范围内',
        nearHidden: '（图层未显示）', more: (n) => `另有 ${n} 项`,
        uncertaintyKm: (x) => `位置为示意，误差可达约 ${x}`, uncertaintyNote: (x) => `误差约 ${x}`,
        planYear: '规划时序', planYear2020: '2020年基期已有', planYear2025: '“十四五”期间（2021—2025年）建成',
        planYear2035: '2035年远景', planText: '查看规划原文', planTextLine: (n) => `规划原文第 ${n} 行`,
        under: (n) => `此处有 ${n} 个要素`, notFound: (x) => `找不到要素“${x}”`,
        legendStatus: '规划状态', legendAccuracy: '位置精度', legendSurveyed: '实测位置', legendIndicative: '示意位置或范围',
        legendDistrict: '以行政区表示', legendUncertainty: '位置误差范围（放大后显示）',
        legendPlannedArea: '规划区域（斜线）', legendBuildingArea: '在建区域（点状）',
        aboutHtml: [
            '本图展示《武汉市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》中可以落到地图上的空间要素。',
            '每个要素都注明其位置的来源和可信程度：“实测”来自测绘数据（OpenStreetMap、Wikidata 等），“大致”为一手资料所指地点（误差约2公里以内），“示意”按所述规则绘制，“行政区”仅表示所在区，“未绘制”表示没有来源能确定其位置。',
            '数据按各图层所注许可提供（OpenStreetMap 数据遵循 ODbL 1.0）。',
            '本图不是官方地图，不作为权属、界线或规划审批的依据；行政区界线仅供参考。',
        ],
        monitor_on_track: '进度正常', monitor_at_risk: '存在风险', monitor_off_track: '进度滞后',
        baseline: '2020年基期', expected: '按进度应达',
        sourcesLink: '数据来源与许可', planLink: '规划全文', download: (x, f) => `${f} 下载“${x}”`,
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
        search: 'Search', panels: 'Panels', mapLabel: 'Map', close: 'Close', about: 'About', aboutTitle: 'About this map',
        timeline: 'Plan timeline', year2020: '2020 base', year2025: '2025 (14th FYP)', year2035: '2035 vision',
        districtFilter: 'District', allDistricts: 'All districts', showTheme: (x) => `Show or hide every layer of "${x}"`,
        expandTheme: (x) => `Expand "${x}"`, showLayer: (x) => `Show "${x}"`,
        youAreHere: 'You are here', nearHere: 'Near here', nearApprox: 'Roughly near (position indicative)',
        nearDistrict: 'Known only by district', nearWide: 'Large plan areas that include this place', inside: 'inside',
        nearHidden: '(layer hidden)', more: (n) => `and ${n} more`,
        uncertaintyKm: (x) => `Position indicative: may be off by about ${x}`, uncertaintyNote: (x) => `± ${x}`,
        planYear: 'Timeline', planYear2020: 'In place at the 2020 base year', planYear2025: 'Built in the 14th Five-Year Plan (2021–2025)',
        planYear2035: '2035 vision', planText: "Read the plan's text", planTextLine: (n) => `plan text, line ${n}`,
        under: (n) => `${n} features here`, notFound: (x) => `No feature "${x}"`,
        legendStatus: 'Status', legendAccuracy: 'Position', legendSurveyed: 'Surveyed position', legendIndicative: 'Indicative position or shape',
        legendDistrict: 'Shown as its district', legendUncertainty: 'Position uncertainty (at street zoom)',
        legendPlannedArea: 'Planned area (hatched)', legendBuildingArea: 'Area under construction (dotted)',
        aboutHtml: [
            "This map shows the mappable elements of Wuhan's 14th Five-Year Plan and 2035 Vision.",
            'Every element says where its position comes from and how far to trust it: surveyed (from mapped data: OpenStreetMap, Wikidata …), approximate (a site a primary source names, within about 2 km), indicative (drawn by a stated rule), district (only its district is known), or not drawn (no source places it).',
            'The data is offered under the licence each layer names (OpenStreetMap data under ODbL 1.0).',
            'This is not an official map: it is no basis for boundaries, ownership or planning decisions; district lines are for reference.',
        ],
        monitor_on_track: 'On track', monitor_at_risk: 'At risk', monitor_off_track: 'Off track',
        baseline: '2020 baseline', expected: 'expected by now',
        sourcesLink: 'Sources and licences', planLink: "The plan's full text", download: (x, f) => `${f} download of "${x}"`,
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
    e.append(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false));
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
    statuses: STATUSES, year: 2035, district: '',
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

// What the panel's filters leave on the map: the statuses ticked, the plan's
// timeline (features in place by the year chosen; features without a plan
// year always show) and the district chosen ('' for all).
const statusFilter = ['all', ['in', ['get', 'status'], ['global-state', 'statuses']],
    ['<=', ['coalesce', ['get', 'plan_year'], 0], ['global-state', 'year']],
    ['any', ['==', ['global-state', 'district'], ''], ['==', ['coalesce', ['get', 'district'], ''], ['global-state', 'district']]]];
// Metres to pixels at Wuhan's latitude, for circles of a stated uncertainty:
// a 512-pixel world at zoom 0 is 40,075 km round, times cos 30.6°.
const metresAtZoom0 = 40075016.686 * Math.cos(30.6 * Math.PI / 180) / 512;
const uncertaintyRadius = ['interpolate', ['exponential', 2], ['zoom'],
    0, ['/', ['get', 'uncertainty_m'], metresAtZoom0], 22, ['/', ['*', ['get', 'uncertainty_m'], 2 ** 22], metresAtZoom0]];
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
        ...(extra.filter ? {filter: labelSrc.filter ? ['all', labelSrc.filter, extra.filter] : extra.filter} : {}),
        layout: {'text-field': label, 'text-font': FONT, 'text-size': 12, 'text-max-width': 8, ...extra.layout},
        paint: {'text-color': '#333', 'text-halo-color': '#fff', 'text-halo-width': 1.5, ...extra.paint},
        ...(extra.minzoom && extra.minzoom > (base.minzoom ?? 0) ? {minzoom: extra.minzoom} : {}),
    });
    // Outlines are dashed where the layer says so or the feature's shape is only indicative.
    const outlineDash = l.style?.dashed ? ['literal', [3, 2]] : ['case', approx, ['literal', [3, 2]], ['literal', [1, 0]]];
    const area = (fill, opacity, line, width = 1.2) => {
        // Fainter at street zoom, where the base map's roads must show through.
        add('fill', {type: 'fill', paint: {'fill-color': fill, 'fill-opacity': ['interpolate', ['linear'], ['zoom'],
            12, ['case', approx, opacity * 0.5, opacity], 15, ['case', approx, opacity * 0.2, opacity * 0.4]]}});
        statusHatch();
        add('line', {type: 'line', paint: {'line-color': line, 'line-width': width, 'line-dasharray': outlineDash,
            'line-opacity': ['case', approx, 0.7, 1]}});
    };
    // Planned areas are hatched and areas under construction dotted, so an
    // area's status shows without a click.
    const statusHatch = () => add('status', {type: 'fill', filter: ['in', ['get', 'status'], ['literal', ['planned', 'under_construction']]],
        paint: {'fill-pattern': ['match', ['get', 'status'], 'planned', 'status-planned', 'status-building']}});
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
        // Each line by its own name; a whole-network element would repeat its name along every line.
        labels({layout: {'symbol-placement': 'line', 'text-size': 11}, minzoom: 11,
            filter: ['!=', ['get', 'kind'], 'metro_network']});
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
        // At street zoom, a circle as wide as the position's stated uncertainty.
        add('uncertainty', {type: 'circle', minzoom: 11, filter: ['has', 'uncertainty_m'],
            paint: {'circle-radius': uncertaintyRadius, 'circle-color': color, 'circle-opacity': 0.08,
                'circle-stroke-color': color, 'circle-stroke-width': 1, 'circle-stroke-opacity': 0.5}});
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
        here: {type: 'geojson', data: {type: 'FeatureCollection', features: []}},
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
    for (const l of ordered.filter((x) => !x.base)) { // the base: basemap.js
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
    layers.push(...labelLayers,
        // The near-me results on show are named; "you are here" is a dot with a ring.
        {id: 'hl-label', type: 'symbol', source: 'hl', filter: ['!', ['get', 'selected']],
            layout: {'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 12, 'text-offset': [0, 1.4],
                'text-anchor': 'top', 'text-max-width': 8, 'symbol-placement': 'point'},
            paint: {'text-color': '#a34700', 'text-halo-color': '#fff', 'text-halo-width': 2}},
        {id: 'here-ring', type: 'circle', source: 'here',
            paint: {'circle-radius': 14, 'circle-color': '#1a73e8', 'circle-opacity': 0.18}},
        {id: 'here-dot', type: 'circle', source: 'here',
            paint: {'circle-radius': 6, 'circle-color': '#1a73e8', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2}},
        {id: 'here-label', type: 'symbol', source: 'here',
            layout: {'text-field': ['get', 'label'], 'text-font': FONT, 'text-size': 12, 'text-offset': [0, -1.6],
                'text-anchor': 'bottom', 'text-allow-overlap': true},
            paint: {'text-color': '#1a56b8', 'text-halo-color': '#fff', 'text-halo-width': 2}});
    return withBase({
        version: 8,
        // No "glyphs": MapLibre draws every label with the browser's own fonts.
        state: {lang: {default: lang}, statuses: {default: state.statuses}, year: {default: state.year},
            district: {default: state.district}},
        sources, layers,
    }, {layers: state.layers, src, visible: state.visible, basemap: state.basemap});
}

function addImages(map) {
    map.addImage('hatch-blue', hatchPattern('#1f6fb4'), {pixelRatio: 2});
    map.addImage('status-planned', hatchPattern('rgba(60,60,60,0.55)', null), {pixelRatio: 2});
    map.addImage('status-building', dotPattern('rgba(60,60,60,0.6)'), {pixelRatio: 2});
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
    const [cols, tiles, basemap] = await Promise.all([
        getJSON('/ogc/collections'),
        // The tiles are optional: without them the map draws the OGC API's GeoJSON.
        fetch('/tiles/plan.json').then((r) => (r.ok ? r.json() : null)).catch(() => null),
        loadBasemap(), // the server's --basemap, if any
    ]);
    state.basemap = basemap;
    state.layers = cols.collections.map((c) => ({...c, order: c.order ?? 0, style: c.style ?? {}}));
    state.byId = Object.fromEntries(state.layers.map((l) => [l.id, l]));
    state.tiles = tiles;
    state.visible = initialVisible();
    state.defaultVisible = overview();
    readFilters();
    if (!tiles) console.info('planmap: no vector tiles on this server; drawing the layers from /ogc GeoJSON');

    const center = [114.34, 30.58]; // the main city, until the view is fitted to the plan's structure
    const fit = !hashParams().get('map');
    const map = new maplibregl.Map({
        container: 'map', style: buildStyle(), center, zoom: 9,
        minZoom: 6, maxZoom: 18, hash: 'map', attributionControl: false,
        localIdeographFontFamily: FONT.map((f) => (f === 'sans-serif' ? f : `'${f}'`)).join(', '),
        maxBounds: [[111.5, 28.5], [117.5, 32.5]],
    });
    window.map = map; // for the browser tests and the curious
    map.once('style.load', () => {
        if (fit) fitStructure(map);
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

    buildLayerPanel(); buildStatusFilter(); buildDistrictFilter(); wireTimeline(); buildLegend(); applyLang();
    // On a phone the map comes first: panels open from the tabs, the attribution from its (i).
    if (window.innerWidth < 700) {
        $('#side').hidden = true;
        $('#tabs [data-tab="layers"]').setAttribute('aria-pressed', 'false');
        map.once('load', () => document.querySelector('.maplibregl-ctrl-attrib')?.classList.remove('maplibregl-compact-show'));
    }
    wireUI(map);
    initEdit($('#bar'), {map, lang: () => lang, refresh: refreshData,
        reopen: (ref) => { refreshData(ref.split('/')[0]); return openFeature(ref, {fly: false}); },
        rerender: () => state.selected && renderFeature(state.selected),
        layers: () => state.layers, layerTitle: (id) => titleOf(state.byId[id] ?? {}),
        // A new feature's form takes the feature panel (null: closes it); forget(layer) lets a deleted feature go.
        panel: (node) => { closeFeature(); $('#feature-body').replaceChildren(...(node ? [node] : [])); $('#feature').hidden = !node; },
        forget: (layer) => { closeFeature(); refreshData(layer); }});
    initTools($('#tab-tools'), {map, lang: () => lang, layers: () => state.layers, visible: () => state.visible, tab: $('#tabs [data-tab="tools"]'),
        credits: () => [...new Set(state.layers.filter((l) => state.visible.has(l.id)).flatMap((l) => l.credits ?? []))]});
    map.on('load', async () => {
        const fid = hashParams().get('feature');
        if (fid) openFeature(fid, {fly: true, explain: true});
        await loadLabels([...state.visible]);
        document.body.dataset.ready = 'true';
    });
}

// refreshData draws an edit at once: the TileJSON's tile URLs name the data
// version, so reading it again asks for the new tiles past any cached ones;
// the edited layer's labels are read again.
async function refreshData(layer) {
    const tj = state.tiles && await getJSON('/tiles/plan.json').catch(() => null);
    if (tj) {
        state.tiles = tj;
        window.map.getSource('plan')?.setTiles(tj.tiles);
    }
    if (layer && state.labels.has(layer)) {
        state.labels.delete(layer);
        await loadLabels([layer]);
    }
}

// fitStructure opens the map on the main city and the four sub-centres
// whole (their collections' extents), beside the panel on a desktop.
function fitStructure(map) {
    const b = new maplibregl.LngLatBounds();
    for (const id of ['main-city', 'sub-centres']) {
        const bbox = state.byId[id]?.extent?.spatial?.bbox?.[0];
        if (bbox) b.extend([[bbox[0], bbox[1]], [bbox[2], bbox[3]]]);
    }
    if (b.isEmpty()) return;
    const wide = window.innerWidth >= 700;
    map.fitBounds(b, {animate: false, padding: wide ? {top: 60, bottom: 30, left: 330, right: 30} : {top: 50, bottom: 20, left: 10, right: 10}});
}

// readFilters takes the statuses, timeline year and district from the URL.
function readFilters() {
    const p = hashParams();
    if (p.get('statuses') !== null) state.statuses = p.get('statuses').split(',').filter((x) => STATUSES.includes(x));
    if (['2020', '2025', '2035'].includes(p.get('year'))) state.year = +p.get('year');
    state.district = p.get('district') ?? '';
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
                    kind: f.properties.kind, status: f.properties.status, accuracy: f.properties.accuracy,
                district: f.properties.district, plan_year: f.properties.plan_year}})));
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
    if (state.basemap?.credit) on.push(state.basemap.credit);
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
    if (state.near) highlight(); // near-me results are outlined only on layers on show
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
        box.closest('.theme').querySelector('.on').textContent = `${n}/${ids.length}`;
    }
}

function buildLayerPanel() {
    const box = $('#layer-list');
    box.replaceChildren();
    const themes = [...new Set(state.layers.map((l) => l.theme))];
    for (const th of themes) {
        const members = state.layers.filter((x) => x.theme === th).sort((a, b) => a.order - b.order);
        // The theme's box sits beside its <summary>, not in it: a control
        // inside a summary is a control inside a control.
        const themeBox = el('input', {type: 'checkbox', 'data-theme': th, class: 'theme-box',
            onchange: (e) => {
                const on = e.target.checked; // read once: each layer switched re-syncs the box
                for (const l of members) setLayerVisible(l.id, on);
            }});
        const group = el('details', {open: members.some((l) => state.visible.has(l.id))},
            el('summary', {}, el('span', {class: 'theme-title', 'data-theme-title': th}), el('span', {class: 'on'})));
        for (const l of members) {
            const cb = el('input', {type: 'checkbox', checked: state.visible.has(l.id), 'data-layer': l.id,
                onchange: (e) => setLayerVisible(l.id, e.target.checked)});
            // The layer's data, a click away: GeoJSON and CSV (web/download.go).
            const dl = (ext) => el('a', {href: `/download/${encodeURIComponent(l.id)}.${ext}`, download: '',
                'data-download': ext, 'data-i18n-aria-layer': l.id}, ext === 'geojson' ? 'GeoJSON' : 'CSV');
            group.append(el('div', {class: 'layer-row'}, el('label', {class: 'layer'}, cb, swatch(l),
                el('span', {class: 'name', 'data-layer-title': l.id}),
                el('span', {class: 'count'}, String(l.feature_count ?? ''))),
            el('span', {class: 'downloads'}, dl('geojson'), dl('csv'))));
        }
        box.append(el('div', {class: 'theme', 'data-theme-group': th}, themeBox, group));
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

// setFilter applies one of the panel's filters to the map and the URL
// (left out of the URL at its default).
function setFilter(key, value, def) {
    state[key] = value;
    setMapState(key, value);
    const text = Array.isArray(value) ? value.join(',') : String(value);
    setHashParam(key, text === (Array.isArray(def) ? def.join(',') : String(def)) ? null : text);
}

function buildStatusFilter() {
    const box = $('#statuses');
    for (const s of STATUSES) {
        box.append(el('label', {class: 'status'}, el('input', {type: 'checkbox', checked: state.statuses.includes(s), value: s,
            onchange: () => setFilter('statuses', [...box.querySelectorAll('input:checked')].map((i) => i.value), STATUSES)}),
        el('span', {'data-i18n': `status_${s}`})));
    }
}

// buildDistrictFilter offers the districts of the base map's boundaries.
async function buildDistrictFilter() {
    const sel = $('#district');
    sel.replaceChildren(el('option', {value: ''}, t('allDistricts')));
    sel.addEventListener('change', () => {
        setFilter('district', sel.value, '');
        const f = state.districtShapes?.find((x) => x.properties.name_zh === sel.value);
        if (f) flyTo(f.geometry);
    });
    try {
        // A dataset without the base map's districts offers "all" only.
        state.districtShapes = state.byId.districts ? (await getJSON('/ogc/collections/districts/items?limit=100')).features : [];
    } catch {
        state.districtShapes = []; // a dataset without districts: the filter offers all only
    }
    for (const f of state.districtShapes) {
        const zh = f.properties.name_zh;
        sel.append(el('option', {value: zh, selected: zh === state.district}, districtName(zh)));
    }
}

const districtName = (zh) => (lang === 'en' ? DISTRICTS[zh] ?? zh : zh);
const kindName = (k) => KINDS[k]?.[lang === 'en' ? 1 : 0] ?? k;

// wireTimeline sets the plan year the map shows: features the plan has in
// place by then (plan_year).
function wireTimeline() {
    for (const r of document.querySelectorAll('#timeline input')) {
        r.checked = +r.value === state.year;
        r.addEventListener('change', () => setFilter('year', +r.value, 2035));
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

// buildLegend explains the map's signs beside the scale: how each status
// and each degree of positional accuracy is drawn.
function buildLegend() {
    const sw = (cls) => el('span', {class: `swatch ${cls}`, 'aria-hidden': 'true'});
    const row = (key, ...signs) => el('div', {class: 'legend-row'}, ...signs, el('span', {'data-i18n': key}));
    $('#map-legend-body').replaceChildren(
        el('h3', {'data-i18n': 'legendStatus'}),
        row('status_existing', sw('legend-solid'), badge('#1565c0', false)),
        row('status_under_construction', sw('legend-building-line'), badge('#1565c0', true)),
        row('status_planned', sw('legend-dashed'), badge('#1565c0', true)),
        row('legendPlannedArea', sw('legend-planned-area')),
        row('legendBuildingArea', sw('legend-building-area')),
        el('h3', {'data-i18n': 'legendAccuracy'}),
        row('legendSurveyed', sw('legend-surveyed')),
        row('legendIndicative', sw('legend-approx')),
        row('legendUncertainty', sw('legend-uncertainty')),
        row('legendDistrict', sw('districts')),
        row('legendHatch', sw('flood')),
    );
    // On a phone the legend starts folded, as the panels do.
    $('#map-legend').open = window.innerWidth >= 700;
}

// ---------------------------------------------------------------- language

function applyLang() {
    document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
    document.title = `${t('title')} · planmap`;
    for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
    for (const e of document.querySelectorAll('[data-i18n-placeholder]')) e.placeholder = t(e.dataset.i18nPlaceholder);
    for (const e of document.querySelectorAll('[data-layer-title]')) e.textContent = titleOf(state.byId[e.dataset.layerTitle]);
    for (const e of document.querySelectorAll('[data-theme-title]')) e.textContent = themeTitle(e.dataset.themeTitle);
    for (const e of document.querySelectorAll('[data-i18n-aria]')) e.setAttribute('aria-label', t(e.dataset.i18nAria));
    for (const e of document.querySelectorAll('[data-i18n-aria-layer]')) {
        e.setAttribute('aria-label', t('download', titleOf(state.byId[e.dataset.i18nAriaLayer]), e.textContent));
    }
    for (const e of document.querySelectorAll('input[data-theme]')) e.setAttribute('aria-label', t('showTheme', themeTitle(e.dataset.theme)));
    for (const o of document.querySelectorAll('#district option')) o.textContent = o.value ? districtName(o.value) : t('allDistricts');
    renderAbout();
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

// renderAbout says what the map is and is not, with links to its sources
// and to the plan's text.
function renderAbout() {
    $('#about-body').replaceChildren(...t('aboutHtml').map((x) => el('p', {}, x)),
        el('p', {}, el('a', {href: '/data/SOURCES.md'}, t('sourcesLink')), ' · ', el('a', {href: '/plan'}, t('planLink')),
            ' · ', el('a', {href: '/ogc'}, 'OGC API')));
}

// toast shows a short message over the map for a few seconds.
function toast(text) {
    const p = $('#toast');
    p.textContent = text;
    p.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { p.hidden = true; }, 6000);
}

function setLang(l) {
    lang = l;
    setHashParam('lang', l === 'en' ? 'en' : null);
    applyLang();
    setToolsLang(l);
    // Panels built from data are rebuilt in the new language; an edit in
    // progress is kept, and its forms' words change (edit.js).
    relabelEdits(() => { if (state.selected) renderFeature(state.selected); });
    if (state.near) { renderNear(); hereMarker(); highlight(); }
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
    wireSearch({map, lang: () => lang, name: nameOf, layerTitle: (id) => titleOf(state.byId[id] ?? {}) ?? '',
        district: districtName, openFeature, nearHere: (lon, lat) => { showTab('near'); nearAt(lon, lat, {fit: true}); }});
    wireNear(map);

    const interactive = () => map.getStyle().layers
        .filter((l) => l.metadata?.['planmap:layer'] && !state.byId[l.metadata['planmap:layer']]?.base)
        .map((l) => l.id);
    map.on('click', (e) => {
        if (toolsBusy() || editBusy()) return; // the click is a measured point (tools.js) or a drawn vertex (edit.js)
        if (state.nearMode) { nearAt(e.lngLat.lng, e.lngLat.lat); return; }
        const p = e.point, box = [[p.x - 6, p.y - 6], [p.x + 6, p.y + 6]];
        const hits = map.queryRenderedFeatures(box, {layers: interactive()});
        // Points before lines before areas: the smaller thing is what was aimed at.
        const rank = {Point: 0, MultiPoint: 0, LineString: 1, MultiLineString: 1, Polygon: 2, MultiPolygon: 2};
        hits.sort((a, b) => rank[a.geometry.type] - rank[b.geometry.type]);
        // One entry per feature (a feature is drawn by several style layers and tiles).
        const seen = new Set(), under = hits.filter((f) => {
            const k = `${f.layer.metadata['planmap:layer']}/${f.properties.id ?? f.id}`;
            return !seen.has(k) && seen.add(k);
        });
        // The first opens; the panel lists the others under it.
        if (under.length) openTileFeature(under[0], under.length > 1 ? under : null);
    });
    map.on('mousemove', (e) => {
        if (state.nearMode || toolsBusy() || editBusy()) return;
        const p = e.point;
        const n = map.queryRenderedFeatures([[p.x - 4, p.y - 4], [p.x + 4, p.y + 4]], {layers: interactive()}).length;
        map.getCanvas().style.cursor = n ? 'pointer' : '';
    });
}

// ---------------------------------------------------------------- feature panel

// openTileFeature opens a clicked map feature. Tiles of a dense layer carry
// no string id: the feature is found by its MVT id instead.
async function openTileFeature(f, under = null) {
    const layer = f.properties.layer || f.layer.metadata['planmap:layer'];
    if (f.properties.id != null) return openFeature(`${layer}/${f.properties.id}`, {under});
    try {
        const fc = await getJSON(`/ogc/collections/${encodeURIComponent(layer)}/items?tile_id=${f.id}&limit=1`);
        if (fc.features.length) openFeature(`${layer}/${fc.features[0].id}`, {under});
    } catch (err) {
        console.warn('planmap: cannot find clicked feature', layer, f.id, err.message);
    }
}

// underList lists every feature under the click that opened the panel,
// each a button that opens it.
function underList(hits) {
    return el('details', {class: 'under', open: true}, el('summary', {id: 'under-title'}, t('under', hits.length)),
        el('ul', {class: 'list', id: 'under-list'}, hits.map((f) => {
            const layer = f.layer.metadata['planmap:layer'];
            return el('li', {}, el('button', {type: 'button', onclick: () => openTileFeature(f, hits)},
                el('span', {class: 'name'}, nameOf(f.properties)),
                el('span', {class: 'meta'}, titleOf(state.byId[layer] ?? {}) ?? '')));
        })));
}

async function openFeature(ref, {fly = true, explain = false, under = null} = {}) {
    const [layer, id] = ref.split('/');
    let f;
    try {
        f = await getJSON(`/ogc/collections/${encodeURIComponent(layer)}/items/${encodeURIComponent(id)}`);
    } catch (err) {
        console.warn('planmap: cannot open feature', ref, err.message);
        // A link naming a feature that is not there says so, and the URL forgets it.
        if (explain) { toast(t('notFound', ref)); setHashParam('feature', null); }
        return;
    }
    f.properties.id = f.id;
    state.selected = f;
    state.under = under;
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

// evidenceLinks turns the evidence for a site (URLs, separated by spaces or
// semicolons) into links named by their site.
function evidenceLinks(text) {
    return text.split(/[\s;；]+/).filter(Boolean).map((u, i) => {
        let name = u;
        try { name = new URL(u).hostname.replace(/^www\./, ''); } catch { return [i ? ' ' : '', u]; }
        return [i ? ' · ' : '', el('a', {href: u, rel: 'noopener', target: '_blank'}, name)];
    }).flat();
}

// planYearText says when the plan has a feature in place.
const planYearText = (y) => (y ? t(`planYear${y}`) ?? String(y) : null);

function renderFeature(f) {
    const p = f.properties, layer = state.byId[p.layer];
    const other = lang === 'en' ? p.name_zh : p.name_en;
    const link = `${location.origin}/#feature=${p.layer}/${f.id}${lang === 'en' ? '&lang=en' : ''}`;
    const row = (k, v) => (v ? [el('dt', {}, t(k)), el('dd', {}, v)] : []);
    // targets come as JSON text, which GIS tools can keep in a table (README).
    const targets = (p.targets ? JSON.parse(p.targets) : []).map((x) =>
        el('li', {}, `${metricOf(x)}: ${targetValue(x)}`, x.year ? ` (${x.year})` : ''));
    // The plan's section, and a link to its words in the full text.
    const section = p.plan_section || p.plan_line ? [p.plan_section ?? '', p.plan_line ? [' ',
        el('a', {href: `/plan#L${p.plan_line}`, class: 'plan-link', title: t('planTextLine', p.plan_line)}, t('planText'))] : null] : null;
    const u = +p.uncertainty_m || 0;
    $('#feature-body').replaceChildren(...[
        el('p', {class: 'layer-name'}, layer ? titleOf(layer) : p.layer),
        el('h2', {id: 'feature-name'}, nameOf({...p, id: f.id})),
        other ? el('p', {class: 'other-name', lang: lang === 'en' ? 'zh-CN' : 'en'}, other) : null,
        el('dl', {},
            row('kind', kindName(p.kind)),
            row('status', el('span', {class: `status-badge ${p.status}`}, t(`status_${p.status}`))),
            row('planYear', planYearText(p.plan_year)),
            row('district', p.district ? districtName(p.district) : null),
            row('planSection', section),
        ),
        p.plan_quote ? el('blockquote', {lang: 'zh-CN'}, p.plan_quote) : null,
        targets.length ? [el('h3', {}, t('targetsOf')), el('ul', {class: 'targets'}, targets)] : null,
        el('p', {class: `accuracy ${p.accuracy}`}, el('strong', {}, `${t('accuracy')}: `), t(`accuracy_${p.accuracy}`),
            // How far off, in words, where the rule states it.
            u && f.geometry ? [el('br'), el('span', {class: 'uncertainty'}, t('uncertaintyKm', km(u)))] : null),
        // The rule's own words say how the place was found.
        placementOf(p) ? el('p', {class: 'placement'}, `${t('placement')}: ${placementOf(p)}`) : null,
        p.evidence && p.evidence !== 'plan' ? el('p', {class: 'evidence'}, `${t('evidence')}: `, evidenceLinks(p.evidence)) : null,
        // Without geometry there is no source to name; the placement says why.
        p.source && f.geometry ? el('p', {class: 'source'}, `${t('source')}: ${p.source}`) : null,
        el('p', {class: 'permalink'}, el('a', {href: link, id: 'permalink'}, t('permalink')), ' ',
            el('button', {type: 'button', onclick: (e) => {
                navigator.clipboard?.writeText(link).then(() => { e.target.textContent = t('copied'); });
            }}, t('copyLink'))),
        editActions(f), // web/static/edit.js: for a signed-in editor
        state.under ? underList(state.under) : null,
    ].flat().filter(Boolean));
    $('#feature').hidden = false;
}

// ---------------------------------------------------------------- highlight

// highlight outlines the selected feature in red and, in orange with their
// names, the near-me results of the layers on show (the panel lists all).
function highlight() {
    const feats = [];
    for (const f of state.near?.features ?? []) {
        if (f.properties.scope === 'wide' || !state.visible.has(f.properties.layer) || !f.geometry) continue;
        feats.push({...f, properties: {selected: false, name: nameOf({...f.properties, id: f.id})}});
    }
    if (state.selected?.geometry) feats.push({...state.selected, properties: {selected: true}});
    window.map.getSource('hl')?.setData({type: 'FeatureCollection', features: feats});
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
    const features = fc.features.filter((f) => !state.byId[f.properties.layer]?.base);
    state.near = {lon, lat, radius, features};
    window.map.getSource('circle').setData(circle(lon, lat, radius));
    hereMarker();
    renderNear();
    highlight();
    if (fit) {
        const d = radius / 111320;
        window.map.fitBounds([[lon - d / Math.cos(lat * Math.PI / 180), lat - d],
            [lon + d / Math.cos(lat * Math.PI / 180), lat + d]], {padding: 40});
    }
}

// hereMarker puts "you are here" at the point near-me answers for.
function hereMarker() {
    const n = state.near;
    window.map.getSource('here')?.setData({type: 'FeatureCollection', features: n ? [{type: 'Feature',
        properties: {label: t('youAreHere')}, geometry: {type: 'Point', coordinates: [n.lon, n.lat]}}] : []});
}

// renderNear lists the answer in its scopes: things here, nearest first;
// things only roughly placed, with their uncertainty; things known only by
// district; and the large areas this place lies in, on one line.
function renderNear() {
    const {features, radius} = state.near;
    const plan = features.filter((f) => f.properties.scope !== 'wide');
    $('#near-summary').textContent = plan.length ? t('nearCount', plan.length, km(radius)) : t('nearNone');
    const item = (f) => {
        const p = f.properties, u = +p.uncertainty_m || 0;
        const dist = p.inside ? t('inside') : km(p.distance_m);
        return el('li', {}, el('button', {type: 'button', 'data-feature': `${p.layer}/${f.id}`, 'data-scope': p.scope,
            onclick: () => openFeature(`${p.layer}/${f.id}`)},
        el('span', {class: 'name'}, nameOf({...p, id: f.id}),
            el('span', {class: 'meta'}, ' ', titleOf(state.byId[p.layer] ?? {}) ?? '',
                state.visible.has(p.layer) ? '' : ` ${t('nearHidden')}`)),
        el('span', {class: 'dist', 'data-m': p.distance_m},
            dist, u && p.scope === 'approximate' ? el('small', {}, ` ${t('uncertaintyNote', km(u))}`) : null)));
    };
    const group = (scope, title, id) => {
        const fs = plan.filter((f) => f.properties.scope === scope);
        return fs.length ? [el('h3', {}, title), el('ol', {class: 'list near', id}, fs.map(item))] : [];
    };
    const wide = features.filter((f) => f.properties.scope === 'wide');
    const groups = $('#near-groups');
    groups.dataset.lon = state.near.lon;
    groups.dataset.lat = state.near.lat;
    groups.replaceChildren(
        ...group('here', t('nearHere'), 'near-list'),
        ...group('approximate', t('nearApprox'), 'near-approx'),
        ...group('district', t('nearDistrict'), 'near-district'),
        ...(wide.length ? [el('h3', {}, t('nearWide')), el('p', {id: 'near-wide', class: 'wide'}, wide.map((f, i) => [i ? '、' : '',
            el('a', {href: `#feature=${f.properties.layer}/${f.id}`, onclick: (e) => {
                e.preventDefault();
                openFeature(`${f.properties.layer}/${f.id}`);
            }}, nameOf({...f.properties, id: f.id}))]).flat())] : []),
    );
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
        const [plain, mon] = await Promise.all([getJSON('/api/targets'),
            getJSON('/api/monitoring').catch(() => ({targets: []}))]); // monitoring is optional
        const byId = new Map(mon.targets.map((m) => [m.id, m]));
        state.targets = plain.targets.map((x) => ({...x, monitoring: byId.get(x.id)}));
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
            monitoring(x),
            x.feature ? el('button', {type: 'button', class: 'show', 'data-feature': `${x.layer}/${x.feature}`,
                onclick: () => openFeature(`${x.layer}/${x.feature}`)}, t('showOnMap')) : null))))));
}

// monitoring shows a target's 2020 baseline, its latest observation and
// whether it is on track (the rule /api/monitoring states); nothing for a
// target no one has observed.
function monitoring(x) {
    const m = x.monitoring;
    if (!m || m.status === 'no_data') return null;
    const last = m.observations.filter((o) => o.year > 2020).at(-1);
    const v = (o) => `${o.value}${x.unit || ''}`;
    return el('p', {class: `monitor ${m.status}`, 'data-status': m.status},
        el('span', {class: 'monitor-status'}, t(`monitor_${m.status}`)),
        m.baseline ? ` ${t('baseline')} ${v(m.baseline)}` : '',
        last ? ` · ${last.year}${t('year')} ${v(last)}` : '',
        m.expected != null ? ` · ${t('expected')} ${Math.round(m.expected * 100) / 100}${x.unit || ''}` : '');
}

start().catch((err) => {
    console.error('planmap: the map failed to start:', err);
    document.body.append(el('p', {class: 'fatal'}, t('loadFailed') + err.message));
});

// planmap's planner tools: measure a distance or an area, export the view as
// a PNG with its legend, scale and credits, download the visible layers
// (GeoJSON, CSV) and count their features by district and status.
//
//   initTools(container, ctx)  ctx = {map, lang: () => 'zh'|'en', layers: () => collections,
//                                     visible: () => Set of ids, credits: () => [plain strings],
//                                     tab: the button that opens the container (optional),
//                                     datetime: () => the timeline's datetime for /api/stats, or null (optional)}
//   setToolsLang(lang)         redraws the tools in the UI language
//   toolsBusy()                true while measuring: the map's clicks are the tool's
//   refreshTools()             redraws the downloads and statistics (after a change the style does not show, e.g. the timeline)
//
// The tools redraw themselves whenever their container is shown and, while it
// is, whenever the map's style changes (a layer turned on or off).

const I18N = {
    zh: {
        tab: '工具', measure: '量算', distance: '测距离', area: '测面积', finish: '完成', clear: '清除',
        addCentre: '加入地图中心点',
        measureHint: '在地图上依次点击各点；也可移动地图后用“加入地图中心点”。按 Esc 完成。',
        sphere: '按球面地球（半径 6371 km）计算，误差约 0.5%。',
        points: (n) => `${n} 个点`, length: '长度', perimeter: '周长', areaOf: '面积', ha: '公顷',
        export: '导出图片', exportPNG: '导出当前视图（PNG）', exporting: '正在导出…', exported: '已导出',
        exportTitle: '武汉“十四五”规划空间要素', scale: '比例尺', legend: '图例', credits: '数据来源',
        download: '数据下载', downloadHint: '当前可见图层的全部要素。CSV 为 UTF-8（含 BOM），经纬度为要素上的一个代表点，几何为 WKT。',
        downloadOf: (title, fmt) => `下载“${title}”（${fmt}）`, features: (n) => `${n} 个要素`,
        stats: '分区统计', statsHint: '当前可见的规划图层按行政区和状态统计要素数（不含底图）。',
        district: '行政区', total: '合计', noDistrict: '未注明行政区', none: '没有可见的规划图层。',
        statsCaption: (n) => `${n} 个可见图层的要素数`, loading: '加载中…', failed: '加载失败：',
        status_existing: '现状', status_under_construction: '在建', status_planned: '规划',
        status_expansion: '扩建', status_upgrade: '改造提升',
    },
    en: {
        tab: 'Tools', measure: 'Measure', distance: 'Distance', area: 'Area', finish: 'Finish', clear: 'Clear',
        addCentre: 'Add the map centre',
        measureHint: 'Click the points on the map in turn, or move the map and use “Add the map centre”. Esc finishes.',
        sphere: 'Computed on a spherical earth (radius 6371 km): within about 0.5 %.',
        points: (n) => `${n} point${n === 1 ? '' : 's'}`, length: 'Length', perimeter: 'Perimeter', areaOf: 'Area',
        ha: 'ha',
        export: 'Export image', exportPNG: 'Export the view (PNG)', exporting: 'Exporting…', exported: 'Exported',
        exportTitle: "Wuhan's 14th Five-Year Plan on the map", scale: 'Scale', legend: 'Legend', credits: 'Sources',
        download: 'Download data', downloadHint: 'Every feature of the visible layers. CSV is UTF-8 with a BOM; lon/lat is a point on the feature, the geometry is WKT.',
        downloadOf: (title, fmt) => `Download ${title} (${fmt})`, features: (n) => `${n} features`,
        stats: 'Statistics', statsHint: 'Features of the visible plan layers by district and status (base map layers not counted).',
        district: 'District', total: 'Total', noDistrict: 'No district', none: 'No plan layer is visible.',
        statsCaption: (n) => `Features of ${n} visible layer${n === 1 ? '' : 's'}`, loading: 'Loading…',
        failed: 'Failed to load: ',
        status_existing: 'Existing', status_under_construction: 'Under construction', status_planned: 'Planned',
        status_expansion: 'Expansion', status_upgrade: 'Upgrade',
    },
};

const FONT = '"Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", system-ui, sans-serif';
const R = 6371008.8; // mean earth radius, metres
const rad = Math.PI / 180;

let ctx = null, root = null, lang = 'zh';
const measure = {mode: null, kind: 'line', points: []}; // mode: the kind being measured, null when not adding points
let statsKey = '', statsData = null;

const t = (key, ...args) => {
    const v = I18N[lang][key] ?? I18N.zh[key] ?? key;
    return typeof v === 'function' ? v(...args) : v;
};
const titleOf = (l) => (lang === 'en' ? l.title_en : l.title_zh) || l.id;

function el(tag, attrs = {}, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
        if (v == null || v === false) continue;
        if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
        else e.setAttribute(k, v === true ? '' : v);
    }
    e.append(...kids.filter((k) => k != null));
    return e;
}

// ---------------------------------------------------------------- geodesy

// lengthM is the length of a path of [lon, lat] points on a sphere (haversine).
export function lengthM(pts) {
    let d = 0;
    for (let i = 1; i < pts.length; i++) {
        const [l1, p1] = pts[i - 1], [l2, p2] = pts[i];
        const h = Math.sin((p2 - p1) * rad / 2) ** 2 + Math.cos(p1 * rad) * Math.cos(p2 * rad) * Math.sin((l2 - l1) * rad / 2) ** 2;
        d += 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
    }
    return d;
}

// areaM2 is the area of a ring of [lon, lat] points on a sphere (the ring is
// closed here), by the spherical excess of its edges (Chamberlain & Duquette).
export function areaM2(pts) {
    if (pts.length < 3) return 0;
    let s = 0;
    for (let i = 0; i < pts.length; i++) {
        const [l1, p1] = pts[i], [l2, p2] = pts[(i + 1) % pts.length];
        s += (l2 - l1) * rad * (2 + Math.sin(p1 * rad) + Math.sin(p2 * rad));
    }
    return Math.abs(s * R * R / 2);
}

const num = (x, digits) => x.toLocaleString(lang === 'en' ? 'en' : 'zh-CN', {maximumFractionDigits: digits});
export const fmtLength = (m) => (m < 1000 ? `${num(m, 0)} m` : `${num(m / 1000, m < 10000 ? 2 : 1)} km`);
const fmtArea = (m2) => `${m2 < 1e6 ? `${num(m2, 0)} m²` : `${num(m2 / 1e6, 2)} km²`} (${num(m2 / 1e4, 1)} ${t('ha')})`;

// ---------------------------------------------------------------- wiring

export function initTools(container, context) {
    ctx = context; root = container; lang = ctx.lang() === 'en' ? 'en' : 'zh';
    const {map} = ctx;
    map.on('click', (e) => { if (measure.mode) addPoint([e.lngLat.lng, e.lngLat.lat]); });
    map.on('mousemove', () => { if (measure.mode) map.getCanvas().style.cursor = 'crosshair'; });
    document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && measure.mode) setMode(null); });
    // Shown (the section or its panel): redraw for the layers now visible;
    // hidden: the map's clicks are the map's again.
    const seen = new MutationObserver(() => { if (shown()) refresh(); else if (measure.mode) setMode(null); });
    for (const e of [container, container.parentElement]) if (e) seen.observe(e, {attributes: true, attributeFilter: ['hidden']});
    let timer;
    map.on('styledata', () => { clearTimeout(timer); timer = setTimeout(() => { if (shown()) refresh(); }, 300); });
    render();
}

export function setToolsLang(l) {
    lang = l === 'en' ? 'en' : 'zh';
    if (root) render();
}

export const toolsBusy = () => measure.mode !== null;

export function refreshTools() { if (shown()) refresh(); }

const shown = () => root && !root.hidden && root.offsetParent !== null;

function render() {
    if (ctx.tab) ctx.tab.textContent = t('tab');
    root.replaceChildren(
        el('h2', {}, t('measure')),
        el('p', {class: 'hint'}, t('measureHint')),
        el('div', {class: 'tools-row'},
            modeButton('line', t('distance')), modeButton('area', t('area')),
            el('button', {type: 'button', id: 'tools-centre', disabled: !measure.mode,
                onclick: () => addPoint(ctx.map.getCenter().toArray())}, t('addCentre')),
            el('button', {type: 'button', id: 'tools-finish', disabled: !measure.mode, onclick: () => setMode(null)}, t('finish')),
            el('button', {type: 'button', id: 'tools-clear', disabled: !measure.points.length, onclick: clearMeasure}, t('clear'))),
        el('output', {id: 'tools-result', role: 'status', 'aria-live': 'polite'}, result()),
        el('p', {class: 'hint'}, t('sphere')),
        el('h2', {}, t('export')),
        el('button', {type: 'button', id: 'tools-export', onclick: exportView}, t('exportPNG')),
        el('span', {id: 'tools-export-state', role: 'status'}),
        el('h2', {}, t('stats')),
        el('p', {class: 'hint'}, t('statsHint')),
        // Focusable, for a table wider than the panel scrolls (axe: scrollable-region-focusable).
        el('div', {id: 'tools-stats', role: 'region', tabindex: '0', 'aria-label': t('stats')}),
        el('h2', {}, t('download')),
        el('p', {class: 'hint'}, t('downloadHint')),
        el('ul', {id: 'tools-downloads', class: 'tools-downloads'}),
    );
    refresh();
}

function refresh() {
    if (!root) return;
    renderDownloads();
    renderStats();
}

// visibleLayers lists the visible layers in the map's order.
function visibleLayers() {
    const on = ctx.visible();
    return ctx.layers().filter((l) => on.has(l.id)).sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
}

// ---------------------------------------------------------------- measure

function modeButton(mode, label) {
    return el('button', {type: 'button', 'data-measure': mode, 'aria-pressed': String(measure.mode === mode),
        onclick: () => setMode(measure.mode === mode ? null : mode, true)}, label);
}

function setMode(mode, restart = false) {
    if (restart && mode) { measure.points = []; measure.kind = mode; }
    measure.mode = mode;
    ctx.map.getCanvas().style.cursor = mode ? 'crosshair' : '';
    ctx.map.doubleClickZoom[mode ? 'disable' : 'enable'](); // a quick second click is a point, not a zoom
    draw();
    sync();
}

// sync updates the measuring controls in place: rebuilding them would take the focus off the button pressed.
function sync() {
    for (const b of root.querySelectorAll('[data-measure]')) b.setAttribute('aria-pressed', String(measure.mode === b.dataset.measure));
    root.querySelector('#tools-centre').disabled = !measure.mode;
    root.querySelector('#tools-finish').disabled = !measure.mode;
    root.querySelector('#tools-clear').disabled = !measure.points.length;
    root.querySelector('#tools-result').textContent = result();
}

function addPoint(p) {
    measure.points.push(p);
    draw();
    sync();
}

function clearMeasure() {
    measure.points = [];
    setMode(null);
}

function result() {
    const pts = measure.points;
    if (!pts.length) return '';
    if (measure.kind === 'area') {
        const ring = pts.length > 2 ? [...pts, pts[0]] : pts;
        return `${t('points', pts.length)} · ${t('areaOf')} ${fmtArea(areaM2(pts))} · ${t('perimeter')} ${fmtLength(lengthM(ring))}`;
    }
    return `${t('points', pts.length)} · ${t('length')} ${fmtLength(lengthM(pts))}`;
}

// draw shows the measured points and their line or area on the map, above the plan.
function draw() {
    const map = ctx.map, pts = measure.points;
    const features = pts.map((p) => ({type: 'Feature', properties: {}, geometry: {type: 'Point', coordinates: p}}));
    if (pts.length > 1) {
        const area = measure.kind === 'area' && pts.length > 2;
        features.push({type: 'Feature', properties: {},
            geometry: area ? {type: 'Polygon', coordinates: [[...pts, pts[0]]]} : {type: 'LineString', coordinates: pts}});
    }
    const data = {type: 'FeatureCollection', features};
    if (map.getSource('tools-measure')) { map.getSource('tools-measure').setData(data); return; }
    map.addSource('tools-measure', {type: 'geojson', data});
    map.addLayer({id: 'tools-measure-fill', type: 'fill', source: 'tools-measure', filter: ['==', ['geometry-type'], 'Polygon'],
        paint: {'fill-color': '#d81b60', 'fill-opacity': 0.15}});
    map.addLayer({id: 'tools-measure-line', type: 'line', source: 'tools-measure', filter: ['!=', ['geometry-type'], 'Point'],
        paint: {'line-color': '#d81b60', 'line-width': 2.5, 'line-dasharray': [3, 2]}});
    map.addLayer({id: 'tools-measure-points', type: 'circle', source: 'tools-measure', filter: ['==', ['geometry-type'], 'Point'],
        paint: {'circle-radius': 4, 'circle-color': '#fff', 'circle-stroke-color': '#d81b60', 'circle-stroke-width': 2}});
}

// ---------------------------------------------------------------- export

// snapshot copies the map's WebGL canvas right after a frame is drawn: the
// drawing buffer is not preserved, so it is empty at any other moment.
function snapshot(map) {
    return new Promise((resolve) => {
        map.once('render', () => {
            const src = map.getCanvas(), c = document.createElement('canvas');
            c.width = src.width; c.height = src.height;
            c.getContext('2d').drawImage(src, 0, 0);
            resolve(c);
        });
        map.triggerRepaint();
    });
}

// scaleBar picks a round length about 120 CSS pixels long at the map's centre.
export function scaleBar(zoom, lat, maxPx = 120) {
    const mPerPx = 2 * Math.PI * 6378137 * Math.cos(lat * rad) / (512 * 2 ** zoom);
    const most = mPerPx * maxPx, pow = 10 ** Math.floor(Math.log10(most));
    const m = [5, 2, 1].map((k) => k * pow).find((x) => x <= most);
    return {m, px: m / mPerPx};
}

// composeView draws the map with a band below it: title and date, the
// legend of the visible layers, a scale bar and the credits.
export async function composeView() {
    const map = ctx.map, shot = await snapshot(map);
    const dpr = shot.width / map.getContainer().clientWidth;
    const W = shot.width / dpr, pad = 12, colW = 180, rowH = 22; // two columns on a phone
    const layers = visibleLayers();
    const cols = Math.max(1, Math.floor((W - 2 * pad) / colW)), rows = Math.ceil(layers.length / cols);
    const measureCtx = document.createElement('canvas').getContext('2d');
    measureCtx.font = `11px ${FONT}`;
    const credits = wrap(measureCtx, `${t('credits')}: ${ctx.credits().join(' · ')}`, W - 2 * pad);
    const band = pad + 26 + rows * rowH + 10 + 24 + credits.length * 15 + pad;
    const out = document.createElement('canvas');
    out.width = shot.width; out.height = shot.height + Math.ceil(band * dpr);
    const g = out.getContext('2d');
    g.drawImage(shot, 0, 0);
    g.scale(dpr, dpr);
    let y = shot.height / dpr;
    g.fillStyle = '#fff'; g.fillRect(0, y, W, band);
    g.fillStyle = '#ccc'; g.fillRect(0, y, W, 1);
    y += pad;
    g.fillStyle = '#222'; g.textBaseline = 'top';
    g.font = `bold 16px ${FONT}`; g.fillText(t('exportTitle'), pad, y);
    g.font = `12px ${FONT}`; g.textAlign = 'right';
    g.fillText(new Date().toISOString().slice(0, 10), W - pad, y + 3);
    g.textAlign = 'left';
    y += 26;
    layers.forEach((l, i) => {
        const x = pad + (i % cols) * colW, yy = y + Math.floor(i / cols) * rowH;
        swatch(g, l, x, yy + 3);
        g.fillStyle = '#222'; g.font = `12px ${FONT}`;
        g.fillText(titleOf(l), x + 28, yy + 3, colW - 34);
    });
    y += rows * rowH + 10;
    const c = map.getCenter(), s = scaleBar(map.getZoom(), c.lat);
    g.fillStyle = '#222'; g.fillRect(pad, y + 8, s.px, 3);
    g.fillRect(pad, y + 2, 1.5, 9); g.fillRect(pad + s.px - 1.5, y + 2, 1.5, 9);
    g.font = `12px ${FONT}`; g.fillText(fmtLength(s.m), pad + s.px + 8, y + 3);
    y += 24;
    g.fillStyle = '#555'; g.font = `11px ${FONT}`;
    credits.forEach((line, i) => g.fillText(line, pad, y + i * 15));
    return out;
}

// swatch draws a layer's sign in the legend: a dot, a stroke or a box, in its colour.
function swatch(g, l, x, y) {
    const color = l.style?.color || '#888', type = (l.geometry_type || '').replace('Multi', '');
    g.fillStyle = color; g.strokeStyle = color;
    if (type === 'Point') {
        g.beginPath(); g.arc(x + 10, y + 7, 6, 0, 2 * Math.PI); g.fill();
    } else if (type === 'LineString') {
        g.fillRect(x, y + 5, 20, 4);
    } else {
        g.globalAlpha = 0.35; g.fillRect(x, y, 20, 14); g.globalAlpha = 1;
        g.lineWidth = 2; g.strokeRect(x + 1, y + 1, 18, 12);
    }
}

// wrap breaks text into lines of at most width: between words, or between any two Chinese characters.
function wrap(g, text, width) {
    const lines = [];
    let line = '';
    for (const tok of text.match(/[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+|\s+/g) ?? []) {
        if (line && g.measureText(line + tok).width > width) { lines.push(line.trimEnd()); line = tok.trimStart(); } else line += tok;
    }
    return line ? [...lines, line] : lines;
}

async function exportView() {
    const state = root.querySelector('#tools-export-state');
    state.textContent = t('exporting');
    try {
        const canvas = await composeView();
        const blob = await new Promise((res) => canvas.toBlob(res, 'image/png'));
        const url = URL.createObjectURL(blob);
        const a = el('a', {href: url, download: `planmap-${new Date().toISOString().slice(0, 10)}.png`});
        document.body.append(a); a.click(); a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60000);
        state.textContent = t('exported');
    } catch (e) {
        state.textContent = t('failed') + e.message;
    }
}

// ---------------------------------------------------------------- downloads

function renderDownloads() {
    const list = root.querySelector('#tools-downloads');
    list.replaceChildren(...visibleLayers().map((l) => el('li', {},
        el('span', {class: 'name'}, titleOf(l)),
        el('span', {class: 'meta'}, t('features', l.feature_count ?? '?')),
        ...['GeoJSON', 'CSV'].map((fmt) => el('a', {href: `/download/${l.id}.${fmt.toLowerCase()}`, download: '',
            'aria-label': t('downloadOf', titleOf(l), fmt), 'data-layer': l.id}, fmt)))));
}

// ---------------------------------------------------------------- statistics

async function renderStats() {
    const box = root.querySelector('#tools-stats');
    const ids = visibleLayers().filter((l) => !l.base).map((l) => l.id);
    if (!ids.length) { box.replaceChildren(el('p', {class: 'hint'}, t('none'))); return; }
    const when = ctx.datetime?.() || '';
    const key = `${ids.join(',')}@${when}`;
    if (key !== statsKey) {
        statsKey = key; statsData = null;
        box.replaceChildren(el('p', {class: 'hint'}, t('loading')));
        try {
            const data = await fetchStats(ids, when);
            if (key !== statsKey) return; // the layers changed meanwhile
            statsData = data;
        } catch (e) {
            statsKey = '';
            box.replaceChildren(el('p', {class: 'hint'}, t('failed') + e.message));
            return;
        }
    }
    if (statsData) box.replaceChildren(statsTable(statsData, ids.length));
}

// fetchStats asks for the statistics of many layers in several requests,
// each within the API's 800-byte limit on a parameter, and merges them.
async function fetchStats(ids, when) {
    const chunks = [[]];
    for (const id of ids) {
        if ([...chunks.at(-1), id].join(',').length > 700) chunks.push([]);
        chunks.at(-1).push(id);
    }
    const parts = await Promise.all(chunks.map(async (c) => {
        const r = await fetch(`/api/stats?layers=${encodeURIComponent(c.join(','))}${when ? `&datetime=${encodeURIComponent(when)}` : ''}`);
        const v = await r.json();
        if (!r.ok) throw new Error(v.description || r.status);
        return v;
    }));
    return {counts: parts.flatMap((p) => p.counts), total: parts.reduce((n, p) => n + p.total, 0),
        statuses: parts[0].statuses, districts_en: Object.assign({}, ...parts.map((p) => p.districts_en))};
}

function statsTable(data, nLayers) {
    const cells = new Map(); // district → status → count
    for (const c of data.counts) {
        const d = c.district ?? '';
        if (!cells.has(d)) cells.set(d, new Map());
        cells.get(d).set(c.status, (cells.get(d).get(c.status) ?? 0) + c.count);
    }
    const present = new Set(data.counts.map((c) => c.status));
    const statuses = [...data.statuses.filter((s) => present.has(s)), ...[...present].filter((s) => !data.statuses.includes(s))];
    const sum = (m) => [...m.values()].reduce((a, b) => a + b, 0);
    // Districts by name, the features without one last.
    const districts = [...cells.keys()].sort((a, b) => (a === '') - (b === '') || a.localeCompare(b, 'zh-CN'));
    // "Hongshan", not "Hongshan District": the column is headed District.
    const name = (d) => (d === '' ? t('noDistrict') : lang === 'en' ? (data.districts_en[d] || d).replace(/ District$/, '') : d);
    const n = (x) => (x ? x.toLocaleString(lang === 'en' ? 'en' : 'zh-CN') : '–');
    const col = (s) => t(`status_${s}`) === `status_${s}` ? s : t(`status_${s}`);
    return el('table', {class: 'tools-stats'},
        el('caption', {}, t('statsCaption', nLayers)),
        el('thead', {}, el('tr', {}, el('th', {scope: 'col'}, t('district')),
            ...statuses.map((s) => el('th', {scope: 'col'}, col(s))), el('th', {scope: 'col'}, t('total')))),
        el('tbody', {}, ...districts.map((d) => el('tr', {}, el('th', {scope: 'row'}, name(d)),
            ...statuses.map((s) => el('td', {}, n(cells.get(d).get(s)))), el('td', {}, n(sum(cells.get(d))))))),
        el('tfoot', {}, el('tr', {}, el('th', {scope: 'row'}, t('total')),
            ...statuses.map((s) => el('td', {}, n(data.counts.filter((c) => c.status === s).reduce((a, c) => a + c.count, 0)))),
            el('td', {class: 'grand'}, n(data.total)))));
}

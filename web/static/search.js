// The search box: plan elements and real places (the gazetteer) in two
// groups, each hit with its layer or kind and its district. Choosing an
// element opens it; choosing a place flies there and offers "what is
// planned near here", which the page answers (opts.nearHere).
import * as maplibregl from '/static/vendor/maplibre-gl/maplibre-gl.mjs';

const STRINGS = {
    zh: {elements: '规划要素', places: '地点', none: '无结果', nearHere: '这里附近规划了什么？',
        kinds: {road: '道路', railway_station: '火车站', airport: '机场', airport_historic: '旧机场', landmark: '地标',
            lake: '湖泊', bridge: '桥梁', tunnel: '隧道', park: '公园', museum: '博物馆', university: '大学',
            stadium: '体育场馆', library: '图书馆', port: '港口', river_mouth: '河口'}},
    en: {elements: 'Plan elements', places: 'Places', none: 'No results', nearHere: 'What is planned near here?',
        kinds: {road: 'road', railway_station: 'railway station', airport: 'airport', airport_historic: 'former airport',
            landmark: 'landmark', lake: 'lake', bridge: 'bridge', tunnel: 'tunnel', park: 'park', museum: 'museum',
            university: 'university', stadium: 'stadium', library: 'library', port: 'port', river_mouth: 'river mouth'}},
};

function el(tag, attrs = {}, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
        if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
        else e.setAttribute(k, v);
    }
    e.append(...kids.filter((k) => k != null && k !== ''));
    return e;
}

// wireSearch makes #search live. opts: map; lang() → 'zh' | 'en'; name(props)
// → the display name; layerTitle(layerId) → the layer's title; district(zh) →
// a district's name in the page's language; openFeature(ref); nearHere(lon,
// lat) — the near-me answer for a point.
export function wireSearch({map, lang, name, layerTitle, district = (d) => d, openFeature, nearHere}) {
    const form = document.querySelector('#search'), input = document.querySelector('#q');
    const list = document.querySelector('#results');
    const s = () => STRINGS[lang()] ?? STRINGS.zh;
    let timer, seq = 0, popup;
    const meta = (...parts) => el('span', {class: 'meta'}, parts.filter(Boolean).join(' · '));
    const choosePlace = (p) => {
        list.hidden = true;
        const [lon, lat] = p.geometry.coordinates;
        map.flyTo({center: [lon, lat], zoom: Math.max(map.getZoom(), 14)});
        popup?.remove();
        popup = new maplibregl.Popup({className: 'place-popup', maxWidth: '260px'}).setLngLat([lon, lat])
            .setDOMContent(el('div', {class: 'place', 'data-place': p.id},
                el('strong', {}, name(p.properties)),
                el('div', {class: 'meta'}, [s().kinds[p.properties.kind] ?? p.properties.kind, p.properties.district && district(p.properties.district)]
                    .filter(Boolean).join(' · ')),
                el('button', {type: 'button', class: 'near-here', onclick: () => { popup.remove(); nearHere(lon, lat); }},
                    s().nearHere)))
            .addTo(map);
    };
    const run = async () => {
        const q = input.value.trim();
        if (!q) { list.hidden = true; return; }
        const mine = ++seq;
        let fc;
        try {
            const r = await fetch(`/api/search?q=${encodeURIComponent(q)}&limit=10`);
            if (!r.ok) return;
            fc = await r.json();
        } catch { return; }
        if (mine !== seq) return; // a newer query is on its way
        const feats = fc.features.map((f) => el('li', {}, el('button', {type: 'button',
            'data-feature': `${f.properties.layer}/${f.id}`,
            onclick: () => { list.hidden = true; openFeature(`${f.properties.layer}/${f.id}`); }},
        el('span', {class: 'name'}, name({...f.properties, id: f.id})),
        meta(layerTitle(f.properties.layer), f.properties.district && district(f.properties.district)))));
        const places = (fc.places ?? []).map((p) => el('li', {}, el('button', {type: 'button', 'data-place': p.id,
            onclick: () => choosePlace(p)},
        el('span', {class: 'name'}, name(p.properties)),
        meta(s().kinds[p.properties.kind] ?? p.properties.kind, p.properties.district && district(p.properties.district)))));
        const group = (title, items) => items.length ? [el('li', {class: 'group'}, title), ...items] : [];
        const all = [...group(s().elements, feats), ...group(s().places, places)];
        list.replaceChildren(...(all.length ? all : [el('li', {class: 'none'}, s().none)]));
        list.hidden = false;
    };
    input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 200); });
    form.addEventListener('submit', (e) => {
        e.preventDefault();
        clearTimeout(timer);
        run().then(() => list.querySelector('button')?.focus());
    });
    input.addEventListener('keydown', (e) => { if (e.key === 'Escape') list.hidden = true; });
    document.addEventListener('click', (e) => { if (!form.contains(e.target)) list.hidden = true; });
}

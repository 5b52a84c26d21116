// Editing in the web map for signed-in editors (OGC API – Features Part 4 on
// a planmap serving PostGIS): sign in with a token (kept in sessionStorage,
// never in the URL), edit a feature's status and names, move a point by
// dragging it, say why (Planmap-Reason), save with If-Match; a conflict (412)
// shows the current version and keeps the edit; redraw a line or an area
// and draw new features with terra-draw (web/static/vendor/terra-draw,
// loaded when first needed); delete a feature; the feature's history, from
// which an earlier version is restored.
import * as maplibregl from '/static/vendor/maplibre-gl/maplibre-gl.mjs';
import {KINDS} from '/static/kinds.js';

const KEY = 'planmap.token';
const STATUSES = ['existing', 'under_construction', 'planned', 'expansion', 'upgrade'];

const I18N = {
    zh: {
        signIn: '登录编辑', signOut: '退出', token: '编辑令牌', signInTitle: '使用令牌登录',
        signInHint: '令牌由管理员以 planmap token create 生成，只保存在本标签页中。', submit: '登录', cancel: '取消',
        signedIn: (n, r) => `已登录：${n}（${ROLE.zh[r] ?? r}）`, badToken: '令牌无效、已过期或已撤销。',
        noEditing: '此服务器不接受编辑。', edit: '编辑', history: '历史', editTitle: '编辑要素',
        status: '规划状态', nameZh: '中文名称', nameEn: '英文名称', reason: '修改原因（必填）',
        save: '保存', saving: '正在保存…', saved: '已保存。', moveHint: '拖动地图上的红色标记以移动此点。',
        position: (lon, lat) => `位置：${lon}, ${lat}`, needReason: '请填写修改原因。',
        conflict: '保存失败：您打开编辑后，此要素已被他人修改。您的修改仍保留在表单中；下面是当前版本。',
        current: '当前版本', useCurrent: '基于当前版本重新保存我的修改', failed: (m) => `保存失败：${m}`,
        historyTitle: '修改历史', noHistory: '暂无历史。', by: '作者', op_insert: '新建', op_update: '修改', op_delete: '删除',
        version: (v) => `第 ${v} 版`, close: '关闭',
        redraw: '改绘', redrawTitle: '改绘几何', redrawHint: '拖动顶点以移动它；拖动两个顶点之间的小圆点以插入顶点；右键点击顶点以删除它。',
        vertices: (n) => `${n} 个顶点`, cannotRedraw: (m) => `无法在此改绘此几何：${m}`, loadingDraw: '正在加载绘图工具…',
        redrawConflict: '保存失败：您开始改绘后，此要素已被他人修改。请取消并基于当前版本重新改绘。',
        del: '删除', deleteTitle: '删除要素', deleteWarn: '此要素将从地图和接口中删除；它的历史会保留，并可从历史中恢复。',
        deleteConfirm: '确认删除', deleted: '已删除。可在“历史”中恢复。',
        restoreOf: (v) => `恢复第 ${v} 版`, restoreConfirm: '确认恢复', current_: '（当前）',
        restoreHint: '恢复会把该版本写回为新的一版，之后的版本都保留在历史中。',
        create: '新建要素', createTitle: '新建要素', layer: '图层', draw: '在地图上绘制', redrawNew: '清除并重新绘制',
        centre: '放在地图中心', notDrawn: '尚未绘制。', drawn: (n) => `已绘制：${n} 个顶点`,
        drawHint_Point: '点击地图放置此点，之后可拖动它。',
        drawHint_LineString: '在地图上依次点击各顶点，再次点击最后一个顶点（或按回车）完成；之后可拖动、插入或删除顶点。',
        drawHint_Polygon: '在地图上依次点击各顶点，点击第一个顶点闭合；之后可拖动、插入或删除顶点。',
        fid: '标识（小写字母、数字和连字符）', kind: '类型', accuracy: '位置精度', source: '来源（依据）',
        accuracy_surveyed: '实测', accuracy_approximate: '大致位置', accuracy_indicative: '示意',
        needGeometry: '请先在地图上绘制。', needName: '请填写中文名称。', created: '已新建。',
    },
    en: {
        signIn: 'Sign in to edit', signOut: 'Sign out', token: 'Editing token', signInTitle: 'Sign in with a token',
        signInHint: 'An admin makes tokens with planmap token create; it is kept in this tab only.', submit: 'Sign in', cancel: 'Cancel',
        signedIn: (n, r) => `Signed in: ${n} (${ROLE.en[r] ?? r})`, badToken: 'The token is not valid, has expired or was revoked.',
        noEditing: 'This server takes no edits.', edit: 'Edit', history: 'History', editTitle: 'Edit feature',
        status: 'Status', nameZh: 'Chinese name', nameEn: 'English name', reason: 'Reason for the change (required)',
        save: 'Save', saving: 'Saving…', saved: 'Saved.', moveHint: 'Drag the red marker on the map to move this point.',
        position: (lon, lat) => `Position: ${lon}, ${lat}`, needReason: 'Please give a reason for the change.',
        conflict: 'Not saved: someone changed this feature after you opened it. Your changes are still in the form; the current version is below.',
        current: 'Current version', useCurrent: 'Save my changes over the current version', failed: (m) => `Not saved: ${m}`,
        historyTitle: 'History', noHistory: 'No history yet.', by: 'by', op_insert: 'created', op_update: 'changed', op_delete: 'deleted',
        version: (v) => `Version ${v}`, close: 'Close',
        redraw: 'Redraw', redrawTitle: 'Redraw the geometry', redrawHint: 'Drag a vertex to move it; drag the small dot between two vertices to insert one; right-click a vertex to delete it.',
        vertices: (n) => (n === 1 ? '1 vertex' : `${n} vertices`), cannotRedraw: (m) => `This geometry cannot be redrawn here: ${m}`, loadingDraw: 'Loading the drawing tools…',
        redrawConflict: 'Not saved: someone changed this feature after you began redrawing it. Cancel and redraw the current version.',
        del: 'Delete', deleteTitle: 'Delete the feature', deleteWarn: 'The feature leaves the map and the API; its history is kept, and it can be restored from there.',
        deleteConfirm: 'Delete it', deleted: 'Deleted. It can be restored from its History.',
        restoreOf: (v) => `Restore version ${v}`, restoreConfirm: 'Restore it', current_: ' (current)',
        restoreHint: 'Restoring writes that version back as a new one; the versions after it stay in the history.',
        create: 'New feature', createTitle: 'New feature', layer: 'Layer', draw: 'Draw on the map', redrawNew: 'Clear and draw again',
        centre: 'Place at the map\'s centre', notDrawn: 'Not drawn yet.', drawn: (n) => `Drawn: ${n === 1 ? '1 vertex' : `${n} vertices`}`,
        drawHint_Point: 'Click the map to place the point; then drag it if need be.',
        drawHint_LineString: 'Click each vertex on the map, then the last one again (or press Enter) to finish; then drag, insert or delete vertices.',
        drawHint_Polygon: 'Click each vertex on the map, then the first one to close the area; then drag, insert or delete vertices.',
        fid: 'Id (lower-case letters, digits and hyphens)', kind: 'Kind', accuracy: 'Accuracy', source: 'Source (on whose word)',
        accuracy_surveyed: 'Surveyed', accuracy_approximate: 'Approximate', accuracy_indicative: 'Indicative',
        needGeometry: 'Please draw it on the map first.', needName: 'Please give the Chinese name.', created: 'Created.',
    },
};
const ROLE = {zh: {viewer: '查看者', editor: '编辑者', admin: '管理员'}, en: {viewer: 'viewer', editor: 'editor', admin: 'admin'}};
const STATUS = {
    zh: {existing: '现状', under_construction: '在建', planned: '规划', expansion: '扩建', upgrade: '改造提升'},
    en: {existing: 'Existing', under_construction: 'Under construction', planned: 'Planned', expansion: 'Expansion', upgrade: 'Upgrade'},
};

let ctx = {map: null, lang: () => 'zh', rerender: () => {}, reopen: () => {}, layers: () => [], layerTitle: (id) => id,
    panel: () => {}, forget: () => {}};
let me = null; // {name, role, layers} of the signed-in token
let marker = null; // the draggable point being moved
let bar = null;
let drawing = null; // the terra-draw session of a redraw or a new feature: {td, ids}

const L = () => (ctx.lang() === 'en' ? 'en' : 'zh');
const t = (k, ...a) => { const v = I18N[L()][k]; return typeof v === 'function' ? v(...a) : v; };

function el(tag, attrs = {}, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
        if (v == null || v === false) continue;
        if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
        else if (k === 'value') e.value = v;
        else e.setAttribute(k, v === true ? '' : v);
    }
    e.append(...kids.flat().filter((k) => k != null));
    return e;
}

const token = () => sessionStorage.getItem(KEY);
const auth = () => ({Authorization: `Bearer ${token()}`});
// Words of the edit forms, set again when the page's language changes
// (relabelEdits): text nodes made by T, and updaters given to onLang with
// the node they write; those no longer in the page are let go.
const live = new Set();
function T(key, ...args) {
    const text = () => (typeof key === 'function' ? key() : t(key, ...args));
    const node = document.createTextNode(text());
    onLang(node, () => { node.data = text(); });
    return node;
}
function onLang(node, update) {
    // Forms come and go between switches: let go of those gone now and then.
    if (live.size >= 512) for (const w of live) if (!w.node.isConnected) live.delete(w);
    live.add({node, update});
}

const itemURL = (f) => `/ogc/collections/${encodeURIComponent(f.properties.layer)}/items/${encodeURIComponent(f.id)}`;
const mayEdit = (layer) => me && (me.role === 'admin' || (me.role === 'editor' && me.layers.includes(layer)));
const reasonHeader = (text) => ({'Planmap-Reason': encodeURIComponent(text.trim())});

// editBusy is true while the map's clicks draw (app.js then opens no feature).
export const editBusy = () => drawing !== null;

// problem is what a failed write's answer says (its JSON description).
async function problem(r) {
    try { return (await r.json()).description ?? `HTTP ${r.status}`; } catch { return `HTTP ${r.status}`; }
}

// initEdit puts the sign-in control in the header; context gives the map,
// the page's language, rerender() (the feature panel again), reopen(ref)
// (the feature read again from the server, the map's data too), layers()
// and layerTitle(id), panel(node) (a form in the feature panel; null closes
// it) and forget(layer) (a deleted feature leaves the panel's selection and
// the map).
export async function initEdit(header, context) {
    ctx = {...ctx, ...context};
    // Only a planmap that takes edits (Part 4 in its conformance) offers to
    // sign in: not the embedded, read-only store, nor the static edition.
    if (window.planmapStatic) return;
    try {
        const c = await (await fetch('/ogc/conformance')).json();
        if (!c.conformsTo?.some((u) => u.endsWith('/ogcapi-features-4/1.0/conf/create-replace-delete'))) return;
    } catch { return; }
    bar = el('div', {id: 'edit-auth'});
    header.append(bar);
    // Closing the feature panel ends a redraw or a new feature's drawing.
    document.querySelector('[data-close="feature"]')?.addEventListener('click', endDraw);
    if (token()) await whoAmI();
    renderBar();
}

// relabelEdits runs rerender (app.js: the feature panel again, in the new
// language) keeping the edit box of the same feature as it is — what was
// typed, a dragged marker, a shape being drawn — then sets the words of
// every open form in the new language.
export function relabelEdits(rerender) {
    keepEdits = true;
    try { rerender(); } finally { keepEdits = false; }
    renderBar();
    for (const w of live) {
        if (w.node.isConnected) w.update(); else live.delete(w);
    }
}
let keepEdits = false;
let lastEdit = null; // the feature panel's edit section, and its feature

async function whoAmI() {
    const r = await fetch('/api/me', {headers: auth(), cache: 'no-store'});
    if (!r.ok) {
        sessionStorage.removeItem(KEY);
        me = null;
        return r.status === 405 ? t('noEditing') : t('badToken');
    }
    me = await r.json();
    return null;
}

function renderBar() {
    if (!bar) return;
    if (me) {
        const creates = me.role === 'admin' || (me.role === 'editor' && me.layers.length > 0);
        bar.replaceChildren(el('span', {id: 'edit-who'}, t('signedIn', me.name, me.role)), ' ',
            // On a phone the button shows only its ＋ (style.css); its name stays whole.
            ...(creates ? [el('button', {type: 'button', id: 'create-open', 'aria-label': t('create'), onclick: openCreate},
                el('span', {class: 'short', 'aria-hidden': 'true'}, '＋'), el('span', {class: 'long'}, t('create'))), ' '] : []),
            el('button', {type: 'button', id: 'sign-out', onclick: () => {
                sessionStorage.removeItem(KEY);
                me = null;
                dropMarker();
                endDraw();
                renderBar();
                ctx.rerender();
            }}, t('signOut')));
        return;
    }
    bar.replaceChildren(el('button', {type: 'button', id: 'sign-in', onclick: signInDialog}, t('signIn')));
}

function signInDialog() {
    const input = el('input', {type: 'password', id: 'token-input', autocomplete: 'off', required: true, spellcheck: 'false'});
    const msg = el('p', {class: 'edit-msg', role: 'alert'});
    const dlg = el('dialog', {id: 'sign-in-dialog', 'aria-labelledby': 'sign-in-title'},
        el('form', {method: 'dialog', onsubmit: async (e) => {
            e.preventDefault();
            sessionStorage.setItem(KEY, input.value.trim());
            const err = await whoAmI();
            if (err) { msg.textContent = err; return; }
            dlg.close();
            dlg.remove();
            renderBar();
            ctx.rerender();
        }},
        el('h2', {id: 'sign-in-title'}, t('signInTitle')),
        el('label', {for: 'token-input'}, t('token')), ' ', input,
        el('p', {class: 'hint'}, t('signInHint')), msg,
        el('button', {type: 'submit', id: 'token-submit'}, t('submit')), ' ',
        el('button', {type: 'button', onclick: () => { dlg.close(); dlg.remove(); }}, t('cancel'))));
    document.body.append(dlg);
    dlg.showModal();
    input.focus();
}

function dropMarker() {
    marker?.remove();
    marker = null;
}

// editActions is the feature panel's part for editing: Edit and History for
// a signed-in editor of the feature's layer, nothing (null) for anyone else.
export function editActions(f) {
    const ref = f ? `${f.properties.layer}/${f.id}` : null;
    if (keepEdits && lastEdit?.ref === ref && lastEdit.section.isConnected) return lastEdit.section;
    dropMarker();
    endDraw();
    if (!f || !mayEdit(f.properties.layer)) return null;
    const box = el('div', {class: 'edit-box'});
    const shape = /LineString|Polygon/.test(f.geometry?.type ?? '');
    const buttons = el('p', {class: 'edit-actions'},
        el('button', {type: 'button', id: 'edit-open', onclick: () => { endDraw(); openForm(f, box); }}, T('edit')), ' ',
        shape ? [el('button', {type: 'button', id: 'redraw-open', onclick: () => openRedraw(f, box)}, T('redraw')), ' '] : null,
        el('button', {type: 'button', id: 'history-open', onclick: () => { endDraw(); showHistory(f, box); }}, T('history')), ' ',
        el('button', {type: 'button', id: 'delete-open', class: 'danger', onclick: () => { endDraw(); openDelete(f, box, buttons); }}, T('del')));
    const section = el('section', {class: 'edit', 'aria-label': t('editTitle')}, buttons, box);
    onLang(section, () => section.setAttribute('aria-label', t('editTitle')));
    lastEdit = {ref, section};
    return section;
}

// read fetches a feature's current version and its ETag.
async function read(f) {
    const r = await fetch(itemURL(f), {cache: 'no-store', headers: {Accept: 'application/geo+json'}});
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return {feature: await r.json(), etag: r.headers.get('ETag')};
}

async function openForm(f, box) {
    let cur;
    try { cur = await read(f); } catch (err) { box.replaceChildren(el('p', {class: 'edit-msg'}, t('failed', err.message))); return; }
    let etag = cur.etag;
    const p = cur.feature.properties, g = cur.feature.geometry;
    const status = el('select', {id: 'edit-status'}, STATUSES.map((s) => el('option', {value: s}, T(() => STATUS[L()][s]))));
    status.value = p.status;
    const nameZh = el('input', {id: 'edit-name-zh', value: p.name_zh ?? '', lang: 'zh-CN'});
    const nameEn = el('input', {id: 'edit-name-en', value: p.name_en ?? '', lang: 'en'});
    const reason = el('textarea', {id: 'edit-reason', rows: 2, maxlength: 500, required: true});
    const msg = el('div', {class: 'edit-msg', role: 'status', id: 'edit-msg'});
    let moved = null;
    const pos = el('output', {id: 'edit-position'});
    const showPos = (c) => { pos.textContent = t('position', c[0].toFixed(5), c[1].toFixed(5)); pos.dataset.lnglat = c.join(','); };
    onLang(pos, () => pos.dataset.lnglat && showPos(pos.dataset.lnglat.split(',').map(Number)));
    dropMarker();
    if (g?.type === 'Point') {
        marker = new maplibregl.Marker({draggable: true, color: '#d32f2f'}).setLngLat(g.coordinates).addTo(ctx.map);
        marker.getElement().classList.add('edit-marker');
        marker.on('dragend', () => { const ll = marker.getLngLat(); moved = [ll.lng, ll.lat]; showPos(moved); });
        showPos(g.coordinates);
    }
    const save = async (e) => {
        e.preventDefault();
        if (!reason.value.trim()) { msg.replaceChildren(t('needReason')); reason.focus(); return; }
        // Only what this editor changed is sent, so that a save over a newer
        // version keeps the others' changes.
        const props = {};
        if (status.value !== p.status) props.status = status.value;
        if (nameZh.value.trim() !== (p.name_zh ?? '')) props.name_zh = nameZh.value.trim() || null;
        if (nameEn.value.trim() !== (p.name_en ?? '')) props.name_en = nameEn.value.trim() || null;
        const patch = {properties: props};
        if (moved) patch.geometry = {type: 'Point', coordinates: moved.map((x) => Math.round(x * 1e6) / 1e6)};
        msg.replaceChildren(t('saving'));
        const r = await fetch(itemURL(f), {method: 'PATCH', body: JSON.stringify(patch), headers: {...auth(),
            'Content-Type': 'application/merge-patch+json', 'If-Match': etag,
            'Planmap-Reason': encodeURIComponent(reason.value.trim())}});
        if (r.status === 204) {
            msg.replaceChildren(t('saved'));
            dropMarker();
            ctx.reopen(`${f.properties.layer}/${f.id}`);
            return;
        }
        if (r.status === 412) {
            // Someone else's change is shown, and the form keeps this one.
            let now;
            try { now = await read(f); } catch { now = null; }
            const q = now?.feature.properties ?? {};
            const c = now?.feature.geometry?.type === 'Point' ? now.feature.geometry.coordinates : null;
            msg.replaceChildren(el('div', {class: 'edit-conflict', role: 'alert'},
                el('p', {}, T('conflict')),
                el('h4', {}, T('current')),
                el('dl', {},
                    el('dt', {}, T('status')), el('dd', {}, STATUS[L()][q.status] ?? q.status ?? ''),
                    el('dt', {}, T('nameZh')), el('dd', {lang: 'zh-CN'}, q.name_zh ?? ''),
                    el('dt', {}, T('nameEn')), el('dd', {lang: 'en'}, q.name_en ?? ''),
                    c ? [el('dt', {}, '⌖'), el('dd', {}, t('position', c[0].toFixed(5), c[1].toFixed(5)))] : null),
                now ? el('button', {type: 'button', id: 'edit-use-current', onclick: () => {
                    etag = now.etag;
                    msg.replaceChildren();
                }}, T('useCurrent')) : null));
            return;
        }
        let detail = `HTTP ${r.status}`;
        try { detail = (await r.json()).description ?? detail; } catch { /* not JSON */ }
        msg.replaceChildren(t('failed', detail));
    };
    const field = (id, label, input) => el('p', {}, el('label', {for: id}, label), el('br'), input);
    box.replaceChildren(el('form', {class: 'edit-form', novalidate: true, onsubmit: save},
        el('h3', {}, T('editTitle')),
        field('edit-status', T('status'), status),
        field('edit-name-zh', T('nameZh'), nameZh),
        field('edit-name-en', T('nameEn'), nameEn),
        g?.type === 'Point' ? el('p', {class: 'hint'}, T('moveHint'), el('br'), pos) : null,
        field('edit-reason', T('reason'), reason),
        el('button', {type: 'submit', id: 'edit-save'}, T('save')), ' ',
        el('button', {type: 'button', onclick: () => { dropMarker(); box.replaceChildren(); }}, T('cancel')),
        msg));
}

// showHistory lists a feature's versions, newest first, each earlier one
// with a button that restores it (after a delete, any version).
async function showHistory(f, box) {
    const r = await fetch(`${itemURL(f)}/history`, {cache: 'no-store'});
    if (!r.ok) { box.replaceChildren(el('p', {class: 'edit-msg'}, t('failed', `HTTP ${r.status}`))); return; }
    const vs = (await r.json()).versions ?? [];
    // The version a restore replaces: none after a delete (no If-Match then).
    const last = vs.at(-1);
    let etag = null;
    if (last && last.op !== 'delete') {
        try { etag = (await read(f)).etag; } catch (err) { box.replaceChildren(el('p', {class: 'edit-msg'}, t('failed', err.message))); return; }
    }
    const when = (s) => new Date(s).toLocaleString(L() === 'en' ? 'en-GB' : 'zh-CN');
    const form = el('div', {class: 'restore-box'});
    const restorable = (v) => v.op !== 'delete' && (v !== last);
    box.replaceChildren(el('section', {class: 'edit-history'},
        el('h3', {}, T('historyTitle')),
        vs.length ? el('ol', {id: 'history-list', reversed: true}, vs.slice().reverse().map((v) => el('li', {},
            el('strong', {}, T('version', v.version)), v === last && v.op !== 'delete' ? t('current_') : '',
            ` · ${t(`op_${v.op}`) ?? v.op} · ${when(v.at)} · ${t('by')} ${v.author ?? ''}`,
            v.reason ? [el('br'), el('span', {class: 'reason'}, v.reason)] : null,
            restorable(v) ? [el('br'), el('button', {type: 'button', class: 'restore', id: `restore-${v.version}`,
                'data-version': v.version, onclick: () => restoreForm(f, v.version, etag, form)}, t('restoreOf', v.version))] : null))) :
            el('p', {}, T('noHistory')),
        form,
        el('button', {type: 'button', onclick: () => box.replaceChildren()}, T('close'))));
}

// restoreForm asks why, then writes version v back (If-Match: etag, the
// version the history was read at; none after a delete).
function restoreForm(f, v, etag, form) {
    const reason = el('textarea', {id: 'restore-reason', rows: 2, maxlength: 500, required: true});
    const msg = el('div', {class: 'edit-msg', role: 'status', id: 'restore-msg'});
    form.replaceChildren(el('form', {class: 'edit-form', novalidate: true, 'aria-labelledby': 'restore-title', onsubmit: async (e) => {
        e.preventDefault();
        if (!reason.value.trim()) { msg.replaceChildren(t('needReason')); reason.focus(); return; }
        msg.replaceChildren(t('saving'));
        const r = await fetch(`${itemURL(f)}/restore?version=${v}`, {method: 'POST',
            headers: {...auth(), ...reasonHeader(reason.value), ...(etag ? {'If-Match': etag} : {})}});
        if (r.status === 204) { ctx.reopen(`${f.properties.layer}/${f.id}`); return; }
        msg.replaceChildren(r.status === 412 ? t('conflict') : t('failed', await problem(r)));
    }},
    el('h4', {id: 'restore-title'}, t('restoreOf', v)),
    el('p', {class: 'hint'}, T('restoreHint')),
    el('p', {}, el('label', {for: 'restore-reason'}, T('reason')), el('br'), reason),
    el('button', {type: 'submit', id: 'restore-confirm'}, T('restoreConfirm')), ' ',
    el('button', {type: 'button', onclick: () => form.replaceChildren()}, T('cancel')),
    msg));
    reason.focus();
}

// openDelete asks why and for confirmation, then deletes with If-Match;
// the panel then says so and keeps History, from which it is restored.
async function openDelete(f, box, buttons) {
    let cur;
    try { cur = await read(f); } catch (err) { box.replaceChildren(el('p', {class: 'edit-msg'}, t('failed', err.message))); return; }
    const reason = el('textarea', {id: 'delete-reason', rows: 2, maxlength: 500, required: true});
    const msg = el('div', {class: 'edit-msg', role: 'status', id: 'delete-msg'});
    box.replaceChildren(el('form', {class: 'edit-form edit-delete', novalidate: true, 'aria-labelledby': 'delete-title', onsubmit: async (e) => {
        e.preventDefault();
        if (!reason.value.trim()) { msg.replaceChildren(t('needReason')); reason.focus(); return; }
        msg.replaceChildren(t('saving'));
        const r = await fetch(itemURL(f), {method: 'DELETE', headers: {...auth(), ...reasonHeader(reason.value), 'If-Match': cur.etag}});
        if (r.status !== 204) { msg.replaceChildren(r.status === 412 ? t('conflict') : t('failed', await problem(r))); return; }
        ctx.forget(f.properties.layer); // the map no longer draws nor highlights it, nor the URL names it
        buttons.replaceChildren(el('button', {type: 'button', id: 'history-open', onclick: () => showHistory(f, box)}, T('history')));
        box.replaceChildren(el('p', {class: 'edit-msg', role: 'status', id: 'delete-msg'}, t('deleted')));
    }},
    el('h3', {id: 'delete-title'}, T('deleteTitle')),
    el('p', {class: 'hint'}, T('deleteWarn')),
    el('p', {}, el('label', {for: 'delete-reason'}, T('reason')), el('br'), reason),
    el('button', {type: 'submit', id: 'delete-confirm', class: 'danger'}, T('deleteConfirm')), ' ',
    el('button', {type: 'button', onclick: () => box.replaceChildren()}, T('cancel')),
    msg));
    reason.focus();
}

// ---------------------------------------------------------------- drawing (terra-draw)

const MODE = {Point: 'point', LineString: 'linestring', Polygon: 'polygon'};
const round9 = (c) => (typeof c[0] === 'number' ? c.map((x) => Math.round(x * 1e9) / 1e9) : c.map(round9));

// startDraw loads terra-draw (once) and starts a session on the map: lines
// and areas have draggable, insertable (midpoints) and deletable
// (right-click) vertices, a point is dragged whole; no key deletes a feature.
async function startDraw() {
    endDraw();
    const [TD, {TerraDrawMapLibreGLAdapter}] = await Promise.all([import('/static/vendor/terra-draw/terra-draw.mjs'),
        import('/static/vendor/terra-draw/terra-draw-maplibre-gl-adapter.mjs')]);
    const vertices = {feature: {draggable: false, coordinates: {draggable: true, midpoints: true, deletable: true}}};
    const td = new TD.TerraDraw({
        adapter: new TerraDrawMapLibreGLAdapter({map: ctx.map}),
        modes: [
            new TD.TerraDrawSelectMode({flags: {linestring: vertices, polygon: vertices, point: {feature: {draggable: true}}},
                keyEvents: null, allowManualDeselection: false,
                // Blue, beside the red highlight of the feature as it was.
                styles: {selectionPointWidth: 7, midPointWidth: 5, selectedLineStringColor: '#1565c0', selectedPolygonOutlineColor: '#1565c0',
                    selectedPolygonColor: '#1565c0', selectedPointColor: '#1565c0'}}),
            new TD.TerraDrawPointMode(), new TD.TerraDrawLineStringMode(), new TD.TerraDrawPolygonMode(),
        ],
    });
    td.start();
    drawing = {td, ids: []};
    window.planmapDraw = drawing; // for the browser tests
    return drawing;
}

function endDraw() {
    if (!drawing) return;
    try { drawing.td.stop(); } catch { /* the map is gone */ }
    drawing = null;
    window.planmapDraw = null;
}

// parts splits a geometry into what terra-draw edits (it knows no Multi*
// types, nor holes): each line, or each polygon's outer ring, with the
// holes kept aside to be put back as they were.
function parts(g) {
    const multi = g.type.startsWith('Multi');
    const list = multi ? g.coordinates : [g.coordinates];
    const area = g.type.endsWith('Polygon');
    return list.map((c) => (area ? {mode: 'polygon', coordinates: [c[0]], holes: c.slice(1)} : {mode: 'linestring', coordinates: c}));
}

// geometryOf reassembles the edited parts in the original's type.
function geometryOf(type, ps) {
    const cs = ps.map((p) => (p.mode === 'polygon' ? [p.coordinates[0], ...p.holes] : p.coordinates));
    return type.startsWith('Multi') ? {type, coordinates: cs} : {type, coordinates: cs[0]};
}

const vertexCount = (c) => (typeof c[0] === 'number' ? 1 : c.reduce((n, x) => n + vertexCount(x), 0));

// openRedraw puts a line's or an area's geometry into terra-draw's select
// mode and saves the edited geometry as a merge patch with If-Match.
async function openRedraw(f, box) {
    dropMarker();
    let cur;
    try { cur = await read(f); } catch (err) { box.replaceChildren(el('p', {class: 'edit-msg'}, t('failed', err.message))); return; }
    const g = cur.feature.geometry;
    const count = el('output', {id: 'redraw-count', 'aria-live': 'polite'});
    const reason = el('textarea', {id: 'redraw-reason', rows: 2, maxlength: 500, required: true});
    const msg = el('div', {class: 'edit-msg', role: 'status', id: 'redraw-msg'}, t('loadingDraw'));
    box.replaceChildren(el('form', {class: 'edit-form', novalidate: true, 'aria-labelledby': 'redraw-title', onsubmit: (e) => saveRedraw(e)},
        el('h3', {id: 'redraw-title'}, T('redrawTitle')),
        el('p', {class: 'hint'}, T('redrawHint'), el('br'), count),
        el('p', {}, el('label', {for: 'redraw-reason'}, T('reason')), el('br'), reason),
        el('button', {type: 'submit', id: 'redraw-save'}, T('save')), ' ',
        el('button', {type: 'button', id: 'redraw-cancel', onclick: () => { endDraw(); box.replaceChildren(); }}, T('cancel')),
        msg));
    const ps = parts(g);
    const d = await startDraw();
    const added = d.td.addFeatures(ps.map((p) => ({type: 'Feature', geometry: {type: p.mode === 'polygon' ? 'Polygon' : 'LineString',
        coordinates: round9(p.coordinates)}, properties: {mode: p.mode}})));
    const bad = added.find((a) => !a.valid);
    if (bad) { endDraw(); msg.replaceChildren(t('cannotRedraw', bad.reason ?? '')); return; }
    d.ids = added.map((a) => a.id);
    d.td.setMode('select');
    d.td.selectFeature(d.ids[0]);
    // Selecting one part of a multi-part feature shows its vertices; a click on another selects that one.
    const edited = () => geometryOf(g.type, ps.map((p, i) => ({...p, coordinates: d.td.getSnapshotFeature(d.ids[i])?.geometry.coordinates ?? p.coordinates})));
    const show = () => { const e = edited(); count.textContent = t('vertices', vertexCount(e.coordinates)); count.dataset.geometry = JSON.stringify(e); };
    d.td.on('change', show);
    show();
    msg.replaceChildren();
    async function saveRedraw(e) {
        e.preventDefault();
        if (!drawing) return;
        if (!reason.value.trim()) { msg.replaceChildren(t('needReason')); reason.focus(); return; }
        msg.replaceChildren(t('saving'));
        const r = await fetch(itemURL(f), {method: 'PATCH', body: JSON.stringify({geometry: edited()}), headers: {...auth(),
            'Content-Type': 'application/merge-patch+json', 'If-Match': cur.etag, ...reasonHeader(reason.value)}});
        if (r.status === 204) { endDraw(); ctx.reopen(`${f.properties.layer}/${f.id}`); return; }
        // The server's own words: an invalid geometry's 400 names the problem.
        msg.replaceChildren(el('p', {role: 'alert'}, r.status === 412 ? t('redrawConflict') : t('failed', await problem(r))));
    }
}

// ---------------------------------------------------------------- new features

const ACCURACIES = ['surveyed', 'approximate', 'indicative'];
const newID = (layer) => `${layer}-${Date.now().toString(36)}`;

// kindsOf lists the kinds a layer's features have, for the new feature's kind.
async function kindsOf(layer) {
    try {
        const fc = await (await fetch(`/ogc/collections/${encodeURIComponent(layer)}/items?limit=500&properties=kind`)).json();
        return [...new Set(fc.features.map((x) => x.properties.kind).filter(Boolean))].sort();
    } catch { return []; }
}

// openCreate shows the new feature's form in the feature panel: a layer the
// holder may edit, the geometry drawn on the map, its properties and why.
function openCreate() {
    dropMarker();
    endDraw();
    const layers = ctx.layers().filter((l) => mayEdit(l.id))
        .sort((a, b) => (ctx.layerTitle(a.id) ?? a.id).localeCompare(ctx.layerTitle(b.id) ?? b.id, L() === 'en' ? 'en' : 'zh-CN'));
    const layer = el('select', {id: 'create-layer'}, layers.map((l) => el('option', {value: l.id}, T(() => ctx.layerTitle(l.id) ?? l.id))));
    const fid = el('input', {id: 'create-id', value: newID(layer.value), autocomplete: 'off', spellcheck: 'false', pattern: '[a-z0-9]+(-[a-z0-9]+)*'});
    const nameZh = el('input', {id: 'create-name-zh', lang: 'zh-CN', required: true});
    const nameEn = el('input', {id: 'create-name-en', lang: 'en'});
    const kind = el('select', {id: 'create-kind'});
    const status = el('select', {id: 'create-status'}, STATUSES.map((s) => el('option', {value: s}, T(() => STATUS[L()][s]))));
    status.value = 'planned';
    const accuracy = el('select', {id: 'create-accuracy'}, ACCURACIES.map((a) => el('option', {value: a}, T(`accuracy_${a}`))));
    accuracy.value = 'approximate';
    const source = el('input', {id: 'create-source', value: me.name, required: true});
    const reason = el('textarea', {id: 'create-reason', rows: 2, maxlength: 500, required: true});
    const hint = el('p', {class: 'hint', id: 'create-hint'});
    const shape = el('output', {id: 'create-geometry', 'aria-live': 'polite'}, t('notDrawn'));
    const msg = el('div', {class: 'edit-msg', role: 'status', id: 'create-msg'});
    const centre = el('button', {type: 'button', id: 'create-centre', onclick: () => place(ctx.map.getCenter().toArray())}, T('centre'));
    const typeOf = () => layers.find((l) => l.id === layer.value)?.geometry_type ?? 'Point';
    const simple = () => typeOf().replace(/^Multi/, '');
    let geometry = null; // the drawn geometry, in terra-draw's simple type
    let idEdited = false;
    fid.addEventListener('input', () => { idEdited = true; });

    const drawBtn = el('button', {type: 'button', id: 'create-draw', onclick: () => drawNew()}, t('draw'));
    const show = () => {
        const n = geometry ? vertexCount(geometry.coordinates) : 0;
        shape.textContent = geometry ? t('drawn', n) : t('notDrawn');
        shape.dataset.geometry = geometry ? JSON.stringify(geometry) : '';
        drawBtn.textContent = geometry ? t('redrawNew') : t('draw');
        if (geometry) msg.replaceChildren();
    };
    // drawNew starts terra-draw in the layer's mode; once the shape is
    // finished it is selected, to be adjusted like a redrawn one.
    const drawNew = async () => {
        geometry = null;
        show();
        const d = await startDraw();
        d.td.setMode(MODE[simple()]);
        d.td.on('finish', (id, c) => {
            if (c?.mode === 'select' || d.ids.length) return; // the shape drawn, not a later vertex drag
            d.ids = [id];
            d.td.setMode('select');
            d.td.selectFeature(id);
            geometry = d.td.getSnapshotFeature(id)?.geometry ?? null;
            show();
        });
        d.td.on('change', () => {
            if (!d.ids.length) return;
            geometry = d.td.getSnapshotFeature(d.ids[0])?.geometry ?? geometry;
            show();
        });
    };
    // place puts a point at c (the map's centre: drawing without a pointer).
    async function place(c) {
        const d = await startDraw();
        const [a] = d.td.addFeatures([{type: 'Feature', geometry: {type: 'Point', coordinates: round9(c)}, properties: {mode: 'point'}}]);
        d.ids = [a.id];
        d.td.setMode('select');
        d.td.selectFeature(a.id);
        d.td.on('change', () => { geometry = d.td.getSnapshotFeature(a.id)?.geometry ?? geometry; show(); });
        geometry = d.td.getSnapshotFeature(a.id).geometry;
        show();
    }
    const onLayer = async () => {
        endDraw();
        geometry = null;
        show();
        hint.textContent = t(`drawHint_${simple()}`);
        centre.hidden = simple() !== 'Point';
        if (!idEdited) fid.value = newID(layer.value);
        const ks = await kindsOf(layer.value);
        kind.replaceChildren(...ks.map((k) => el('option', {value: k}, T(() => KINDS[k]?.[L() === 'en' ? 1 : 0] ?? k))));
    };
    layer.addEventListener('change', onLayer);
    onLang(shape, show);
    onLang(hint, () => { hint.textContent = t(`drawHint_${simple()}`); });

    const save = async (e) => {
        e.preventDefault();
        if (!geometry) { msg.replaceChildren(t('needGeometry')); return; }
        if (!nameZh.value.trim()) { msg.replaceChildren(t('needName')); nameZh.focus(); return; }
        if (!reason.value.trim()) { msg.replaceChildren(t('needReason')); reason.focus(); return; }
        const type = typeOf();
        const g = type.startsWith('Multi') ? {type, coordinates: [geometry.coordinates]} : geometry;
        const props = {name_zh: nameZh.value.trim(), kind: kind.value, status: status.value, accuracy: accuracy.value, source: source.value.trim()};
        if (nameEn.value.trim()) props.name_en = nameEn.value.trim();
        msg.replaceChildren(t('saving'));
        const r = await fetch(`/ogc/collections/${encodeURIComponent(layer.value)}/items`, {method: 'POST',
            body: JSON.stringify({type: 'Feature', id: fid.value.trim(), geometry: g, properties: props}),
            headers: {...auth(), 'Content-Type': 'application/geo+json', ...reasonHeader(reason.value)}});
        if (r.status === 201) {
            await r.text(); // read to its end: a response left unread is cancelled later, a failed request to the browser
            endDraw();
            ctx.reopen(`${layer.value}/${fid.value.trim()}`);
            return;
        }
        msg.replaceChildren(el('p', {role: 'alert'}, t('failed', await problem(r))));
    };
    const field = (id, label, input) => el('p', {}, el('label', {for: id}, label), el('br'), input);
    ctx.panel(el('form', {class: 'edit-form edit-create', novalidate: true, 'aria-labelledby': 'create-title', onsubmit: save},
        el('h2', {id: 'create-title'}, T('createTitle')),
        field('create-layer', T('layer'), layer),
        hint,
        el('p', {}, drawBtn, ' ', centre, el('br'), shape),
        field('create-name-zh', T('nameZh'), nameZh),
        field('create-name-en', T('nameEn'), nameEn),
        field('create-kind', T('kind'), kind),
        field('create-status', T('status'), status),
        field('create-accuracy', T('accuracy'), accuracy),
        field('create-source', T('source'), source),
        field('create-id', T('fid'), fid),
        field('create-reason', T('reason'), reason),
        el('button', {type: 'submit', id: 'create-save'}, T('save')), ' ',
        el('button', {type: 'button', onclick: () => { endDraw(); ctx.panel(null); }}, T('cancel')),
        msg));
    onLayer();
}

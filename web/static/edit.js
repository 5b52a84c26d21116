// Editing in the web map for signed-in editors (OGC API – Features Part 4 on
// a planmap serving PostGIS): sign in with a token (kept in sessionStorage,
// never in the URL), edit a feature's status and names, move a point by
// dragging it, say why (Planmap-Reason), save with If-Match; a conflict (412)
// shows the current version and keeps the edit; the feature's history.
// Lines and areas are not redrawn here (only points move).
import * as maplibregl from '/static/vendor/maplibre-gl/maplibre-gl.mjs';

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
    },
};
const ROLE = {zh: {viewer: '查看者', editor: '编辑者', admin: '管理员'}, en: {viewer: 'viewer', editor: 'editor', admin: 'admin'}};
const STATUS = {
    zh: {existing: '现状', under_construction: '在建', planned: '规划', expansion: '扩建', upgrade: '改造提升'},
    en: {existing: 'Existing', under_construction: 'Under construction', planned: 'Planned', expansion: 'Expansion', upgrade: 'Upgrade'},
};

let ctx = {map: null, lang: () => 'zh', rerender: () => {}, reopen: () => {}};
let me = null; // {name, role, layers} of the signed-in token
let marker = null; // the draggable point being moved
let bar = null;

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
const itemURL = (f) => `/ogc/collections/${encodeURIComponent(f.properties.layer)}/items/${encodeURIComponent(f.id)}`;
const mayEdit = (layer) => me && (me.role === 'admin' || (me.role === 'editor' && me.layers.includes(layer)));

// initEdit puts the sign-in control in the header; context gives the map,
// the page's language, rerender() (the feature panel again) and reopen(ref)
// (the feature read again from the server).
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
    if (token()) await whoAmI();
    renderBar();
}

// setEditLang relabels the sign-in control.
export function setEditLang() { renderBar(); }

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
        bar.replaceChildren(el('span', {id: 'edit-who'}, t('signedIn', me.name, me.role)), ' ',
            el('button', {type: 'button', id: 'sign-out', onclick: () => {
                sessionStorage.removeItem(KEY);
                me = null;
                dropMarker();
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
    dropMarker();
    if (!f || !mayEdit(f.properties.layer)) return null;
    const box = el('div', {class: 'edit-box'});
    const buttons = el('p', {class: 'edit-actions'},
        el('button', {type: 'button', id: 'edit-open', onclick: () => openForm(f, box)}, t('edit')), ' ',
        el('button', {type: 'button', id: 'history-open', onclick: () => showHistory(f, box)}, t('history')));
    return el('section', {class: 'edit', 'aria-label': t('editTitle')}, buttons, box);
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
    const status = el('select', {id: 'edit-status'}, STATUSES.map((s) => el('option', {value: s}, STATUS[L()][s])));
    status.value = p.status;
    const nameZh = el('input', {id: 'edit-name-zh', value: p.name_zh ?? '', lang: 'zh-CN'});
    const nameEn = el('input', {id: 'edit-name-en', value: p.name_en ?? '', lang: 'en'});
    const reason = el('textarea', {id: 'edit-reason', rows: 2, maxlength: 500, required: true});
    const msg = el('div', {class: 'edit-msg', role: 'status', id: 'edit-msg'});
    let moved = null;
    const pos = el('output', {id: 'edit-position'});
    const showPos = (c) => { pos.textContent = t('position', c[0].toFixed(5), c[1].toFixed(5)); pos.dataset.lnglat = c.join(','); };
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
                el('p', {}, t('conflict')),
                el('h4', {}, t('current')),
                el('dl', {},
                    el('dt', {}, t('status')), el('dd', {}, STATUS[L()][q.status] ?? q.status ?? ''),
                    el('dt', {}, t('nameZh')), el('dd', {lang: 'zh-CN'}, q.name_zh ?? ''),
                    el('dt', {}, t('nameEn')), el('dd', {lang: 'en'}, q.name_en ?? ''),
                    c ? [el('dt', {}, '⌖'), el('dd', {}, t('position', c[0].toFixed(5), c[1].toFixed(5)))] : null),
                now ? el('button', {type: 'button', id: 'edit-use-current', onclick: () => {
                    etag = now.etag;
                    msg.replaceChildren();
                }}, t('useCurrent')) : null));
            return;
        }
        let detail = `HTTP ${r.status}`;
        try { detail = (await r.json()).description ?? detail; } catch { /* not JSON */ }
        msg.replaceChildren(t('failed', detail));
    };
    const field = (id, label, input) => el('p', {}, el('label', {for: id}, label), el('br'), input);
    box.replaceChildren(el('form', {class: 'edit-form', novalidate: true, onsubmit: save},
        el('h3', {}, t('editTitle')),
        field('edit-status', t('status'), status),
        field('edit-name-zh', t('nameZh'), nameZh),
        field('edit-name-en', t('nameEn'), nameEn),
        g?.type === 'Point' ? el('p', {class: 'hint'}, t('moveHint'), el('br'), pos) : null,
        field('edit-reason', t('reason'), reason),
        el('button', {type: 'submit', id: 'edit-save'}, t('save')), ' ',
        el('button', {type: 'button', onclick: () => { dropMarker(); box.replaceChildren(); }}, t('cancel')),
        msg));
}

async function showHistory(f, box) {
    const r = await fetch(`${itemURL(f)}/history`, {cache: 'no-store'});
    if (!r.ok) { box.replaceChildren(el('p', {class: 'edit-msg'}, t('failed', `HTTP ${r.status}`))); return; }
    const vs = (await r.json()).versions ?? [];
    const when = (s) => new Date(s).toLocaleString(L() === 'en' ? 'en-GB' : 'zh-CN');
    box.replaceChildren(el('section', {class: 'edit-history'},
        el('h3', {}, t('historyTitle')),
        vs.length ? el('ol', {id: 'history-list', reversed: true}, vs.slice().reverse().map((v) => el('li', {},
            el('strong', {}, t('version', v.version)), ` · ${t(`op_${v.op}`) ?? v.op} · ${when(v.at)} · ${t('by')} ${v.author ?? ''}`,
            v.reason ? [el('br'), el('span', {class: 'reason'}, v.reason)] : null))) : el('p', {}, t('noHistory')),
        el('button', {type: 'button', onclick: () => box.replaceChildren()}, t('close'))));
}

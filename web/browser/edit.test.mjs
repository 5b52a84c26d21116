// Editing in the web map (web/static/edit.js) on a PostGIS-backed planmap:
// an editor signs in with a token, moves a pump station by dragging it and
// changes its status with a reason; a second planmap on the same database
// serves the change (items and the map); a stale save gets the conflict
// message; a viewer (no token) sees no edit action. Then lines are redrawn
// and features drawn with terra-draw: a vertex dragged out of the region is
// refused with the server's words, one inserted, one moved, one deleted; a
// version restored; a pump station drawn, deleted and restored; a viewer's
// token shows no edit control. The database is a throwaway cluster
// (initdb/pg_ctl, as geo/postgis/pgtest starts them).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync, chownSync, appendFileSync, existsSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {openMap, root, skip as noBrowser} from './harness.mjs';

// pgBin finds initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/N/bin.
function pgBin() {
    try {
        return execFileSync('sh', ['-c', 'dirname "$(readlink -f "$(command -v pg_ctl)")"']).toString().trim();
    } catch { /* not on PATH */ }
    try {
        return execFileSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1']).toString().trim();
    } catch { return ''; }
}
const BIN = pgBin();
const havePG = BIN && existsSync(join(BIN, 'initdb'));
// In CI a missing PostgreSQL (or PostGIS, checked below) is a failure, not a skip.
const skip = noBrowser || (!havePG && process.env.CI !== 'true' ? 'no PostgreSQL server binaries (initdb, pg_ctl)' : false);

// startCluster starts a throwaway cluster on a Unix socket in its own
// directory (no TCP port), as the postgres user when run as root.
function startCluster() {
    if (!havePG) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found (CI=true): apt-get install postgresql postgis');
    const dir = mkdtempSync(join(tmpdir(), 'planmap-pg-'));
    const opts = {stdio: ['ignore', 'ignore', 'inherit']};
    if (process.getuid?.() === 0) {
        const uid = +execFileSync('id', ['-u', 'postgres']).toString(), gid = +execFileSync('id', ['-g', 'postgres']).toString();
        chownSync(dir, uid, gid);
        Object.assign(opts, {uid, gid});
    }
    const data = join(dir, 'data');
    execFileSync(join(BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], opts);
    appendFileSync(join(data, 'postgresql.conf'), `\nlisten_addresses = ''\nunix_socket_directories = '${dir}'\nfsync = off\n`);
    execFileSync(join(BIN, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', 'start'], opts);
    const stop = () => {
        try { execFileSync(join(BIN, 'pg_ctl'), ['-D', data, '-w', '-m', 'fast', 'stop'], opts); } catch { /* gone */ }
        rmSync(dir, {recursive: true, force: true});
    };
    const psql = (db, sql) => execFileSync(join(BIN, 'psql'), ['-h', dir, '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-Atc', sql]).toString().trim();
    try {
        if (psql('postgres', `SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'`) !== '1') {
            throw new Error('the PostGIS extension is not installed (apt-get install postgresql-15-postgis-3)');
        }
        psql('postgres', 'CREATE DATABASE planmap');
        psql('planmap', 'CREATE EXTENSION postgis');
    } catch (err) { stop(); throw err; }
    return {url: `postgres://postgres@/planmap?host=${encodeURIComponent(dir)}`, stop};
}

// audit runs axe-core on the page: no serious or critical violation.
async function audit(page, what) {
    await page.evaluate(readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8'));
    const v = await page.evaluate(async () => (await window.axe.run(document, {resultTypes: ['violations']}))
        .violations.filter((x) => ['serious', 'critical'].includes(x.impact))
        .map((x) => `${x.id}: ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`));
    assert.deepEqual(v, [], `${what}: ${v.join('\n')}`);
}

const PUMP = 'browser-edit-pump';
const ITEM = `/ogc/collections/pump-stations/items/${PUMP}`;
// load opens the page afresh at url (a new hash alone would not reload it).
async function load(page, url) {
    await page.goto('about:blank');
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.ready === 'true' && window.map.loaded(), null, {timeout: 60000});
}
const reason = (s) => ({'Planmap-Reason': encodeURIComponent(s)});

// twoPlanmaps loads the embedded dataset into a throwaway PostGIS, starts two
// planmaps on it and runs body({a, b, mint}); mint makes a token. Outside CI a
// PostgreSQL without PostGIS skips; in CI it fails.
async function twoPlanmaps(t, body) {
    let db;
    try {
        db = startCluster();
    } catch (err) {
        if (process.env.CI !== 'true' && /PostGIS/.test(err.message)) { t.skip(err.message); return; }
        throw err;
    }
    const tmp = mkdtempSync(join(tmpdir(), 'planmap-edit-'));
    let a, b;
    try {
        const bin = join(tmp, 'planmap');
        execFileSync('go', ['build', '-o', bin, './cmd/planmap'], {cwd: root, stdio: 'inherit'});
        execFileSync(bin, ['load', '--embedded', '--database-url', db.url], {stdio: ['ignore', 'ignore', 'inherit']});
        const mint = (...args) => execFileSync(bin, ['token', 'create', '--database-url', db.url, ...args]).toString().match(/pm_\S+/)[0];
        const serve = () => ['--database-url', db.url];
        a = await openMap({prepare: serve});
        b = await openMap({prepare: serve});
        await body({a, b, mint});
    } finally {
        await a?.close();
        await b?.close();
        db.stop();
        rmSync(tmp, {recursive: true, force: true});
    }
}

test('an editor moves a pump station and changes its status; a second planmap shows it, and an observed target\'s standing', {skip, timeout: 600000}, (t) => twoPlanmaps(t, async ({a, b, mint}) => {
    const editor = mint('--name', '王工', '--role', 'editor', '--layers', 'pump-stations');
    // The editor's pump station, made through the API of the first planmap.
    const created = await fetch(a.base + '/ogc/collections/pump-stations/items', {method: 'POST',
        headers: {Authorization: `Bearer ${editor}`, 'Content-Type': 'application/geo+json', ...reason('浏览器测试：新建泵站')},
        body: JSON.stringify({type: 'Feature', id: PUMP, geometry: {type: 'Point', coordinates: [114.30, 30.58]},
            properties: {name_zh: '测试泵站', name_en: 'Test pump', kind: 'pump_station', status: 'planned',
                accuracy: 'approximate', source: 'planner'}})});
    assert.equal(created.status, 201, await created.text());

    // Sign in on the first planmap, on the pump's panel.
    const {page} = a;
    await load(page, `${a.base}/#feature=pump-stations/${PUMP}`);
    await page.waitForSelector('#feature-name');
    assert.equal(await page.locator('#edit-open').count(), 0, 'no edit action before signing in');
    await page.click('#sign-in');
    await page.fill('#token-input', editor);
    await page.click('#token-submit');
    await page.waitForSelector('#edit-who');
    assert.match(await page.textContent('#edit-who'), /王工/);
    assert.ok(!page.url().includes(editor), 'the token is never in the URL');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('planmap.token')), editor);

    // Edit: drag the point, change its status, give the reason, save.
    await page.click('#edit-open');
    await page.waitForSelector('.edit-marker');
    await a.idle();
    const box = await page.locator('.edit-marker').boundingBox();
    const x = box.x + box.width / 2, y = box.y + box.height - 4;
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(x + 8 * i, y + 5 * i);
    await page.mouse.up();
    await page.waitForFunction(() => document.querySelector('#edit-position')?.dataset.lnglat !== '114.3,30.58');
    const [lon, lat] = (await page.getAttribute('#edit-position', 'data-lnglat')).split(',').map(Number);
    assert.ok(lon > 114.3 && lat < 30.58, `moved east and south: ${lon},${lat}`);
    await page.selectOption('#edit-status', 'under_construction');
    await page.click('#edit-save');
    assert.match(await page.textContent('#edit-msg'), /原因/, 'a save without a reason is refused in the form');
    await page.fill('#edit-reason', '泵站开工，位置按施工图调整');
    // Switching the language keeps the form, the moved marker and what was
    // chosen and typed, in the form's new words; and back.
    await page.locator('#lang').click();
    await page.waitForFunction(() => /Status/.test(document.querySelector('label[for="edit-status"]')?.textContent));
    assert.equal(await page.inputValue('#edit-reason'), '泵站开工，位置按施工图调整');
    assert.equal(await page.inputValue('#edit-status'), 'under_construction');
    assert.equal(await page.locator('#edit-status option:checked').textContent(), 'Under construction');
    assert.equal(await page.getAttribute('#edit-position', 'data-lnglat'), `${lon},${lat}`, 'the moved position is kept');
    assert.equal(await page.locator('.edit-marker').count(), 1, 'the marker stays');
    await page.locator('#lang').click();
    await page.waitForFunction(() => /状态/.test(document.querySelector('label[for="edit-status"]')?.textContent));
    await page.click('#edit-save');
    await page.waitForFunction(() => document.querySelector('.status-badge')?.textContent === '在建');
    // The editor's own map draws the saved status at once: it asks for the
    // new data version's tiles, past the ones its cache holds.
    await page.waitForFunction((id) => window.map.queryRenderedFeatures().some((f) => f.properties.id === id
        && f.layer.metadata?.['planmap:layer'] === 'pump-stations' && f.properties.status === 'under_construction'),
    PUMP, {timeout: 15000});

    // The second planmap, on the same database, has the change.
    const got = await (await fetch(b.base + ITEM, {cache: 'no-store'})).json();
    assert.equal(got.properties.status, 'under_construction');
    assert.ok(Math.abs(got.geometry.coordinates[0] - lon) < 1e-5 && Math.abs(got.geometry.coordinates[1] - lat) < 1e-5,
        `moved: ${got.geometry.coordinates}`);
    const hist = await (await fetch(b.base + ITEM + '/history')).json();
    assert.deepEqual(hist.versions.map((v) => [v.author, v.reason]).at(-1), ['王工', '泵站开工，位置按施工图调整']);
    // ... and its map draws it there, and its panel says so; a viewer there sees no edit action.
    const p2 = b.page;
    await load(p2, `${b.base}/#map=15/${lat}/${lon}&feature=pump-stations/${PUMP}`);
    await p2.waitForFunction(() => document.querySelector('.status-badge')?.textContent === '在建');
    await b.idle();
    const drawn = await p2.evaluate((id) => window.map.queryRenderedFeatures()
        .filter((f) => f.layer.metadata?.['planmap:layer'] === 'pump-stations' && f.properties.id === id)
        .map((f) => ({c: f.geometry.coordinates, status: f.properties.status})), PUMP);
    assert.ok(drawn.length > 0, 'the second map draws the pump station');
    assert.ok(drawn.every((d) => d.status === 'under_construction' && Math.abs(d.c[0] - lon) < 1e-3 && Math.abs(d.c[1] - lat) < 1e-3),
        JSON.stringify(drawn));
    assert.equal(await p2.locator('#sign-in').count(), 1);
    assert.equal(await p2.locator('#edit-open, .edit-actions').count(), 0, 'a viewer sees no edit action');

    // A stale save: the form is open when someone else changes the pump.
    await page.click('#edit-open');
    await page.waitForSelector('#edit-status');
    const etag = (await fetch(b.base + ITEM, {cache: 'no-store'})).headers.get('ETag');
    const other = await fetch(b.base + ITEM, {method: 'PATCH', headers: {Authorization: `Bearer ${editor}`,
        'Content-Type': 'application/merge-patch+json', 'If-Match': etag, ...reason('另一位规划师改名')},
    body: JSON.stringify({properties: {name_zh: '测试泵站（改名）'}})});
    assert.equal(other.status, 204);
    await page.selectOption('#edit-status', 'existing');
    await page.fill('#edit-reason', '已建成');
    await page.click('#edit-save');
    await page.waitForSelector('.edit-conflict');
    const msg = await page.textContent('.edit-conflict');
    assert.match(msg, /已被他人修改/);
    assert.match(msg, /测试泵站（改名）/, 'the current version is shown');
    assert.equal(await page.inputValue('#edit-status'), 'existing', 'the edit is kept');
    await audit(page, 'the edit form with a conflict');
    // Saving over the current version works.
    await page.click('#edit-use-current');
    await page.click('#edit-save');
    await page.waitForFunction(() => document.querySelector('.status-badge')?.textContent === '现状');

    // The history, in the panel.
    await page.click('#history-open');
    await page.waitForSelector('#history-list');
    const items = await page.locator('#history-list li').allTextContents();
    assert.equal(items.length, 4, items.join('\n'));
    assert.match(items[0], /已建成/);
    assert.match(items.at(-1), /新建泵站/);
    await page.locator('#lang').click();
    await page.click('#history-open');
    await page.waitForSelector('#history-list');
    assert.match(await page.textContent('.edit-history'), /History/);
    assert.match(await page.textContent('#edit-who'), /Signed in: 王工 \(editor\)/);
    await audit(page, 'the history, in English');

    // Indicator monitoring: an admin records a target's 2020 baseline and
    // a later value; the second planmap's targets panel says how it stands.
    const admin = mint('--name', '监测员', '--role', 'admin');
    const {targets} = await (await fetch(`${b.base}/api/targets`)).json();
    const goal = targets.find((x) => x.value != null && x.year === 2025 && x.value > 0);
    assert.ok(goal, 'no target with a figure due in 2025');
    for (const [year, value] of [[2020, goal.value / 2], [2023, goal.value * 0.6]]) {
        const r = await fetch(`${a.base}/api/targets/${goal.id}/observations`, {method: 'POST',
            headers: {Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json', ...reason('浏览器测试：年度监测')},
            body: JSON.stringify({year, value, source: '浏览器测试'})});
        assert.ok(r.ok, `observation ${year}: ${r.status} ${await r.text()}`);
    }
    const mon = (await (await fetch(`${b.base}/api/monitoring`)).json()).targets.find((x) => x.id === goal.id);
    assert.notEqual(mon.status, 'no_data');
    await load(b.page, `${b.base}/`);
    await b.page.click('#tabs [data-tab="targets"]');
    const shown = b.page.locator(`#target-list [data-target="${goal.id}"] .monitor`);
    await shown.waitFor({state: 'visible'});
    assert.equal(await shown.getAttribute('data-status'), mon.status);
    assert.match(await shown.textContent(), /2020年基期/);
    assert.match(await shown.textContent(), /2023年/);

    // The only failures are the stale save's 412.
    assert.deepEqual(a.problems.filter((p) => !/^HTTP 412: |status of 412 /.test(p)), []);
    assert.deepEqual(b.problems, []);
}));

// px is where a coordinate is on the page.
const px = (page, lnglat) => page.evaluate((c) => {
    const p = window.map.project(c), r = window.map.getCanvas().getBoundingClientRect();
    return {x: r.left + p.x, y: r.top + p.y};
}, lnglat);
// drag drags with the mouse from a point by (dx, dy) pixels, in steps.
async function drag(page, from, dx, dy) {
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(from.x + dx * i / 10, from.y + dy * i / 10);
    await page.mouse.up();
}
// drawn is the geometry an edit form shows as drawn (its data-geometry).
const drawn = async (page, sel) => JSON.parse(await page.getAttribute(sel, 'data-geometry') || 'null');
const getItem = async (base, layer, id) => {
    const r = await fetch(`${base}/ogc/collections/${layer}/items/${id}`, {cache: 'no-store'});
    return r.ok ? r.json() : r.status;
};

const LINE = 'browser-edit-channel';
// Near the region's northern edge (latitude 32): a vertex dragged north leaves it.
const LINE_COORDS = [[114.30, 31.997], [114.31, 31.997], [114.32, 31.997]];
const ZONE = 'browser-edit-zone';
const ZONE_COORDS = [
    [[[114.40, 31.990], [114.41, 31.990], [114.41, 31.996], [114.40, 31.996], [114.40, 31.990]],
        [[114.403, 31.992], [114.404, 31.992], [114.404, 31.993], [114.403, 31.993], [114.403, 31.992]]],
    [[[114.42, 31.990], [114.43, 31.990], [114.43, 31.996], [114.42, 31.996], [114.42, 31.990]]],
];

test('an editor redraws a line, creates, deletes and restores features; a viewer sees no edit controls', {skip, timeout: 600000}, (t) => twoPlanmaps(t, async ({a, b, mint}) => {
    const editor = mint('--name', '李工', '--role', 'editor', '--layers', 'pump-stations,drainage-channels,functional-zones');
    const viewer = mint('--name', '访客', '--role', 'viewer');
    const made = await fetch(`${a.base}/ogc/collections/drainage-channels/items`, {method: 'POST',
        headers: {Authorization: `Bearer ${editor}`, 'Content-Type': 'application/geo+json', ...reason('浏览器测试：新建渠道')},
        body: JSON.stringify({type: 'Feature', id: LINE, geometry: {type: 'LineString', coordinates: LINE_COORDS},
            properties: {name_zh: '测试渠道', kind: 'drainage_channel', status: 'planned', accuracy: 'approximate', source: 'planner'}})});
    assert.equal(made.status, 201, await made.text());

    const {page} = a;
    await load(page, `${a.base}/#feature=drainage-channels/${LINE}`);
    await page.waitForSelector('#feature-name');
    await page.click('#sign-in');
    await page.fill('#token-input', editor);
    await page.click('#token-submit');
    await page.waitForSelector('#redraw-open');
    await a.idle();

    // Redraw: a vertex dragged out of the region is refused by the server, which says why.
    await page.click('#redraw-open');
    await page.waitForSelector('#redraw-count[data-geometry]');
    assert.deepEqual((await drawn(page, '#redraw-count')).coordinates, LINE_COORDS);
    await drag(page, await px(page, LINE_COORDS[1]), 0, -150);
    await page.waitForFunction(() => JSON.parse(document.querySelector('#redraw-count').dataset.geometry).coordinates[1][1] > 32);
    await page.fill('#redraw-reason', '越界测试');
    await page.click('#redraw-save');
    await page.waitForSelector('#redraw-msg [role="alert"]');
    assert.match(await page.textContent('#redraw-msg'), /保存失败.*outside the Wuhan region/);
    assert.deepEqual((await getItem(b.base, 'drainage-channels', LINE)).geometry.coordinates, LINE_COORDS, 'nothing was written');
    await page.click('#redraw-cancel');
    assert.equal(await page.evaluate(() => window.planmapDraw), null, 'cancel ends the drawing');

    // Insert a vertex (click the midpoint between the first two), move the
    // middle one south, delete the last (right-click), save.
    await page.click('#redraw-open');
    await page.waitForSelector('#redraw-count[data-geometry]');
    await page.mouse.click(...Object.values(await px(page, [114.305, 31.997])));
    await page.waitForFunction(() => JSON.parse(document.querySelector('#redraw-count').dataset.geometry).coordinates.length === 4);
    await drag(page, await px(page, LINE_COORDS[1]), 0, 60);
    await page.waitForFunction(() => JSON.parse(document.querySelector('#redraw-count').dataset.geometry).coordinates[2][1] < 31.996);
    const last = await px(page, LINE_COORDS[2]);
    await page.mouse.click(last.x, last.y, {button: 'right'});
    await page.waitForFunction(() => JSON.parse(document.querySelector('#redraw-count').dataset.geometry).coordinates.length === 3);
    const want = (await drawn(page, '#redraw-count')).coordinates;
    await audit(page, 'the redraw form');
    await page.fill('#redraw-reason', '按施工图改线');
    await page.click('#redraw-save');
    await page.waitForFunction(() => !window.planmapDraw && document.querySelector('#redraw-open'));
    const line = await getItem(b.base, 'drainage-channels', LINE);
    assert.deepEqual(line.geometry.coordinates, want, 'the second planmap serves the redrawn line');
    assert.ok(Math.abs(want[1][0] - 114.305) < 1e-4 && Math.abs(want[1][1] - 31.997) < 1e-4, `inserted vertex ${want[1]}`);
    assert.ok(Math.abs(want[2][0] - 114.31) < 1e-4 && want[2][1] < 31.996, `moved vertex ${want[2]}`);

    // Restore the line's first version from its history.
    await page.click('#history-open');
    await page.waitForSelector('#restore-1');
    assert.equal(await page.locator('#restore-2').count(), 0, 'the current version offers no restore');
    await page.click('#restore-1');
    await page.click('#restore-confirm');
    assert.match(await page.textContent('#restore-msg'), /原因/, 'a restore needs a reason');
    await audit(page, 'the history with a restore form');
    await page.fill('#restore-reason', '恢复原线位');
    await page.click('#restore-confirm');
    await page.waitForFunction(() => !document.querySelector('#restore-reason'));
    assert.deepEqual((await getItem(b.base, 'drainage-channels', LINE)).geometry.coordinates, LINE_COORDS, 'version 1 restored');

    // An area of two parts, one with a hole: a vertex of the first is moved;
    // the hole and the second part are kept as they were.
    const area = await fetch(`${a.base}/ogc/collections/functional-zones/items`, {method: 'POST',
        headers: {Authorization: `Bearer ${editor}`, 'Content-Type': 'application/geo+json', ...reason('浏览器测试：新建片区')},
        body: JSON.stringify({type: 'Feature', id: ZONE, geometry: {type: 'MultiPolygon', coordinates: ZONE_COORDS},
            properties: {name_zh: '测试片区', kind: 'functional_zone', status: 'planned', accuracy: 'indicative', source: 'planner'}})});
    assert.equal(area.status, 201, await area.text());
    await load(page, `${a.base}/#feature=functional-zones/${ZONE}`);
    await page.waitForSelector('#redraw-open');
    await a.idle();
    await page.click('#redraw-open');
    await page.waitForSelector('#redraw-count[data-geometry]');
    assert.deepEqual(await drawn(page, '#redraw-count'), {type: 'MultiPolygon', coordinates: ZONE_COORDS});
    await drag(page, await px(page, ZONE_COORDS[0][0][2]), 30, -30);
    await page.waitForFunction(() => JSON.parse(document.querySelector('#redraw-count').dataset.geometry).coordinates[0][0][2][0] > 114.41);
    await page.fill('#redraw-reason', '片区扩大');
    await page.click('#redraw-save');
    await page.waitForFunction(() => !window.planmapDraw && document.querySelector('#redraw-open'));
    const zone = (await getItem(b.base, 'functional-zones', ZONE)).geometry;
    assert.equal(zone.type, 'MultiPolygon');
    const [outer, hole] = zone.coordinates[0];
    assert.ok(outer[2][0] > 114.41 && outer[2][1] > 31.996, `moved corner ${outer[2]}`);
    assert.deepEqual(outer.at(-1), outer[0], 'the ring stays closed');
    assert.deepEqual(hole, ZONE_COORDS[0][1], 'the hole is kept');
    assert.deepEqual(zone.coordinates[1], ZONE_COORDS[1], 'the second part is kept');

    // Create a pump station: choose the layer, click the map, name it, say why.
    await page.click('#create-open');
    await page.waitForSelector('#create-layer');
    assert.deepEqual(await page.locator('#create-layer option').evaluateAll((os) => os.map((o) => o.value).sort()),
        ['drainage-channels', 'functional-zones', 'pump-stations'], 'only the layers granted');
    await page.selectOption('#create-layer', 'pump-stations');
    await page.waitForFunction(() => [...document.querySelectorAll('#create-kind option')].some((o) => o.value === 'pump_station'));
    await page.click('#create-save');
    assert.match(await page.textContent('#create-msg'), /绘制/, 'nothing drawn yet');
    await page.click('#create-draw');
    const box = await page.locator('#map').boundingBox();
    await page.waitForFunction(() => window.planmapDraw);
    // The middle of the map, clear of the panels on either side.
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForSelector('#create-geometry[data-geometry^="{"]');
    const point = await drawn(page, '#create-geometry');
    assert.equal(point.type, 'Point');
    await page.fill('#create-name-zh', '浏览器新建泵站');
    await page.fill('#create-name-en', 'Pump drawn in the browser');
    await page.fill('#create-reason', '规划新增泵站');
    // The new feature's form, too, keeps what was drawn and typed in the other language.
    await page.locator('#lang').click();
    await page.waitForFunction(() => document.querySelector('#create-title')?.textContent === 'New feature');
    assert.equal(await page.inputValue('#create-name-zh'), '浏览器新建泵站');
    assert.equal(await page.inputValue('#create-reason'), '规划新增泵站');
    assert.deepEqual(await drawn(page, '#create-geometry'), point, 'the drawn point is kept');
    assert.match(await page.textContent('#create-geometry'), /Drawn: 1 vertex/);
    assert.equal(await page.locator('#create-status option:checked').textContent(), 'Planned');
    assert.match(await page.textContent('#create-hint'), /Click the map/);
    await page.locator('#lang').click();
    await page.waitForFunction(() => document.querySelector('#create-title')?.textContent === '新建要素');
    await audit(page, 'the new feature form');
    const id = await page.inputValue('#create-id');
    await page.click('#create-save');
    await page.waitForFunction(() => document.querySelector('#feature-name')?.textContent === '浏览器新建泵站');
    // The editor's own map draws it at once (reopen reads the new data version's tiles).
    await page.waitForFunction((x) => window.map.queryRenderedFeatures()
        .some((f) => f.layer.metadata?.['planmap:layer'] === 'pump-stations' && f.properties.id === x), id, {timeout: 15000});
    const pump = await getItem(b.base, 'pump-stations', id);
    assert.deepEqual(pump.geometry.coordinates, point.coordinates, 'the second planmap serves the new point');
    assert.deepEqual([pump.properties.kind, pump.properties.status, pump.properties.source], ['pump_station', 'planned', '李工']);
    // ... and draws it on a map that has not seen it before.
    await load(b.page, `${b.base}/#map=15/${point.coordinates[1]}/${point.coordinates[0]}`);
    await b.idle();
    const onMap = await b.page.evaluate((fid) => window.map.queryRenderedFeatures()
        .filter((f) => f.layer.metadata?.['planmap:layer'] === 'pump-stations' && f.properties.id === fid).length, id);
    assert.ok(onMap > 0, 'the second map draws the new pump station');

    // Delete it, with a reason and a confirmation; then restore it from its history.
    await page.click('#delete-open');
    await page.waitForSelector('#delete-confirm');
    await audit(page, 'the delete form');
    await page.click('#delete-confirm');
    assert.match(await page.textContent('#delete-msg'), /原因/, 'a delete needs a reason');
    await page.fill('#delete-reason', '重复要素');
    await page.click('#delete-confirm');
    await page.waitForFunction(() => /已删除/.test(document.querySelector('#delete-msg')?.textContent));
    assert.equal(await getItem(b.base, 'pump-stations', id), 404, 'deleted');
    // ... and the editor's map no longer draws it.
    await page.waitForFunction((x) => !window.map.queryRenderedFeatures()
        .some((f) => f.layer.metadata?.['planmap:layer'] === 'pump-stations' && f.properties.id === x), id, {timeout: 15000});
    await page.click('#history-open');
    await page.waitForSelector('#restore-1');
    await page.click('#restore-1');
    await page.fill('#restore-reason', '误删恢复');
    await page.click('#restore-confirm');
    // The panel opens the restored feature afresh, with every edit action again.
    await page.waitForSelector('#delete-open');
    assert.equal((await getItem(b.base, 'pump-stations', id)).properties.name_zh, '浏览器新建泵站', 'restored');
    const hist = await (await fetch(`${b.base}/ogc/collections/pump-stations/items/${id}/history`)).json();
    assert.deepEqual(hist.versions.map((v) => [v.op, v.author, v.reason]),
        [['insert', '李工', '规划新增泵站'], ['delete', '李工', '重复要素'], ['insert', '李工', '误删恢复']]);

    // A new line and a new area, drawn vertex by vertex: the line finished
    // on its last vertex, the area closed on its first.
    const centreOf = async () => {
        const m = await page.locator('#map').boundingBox();
        return [m.x + m.width / 2, m.y + m.height / 2];
    };
    for (const [layer, type, clicks, name] of [
        ['drainage-channels', 'LineString', [[-60, 0], [0, 40], [60, 0], [60, 0]], '浏览器新建排水渠'],
        ['functional-zones', 'Polygon', [[-50, -30], [50, -30], [50, 30], [-50, 30], [-50, -30]], '浏览器新建功能区'],
    ]) {
        await page.click('#create-open');
        await page.waitForSelector('#create-layer');
        await page.selectOption('#create-layer', layer);
        await page.waitForFunction((k) => document.querySelector('#create-hint')?.textContent === k,
            type === 'LineString' ? '在地图上依次点击各顶点，再次点击最后一个顶点（或按回车）完成；之后可拖动、插入或删除顶点。'
                : '在地图上依次点击各顶点，点击第一个顶点闭合；之后可拖动、插入或删除顶点。');
        await page.click('#create-draw');
        await page.waitForFunction(() => window.planmapDraw);
        const [cx, cy] = await centreOf();
        for (const [dx, dy] of clicks) {
            await page.mouse.move(cx + dx, cy + dy, {steps: 4});
            await page.mouse.click(cx + dx, cy + dy);
        }
        await page.waitForSelector('#create-geometry[data-geometry^="{"]');
        const g = await drawn(page, '#create-geometry');
        assert.equal(g.type, type, JSON.stringify(g));
        const ring = type === 'Polygon' ? g.coordinates[0] : g.coordinates;
        assert.equal(ring.length, type === 'Polygon' ? 5 : 3, JSON.stringify(g));
        await page.fill('#create-name-zh', name);
        await page.fill('#create-reason', '浏览器测试：新建');
        const fid = await page.inputValue('#create-id');
        await page.click('#create-save');
        await page.waitForFunction((n) => document.querySelector('#feature-name')?.textContent === n, name);
        const saved = await getItem(b.base, layer, fid);
        const parts = saved.geometry.type.startsWith('Multi') ? saved.geometry.coordinates : [saved.geometry.coordinates];
        assert.equal(saved.geometry.type.replace(/^Multi/, ''), type);
        assert.deepEqual(parts[0], g.coordinates, 'the second planmap serves the shape as drawn');
    }

    // At phone width the new feature's form fits the screen, in English too.
    await page.locator('#lang').click();
    await page.setViewportSize({width: 390, height: 800});
    await page.click('#create-open');
    await page.waitForSelector('#create-save');
    assert.match(await page.textContent('#create-title'), /New feature/);
    await page.locator('#create-save').scrollIntoViewIfNeeded();
    const save = await page.locator('#create-save').boundingBox();
    assert.ok(save.x >= 0 && save.x + save.width <= 390 && save.y + save.height <= 800, JSON.stringify(save));
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'nothing overflows sideways');
    const bar = await page.locator('#bar').boundingBox(), search = await page.locator('#q').boundingBox();
    assert.ok(search.y >= bar.y && search.y + search.height <= bar.y + bar.height, 'the bar holds the search box and the edit buttons');
    // Without a pointer: the map's centre places the point.
    await page.selectOption('#create-layer', 'pump-stations');
    await page.click('#create-centre');
    await page.waitForSelector('#create-geometry[data-geometry^="{"]');
    const centre = await page.evaluate(() => window.map.getCenter().toArray());
    const placed = await drawn(page, '#create-geometry');
    assert.ok(Math.hypot(placed.coordinates[0] - centre[0], placed.coordinates[1] - centre[1]) < 1e-6, JSON.stringify([placed, centre]));
    await audit(page, 'the new feature form at phone width, in English');

    // A viewer signed in on the second planmap sees no edit control.
    await load(b.page, `${b.base}/#feature=drainage-channels/${LINE}`);
    await b.page.waitForSelector('#feature-name');
    await b.page.click('#sign-in');
    await b.page.fill('#token-input', viewer);
    await b.page.click('#token-submit');
    await b.page.waitForSelector('#edit-who');
    assert.match(await b.page.textContent('#edit-who'), /查看者/);
    assert.equal(await b.page.locator('#edit-open, #redraw-open, #delete-open, #history-open, #create-open').count(), 0);

    // The only failure is the refused redraw's 400.
    assert.deepEqual(a.problems.filter((p) => !/^HTTP 400: .*drainage-channels|status of 400 /.test(p)), []);
    assert.deepEqual(b.problems, []);
}));

// Browser tests of planmap's web map, in headless Chromium (Debian's
// `chromium`) driven by playwright-core:  node --test web/browser/
//
// They build and start the real server, open the page, and fail on any
// console error, failed request or request to a host other than the server.
// PLANMAP_WEB_TEST_DATA=DIR serves a dataset directory instead of the
// embedded one (web/browser/testdata/plan is a small schematic fixture).
import {test, describe, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {join, resolve} from 'node:path';
import {GUANGGU, openMap, root, skip} from './harness.mjs';

let base, page, problems, idle, rendered, close;

describe('web map', {skip}, () => {
    before(async () => {
        const data = process.env.PLANMAP_WEB_TEST_DATA;
        ({base, page, problems, idle, rendered, close} = await openMap({
            prepare: () => (data ? ['--data', resolve(root, data)] : []),
        }));
    });

    after(async () => { await close?.(); });

    test('the page loads with no console errors and no failed or outside requests', async () => {
        assert.ok(await page.evaluate(() => !!document.querySelector('#map canvas')), 'no map canvas');
        assert.deepEqual(problems, []);
    });

    test('the map draws from planmap\'s vector tiles', async () => {
        const src = await page.evaluate(() => window.map.getSource('plan')?.type);
        assert.equal(src, 'vector', 'the style has no "plan" vector source: the server offers no /tiles/plan.json');
    });

    test('the map renders plan features from several layers', async () => {
        const byLayer = await rendered();
        const plan = await page.evaluate(() => Object.fromEntries(
            (window.map.getStyle().layers || []).map((l) => [l.metadata?.['planmap:layer'], 1])));
        const layers = Object.keys(byLayer);
        assert.ok(layers.length >= 4, `only ${layers.join(', ')} rendered`);
        for (const id of ['districts', 'metro-lines', 'sub-centres']) {
            assert.ok(plan[id], `the style has no layer for ${id}`);
            assert.ok(byLayer[id] > 0, `no ${id} rendered (rendered: ${layers.join(', ')})`);
        }
        // The README shows the real dataset; the labels must show as characters, not boxes.
        // PLANMAP_SCREENSHOTS names another directory (CI: outside the tree).
        if (!process.env.PLANMAP_WEB_TEST_DATA) {
            await page.screenshot({path: join(process.env.PLANMAP_SCREENSHOTS || join(root, 'docs'), 'screenshot.png')});
        }
    });

    test('turning a layer off hides its features, and on shows them again', async () => {
        const box = page.locator('input[data-layer="metro-lines"]');
        assert.ok((await rendered())['metro-lines'] > 0);
        await box.uncheck();
        await idle();
        assert.equal((await rendered())['metro-lines'], undefined, 'metro lines still drawn after turning them off');
        await box.check();
        await idle();
        assert.ok((await rendered())['metro-lines'] > 0, 'metro lines not drawn after turning them on');
    });

    test('the status filter hides features of an unticked status', async () => {
        const existing = () => page.evaluate(() => window.map.queryRenderedFeatures()
            .filter((f) => f.layer.metadata?.['planmap:layer'] && f.properties.status === 'existing' &&
                !['districts', 'rivers', 'lakes', 'base-roads', 'base-rail-stations'].includes(f.layer.metadata['planmap:layer'])).length);
        assert.ok(await existing() > 0, 'no existing plan features drawn');
        const box = page.locator('#statuses input[value="existing"]');
        await box.uncheck();
        await idle();
        assert.equal(await existing(), 0, 'existing features still drawn with "existing" unticked');
        await box.check();
        await idle();
        assert.ok(await existing() > 0);
    });

    test('the credits name exactly the sources of the layers on show', async () => {
        const {shown, want} = await credits(base, page);
        assert.deepEqual(shown.toSorted(), want.toSorted());
    });

    test('clicking a plan facility opens its panel with its name and how it is drawn', async () => {
        // Centre the map on a facility of the plan (a point of a plan layer,
        // not a metro station), then click where it is drawn.
        const f = await page.evaluate(async () => {
            const kinds = new Set(['metro-stations', 'lakes', 'base-rail-stations']);
            const fs = window.map.queryRenderedFeatures().filter((x) => x.geometry.type === 'Point' &&
                x.layer.metadata?.['planmap:layer'] && !kinds.has(x.layer.metadata['planmap:layer']));
            if (!fs.length) return null;
            window.map.jumpTo({center: fs[0].geometry.coordinates, zoom: 15});
            return {name: fs[0].properties.name_zh, center: fs[0].geometry.coordinates, layer: fs[0].layer.metadata['planmap:layer']};
        });
        assert.ok(f, 'no plan facility rendered');
        await idle();
        const pt = await page.evaluate((c) => window.map.project(c), f.center);
        const canvas = await page.locator('#map canvas').boundingBox();
        await page.mouse.click(canvas.x + pt.x, canvas.y + pt.y);
        await page.locator('#feature').waitFor({state: 'visible'});
        assert.equal(await page.locator('#feature-name').textContent(), f.name);
        assert.match(await page.locator('#feature').textContent(), /位置精度/);
        assert.match(await page.locator('#feature .placement').textContent(), /^绘制方法: /);
        assert.match(new URL(page.url()).hash, new RegExp(`feature=${f.layer}/`), 'the URL does not name the feature');
    });

    test('searching 中心书城 finds 武汉中心书城 and flies to it', async () => {
        await page.locator('#q').fill('中心书城');
        const hit = page.locator('#results button').filter({has: page.locator('.name', {hasText: /^武汉中心书城$/})});
        await hit.first().waitFor({state: 'visible'});
        const ref = await hit.first().getAttribute('data-feature');
        await hit.first().click();
        await page.waitForFunction(() => document.querySelector('#feature-name')?.textContent === '武汉中心书城');
        await page.waitForFunction(() => !window.map.isMoving(), null, {timeout: 10000});
        // The map now shows the bookshop.
        const f = await (await fetch(`${base}/ogc/collections/${ref.replace('/', '/items/')}`)).json();
        const inside = await page.evaluate((c) => window.map.getBounds().contains(c), f.geometry.coordinates);
        assert.ok(inside, 'the map does not show 武汉中心书城');
    });

    test('an element without a place says why it is not drawn', async () => {
        await page.locator('#q').fill('阳逻港');
        const hit = page.locator('#results button').filter({has: page.locator('.name', {hasText: /^阳逻港$/})});
        await hit.first().waitFor({state: 'visible'});
        await hit.first().click();
        await page.waitForFunction(() => document.querySelector('#feature-name')?.textContent === '阳逻港');
        assert.match(await page.locator('#feature .placement').textContent(), /未绘制：/);
        assert.match(await page.locator('#feature .accuracy').textContent(), /未绘制/);
    });

    test('the permalink opens the map on the feature', async () => {
        const href = await page.locator('#permalink').getAttribute('href');
        const p2 = await page.context().newPage();
        await p2.goto(href);
        await p2.waitForFunction(() => document.querySelector('#feature-name')?.textContent === '阳逻港',
            null, {timeout: 30000});
        await p2.close();
    });

    test('a feature\'s panel lists its targets', async () => {
        // Any feature with targets: items serve them as JSON text.
        let hit;
        for (const c of (await (await fetch(`${base}/ogc/collections`)).json()).collections) {
            const fc = await (await fetch(`${base}/ogc/collections/${c.id}/items?limit=1000`)).json();
            const f = fc.features.find((x) => x.properties.targets);
            if (f) { hit = {ref: `${c.id}/${f.id}`, targets: JSON.parse(f.properties.targets)}; break; }
        }
        assert.ok(hit, 'no feature has targets');
        const p2 = await page.context().newPage();
        await p2.goto(`${base}/#feature=${hit.ref}`);
        await p2.locator('#feature ul.targets li').first().waitFor({state: 'visible', timeout: 30000});
        const items = await p2.locator('#feature ul.targets li').allTextContents();
        await p2.close();
        assert.equal(items.length, hit.targets.length);
        assert.ok(items[0].startsWith(`${hit.targets[0].metric}: `), `first target reads ${items[0]}`);
    });

    test('near me at 光谷 lists plan elements sorted by distance and highlights them', async () => {
        await page.locator('#tabs [data-tab="near"]').click();
        await page.locator('#locate').click();
        await page.locator('#near-list li').first().waitFor({state: 'visible'});
        const d = await page.locator('#near-list .dist').evaluateAll((es) => es.map((e) => +e.dataset.m));
        const radius = +(await page.locator('#radius').inputValue());
        assert.ok(d.length > 0);
        assert.deepEqual(d, [...d].sort((a, b) => a - b), 'not sorted by distance');
        assert.ok(d.every((m) => m <= radius), `an element is beyond ${radius} m`);
        await idle();
        const hl = await page.evaluate(() => window.map.queryRenderedFeatures({layers: ['hl-point', 'hl-line', 'hl-fill']}).length);
        assert.ok(hl > 0, 'nothing highlighted on the map');
        const c = await page.evaluate(() => window.map.getCenter().toArray());
        assert.ok(Math.abs(c[0] - GUANGGU.longitude) < 0.02 && Math.abs(c[1] - GUANGGU.latitude) < 0.02, 'map not at 光谷');

        // A click on the map moves the centre of the search there.
        const canvas = await page.locator('#map canvas').boundingBox();
        const at = {x: canvas.width / 2 + 120, y: canvas.height / 2 + 40};
        const want = await page.evaluate((p) => window.map.unproject([p.x, p.y]).toArray(), at);
        await page.mouse.click(canvas.x + at.x, canvas.y + at.y);
        await page.waitForFunction((w) => {
            const l = document.querySelector('#near-groups');
            return Math.abs(+l.dataset.lon - w[0]) < 1e-4 && Math.abs(+l.dataset.lat - w[1]) < 1e-4;
        }, want, {timeout: 10000});
        const d2 = await page.locator('#near-list .dist').evaluateAll((es) => es.map((e) => +e.dataset.m));
        assert.deepEqual(d2, [...d2].sort((a, b) => a - b), 'not sorted by distance after a click');
    });

    test('the targets panel lists the plan\'s targets, linked to their features', async () => {
        await page.locator('#tabs [data-tab="targets"]').click();
        await page.locator('#target-list .target').first().waitFor({state: 'visible'});
        const n = await page.locator('#target-list .target').count();
        const api = await (await fetch(`${base}/api/targets`)).json();
        assert.equal(n, api.targets.length);
        // A linked target the plan qualifies shows its comparator in both panels.
        const linked = api.targets.find((x) => x.feature && x.comparator && x.value != null);
        assert.ok(linked, 'no target the plan qualifies (约, 以上 …) is linked to a feature');
        const shown = `${linked.comparator} ${linked.value}${linked.unit}`;
        assert.match(await page.locator(`#target-list [data-target="${linked.id}"] .value`).textContent(), new RegExp(`^${shown}`));
        await page.locator(`#target-list [data-feature="${linked.layer}/${linked.feature}"]`).first().click();
        await page.waitForFunction((id) => location.hash.includes(`feature=${id}`), `${linked.layer}/${linked.feature}`);
        await page.locator('#feature-body ul.targets').waitFor({state: 'visible'});
        assert.ok((await page.locator('#feature-body ul.targets').textContent()).includes(shown),
            `the feature panel does not show "${shown}"`);
    });

    test('switching language changes the page and the map labels', async () => {
        await page.evaluate(() => window.map.jumpTo({center: [114.33, 30.6], zoom: 10}));
        await idle();
        const labels = () => page.evaluate(() => window.map.queryRenderedFeatures()
            .filter((f) => f.layer.type === 'symbol' && f.properties.name_en && f.properties.name_zh)
            .map((f) => {
                const tf = f.layer.layout['text-field'];
                const text = typeof tf === 'string' ? tf : tf.sections.map((s) => s.text).join('');
                return {text, zh: f.properties.name_zh, en: f.properties.name_en};
            }));
        const before = await labels();
        assert.ok(before.length > 0, 'no labels rendered');
        assert.ok(before.every((l) => l.text === l.zh), 'labels are not in Chinese');
        await page.locator('#lang').click();
        await idle();
        const after = await labels();
        assert.ok(after.length > 0 && after.every((l) => l.text === l.en), 'labels did not switch to English');
        assert.equal(await page.locator('#tabs [data-tab="layers"]').textContent(), 'Layers');
        assert.match(new URL(page.url()).hash, /lang=en/);
        await page.locator('#lang').click();
        await idle();
        assert.equal(await page.locator('#tabs [data-tab="layers"]').textContent(), '图层');
    });

    test('no console errors or failed or outside requests happened at all', () => {
        assert.deepEqual(problems, []);
    });
});

// credits reads the credits the map shows and those the layers on show carry
// (their collections' credits, each once).
async function credits(base, page) {
    const {collections} = await (await fetch(`${base}/ogc/collections`)).json();
    const on = await page.locator('input[data-layer]:checked').evaluateAll((bs) => bs.map((b) => b.dataset.layer));
    const want = [...new Set(collections.filter((c) => on.includes(c.id)).flatMap((c) => c.credits ?? []))];
    const text = (await page.locator('.maplibregl-ctrl-attrib-inner').textContent()).trim();
    return {shown: text ? text.split(' | ') : [], want, text};
}

// The credits follow the data: on the fixture dataset, whose layers carry
// licences and credits, whatever the dataset the rest of this file runs on.
describe('web map credits', {skip}, () => {
    let base, page, problems, idle, close;
    before(async () => {
        ({base, page, problems, idle, close} = await openMap({
            prepare: () => ['--data', resolve(root, 'web/browser/testdata/plan')],
        }));
    });

    after(async () => { await close?.(); });

    const METRO = 'MetroMan MetroMapOpenMiniProgram, © 2019 metromancn, MIT License';
    const GREEN = 'Green wedges: Wuhan ecology fixture';
    const toggle = async (id, on) => {
        const box = page.locator(`input[data-layer="${id}"]`);
        await box.evaluate((b) => { b.closest('details').open = true; });
        await (on ? box.check() : box.uncheck());
        await idle();
    };

    test('the credits are the layers\' own, as text, and nothing else', async () => {
        const {shown, want, text} = await credits(base, page);
        assert.deepEqual(shown.toSorted(), want.toSorted());
        assert.ok(shown.includes(METRO), `no metro credit: ${text}`);
        // Escaped by planmap, so shown as the characters the dataset wrote.
        assert.ok(shown.includes('Test boundaries © Survey <Wuhan> & Co'), `districts credit garbled: ${text}`);
        assert.ok(!text.includes('OpenStreetMap'), `credits a source no layer carries: ${text}`);
        assert.ok(!shown.includes(GREEN), `credits the green wedges, which are off: ${text}`);
        assert.deepEqual(problems, []);
    });

    test('turning a layer on or off adds or drops the credits it alone carries', async () => {
        await toggle('green-wedges', true);
        assert.ok((await credits(base, page)).shown.includes(GREEN), 'green wedges on, not credited');
        await toggle('green-wedges', false);
        assert.ok(!(await credits(base, page)).shown.includes(GREEN), 'green wedges off, still credited');
        // The metro stations carry the lines' credit too: it goes with the last of them.
        await toggle('metro-lines', false);
        assert.ok((await credits(base, page)).shown.includes(METRO), 'metro stations on, not credited');
        await toggle('metro-stations', false);
        const {shown, want} = await credits(base, page);
        assert.ok(!shown.includes(METRO), 'no metro layer on, still credited');
        assert.deepEqual(shown.toSorted(), want.toSorted());
    });
});

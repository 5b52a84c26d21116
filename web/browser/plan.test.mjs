// Browser tests of the map as a resident and a planner use it, on the
// embedded plan: honest near-me, the accuracy each shape shows, theme boxes,
// the plan timeline, the district filter, the legend, the plan's text,
// and an accessibility audit by axe-core.
import {test, describe, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {openMap, root, skip} from './harness.mjs';

let base, page, problems, idle, rendered, close;

// openTab shows a panel's tab (a click on the open tab would close it).
async function openTab(name) {
    const tab = page.locator(`#tabs [data-tab="${name}"]`);
    if (await tab.getAttribute('aria-pressed') !== 'true' || await page.locator('#side').isHidden()) await tab.click();
}

// planFeatures counts the features drawn per planmap layer that pass a test.
const drawn = (pred) => page.evaluate((src) => {
    const f = new Function('f', `return (${src})(f)`);
    return window.map.queryRenderedFeatures().filter((x) => x.layer.metadata?.['planmap:layer'] && f(x)).length;
}, pred.toString());

describe('the map a resident and a planner read', {skip}, () => {
    before(async () => {
        ({base, page, problems, idle, rendered, close} = await openMap({}));
    });
    after(async () => { await close?.(); });

    test('the opening view shows the main city and the four sub-centres whole', async () => {
        const {collections} = await (await fetch(`${base}/ogc/collections`)).json();
        const inView = await page.evaluate((cs) => {
            const b = window.map.getBounds();
            return cs.filter((c) => ['main-city', 'sub-centres'].includes(c.id)).map((c) => {
                const [x0, y0, x1, y1] = c.extent.spatial.bbox[0];
                return b.contains([x0, y0]) && b.contains([x1, y1]);
            });
        }, collections);
        assert.deepEqual(inView, [true, true], 'the opening view crops the main city or a sub-centre');
    });

    test('near me at 光谷广场 lists precise things first and never a region at "0 m"', async () => {
        await openTab('near');
        await page.locator('#locate').click();
        await page.locator('#near-list li').first().waitFor({state: 'visible'});
        const here = await page.locator('#near-list button').evaluateAll((bs) => bs.map((b) => ({
            ref: b.dataset.feature, m: +b.querySelector('.dist').dataset.m, text: b.querySelector('.dist').textContent})));
        assert.ok(here.length > 0);
        assert.deepEqual(here.map((h) => h.m), here.map((h) => h.m).toSorted((a, b) => a - b), 'here is not nearest first');
        // The API's own answer, scope by scope: the list shows "here" before anything roughly placed.
        const api = await (await fetch(`${base}/api/nearby?lon=114.398&lat=30.505&radius=3000`)).json();
        // The panel leaves the base map (roads, stations, districts) out, as here.
        const cols = await (await fetch(`${base}/ogc/collections`)).json();
        const baseIds = new Set(cols.collections.filter((c) => c.base).map((c) => c.id));
        const precise = api.features.filter((f) => f.properties.scope === 'here' && !baseIds.has(f.properties.layer) &&
            !f.properties.layer.startsWith('district'));
        assert.equal(here[0].ref, `${precise[0].properties.layer}/${precise[0].id}`);
        assert.match(here.map((h) => h.ref).join(' '), /metro-stations\//, 'no metro station among the nearest');
        // Nothing that holds the whole neighbourhood is listed with a distance.
        for (const f of api.features.filter((x) => x.properties.scope === 'wide')) {
            assert.equal(await page.locator(`#near-groups button[data-feature="${f.properties.layer}/${f.id}"]`).count(), 0,
                `${f.properties.name_zh} (wide) is listed with a distance`);
        }
        const zeros = await page.locator('#near-groups .dist').allTextContents();
        assert.ok(!zeros.some((z) => /^0 m/.test(z)), `an element at "0 m": ${zeros.join(', ')}`);
        // "You are here" is on the map.
        await idle();
        assert.equal(await page.evaluate(() => window.map.queryRenderedFeatures({layers: ['here-dot']}).length), 1);
        // Highlights come only from layers on show, each named.
        const hl = await page.evaluate(() => window.map.querySourceFeatures('hl').map((f) => f.properties));
        assert.ok(hl.length > 0 && hl.every((p) => p.selected || p.name), 'a highlight without its name');
    });

    test('indicative shapes are drawn unlike surveyed ones', async () => {
        const style = await page.evaluate(() => window.map.getStyle().layers);
        const fill = style.find((l) => l.id === 'sub-centres:fill');
        assert.match(JSON.stringify(fill.paint['fill-opacity']), /indicative/, 'area fill does not depend on accuracy');
        const line = style.find((l) => l.id === 'sub-centres:line');
        assert.match(JSON.stringify(line.paint['line-dasharray']), /indicative/, 'area outline does not depend on accuracy');
        assert.ok(style.some((l) => l.id.endsWith(':uncertainty') && l.type === 'circle'), 'no uncertainty circles');
        // On the map: a point with a stated uncertainty gets its circle at street zoom.
        const fc = await (await fetch(`${base}/ogc/collections/science-facilities/items?limit=100`)).json();
        const f = fc.features.find((x) => x.properties.uncertainty_m > 0 && x.geometry?.type === 'Point');
        assert.ok(f, 'no science facility with a stated uncertainty');
        const box = page.locator('input[data-layer="science-facilities"]');
        await box.evaluate((b) => { b.closest('details').open = true; });
        await openTab('layers');
        await box.check();
        await page.evaluate((c) => window.map.jumpTo({center: c, zoom: 14}), f.geometry.coordinates);
        await idle();
        assert.ok(await page.evaluate(() => window.map.queryRenderedFeatures({layers: ['science-facilities:uncertainty']}).length) > 0,
            'no uncertainty circle drawn at z14');
        await box.uncheck();
    });

    test('each theme box turns all its layers on, then off', async () => {
        for (const theme of ['energy', 'transport']) {
            const box = page.locator(`input[data-theme="${theme}"]`);
            const layers = await page.locator(`[data-theme-group="${theme}"] input[data-layer]`)
                .evaluateAll((bs) => bs.map((b) => b.dataset.layer));
            assert.ok(layers.length > 1, `${theme} has ${layers.length} layers`);
            const on = () => page.locator(`[data-theme-group="${theme}"] input[data-layer]:checked`).count();
            await box.check();
            assert.equal(await on(), layers.length, `${theme}: checking the theme did not turn every layer on`);
            await box.uncheck();
            assert.equal(await on(), 0, `${theme}: unchecking the theme did not turn every layer off`);
        }
        await page.locator('input[data-theme="transport"]').check();
    });

    test('the timeline at 2020 hides what the plan builds later, and says so in the URL', async () => {
        await page.evaluate(() => window.map.jumpTo({center: [114.3, 30.58], zoom: 10}));
        await idle();
        const later = () => drawn((f) => f.properties.plan_year > 2020);
        const base2020 = () => drawn((f) => f.properties.plan_year === 2020);
        assert.ok(await later() > 0, 'nothing built after 2020 is drawn at 2035');
        await page.locator('#timeline label', {hasText: '2020'}).click();
        await idle();
        assert.equal(await later(), 0, 'features built after 2020 still drawn at 2020');
        assert.ok(await base2020() > 0, 'nothing drawn at 2020');
        assert.match(new URL(page.url()).hash, /year=2020/);
        await page.locator('#timeline label', {hasText: '2035'}).click();
        await idle();
        assert.ok(await later() > 0);
        assert.doesNotMatch(new URL(page.url()).hash, /year=/);
    });

    test('the district filter leaves only that district\'s elements', async () => {
        await openTab('layers');
        await page.locator('#district').selectOption('洪山区');
        await page.evaluate(() => window.map.jumpTo({center: [114.3, 30.55], zoom: 10}));
        await idle();
        const other = await drawn((f) => f.properties.district && f.properties.district !== '洪山区' &&
            !['districts', 'rivers', 'lakes'].includes(f.layer.metadata['planmap:layer']));
        const mine = await drawn((f) => f.properties.district === '洪山区');
        assert.equal(other, 0, 'elements of other districts drawn');
        assert.ok(mine > 0, 'nothing of 洪山区 drawn');
        assert.match(decodeURIComponent(new URL(page.url()).hash), /district=洪山区/);
        await page.locator('#district').selectOption('');
    });

    test('the feature panel speaks the UI\'s language and links the plan\'s text', async () => {
        await page.evaluate(() => { location.hash = ''; });
        const fc = await (await fetch(`${base}/ogc/collections/pump-stations/items?limit=10`)).json();
        const f = fc.features.find((x) => x.properties.plan_line);
        const p2 = await page.context().newPage();
        await p2.goto(`${base}/#feature=pump-stations/${f.id}`);
        await p2.locator('#feature-name').waitFor({state: 'visible', timeout: 30000});
        const text = await p2.locator('#feature').textContent();
        assert.ok(!text.includes('pump_station'), 'the kind shows as a code');
        assert.ok(text.includes('泵站'), 'the kind is not in Chinese');
        assert.doesNotMatch(text, /行 \d+/, 'the plan line shows as a number');
        const href = await p2.locator('#feature .plan-link').getAttribute('href');
        assert.equal(href, `/plan#L${f.properties.plan_line}`);
        const plan = await (await fetch(base + href)).text();
        assert.ok(plan.includes(`id="L${f.properties.plan_line}"`), 'the plan page has no anchor for the line');
        await p2.close();
        const p3 = await page.context().newPage();
        await p3.goto(`${base}/#feature=pump-stations/no-such-station`);
        await p3.locator('#toast').waitFor({state: 'visible', timeout: 30000});
        assert.match(await p3.locator('#toast').textContent(), /no-such-station/);
        await p3.close();
    });

    test('on a phone the map opens on the whole structure, under its tabs', async () => {
        const p = await page.context().newPage();
        await p.setViewportSize({width: 390, height: 844});
        await p.goto(`${base}/`);
        await p.waitForFunction(() => document.body.dataset.ready === 'true' && window.map.loaded(), null, {timeout: 60000});
        await p.evaluate(() => new Promise((res) => { window.map.once('idle', res); window.map.triggerRepaint(); }));
        const {collections} = await (await fetch(`${base}/ogc/collections`)).json();
        const ok = await p.evaluate((cs) => cs.filter((c) => ['main-city', 'sub-centres'].includes(c.id)).every((c) => {
            const [x0, y0, x1, y1] = c.extent.spatial.bbox[0];
            const b = window.map.getBounds();
            return b.contains([x0, y0]) && b.contains([x1, y1]);
        }), collections);
        assert.ok(ok, 'the phone view crops the main city or a sub-centre');
        assert.ok(await p.locator('#side').isHidden(), 'the side panel covers the phone\'s map at start');
        await p.screenshot({path: join(process.env.PLANMAP_SCREENSHOTS || join(root, 'docs'), 'screenshot-phone.png')});
        await p.close();
    });

    test('the layer panel links each layer\'s GeoJSON and CSV', async () => {
        const links = await page.locator('[data-theme-group="water"] a[data-download]').evaluateAll((as) => as.map((a) => a.href));
        assert.ok(links.length >= 4, `only ${links.length} download links for the water layers`);
        for (const href of links.slice(0, 4)) assert.equal((await fetch(href)).status, 200, href);
    });

    test('the legend explains status and accuracy beside the map', async () => {
        const legend = await page.locator('#map-legend').textContent();
        for (const word of ['现状', '在建', '规划', '实测位置', '示意位置或范围', '位置误差范围']) {
            assert.ok(legend.includes(word), `the legend lacks ${word}`);
        }
    });

    test('axe-core finds no serious or critical accessibility violation, in Chinese or English', async () => {
        const axe = readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');
        for (const l of ['zh', 'en']) {
            if (l === 'en') await page.locator('#lang').click();
            await page.evaluate(axe);
            const v = await page.evaluate(async () => (await window.axe.run(document, {resultTypes: ['violations']}))
                .violations.filter((x) => ['serious', 'critical'].includes(x.impact))
                .map((x) => `${x.id}: ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`));
            assert.deepEqual(v, [], `${l}: ${v.join('\n')}`);
        }
        await page.locator('#lang').click();
    });

    test('no console errors or failed or outside requests', () => {
        // The one 404 asked for: the link to a feature that is not there.
        assert.deepEqual(problems.filter((p) => !/no-such-station|status of 404/.test(p)), []);
    });
});

// The base map, in headless Chromium:  node --test web/browser/basemap.test.mjs
//
// Offline (the default): at street zoom the OpenStreetMap roads are drawn
// with their names and the page asks no other host. Configured (--basemap):
// a raster basemap, served here by a local tile server (never the
// internet), is requested and drawn beneath the plan's layers.
import {test, describe, before, after} from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import {openMap, skip} from './harness.mjs';

// 汉口, around 江汉路 and 中山大道, at z14.
const HANKOU = '#map=14/30.5810/114.2860';

// styleOrder reads the style's layer order: the index of each layer and
// which planmap layer (base or plan) it draws.
const styleOrder = (page) => page.evaluate(async () => {
    const cols = await (await fetch('/ogc/collections')).json();
    const base = new Set(cols.collections.filter((c) => c.base).map((c) => c.id));
    return window.map.getStyle().layers.map((l, i) => ({i, id: l.id, type: l.type,
        layer: l.metadata?.['planmap:layer'] ?? null, base: base.has(l.metadata?.['planmap:layer'])}));
});

describe('offline base map', {skip}, () => {
    let m;
    before(async () => { m = await openMap({hash: HANKOU}); });
    after(async () => { await m?.close(); });

    test('at z14 the roads are drawn, named, with water and district lines, and nothing is asked of another host', async () => {
        const byLayer = await m.rendered();
        assert.ok(byLayer['base-roads'] > 20, `base roads drawn: ${byLayer['base-roads']}`);
        assert.ok(byLayer.districts > 0 && byLayer.rivers > 0, `districts ${byLayer.districts}, rivers ${byLayer.rivers}`);
        const names = await m.page.evaluate(() => {
            const ids = window.map.getStyle().layers.filter((l) => /^base-roads:label/.test(l.id)).map((l) => l.id);
            return [...new Set(window.map.queryRenderedFeatures({layers: ids}).map((f) => f.properties.name_zh))];
        });
        assert.ok(names.length >= 5, `road names shown: ${names.join(', ')}`);
        assert.ok(!names.includes('无名道路'), 'an unnamed way is labelled');
        assert.ok(names.some((n) => /大道|路|街/.test(n)), `no street among the names: ${names.join(', ')}`);
        assert.deepEqual(m.problems, []);
    });

    test('the base lies beneath every plan layer', async () => {
        const order = await styleOrder(m.page);
        const lastBase = Math.max(...order.filter((l) => l.base).map((l) => l.i));
        const firstPlan = Math.min(...order.filter((l) => l.layer && !l.base).map((l) => l.i));
        assert.ok(lastBase < firstPlan, `a base layer (${order[lastBase].id}) is drawn above a plan layer (${order[firstPlan].id})`);
        const cfg = await m.page.evaluate(async () => (await fetch('/api/basemap')).json());
        assert.deepEqual(cfg, {basemap: null});
    });

    test('the roads can be turned off from the layer panel', async () => {
        await m.page.locator('input[data-layer="base-roads"]').uncheck();
        await m.idle();
        assert.equal((await m.rendered())['base-roads'], undefined);
        await m.page.locator('input[data-layer="base-roads"]').check();
        await m.idle();
        assert.ok((await m.rendered())['base-roads'] > 0);
    });
});

// png is a 256×256 PNG of one colour.
function png([r, g, b]) {
    const chunk = (type, data) => {
        const len = Buffer.alloc(4), crc = Buffer.alloc(4), td = Buffer.concat([Buffer.from(type), data]);
        len.writeUInt32BE(data.length);
        crc.writeUInt32BE(zlib.crc32(td));
        return Buffer.concat([len, td, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(256, 0); ihdr.writeUInt32BE(256, 4);
    ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
    const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(256 * 3).map((_, i) => [r, g, b][i % 3])]);
    const raw = Buffer.concat(Array.from({length: 256}, () => row));
    return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
        chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

describe('configured basemap (--basemap, a local tile server)', {skip}, () => {
    let m, tiles, host;
    const requested = [];
    before(async () => {
        const tile = png([200, 120, 40]);
        tiles = http.createServer((req, res) => {
            requested.push(req.url);
            if (!/^\/\d+\/\d+\/\d+\.png$/.test(req.url)) { res.writeHead(404).end(); return; }
            res.writeHead(200, {'Content-Type': 'image/png', 'Access-Control-Allow-Origin': '*'}).end(tile);
        });
        await new Promise((ok) => tiles.listen(0, '127.0.0.1', ok));
        host = `127.0.0.1:${tiles.address().port}`;
        m = await openMap({hash: HANKOU, prepare: () => ['--basemap', `http://${host}/{z}/{x}/{y}.png`,
            '--basemap-attribution', 'Local test tiles']});
    });
    after(async () => {
        await m?.close();
        tiles?.close();
    });

    test('its tiles are requested and drawn beneath the plan, above the offline base', async () => {
        assert.ok(requested.some((u) => /^\/1[45]\//.test(u)), `tiles asked of the basemap: ${requested.join(' ')}`);
        const order = await styleOrder(m.page);
        const raster = order.find((l) => l.type === 'raster');
        assert.ok(raster, 'no raster layer in the style');
        const firstPlan = order.find((l) => l.layer && !l.base);
        const lastBase = order.findLast((l) => l.base);
        assert.ok(raster.i < firstPlan.i, `the basemap (${raster.i}) is above the plan's first layer ${firstPlan.id} (${firstPlan.i})`);
        assert.ok(raster.i > lastBase.i, `the basemap is beneath the offline base layer ${lastBase.id}`);
        // Drawn: MapLibre has loaded the tiles of the view into the source.
        const loaded = await m.page.evaluate(() => window.map.isSourceLoaded('basemap-0'));
        assert.ok(loaded, 'the basemap source has not loaded');
    });

    test('its credit is shown, and only its host besides planmap is asked', async () => {
        const attrib = await m.page.locator('.maplibregl-ctrl-attrib').textContent();
        assert.match(attrib, /Local test tiles/);
        const others = m.problems.filter((p) => !p.includes(`//${host}/`));
        assert.deepEqual(others, []);
    });
});

describe('configured basemap: a MapLibre style URL', {skip}, () => {
    let m, tiles, host;
    const requested = [];
    before(async () => {
        const tile = png([40, 120, 200]);
        tiles = http.createServer((req, res) => {
            requested.push(req.url);
            const cors = {'Access-Control-Allow-Origin': '*'};
            if (req.url === '/style.json') {
                res.writeHead(200, {...cors, 'Content-Type': 'application/json'}).end(JSON.stringify({
                    version: 8, sources: {t: {type: 'raster', tiles: [`http://${host}/{z}/{x}/{y}.png`], tileSize: 256}},
                    layers: [{id: 'tiles', type: 'raster', source: 't'}]}));
            } else if (/^\/\d+\/\d+\/\d+\.png$/.test(req.url)) {
                res.writeHead(200, {...cors, 'Content-Type': 'image/png'}).end(tile);
            } else {
                res.writeHead(404).end();
            }
        });
        await new Promise((ok) => tiles.listen(0, '127.0.0.1', ok));
        host = `127.0.0.1:${tiles.address().port}`;
        m = await openMap({hash: HANKOU, prepare: () => ['--basemap', `http://${host}/style.json`,
            '--basemap-attribution', 'Local test style']});
    });
    after(async () => {
        await m?.close();
        tiles?.close();
    });

    test('its layers are drawn beneath the plan and its tiles requested', async () => {
        assert.ok(requested.includes('/style.json'), 'the style was not fetched');
        assert.ok(requested.some((u) => /^\/1[45]\//.test(u)), `tiles asked: ${requested.join(' ')}`);
        const order = await styleOrder(m.page);
        const layer = order.find((l) => l.id === 'basemap:tiles');
        assert.ok(layer, 'the style\'s layer is not in the map');
        assert.ok(layer.i < order.find((l) => l.layer && !l.base).i, 'the style is drawn above the plan');
        assert.deepEqual(m.problems.filter((p) => !p.includes(`//${host}/`)), []);
    });
});

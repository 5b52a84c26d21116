// The planner tools (web/static/tools.js): measuring, the PNG export with its
// legend, the layer downloads and the statistics, in headless Chromium on the
// real server and the embedded plan.  node --test web/browser/tools.test.mjs
import {test, describe, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {openMap, skip} from './harness.mjs';
import {areaM2, lengthM, scaleBar} from '../static/tools.js';

const R = 6371008.8, rad = Math.PI / 180;

test('lengths are great-circle lengths on the mean-radius sphere', () => {
    assert.ok(Math.abs(lengthM([[114, 30], [114, 31]]) - R * rad) < 1e-6);
    // A quarter of the equator, in two legs.
    assert.ok(Math.abs(lengthM([[0, 0], [45, 0], [90, 0]]) - R * Math.PI / 2) < 1e-6);
});

test('areas are spherical: a 0.1° box at 30.5°N has R²·Δλ·(sin φ2 − sin φ1)', () => {
    const want = R * R * 0.1 * rad * (Math.sin(30.6 * rad) - Math.sin(30.5 * rad));
    const got = areaM2([[114.3, 30.5], [114.4, 30.5], [114.4, 30.6], [114.3, 30.6]]);
    assert.ok(Math.abs(got - want) / want < 1e-9, `${got} m², want ${want}`);
    assert.equal(areaM2([[114.3, 30.5], [114.4, 30.5]]), 0);
});

test('the scale bar is a round length of at most 120 pixels', () => {
    const s = scaleBar(10, 30.5);
    assert.ok(s.px <= 120 && s.px > 40, `${s.px} px`);
    assert.match(String(s.m), /^[125]0*$/);
});

// csvRecords parses RFC 4180 CSV (quoted fields may hold commas, quotes and line breaks).
function csvRecords(text) {
    const rows = [[]];
    let field = '', quoted = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quoted) {
            if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
        } else if (c === '"') quoted = true;
        else if (c === ',') { rows.at(-1).push(field); field = ''; }
        else if (c === '\n') { rows.at(-1).push(field.replace(/\r$/, '')); field = ''; rows.push([]); }
        else field += c;
    }
    if (field || rows.at(-1).length) rows.at(-1).push(field); else rows.pop();
    return rows;
}

describe('planner tools', {skip}, () => {
    let base, page, problems, idle, close, collections;

    before(async () => {
        ({base, page, problems, idle, close} = await openMap());
        collections = (await (await fetch(`${base}/ogc/collections`)).json()).collections;
        await page.click('#tabs [data-tab="tools"]');
        await page.waitForSelector('#tab-tools:not([hidden]) #tools-export');
    });

    after(async () => { await close?.(); });

    // visible lists the collections whose layer box is ticked.
    const visible = async () => {
        const ids = await page.$$eval('input[data-layer]:checked', (bs) => bs.map((b) => b.dataset.layer));
        return collections.filter((c) => ids.includes(c.id));
    };

    test('the tab opens the tools, named in the UI language', async () => {
        assert.equal((await page.textContent('#tabs [data-tab="tools"]')).trim(), '工具');
        assert.equal(await page.getAttribute('[data-measure="line"]', 'aria-pressed'), 'false');
    });

    test('two clicks on the map measure their distance within 1 %', async () => {
        await page.evaluate(() => window.map.jumpTo({center: [114.40, 30.55], zoom: 10}));
        await idle();
        const box = await page.locator('#map').boundingBox();
        const [a, b] = await page.evaluate(() => [[114.40, 30.47], [114.40, 30.63]]
            .map((p) => window.map.project(p)).map(({x, y}) => ({x, y})));
        await page.click('[data-measure="line"]');
        assert.equal(await page.getAttribute('[data-measure="line"]', 'aria-pressed'), 'true');
        for (const p of [a, b]) await page.mouse.click(box.x + p.x, box.y + p.y);
        const text = await page.textContent('#tools-result');
        const km = Number(text.match(/([\d.,]+) km/)?.[1].replace(/,/g, ''));
        // What was clicked, measured on the WGS84 ellipsoid: both points lie on one
        // meridian, whose arc per degree is 111132.954 − 559.822 cos 2φ + 1.175 cos 4φ m.
        const lats = await page.evaluate(([p, q]) => [p, q].map((x) => window.map.unproject([x.x, x.y]).lat), [a, b]);
        const mid = (lats[0] + lats[1]) / 2 * rad;
        const want = Math.abs(lats[0] - lats[1]) * (111132.954 - 559.822 * Math.cos(2 * mid) + 1.175 * Math.cos(4 * mid));
        assert.ok(Math.abs(km * 1000 - want) / want < 0.01, `measured "${text}", want ${(want / 1000).toFixed(2)} km`);
        assert.match(text, /2 个点/);
        assert.ok(await page.locator('#feature').isHidden(), 'a measuring click opened a feature');
        // Keyboard: Finish ends measuring; the map's clicks are the map's again.
        await page.focus('#tools-finish');
        await page.keyboard.press('Enter');
        assert.equal(await page.getAttribute('[data-measure="line"]', 'aria-pressed'), 'false');
        assert.equal(await page.textContent('#tools-result'), text, 'finishing lost the result');
        await page.click('#tools-clear');
        assert.equal(await page.textContent('#tools-result'), '');
    });

    test('an area measured by the map centre, from the keyboard, is in km² and 公顷', async () => {
        await page.click('[data-measure="area"]');
        for (const c of [[114.3, 30.5], [114.4, 30.5], [114.4, 30.6], [114.3, 30.6]]) {
            await page.evaluate((p) => window.map.jumpTo({center: p}), c);
            await page.focus('#tools-centre');
            await page.keyboard.press('Enter');
        }
        const text = await page.textContent('#tools-result');
        const want = R * R * 0.1 * rad * (Math.sin(30.6 * rad) - Math.sin(30.5 * rad)) / 1e6;
        const km2 = Number(text.match(/([\d.,]+) km²/)?.[1].replace(/,/g, ''));
        assert.ok(Math.abs(km2 - want) / want < 0.01, `"${text}", want ${want.toFixed(2)} km²`);
        assert.match(text, /公顷/);
        await page.click('#tools-clear');
    });

    test('the exported PNG is the map with a legend of the visible layers, a scale and the credits below it', async () => {
        await idle();
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('#tools-export')]);
        assert.match(download.suggestedFilename(), /^planmap-\d{4}-\d{2}-\d{2}\.png$/);
        const png = readFileSync(await download.path());
        assert.equal(png.subarray(1, 4).toString(), 'PNG');
        const shown = await visible();
        const colors = [...new Set(shown.map((l) => l.style?.color).filter(Boolean))];
        const found = await page.evaluate(async ({b64, colors}) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const img = await createImageBitmap(new Blob([bytes], {type: 'image/png'}));
            const map = window.map.getCanvas();
            const c = new OffscreenCanvas(img.width, img.height), g = c.getContext('2d');
            g.drawImage(img, 0, 0);
            // Only the band below the map: the legend, not the map's own colours.
            const band = g.getImageData(0, map.height, img.width, img.height - map.height).data;
            const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
            const counts = Object.fromEntries(colors.map((h) => [h, 0]));
            let ink = 0;
            for (let i = 0; i < band.length; i += 4) {
                if (band[i] < 200 || band[i + 1] < 200 || band[i + 2] < 200) ink++;
                for (const h of colors) {
                    const [r, gg, b] = rgb(h);
                    if (Math.abs(band[i] - r) <= 2 && Math.abs(band[i + 1] - gg) <= 2 && Math.abs(band[i + 2] - b) <= 2) counts[h]++;
                }
            }
            // The map part is the map: its middle row matches the live canvas's size.
            return {width: img.width, height: img.height, mapW: map.width, mapH: map.height, counts, ink};
        }, {b64: png.toString('base64'), colors});
        assert.equal(found.width, found.mapW);
        assert.ok(found.height > found.mapH + 60, `${found.height} px tall for a ${found.mapH} px map: no room for a legend`);
        for (const [color, n] of Object.entries(found.counts)) {
            const names = shown.filter((l) => l.style?.color === color).map((l) => l.id).join(', ');
            assert.ok(n >= 8, `the legend has ${n} pixels of ${color} (${names})`);
        }
        assert.ok(found.ink > 2000, `the band below the map is nearly blank (${found.ink} dark pixels)`);
        // The scale bar's metres per pixel are the map's own at its centre, east–west.
        const [bar, own] = await page.evaluate(async () => {
            const {scaleBar, lengthM} = await import('/static/tools.js');
            const m = window.map, c = m.getCenter(), p = m.project(c);
            const q = m.unproject([p.x + 100, p.y]);
            return [scaleBar(m.getZoom(), c.lat), lengthM([[c.lng, c.lat], [q.lng, q.lat]]) / 100];
        });
        assert.ok(Math.abs(bar.m / bar.px - own) / own < 0.01, `scale bar ${bar.m} m over ${bar.px} px; the map has ${own} m/px`);
    });

    test('every visible layer has GeoJSON and CSV links that download all its features', async () => {
        const shown = await visible();
        const links = await page.$$eval('#tools-downloads a', (as) => as.map((a) => ({
            href: a.href, layer: a.dataset.layer, label: a.getAttribute('aria-label'), download: a.hasAttribute('download')})));
        assert.deepEqual([...new Set(links.map((l) => l.layer))].sort(), shown.map((l) => l.id).sort());
        for (const l of links) {
            const c = collections.find((x) => x.id === l.layer);
            assert.ok(l.download && l.label.includes(c.title_zh), `link ${l.href}: ${l.label}`);
            const r = await fetch(l.href);
            assert.equal(r.status, 200, l.href);
            assert.match(r.headers.get('content-disposition'), /^attachment; filename="planmap-[a-z0-9-]+\.(geojson|csv)"$/);
            if (l.href.endsWith('.geojson')) {
                assert.equal((await r.json()).features.length, c.feature_count, l.href);
            } else {
                const bytes = new Uint8Array(await r.arrayBuffer()); // text() would drop the BOM
                assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], `${l.href}: no BOM for Excel`);
                const text = new TextDecoder().decode(bytes);
                assert.ok(text.startsWith('id,name_zh,name_en,'), `${l.href} starts ${text.slice(0, 20)}`);
                assert.equal(csvRecords(text).length, c.feature_count + 1, l.href);
            }
        }
    });

    test('the statistics count every feature of the visible plan layers, by district and status, in the UI language', async () => {
        const want = (await visible()).filter((l) => !l.base).reduce((n, l) => n + l.feature_count, 0);
        await page.waitForSelector('table.tools-stats');
        const total = async () => Number((await page.textContent('table.tools-stats tfoot td:last-child')).replace(/,/g, ''));
        assert.equal(await total(), want);
        const head = await page.$$eval('table.tools-stats thead th', (th) => th.map((x) => x.textContent));
        assert.equal(head[0], '行政区');
        assert.ok(head.includes('现状') && head.at(-1) === '合计', head.join(' '));
        // Each row's total is the sum of its cells.
        const rows = await page.$$eval('table.tools-stats tbody tr', (trs) => trs.map((tr) =>
            [...tr.querySelectorAll('td')].map((td) => Number(td.textContent.replace(/,/g, '')) || 0)));
        for (const r of rows) assert.equal(r.slice(0, -1).reduce((a, b) => a + b, 0), r.at(-1));
        assert.equal(rows.reduce((n, r) => n + r.at(-1), 0), want);

        // Turning a layer on adds its features; one plan layer alone is counted as its feature_count.
        const only = collections.find((c) => c.id === 'metro-stations');
        await page.click('#tabs [data-tab="layers"]');
        for (const l of await visible()) if (!l.base) await page.locator(`input[data-layer="${l.id}"]`).uncheck();
        await page.locator('input[data-layer="metro-stations"]').check();
        await page.click('#tabs [data-tab="tools"]');
        await page.waitForFunction((n) => document.querySelector('table.tools-stats tfoot td:last-child')?.textContent
            .replace(/,/g, '') === String(n), only.feature_count, {timeout: 10000});

        await page.click('#lang');
        await page.waitForFunction(() => document.querySelector('table.tools-stats thead th')?.textContent === 'District');
        const en = await page.$$eval('table.tools-stats th', (th) => th.map((x) => x.textContent));
        assert.ok(en.includes('Existing') && en.includes('Total') && en.includes('Hongshan'), en.join(' | '));
        assert.equal((await page.textContent('#tabs [data-tab="tools"]')).trim(), 'Tools');
        await page.click('#lang');
    });

    test('no console errors, failed or outside requests', () => {
        assert.deepEqual(problems, []);
    });
});

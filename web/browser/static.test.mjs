// The static edition (planmap export) in headless Chromium: the exported
// folder, served by a plain static file server, renders the same features
// as the live server at the same view, and asks nothing of anyone but that
// file server — no API, no planmap.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {createReadStream, statSync} from 'node:fs';
import {join, extname, normalize} from 'node:path';
import http from 'node:http';
import {openMap, skip} from './harness.mjs';

const TYPES = {'.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
    '.css': 'text/css', '.json': 'application/json', '.geojson': 'application/geo+json', '.md': 'text/markdown',
    '.csv': 'text/csv', '.png': 'image/png', '.svg': 'image/svg+xml', '.pmtiles': 'application/octet-stream'};

// fileServer serves dir as any static host does: files by path, byte
// ranges (which the PMTiles reader asks for), 404 for anything else.
function fileServer(dir) {
    const server = http.createServer((req, res) => {
        const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
        const f = join(dir, path.endsWith('/') ? path + 'index.html' : path);
        let st;
        try { st = statSync(f); } catch { st = null; }
        if (!st?.isFile()) { res.writeHead(404).end(); return; }
        const type = TYPES[extname(f)] ?? 'application/octet-stream';
        const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
        if (m) {
            const start = +m[1], end = Math.min(m[2] ? +m[2] : st.size - 1, st.size - 1);
            res.writeHead(206, {'Content-Type': type, 'Content-Range': `bytes ${start}-${end}/${st.size}`,
                'Content-Length': end - start + 1, 'Accept-Ranges': 'bytes'});
            createReadStream(f, {start, end}).pipe(res);
            return;
        }
        res.writeHead(200, {'Content-Type': type, 'Content-Length': st.size, 'Accept-Ranges': 'bytes'});
        createReadStream(f).pipe(res);
    });
    return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

// drawn lists the plan features on screen as layer/id, and their count per layer.
const drawn = (page) => page.evaluate(() => {
    const ids = new Set(), byLayer = {};
    for (const f of window.map.queryRenderedFeatures()) {
        const l = f.layer.metadata?.['planmap:layer'];
        if (!l) continue;
        ids.add(`${l}/${f.properties.id ?? f.id}`);
        byLayer[l] = (byLayer[l] || 0) + 1;
    }
    return {ids: [...ids].sort(), byLayer};
});

const idle = (page) => page.evaluate(() => new Promise((res) => {
    window.map.once('idle', () => res());
    window.map.triggerRepaint();
}));

test('the static edition renders the live map\'s features from files alone', {skip, timeout: 300000}, async () => {
    let site;
    const live = await openMap({prepare: (bin, tmp) => {
        site = join(tmp, 'site');
        execFileSync(bin, ['export', '--max-zoom', '14', site], {stdio: 'inherit'});
        return [];
    }});
    const server = await fileServer(site);
    const staticBase = `http://127.0.0.1:${server.address().port}`;
    try {
        const page = await live.page.context().newPage();
        const asked = [], bad = [];
        page.on('request', (r) => asked.push(r.url()));
        page.on('response', (r) => { if (r.status() >= 400) bad.push(`HTTP ${r.status()} ${r.url()}`); });
        page.on('requestfailed', (r) => {
            if (r.failure()?.errorText !== 'net::ERR_ABORTED') bad.push(`failed ${r.url()} ${r.failure()?.errorText}`);
        });
        page.on('console', (m) => { if (m.type() === 'error') bad.push(`console error: ${m.text()}`); });
        page.on('pageerror', (e) => bad.push(`page error: ${e.message}`));

        // The same view on both: the live map's, with a feature's panel open.
        const view = await live.page.evaluate(() => location.hash);
        await page.goto(`${staticBase}/${view}`);
        await page.waitForFunction(() => document.body.dataset.ready === 'true' && window.map.loaded(), null, {timeout: 60000});
        await idle(page);
        await idle(live.page);
        assert.equal(await page.evaluate(() => window.map.getSource('plan')?.type), 'vector', 'no vector tiles in the static edition');

        const [a, b] = [await drawn(live.page), await drawn(page)];
        assert.ok(Object.keys(a.byLayer).length >= 4, `the live map draws only ${Object.keys(a.byLayer)}`);
        const missing = a.ids.filter((id) => !b.ids.includes(id)), extra = b.ids.filter((id) => !a.ids.includes(id));
        assert.deepEqual({missing, extra}, {missing: [], extra: []}, 'the static edition draws other features than the live map');
        assert.deepEqual(b.byLayer, a.byLayer);

        // A search, and the feature it finds opened, from the files.
        await page.locator('#q').fill('光谷副城');
        const hit = page.locator('#results:not([hidden]) button[data-feature="sub-centres/subcity-guanggu"]');
        await hit.waitFor({timeout: 10000});
        await hit.click();
        await page.waitForSelector('#feature:not([hidden])', {timeout: 10000});
        assert.match(await page.locator('#feature').innerText(), /光谷/);

        assert.deepEqual(bad, []);
        const elsewhere = asked.filter((u) => !u.startsWith(staticBase + '/') && !u.startsWith('data:') && !u.startsWith('blob:'));
        assert.deepEqual(elsewhere, [], 'the static edition asked something of another host');
        const api = asked.filter((u) => /^\/(ogc|api|tiles)\//.test(new URL(u).pathname));
        assert.deepEqual(api, [], 'the static edition asked for API paths');
        assert.ok(asked.some((u) => u.endsWith('/plan.pmtiles')), 'the archive was never read');
        const otherProblems = live.problems.filter((p) => !p.includes(staticBase));
        assert.deepEqual(otherProblems, []);
    } finally {
        server.close();
        await live.close();
    }
});

// The web map's browser test harness: build and start the real server, open
// its page in headless Chromium (Debian's `chromium`) driven by
// playwright-core, and record every console error, failed request and
// request to a host other than the server.
import {spawn, execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync, mkdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, dirname, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import net from 'node:net';
import {chromium} from 'playwright-core';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.PLANMAP_CHROMIUM || '/usr/bin/chromium';
export const GUANGGU = {longitude: 114.398, latitude: 30.505}; // 光谷广场
const haveChromium = existsSync(CHROMIUM);
// In CI a missing browser is a failure, not a skip.
export const skip = !haveChromium && process.env.CI !== 'true' ? `no ${CHROMIUM}; apt-get install chromium` : false;

function freePort() {
    return new Promise((ok, fail) => {
        const s = net.createServer().listen(0, '127.0.0.1', () => {
            const {port} = s.address();
            s.close(() => ok(port));
        }).on('error', fail);
    });
}

async function waitReady(url, ms = 30000) {
    const end = Date.now() + ms;
    while (Date.now() < end) {
        try {
            if ((await fetch(url)).ok) return;
        } catch { /* not listening yet */ }
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${url} not ready after ${ms} ms`);
}

// openMap builds planmap, runs `prepare(bin, tmp)` (which returns extra
// serve arguments, such as a dataset to serve), starts the server and opens
// the page at hash. It returns the page, helpers and close().
export async function openMap({prepare = () => [], hash = ''} = {}) {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing (CI=true): apt-get install chromium`);
    const tmp = mkdtempSync(join(tmpdir(), 'planmap-browser-'));
    const bin = join(tmp, 'planmap');
    execFileSync('go', ['build', '-o', bin, './cmd/planmap'], {cwd: root, stdio: 'inherit'});
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const args = ['serve', '--addr', `127.0.0.1:${port}`, ...prepare(bin, tmp)];
    const server = spawn(bin, args, {stdio: ['ignore', 'inherit', 'inherit']});
    await waitReady(`${base}/readyz`);

    mkdirSync(join(tmp, 'profile'));
    const context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless=new', '--no-sandbox', '--use-gl=swiftshader', '--enable-unsafe-swiftshader',
            '--disable-background-networking', '--disable-component-update', '--disable-sync',
            '--no-first-run', '--disable-quic'],
        viewport: {width: 1280, height: 800},
        geolocation: GUANGGU, permissions: ['geolocation'],
        locale: 'zh-CN',
    });
    const page = context.pages()[0] ?? await context.newPage();
    const problems = [];
    const host = new URL(base).host;
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    context.on('request', (r) => {
        const u = new URL(r.url());
        if (/^https?:$/.test(u.protocol) && u.host !== host) problems.push(`outside request: ${r.url()}`);
    });
    context.on('requestfailed', (r) => {
        // MapLibre cancels the tiles it no longer needs when the view moves on; that is not a failure.
        if (r.failure()?.errorText === 'net::ERR_ABORTED' && new URL(r.url()).pathname.startsWith('/tiles/')) return;
        problems.push(`failed request: ${r.url()} ${r.failure()?.errorText}`);
    });
    context.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });

    // idle resolves when the map has drawn everything it is waiting for.
    const idle = () => page.evaluate(() => new Promise((res) => {
        window.map.once('idle', () => res());
        window.map.triggerRepaint();
    }));
    // rendered lists the planmap layers with features drawn on screen.
    const rendered = () => page.evaluate(() => {
        const byLayer = {};
        for (const f of window.map.queryRenderedFeatures()) {
            const l = f.layer.metadata?.['planmap:layer'];
            if (l) byLayer[l] = (byLayer[l] || 0) + 1;
        }
        return byLayer;
    });
    const close = async () => {
        await context.close();
        server.kill('SIGTERM');
        rmSync(tmp, {recursive: true, force: true});
    };

    await page.goto(`${base}/${hash}`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true' && window.map.loaded(),
        null, {timeout: 60000});
    await idle();
    return {base, page, problems, idle, rendered, close};
}

// The vendored libraries (web/static/vendor) are exactly what web/vendor.mjs
// makes of the pinned npm packages, each with its licence, and terra-draw's
// MapLibre adapter accepts the vendored MapLibre (its peer dependency).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {readFileSync, existsSync} from 'node:fs';
import {join} from 'node:path';
import {root} from './harness.mjs';

test('web/static/vendor matches node_modules', () => {
    // Throws (exit 1, naming the files) when a vendored file differs.
    execFileSync('node', [join(root, 'web/vendor.mjs'), '--check'], {cwd: root, stdio: ['ignore', 'pipe', 'pipe']});
    for (const d of ['maplibre-gl', 'pmtiles', 'terra-draw']) {
        assert.ok(existsSync(join(root, 'web/static/vendor', d, 'LICENSE.txt')), `${d} has no LICENSE.txt`);
    }
    assert.match(readFileSync(join(root, 'web/static/vendor/terra-draw/LICENSE.txt'), 'utf8'), /MIT[\s\S]*Permission is hereby granted/);
});

// satisfies reads the ">=N" and "^N.M.P" ranges npm packages state.
function satisfies(version, range) {
    const v = version.split('.').map(Number);
    const m = range.trim().match(/^(>=|\^)(\d+)(?:\.(\d+))?(?:\.(\d+))?$/);
    assert.ok(m, `a range this test cannot read: ${range}`);
    const r = [+m[2], +(m[3] ?? 0), +(m[4] ?? 0)];
    const cmp = v[0] - r[0] || v[1] - r[1] || v[2] - r[2];
    return m[1] === '>=' ? cmp >= 0 : v[0] === r[0] && cmp >= 0;
}

test('terra-draw\'s MapLibre adapter accepts the vendored MapLibre and terra-draw', () => {
    const pkg = (n) => JSON.parse(readFileSync(join(root, 'node_modules', n, 'package.json'), 'utf8'));
    const peers = pkg('terra-draw-maplibre-gl-adapter').peerDependencies;
    const ml = readFileSync(join(root, 'web/static/vendor/maplibre-gl/VERSION'), 'utf8').trim().split(' ')[1];
    assert.ok(satisfies(ml, peers['maplibre-gl']), `maplibre-gl ${ml} is not ${peers['maplibre-gl']}`);
    assert.ok(satisfies(pkg('terra-draw').version, peers['terra-draw']), `terra-draw ${pkg('terra-draw').version} is not ${peers['terra-draw']}`);
    assert.ok(!satisfies('3.6.2', peers['maplibre-gl']), 'the range check accepts anything');
});

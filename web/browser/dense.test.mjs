// The web map over a dense layer (planmap gen's synthetic points), whose
// tiles carry no names or string ids: a click must still open the feature,
// found by its MVT id.
import {test, describe, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {join} from 'node:path';
import {openMap, skip} from './harness.mjs';

let page, problems, idle, close;

describe('web map over a dense layer', {skip}, () => {
    before(async () => {
        ({page, problems, idle, close} = await openMap({
            // 30,000 points over Wuhan: about 1,000 per z10 tile, a dense layer at z10.
            prepare: (bin, tmp) => {
                execFileSync(bin, ['gen', '--points', '30000', '--lines', '0', join(tmp, 'dense')]);
                return ['--data', join(tmp, 'dense')];
            },
            hash: '#map=10/30.6/114.3&layers=synthetic-points',
        }));
    });

    after(async () => { await close?.(); });

    test('clicking a point of a dense layer opens its panel', async () => {
        const f = await page.evaluate(() => {
            const fs = window.map.queryRenderedFeatures()
                .filter((x) => x.layer.metadata?.['planmap:layer'] === 'synthetic-points');
            return fs.length ? {n: fs.length, props: fs[0].properties, id: fs[0].id, at: fs[0].geometry.coordinates} : null;
        });
        assert.ok(f, 'no synthetic point rendered');
        assert.equal(f.props.id, undefined, 'a dense layer\'s tile still carries string ids');
        assert.equal(f.props.name_zh, undefined, 'a dense layer\'s tile still carries names');
        assert.ok(f.props.status && f.id > 0, `a dense layer's tile lost its status or MVT id: ${JSON.stringify(f)}`);
        const pt = await page.evaluate((c) => window.map.project(c), f.at);
        const canvas = await page.locator('#map canvas').boundingBox();
        await page.mouse.click(canvas.x + pt.x, canvas.y + pt.y);
        await page.locator('#feature').waitFor({state: 'visible'});
        assert.match(await page.locator('#feature-name').textContent(), /^合成要素\d+$/);
        assert.match(new URL(page.url()).hash, /feature=synthetic-points\/synthetic-points-\d+/);
        await idle();
    });

    test('no console errors or failed or outside requests happened', () => {
        assert.deepEqual(problems, []);
    });
});

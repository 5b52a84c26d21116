// The search box in headless Chromium: pinyin finds the plan element, hits
// come in two groups (plan elements, places) with layer and district, and a
// place leads to what is planned near it.  node --test web/browser/search.test.mjs
import {test, describe, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {openMap, skip} from './harness.mjs';

let page, problems, close;

describe('search box', {skip}, () => {
    before(async () => { ({page, problems, close} = await openMap()); });
    after(async () => { await close?.(); });

    test('typing pinyin finds the plan element first, in its group, with layer and district', async () => {
        await page.locator('#q').fill('guanggu');
        const first = page.locator('#results button').first();
        await first.waitFor({state: 'visible'});
        assert.equal(await first.getAttribute('data-feature'), 'sub-centres/subcity-guanggu');
        assert.equal(await first.locator('.name').textContent(), '光谷副城');
        assert.match(await first.locator('.meta').textContent(), /洪山区/);
        assert.equal(await page.locator('#results .group').first().textContent(), '规划要素');
        await first.click();
        await page.waitForFunction(() => document.querySelector('#feature-name')?.textContent === '光谷副城');
    });

    test('initials and a homophone find it too', async () => {
        for (const q of ['gg', '光古']) {
            await page.locator('#q').fill(q);
            const first = page.locator('#results button').first();
            await page.waitForFunction((q) => document.querySelector('#q').value === q &&
                document.querySelector('#results button')?.dataset.feature === 'sub-centres/subcity-guanggu', q, {timeout: 5000});
            assert.equal(await first.locator('.name').textContent(), '光谷副城', q);
        }
    });

    test('a place is found in its own group; choosing it offers what is planned near it', async () => {
        await page.locator('#q').fill('汉口江滩');
        const place = page.locator('#results button[data-place="road-yanjiangdadao"]');
        await place.waitFor({state: 'visible'});
        assert.equal(await page.locator('#results button[data-place]').first().getAttribute('data-place'), 'road-yanjiangdadao');
        assert.equal(await place.locator('.name').textContent(), '沿江大道'); // 汉口江滩 is the park along it
        const groups = await page.locator('#results .group').allTextContents();
        assert.ok(groups.includes('地点'), `groups: ${groups}`);
        assert.match(await place.locator('.meta').textContent(), /道路 · 江岸区/);
        await place.click();
        const near = page.locator('.place-popup .near-here');
        await near.waitFor({state: 'visible'});
        await near.click();
        await page.locator('#near-groups li').first().waitFor({state: 'visible'});
        const n = await page.locator('#near-groups li').count();
        assert.ok(n > 0, 'nothing listed near 汉口江滩');
        const at = await page.evaluate(() => [+document.querySelector('#near-groups').dataset.lon, +document.querySelector('#near-groups').dataset.lat]);
        assert.ok(Math.abs(at[0] - 114.31076) < 1e-6 && Math.abs(at[1] - 30.61322) < 1e-6, `near-me asked at ${at}`);
    });

    test('no console errors, failed or outside requests', () => { assert.deepEqual(problems, []); });
});

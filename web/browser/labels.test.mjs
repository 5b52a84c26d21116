// labelPoint must put an area's label inside the area.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {labelPoint} from '../static/labels.js';

// inside is the even-odd rule over all rings.
function inside([x, y], rings) {
    let c = false;
    for (const r of rings) {
        for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
            const [xi, yi] = r[i], [xj, yj] = r[j];
            if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) c = !c;
        }
    }
    return c;
}

test('a square is labelled at its centre', () => {
    assert.deepEqual(labelPoint({type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]}), [1, 1]);
});

test('an L whose centroid lies outside is labelled inside', () => {
    const rings = [[[0, 0], [10, 0], [10, 1], [1, 1], [1, 10], [0, 10], [0, 0]]];
    assert.ok(inside(labelPoint({type: 'Polygon', coordinates: rings}), rings));
});

test('a ring around a hole is labelled on the ring, not in the hole', () => {
    const rings = [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[2, 2], [8, 2], [8, 8], [2, 8], [2, 2]]];
    assert.ok(inside(labelPoint({type: 'Polygon', coordinates: rings}), rings));
});

test('a multipolygon is labelled in its largest part', () => {
    const small = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]], big = [[[5, 5], [9, 5], [9, 9], [5, 9], [5, 5]]];
    assert.ok(inside(labelPoint({type: 'MultiPolygon', coordinates: [small, big]}), big));
});

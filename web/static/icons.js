// Map symbols drawn on a canvas, so the page needs no sprite server.
// Each icon is a 40×40 pixel badge (20×20 CSS pixels at pixelRatio 2):
// solid for existing features, white with a coloured rim for planned ones.

const SIZE = 40;

function canvas(w, h) {
    const c = document.createElement('canvas');
    c.width = w; c.height = h;
    return c.getContext('2d');
}

// Glyphs, drawn in a 24-unit box centred on the badge.
const GLYPHS = {
    metro(g) { // an "M", as on Wuhan metro signs
        g.beginPath();
        g.moveTo(6, 17); g.lineTo(6, 7); g.lineTo(12, 13); g.lineTo(18, 7); g.lineTo(18, 17);
        g.lineWidth = 2.6; g.lineJoin = 'round'; g.lineCap = 'round'; g.stroke();
    },
    port(g) { // an anchor
        g.lineWidth = 2; g.lineCap = 'round';
        g.beginPath(); g.arc(12, 5.5, 1.8, 0, 2 * Math.PI); g.stroke();
        g.beginPath(); g.moveTo(12, 7.5); g.lineTo(12, 19); g.stroke();
        g.beginPath(); g.moveTo(8.5, 10.5); g.lineTo(15.5, 10.5); g.stroke();
        g.beginPath(); g.arc(12, 12, 7, 0.15 * Math.PI, 0.85 * Math.PI); g.stroke();
    },
    airport(g) { // a plane seen from above
        g.beginPath();
        g.moveTo(12, 3); g.quadraticCurveTo(13.4, 3.5, 13.3, 8.5); g.lineTo(20.5, 13); g.lineTo(20.5, 15);
        g.lineTo(13.3, 12.5); g.lineTo(13, 17.5); g.lineTo(15.5, 19.5); g.lineTo(15.5, 21); g.lineTo(12, 20);
        g.lineTo(8.5, 21); g.lineTo(8.5, 19.5); g.lineTo(11, 17.5); g.lineTo(10.7, 12.5); g.lineTo(3.5, 15);
        g.lineTo(3.5, 13); g.lineTo(10.7, 8.5); g.quadraticCurveTo(10.6, 3.5, 12, 3);
        g.fill();
    },
    rail(g) { // a train from the front
        g.beginPath(); g.roundRect(6.5, 3.5, 11, 13, 3); g.fill();
        g.save(); g.globalCompositeOperation = 'destination-out';
        g.fillRect(8.5, 6, 7, 4);
        g.beginPath(); g.arc(9.5, 13.3, 1.2, 0, 2 * Math.PI); g.arc(14.5, 13.3, 1.2, 0, 2 * Math.PI); g.fill();
        g.restore();
        g.lineWidth = 1.8; g.lineCap = 'round';
        g.beginPath(); g.moveTo(9, 17.5); g.lineTo(6.5, 21); g.moveTo(15, 17.5); g.lineTo(17.5, 21); g.stroke();
    },
    pump(g) { // a drop of water with an arrow lifting it
        g.beginPath();
        g.moveTo(10, 4); g.bezierCurveTo(10, 4, 4.5, 11, 4.5, 14.5);
        g.arc(10, 14.5, 5.5, Math.PI, 0, true); g.bezierCurveTo(15.5, 11, 10, 4, 10, 4); g.fill();
        g.lineWidth = 2; g.lineCap = 'round'; g.lineJoin = 'round';
        g.beginPath(); g.moveTo(18.5, 19); g.lineTo(18.5, 6); g.moveTo(15.8, 8.7); g.lineTo(18.5, 6); g.lineTo(21.2, 8.7);
        g.stroke();
    },
    water(g) { // a drop
        g.beginPath();
        g.moveTo(12, 4); g.bezierCurveTo(12, 4, 6, 11.5, 6, 15);
        g.arc(12, 15, 6, Math.PI, 0, true); g.bezierCurveTo(18, 11.5, 12, 4, 12, 4); g.fill();
    },
    dam(g) { // a sluice gate across a channel
        g.fillRect(4, 6, 16, 3);
        g.fillRect(6, 9, 3, 10); g.fillRect(15, 9, 3, 10);
        g.lineWidth = 1.6;
        g.beginPath(); g.moveTo(9, 14); g.quadraticCurveTo(12, 12, 15, 14); g.moveTo(9, 17); g.quadraticCurveTo(12, 15, 15, 17);
        g.stroke();
    },
    hospital(g) { // a cross
        g.fillRect(9.5, 5, 5, 14); g.fillRect(5, 9.5, 14, 5);
    },
    industry(g) { // a saw-tooth factory with a chimney
        g.beginPath();
        g.moveTo(4, 19); g.lineTo(4, 11); g.lineTo(8.5, 14); g.lineTo(8.5, 11); g.lineTo(13, 14); g.lineTo(13, 5);
        g.lineTo(16, 5); g.lineTo(16, 11); g.lineTo(20, 11); g.lineTo(20, 19); g.closePath(); g.fill();
    },
    dot(g) {
        g.beginPath(); g.arc(12, 12, 4.5, 0, 2 * Math.PI); g.fill();
    },
};

// drawIcon returns the badge for a kind of point as ImageData for map.addImage.
export function drawIcon(kind, color, open) {
    const g = canvas(SIZE, SIZE);
    const round = kind === 'metro';
    g.beginPath();
    if (round) g.arc(20, 20, 17, 0, 2 * Math.PI); else g.roundRect(3, 3, 34, 34, 8);
    g.fillStyle = open ? '#fff' : color;
    g.fill();
    g.lineWidth = open ? 3.5 : 2.5;
    g.strokeStyle = open ? color : '#fff';
    if (open) g.setLineDash([5, 3]);
    g.stroke();
    g.setLineDash([]);
    g.save();
    g.translate(20 - 12 * 1.15, 20 - 12 * 1.15);
    g.scale(1.15, 1.15);
    g.fillStyle = g.strokeStyle = open ? color : '#fff';
    (GLYPHS[kind] ?? GLYPHS.dot)(g);
    g.restore();
    return g.getImageData(0, 0, SIZE, SIZE);
}

// hatchPattern returns diagonal hatching, the planner's sign for flood storage.
export function hatchPattern(color, tint = 'rgba(31,111,180,0.10)') {
    const n = 16, g = canvas(n, n);
    if (tint) {
        g.fillStyle = tint;
        g.fillRect(0, 0, n, n);
    }
    g.strokeStyle = color; g.lineWidth = 2;
    g.beginPath();
    for (const o of [-n, 0, n]) { g.moveTo(o, n); g.lineTo(o + n, 0); }
    g.stroke();
    return g.getImageData(0, 0, n, n);
}

// dotPattern is a sparse grid of dots, for areas under construction.
export function dotPattern(color) {
    const n = 12, g = canvas(n, n);
    g.fillStyle = color;
    g.beginPath();
    g.arc(n / 4, n / 4, 1.6, 0, 2 * Math.PI);
    g.arc(3 * n / 4, 3 * n / 4, 1.6, 0, 2 * Math.PI);
    g.fill();
    return g.getImageData(0, 0, n, n);
}

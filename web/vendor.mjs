// Copies the web map's libraries from the pinned npm packages (package.json)
// into web/static/vendor/, where planmap embeds them in the binary:
// MapLibre GL JS into maplibre-gl/, the pmtiles reader (which the static
// edition's page uses: planmap export) into pmtiles/, and terra-draw with its
// MapLibre adapter (editing: redrawing and drawing features) into terra-draw/.
//
//   npm install maplibre-gl@6.x.y --save-exact --save-dev && npm run vendor
//   node web/vendor.mjs --check   # exit 1 if the vendored files differ from node_modules
//
// MapLibre 6 is an ES module (maplibre-gl.mjs) that starts its web workers
// from maplibre-gl-worker.mjs next to it. The sourceMappingURL comments are
// dropped because the .map files (10 MB) are not vendored.
import {readFileSync, writeFileSync, mkdirSync, existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const BSD3 = `Redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice, this list of conditions and the following disclaimer in the documentation and/or other materials provided with the distribution.

3. Neither the name of the copyright holder nor the names of its contributors may be used to endorse or promote products derived from this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.`;

// terra-draw's npm packages name their licence (MIT) but ship no LICENSE
// file; this is the LICENSE of their repository (JamesLMilner/terra-draw).
const TERRA_DRAW_MIT = `Copyright 2022 James Milner

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the "Software"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
`;

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, 'static', 'vendor');
// The packages as npm ci installs them (terra-draw's exports hide its package.json from require.resolve).
const pkgRoot = (name) => join(here, '..', 'node_modules', name);
const pkgOf = (name) => JSON.parse(readFileSync(join(pkgRoot(name), 'package.json'), 'utf8'));
const read = (name, file) => readFileSync(join(pkgRoot(name), file), 'utf8');
const noMap = (text) => text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');

// files maps each vendored file (relative to web/static/vendor/) to its text.
const files = {};

const ml = pkgOf('maplibre-gl');
for (const [from, to] of Object.entries({
    'dist/maplibre-gl.mjs': 'maplibre-gl.mjs',
    'dist/maplibre-gl-worker.mjs': 'maplibre-gl-worker.mjs',
    'dist/maplibre-gl.css': 'maplibre-gl.css',
    'LICENSE.txt': 'LICENSE.txt',
})) files[`maplibre-gl/${to}`] = noMap(read('maplibre-gl', from));
files['maplibre-gl/VERSION'] = `maplibre-gl ${ml.version}\n`;

// pmtiles: its one-file browser build (fflate, which it uses for gzip, is
// bundled in), loaded by the exported page as a classic script (window.pmtiles).
const pm = pkgOf('pmtiles');
files['pmtiles/pmtiles.js'] = noMap(read('pmtiles', 'dist/pmtiles.js'));
files['pmtiles/LICENSE.txt'] =
    `pmtiles ${pm.version}: ${pm.license}, Copyright 2021 Protomaps LLC (https://github.com/protomaps/PMTiles)\n\n` +
    BSD3 + '\n\nIt bundles fflate (MIT):\n\n' + read('fflate', 'LICENSE');
files['pmtiles/VERSION'] = `pmtiles ${pm.version}\n`;

// terra-draw and its MapLibre adapter: their ES module builds, which need
// nothing else; the adapter's bare import of terra-draw is pointed at the
// file beside it, as the browser resolves no package names.
const td = pkgOf('terra-draw'), tda = pkgOf('terra-draw-maplibre-gl-adapter');
files['terra-draw/terra-draw.mjs'] = noMap(read('terra-draw', 'dist/terra-draw.modern.js'));
const adapter = noMap(read('terra-draw-maplibre-gl-adapter', 'dist/terra-draw-maplibre-gl-adapter.modern.js'));
if (!adapter.includes('from"terra-draw"')) throw new Error('terra-draw-maplibre-gl-adapter no longer imports "terra-draw" as vendor.mjs expects');
files['terra-draw/terra-draw-maplibre-gl-adapter.mjs'] = adapter.replaceAll('from"terra-draw"', 'from"./terra-draw.mjs"');
files['terra-draw/LICENSE.txt'] = `terra-draw ${td.version} and terra-draw-maplibre-gl-adapter ${tda.version}: ${td.license} ` +
    '(https://github.com/JamesLMilner/terra-draw)\n\n' + TERRA_DRAW_MIT;
files['terra-draw/VERSION'] = `terra-draw ${td.version}\nterra-draw-maplibre-gl-adapter ${tda.version}\n`;

if (process.argv.includes('--check')) {
    const stale = Object.entries(files).filter(([p, text]) => {
        const f = join(vendor, p);
        return !existsSync(f) || readFileSync(f, 'utf8') !== text;
    }).map(([p]) => p);
    if (stale.length) {
        console.error(`web/static/vendor differs from node_modules: ${stale.join(', ')} (npm ci && npm run vendor)`);
        process.exit(1);
    }
    console.log(`web/static/vendor matches node_modules (${Object.keys(files).length} files)`);
} else {
    for (const [p, text] of Object.entries(files)) {
        mkdirSync(dirname(join(vendor, p)), {recursive: true});
        writeFileSync(join(vendor, p), text);
        console.log(`vendored web/static/vendor/${p} (${text.length} bytes)`);
    }
}

// Copies MapLibre GL JS from the pinned npm package (package.json) into
// web/static/vendor/maplibre-gl/, where planmap embeds it in the binary, and
// the pmtiles reader (which the static edition's page uses: planmap export)
// into web/static/vendor/pmtiles/.
//
//   npm install maplibre-gl@6.x.y --save-exact --save-dev && npm run vendor
//
// MapLibre 6 is an ES module (maplibre-gl.mjs) that starts its web workers
// from maplibre-gl-worker.mjs next to it. The sourceMappingURL comments are
// dropped because the .map files (10 MB) are not vendored.
import {readFileSync, writeFileSync, mkdirSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {createRequire} from 'node:module';

const BSD3 = `Redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice, this list of conditions and the following disclaimer in the documentation and/or other materials provided with the distribution.

3. Neither the name of the copyright holder nor the names of its contributors may be used to endorse or promote products derived from this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.`;

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'static', 'vendor', 'maplibre-gl');
const require = createRequire(import.meta.url);
const pkgFile = require.resolve('maplibre-gl/package.json');
const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
const root = dirname(pkgFile);

mkdirSync(out, {recursive: true});
const files = {
    'dist/maplibre-gl.mjs': 'maplibre-gl.mjs',
    'dist/maplibre-gl-worker.mjs': 'maplibre-gl-worker.mjs',
    'dist/maplibre-gl.css': 'maplibre-gl.css',
    'LICENSE.txt': 'LICENSE.txt',
};
for (const [from, to] of Object.entries(files)) {
    let text = readFileSync(join(root, from), 'utf8');
    text = text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    writeFileSync(join(out, to), text);
    console.log(`vendored ${from} -> web/static/vendor/maplibre-gl/${to} (${text.length} bytes)`);
}
writeFileSync(join(out, 'VERSION'), `maplibre-gl ${pkg.version}\n`);
console.log(`maplibre-gl ${pkg.version}`);

// pmtiles: its one-file browser build (fflate, which it uses for gzip, is
// bundled in), loaded by the exported page as a classic script (window.pmtiles).
const pmRoot = dirname(require.resolve('pmtiles/package.json'));
const pmPkg = JSON.parse(readFileSync(join(pmRoot, 'package.json'), 'utf8'));
const pmOut = join(here, 'static', 'vendor', 'pmtiles');
mkdirSync(pmOut, {recursive: true});
const pmText = readFileSync(join(pmRoot, 'dist', 'pmtiles.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
writeFileSync(join(pmOut, 'pmtiles.js'), pmText);
const fflateRoot = dirname(require.resolve('fflate/package.json'));
writeFileSync(join(pmOut, 'LICENSE.txt'),
    `pmtiles ${pmPkg.version}: ${pmPkg.license}, Copyright 2021 Protomaps LLC (https://github.com/protomaps/PMTiles)\n\n` +
    BSD3 + '\n\nIt bundles fflate (MIT):\n\n' + readFileSync(join(fflateRoot, 'LICENSE'), 'utf8'));
writeFileSync(join(pmOut, 'VERSION'), `pmtiles ${pmPkg.version}\n`);
console.log(`pmtiles ${pmPkg.version} -> web/static/vendor/pmtiles/pmtiles.js (${pmText.length} bytes)`);

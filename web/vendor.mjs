// Copies MapLibre GL JS from the pinned npm package (package.json) into
// web/static/vendor/maplibre-gl/, where planmap embeds it in the binary.
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

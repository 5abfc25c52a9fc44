// Bundles the anywidget front ends into ES modules inside the Python package.
// Each widget is a folder widgets/<name>/ with index.ts (the module anywidget loads) and
// style.css; the Python widget classes load static/<name>.js and static/<name>.css as
// `_esm` / `_css`. The wheel ships them prebuilt.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';

const outdir = '../attune_jupyter/widgets/static';
mkdirSync(outdir, { recursive: true });
const widgets = readdirSync('widgets', { withFileTypes: true })
  .filter(entry => entry.isDirectory() && existsSync(`widgets/${entry.name}/index.ts`))
  .map(entry => entry.name);
// A single-file widget (widgets/<name>.ts + widgets/<name>.css) is bundled the same way.
const singleFiles = readdirSync('widgets')
  .filter(name => name.endsWith('.ts') && !widgets.includes(name.slice(0, -3)))
  .map(name => name.slice(0, -3));
const entryPoints = Object.fromEntries([
  ...widgets.map(name => [name, `widgets/${name}/index.ts`]),
  ...singleFiles.map(name => [name, `widgets/${name}.ts`])
]);
await build({
  entryPoints,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  outdir,
  logLevel: 'warning'
});
for (const name of widgets) {
  copyFileSync(`widgets/${name}/style.css`, `${outdir}/${name}.css`);
}
for (const name of singleFiles) {
  copyFileSync(`widgets/${name}.css`, `${outdir}/${name}.css`);
}

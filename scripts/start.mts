// `npm start`: the Cockpit in a browser-hosted VS Code (code-server) on the local database.
// Migrates the database, installs the freshly packaged VSIX into a throw-away profile, serves
// code-server on 127.0.0.1 and prints the URL. Ctrl+C stops it.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { serveCodeServer } from '../test/e2e/harness.ts';

const root = path.resolve(import.meta.dirname, '..');
const databaseUrl = process.env.COCKPIT_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/devguide_cockpit';
const workspace = path.resolve(process.argv[2] ?? root);
const port = process.env.PORT ? Number(process.env.PORT) : 8080;

execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
execFileSync(process.execPath, [path.join(root, 'bin/cockpit'), 'migrate'], {
  stdio: 'inherit',
  env: { ...process.env, COCKPIT_DATABASE_URL: databaseUrl },
});

const server = await serveCodeServer({
  vsixPath: path.join(root, 'dist/devguide-cockpit.vsix'),
  workspaceDir: workspace,
  port,
  maxLifetimeMs: 12 * 60 * 60_000,
  settings: { 'cockpit.database.url': databaseUrl, 'cockpit.openOnStartup': true },
});
console.log(`\nDevGuide Cockpit is running on ${databaseUrl.replace(/:[^:@/]*@/, '@')}`);
console.log(`Open ${server.workspaceUrl}\n(Ctrl+C to stop)`);

const shutdown = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

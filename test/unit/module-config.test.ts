import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CockpitError } from '../../src/core/errors.js';
import { normalizeRemoteUrl, normalizeRepository, originOf } from '../../src/core/git.js';
import { confineToFolder, describeContent, parseConfiguration, ZULU } from '../../src/core/module-config.js';
import { readProjectLink, writeProjectLink } from '../../src/core/projects.js';

/** A commit needs an identity; the machine's global git config may have none. */
const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

function refused(run: () => unknown, field: string, message?: RegExp) {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof CockpitError, String(error));
    assert.equal(error.field, field);
    if (message) assert.match(error.message, message);
    return true;
  });
}

async function refusedAsync(run: () => Promise<unknown>, code: string, message: RegExp) {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof CockpitError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

describe('module configurations', () => {
  it('accepts the seeded shapes and full entries', () => {
    assert.deepEqual(parseConfiguration('checklist', { items: [{ text: 'ship', done: false }] }), {
      items: [{ text: 'ship', done: false }],
    });
    parseConfiguration('decision_log', {
      entries: [
        {
          title: 'Use TiDB',
          context: 'HTAP',
          decision: 'yes',
          status: 'accepted',
          timestamp: '2026-01-01T14:30:45.123456Z',
          author: 'dev@example.com',
        },
      ],
    });
    parseConfiguration('file_manager', { files: [{ path: 'src/index.ts', pinnedAt: '2026-01-01T14:30:45Z' }] });
    parseConfiguration('checklist', '{"items":[]}');
  });

  it('refuses bad JSON, wrong types and unknown keys, naming the field', () => {
    refused(() => parseConfiguration('checklist', '{"items": ['), 'configuration', /not valid JSON/);
    refused(
      () => parseConfiguration('checklist', { items: [{ text: 'x', done: 'yes' }] }),
      'configuration.items.0.done',
    );
    refused(
      () => parseConfiguration('checklist', { items: [{ text: '  ', done: false }] }),
      'configuration.items.0.text',
    );
    refused(() => parseConfiguration('checklist', { items: 'none' }), 'configuration.items');
    refused(() => parseConfiguration('checklist', { items: [], extra: 1 }), 'configuration');
    refused(
      () =>
        parseConfiguration('decision_log', {
          entries: [
            {
              title: 't',
              context: '',
              decision: '',
              status: 'accepted',
              timestamp: '2026-01-01 14:30:45',
              author: 'a',
            },
          ],
        }),
      'configuration.entries.0.timestamp',
      /Z/,
    );
    refused(
      () =>
        parseConfiguration('decision_log', {
          entries: [
            { title: 't', context: '', decision: '', status: 'maybe', timestamp: '2026-01-01T14:30:45Z', author: 'a' },
          ],
        }),
      'configuration.entries.0.status',
    );
    refused(
      () => parseConfiguration('file_manager', { files: [{ path: '../secret' }] }),
      'configuration.files.0.path',
      /\.\./,
    );
    refused(
      () => parseConfiguration('file_manager', { files: [{ path: '/etc/passwd' }] }),
      'configuration.files.0.path',
    );
    refused(
      () => parseConfiguration('file_manager', { files: [{ path: 'C:\\Windows' }] }),
      'configuration.files.0.path',
    );
    refused(() => parseConfiguration('file_manager', { files: [{ path: 'a/../../b' }] }), 'configuration.files.0.path');
  });

  it('shows unknown types and invalid stored configurations read-only with their raw JSON', () => {
    const unknown = describeContent('kanban', { columns: ['todo'] });
    assert.equal(unknown.kind, 'read-only');
    if (unknown.kind === 'read-only') {
      assert.deepEqual(JSON.parse(unknown.raw), { columns: ['todo'] });
      assert.match(unknown.reason, /kanban/);
    }
    const broken = describeContent('checklist', { items: [{ text: 1 }] });
    assert.equal(broken.kind, 'read-only');
    if (broken.kind === 'read-only') assert.match(broken.reason, /configuration\.items\.0\.text/);
    assert.equal(describeContent('checklist', { items: [] }).kind, 'checklist');
  });

  it('generates Zulu timestamps the standard accepts', () => {
    assert.match(new Date().toISOString(), ZULU);
    assert.doesNotMatch('2026-01-01T14:30:45+01:00', ZULU);
  });
});

describe('workspace paths', () => {
  let root: string;
  let outside: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'cockpit-ws-'));
    outside = await mkdtemp(path.join(tmpdir(), 'cockpit-outside-'));
    await mkdir(path.join(root, 'src'));
    await writeFile(path.join(root, 'src', 'index.ts'), 'x');
    await writeFile(path.join(root, '..dots'), 'x');
    await writeFile(path.join(outside, 'secret.txt'), 'x');
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'escape.txt'));
    await symlink(outside, path.join(root, 'escape-dir'));
    await symlink(path.join(root, 'src', 'index.ts'), path.join(root, 'inside-link.ts'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('accepts relative and absolute paths inside the folder', async () => {
    assert.equal((await confineToFolder(root, 'src/index.ts')).relative, 'src/index.ts');
    assert.equal((await confineToFolder(root, path.join(root, 'src', 'index.ts'))).relative, 'src/index.ts');
    assert.equal((await confineToFolder(root, '..dots')).relative, '..dots');
    assert.equal((await confineToFolder(root, 'inside-link.ts')).relative, 'inside-link.ts');
  });

  it('refuses .., absolute paths elsewhere, symlink escapes and missing files', async () => {
    await refusedAsync(() => confineToFolder(root, '../x'), 'invalid', /\.\./);
    await refusedAsync(() => confineToFolder(root, 'src/../../x'), 'invalid', /\.\./);
    await refusedAsync(() => confineToFolder(root, path.join(outside, 'secret.txt')), 'forbidden', /outside/);
    await refusedAsync(() => confineToFolder(root, root), 'forbidden', /outside/);
    await refusedAsync(() => confineToFolder(root, 'escape.txt'), 'forbidden', /symbolic link/);
    await refusedAsync(() => confineToFolder(root, 'escape-dir/secret.txt'), 'forbidden', /symbolic link/);
    await refusedAsync(() => confineToFolder(root, 'src/missing.ts'), 'not-found', /does not exist/);
    await refusedAsync(() => confineToFolder(root, 'a\0b'), 'invalid', /NUL/);
  });

  it('reads and writes the project link, refusing a malformed or oversized one', async () => {
    assert.equal(await readProjectLink(root), undefined);
    await mkdir(path.join(root, '.vscode'), { recursive: true });
    await writeFile(path.join(root, '.vscode', 'cockpit.json'), '{ "projectId": ');
    await refusedAsync(() => readProjectLink(root), 'invalid', /not valid JSON/);
    await writeFile(
      path.join(root, '.vscode', 'cockpit.json'),
      `{ "projectId": "p-1", "pad": "${'x'.repeat(70_000)}" }`,
    );
    await refusedAsync(() => readProjectLink(root), 'invalid', /at most 64 KB/);
    await writeFile(path.join(root, '.vscode', 'cockpit.json'), '{ "projectId": 42, "keep": true }');
    await refusedAsync(() => readProjectLink(root), 'invalid', /projectId/);
    await writeProjectLink(root, 'p-1');
    assert.equal(await readProjectLink(root), 'p-1');
  });
});

describe('git remotes', () => {
  it('drops credentials from URL remotes and keeps scp-style ones', () => {
    assert.equal(
      normalizeRemoteUrl('https://user:ghp_secret@github.com/org/repo.git'),
      'https://github.com/org/repo.git',
    );
    assert.equal(normalizeRemoteUrl('git@github.com:org/repo.git'), 'git@github.com:org/repo.git');
    assert.equal(normalizeRemoteUrl('ssh://git@host:22/org/repo.git'), 'ssh://git@host:22/org/repo.git');
  });

  it('matches the same repository written as https, ssh or scp, without credentials', () => {
    const expected = 'github.com/acme/cockpit';
    assert.equal(normalizeRepository('https://github.com/acme/cockpit.git'), expected);
    assert.equal(normalizeRepository('https://user:token@github.com/Acme/Cockpit'), expected);
    assert.equal(normalizeRepository('git@github.com:acme/cockpit.git'), expected);
    assert.equal(normalizeRepository('ssh://git@github.com/acme/cockpit.git/'), expected);
    assert.equal(normalizeRepository('https://[not a url'), 'https://[not a url');
  });

  it("reads a folder's remote from its git config, without git: origin, else the first; worktrees too", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'cockpit-remote-'));
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: folder, env: { ...process.env, ...GIT_IDENTITY } });
    const withoutGit = async (dir: string) => {
      const saved = process.env.PATH;
      process.env.PATH = '';
      try {
        return await originOf(dir);
      } finally {
        process.env.PATH = saved;
      }
    };
    try {
      assert.equal(await originOf(folder), undefined, 'not a repository');
      git('init', '-q');
      assert.equal(await withoutGit(folder), undefined, 'no remote');
      git('remote', 'add', 'upstream', 'git@github.com:org/upstream.git');
      assert.equal(await withoutGit(folder), 'git@github.com:org/upstream.git', 'the first remote without an origin');
      git('remote', 'add', 'origin', 'https://github.com/org/one.git');
      assert.equal(await withoutGit(folder), 'https://github.com/org/one.git');
      await mkdir(path.join(folder, 'src'));
      assert.equal(await withoutGit(path.join(folder, 'src')), 'https://github.com/org/one.git', 'from a subfolder');
      git('commit', '-q', '--allow-empty', '-m', 'first');
      git('worktree', 'add', '-q', path.join(folder, 'wt'));
      assert.equal(await withoutGit(path.join(folder, 'wt')), 'https://github.com/org/one.git', 'a worktree');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

import { promises as fs, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { formatMicros } from './time.js';

export interface GitResolverOptions {
  /** The captured folder (anywhere inside a repository, or outside one). */
  root: string;
  /** Called once when git is not installed, and for unexpected git failures. */
  warn?: (message: string) => void;
  /** History walked to build the path → last-commit map (bounds time and memory on huge repositories). */
  maxCommits?: number;
  /** Environment of the git processes (tests use it to hide git). */
  env?: NodeJS.ProcessEnv;
}

interface Repository {
  gitDir: string;
  commonDir: string;
  /** The captured folder relative to the toplevel, `/`-separated and ending in `/` ('' at the toplevel). */
  rootPrefix: string;
}

export interface FileCommit {
  sha: string;
  author: string;
  /** DATETIME(6) strings in UTC (git keeps whole seconds). */
  authorDate: string;
  committerDate: string;
  subject: string;
}

const SHA = /^[0-9a-f]{40}$/;

/**
 * The last commit that changed each file (`git log -1 -- file` for every file at once).
 *
 * One `git log --name-status` over HEAD's history builds a map path → newest commit touching it;
 * the map serves every batch until HEAD moves, which is detected by reading `.git/HEAD` and the
 * ref it points to (no process). So a batch costs no git process, a HEAD move one. A path whose
 * newest change is a deletion, or that never appears, is untracked → null.
 */
export class GitShaResolver {
  /** git processes started (figures for the benchmark and tests). */
  processes = 0;
  private readonly git: SimpleGit;
  private readonly rootReal: string;
  private repository: Repository | null | undefined;
  private gitMissing = false;
  private head: string | undefined;
  private lastCommit = new Map<string, string | null>();
  private readonly maxCommits: number;

  constructor(private readonly options: GitResolverOptions) {
    this.rootReal = realpathSync(options.root);
    this.maxCommits = options.maxCommits ?? 100_000;
    this.git = simpleGit({ baseDir: this.rootReal, maxConcurrentProcesses: 1 });
    if (options.env) this.git.env(options.env);
  }

  /** Whether git runs here (false once it was found missing). */
  get available(): boolean {
    return !this.gitMissing;
  }

  /** SHA (or null) for each path relative to the root (`/`-separated). One git process at most. */
  async shasFor(relativePaths: readonly string[]): Promise<Map<string, string | null>> {
    const result = new Map<string, string | null>();
    const repository = await this.repositoryInfo();
    const head = repository ? await this.currentHead(repository) : undefined;
    if (!repository || !head) {
      for (const p of relativePaths) result.set(p, null);
      return result;
    }
    if (head !== this.head) await this.rebuild(head);
    for (const p of relativePaths) result.set(p, this.lastCommit.get(this.repoPath(repository, p)) ?? null);
    return result;
  }

  /** The commits that changed one file, newest first, with author and committer dates (one git process). */
  async commitsOf(relativePath: string, limit = 200): Promise<FileCommit[]> {
    const repository = await this.repositoryInfo();
    if (!repository) return [];
    const output = await this.run([
      'log',
      `--max-count=${limit}`,
      '--no-show-signature',
      '--format=%x01%H%x00%an%x00%at%x00%ct%x00%s',
      'HEAD',
      '--',
      `:(literal)${this.repoPath(repository, relativePath)}`,
    ]);
    if (output === undefined) return [];
    return output
      .split('\x01')
      .filter((record) => record.trim() !== '')
      .map((record) => {
        const [sha = '', author = '', at = '0', ct = '0', subject = ''] = record.replace(/\n$/, '').split('\x00');
        return {
          sha,
          author,
          authorDate: formatMicros(BigInt(at) * 1_000_000n),
          committerDate: formatMicros(BigInt(ct) * 1_000_000n),
          subject,
        };
      });
  }

  private repoPath(repository: Repository, relativePath: string): string {
    return repository.rootPrefix + relativePath;
  }

  private async repositoryInfo(): Promise<Repository | null> {
    if (this.repository !== undefined) return this.repository;
    const output = await this.run(['rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-common-dir'], true);
    if (output === undefined) {
      this.repository = null;
      return null;
    }
    const [toplevel = '', gitDir = '', commonDir = ''] = output.trim().split('\n');
    const rootPrefix = path.relative(realpathSync(toplevel), this.rootReal).split(path.sep).join('/');
    this.repository = {
      gitDir,
      commonDir: path.resolve(this.rootReal, commonDir),
      rootPrefix: rootPrefix === '' ? '' : `${rootPrefix}/`,
    };
    return this.repository;
  }

  /**
   * HEAD's commit from the files git keeps (loose ref, then packed-refs); rev-parse when unsure.
   * Read synchronously: they are a few bytes, read once per batch of captures, and through the
   * thread pool the two reads cost ~35 ms of the event loop per 20,000 files (40 batches).
   */
  private async currentHead(repository: Repository): Promise<string | undefined> {
    try {
      const head = readFileSync(path.join(repository.gitDir, 'HEAD'), 'utf8').trim();
      if (SHA.test(head)) return head;
      const ref = /^ref: (refs\/\S+)$/.exec(head)?.[1];
      if (ref) {
        const loose = readIfPresent(path.join(repository.commonDir, ref));
        if (loose && SHA.test(loose.trim())) return loose.trim();
        const packed = readIfPresent(path.join(repository.commonDir, 'packed-refs')) ?? '';
        const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
        const sha = line?.slice(0, 40);
        if (sha && SHA.test(sha)) return sha;
        if (!(await this.usesReftable(repository))) return undefined; // an unborn branch: no commit yet
      }
    } catch {
      // fall through to git itself
    }
    const output = await this.run(['rev-parse', '--verify', '--quiet', 'HEAD'], true);
    const sha = output?.trim();
    return sha && SHA.test(sha) ? sha : undefined;
  }

  /** The reftable ref format (git ≥ 2.45) keeps refs in binary tables: only git reads them. */
  private async usesReftable(repository: Repository): Promise<boolean> {
    return fs
      .access(path.join(repository.commonDir, 'reftable'))
      .then(() => true)
      .catch(() => false);
  }

  private async rebuild(head: string): Promise<void> {
    const output = await this.run([
      '-c',
      'log.showSignature=false',
      'log',
      `--max-count=${this.maxCommits}`,
      '--format=%x01%H',
      '--name-status',
      '--no-renames',
      '-z',
      head,
    ]);
    const lastCommit = new Map<string, string | null>();
    if (output !== undefined) {
      for (const record of output.split('\x01')) {
        const nul = record.indexOf('\x00');
        if (nul !== 40) continue;
        const sha = record.slice(0, 40);
        const fields = record
          .slice(nul + 1)
          .replace(/^\n/, '')
          .split('\x00');
        for (let i = 0; i + 1 < fields.length; i += 2) {
          const file = fields[i + 1]!;
          if (!lastCommit.has(file)) lastCommit.set(file, fields[i] === 'D' ? null : sha);
        }
      }
    }
    this.lastCommit = lastCommit;
    this.head = head;
  }

  /**
   * Runs git; undefined when it fails. A missing git binary is reported once and disables git;
   * `expectFailure` marks calls whose failure is an answer (not a repository, unborn HEAD).
   */
  private async run(args: string[], expectFailure = false): Promise<string | undefined> {
    if (this.gitMissing) return undefined;
    this.processes++;
    try {
      return await this.git.raw(args);
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      if (/^Error: spawn \S+ ENOENT/.test(message)) {
        this.gitMissing = true;
        this.options.warn?.(
          'git is not installed or not on PATH: file captures are recorded without commit SHAs (git_commit_sha is null).',
        );
      } else if (!expectFailure) {
        this.options.warn?.(`git ${args.find((a) => !a.startsWith('-')) ?? ''} failed: ${message.split('\n')[0]}`);
      }
      return undefined;
    }
  }
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

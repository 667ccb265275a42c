import * as vscode from 'vscode';
import {
  connect,
  DatabaseError,
  describeTarget,
  parseDatabaseUrl,
  type Database,
  type DatabaseConfig,
} from '../db/connection.js';
import { migrate, type MigrateReport } from '../db/migrate.js';
import { safeMessage } from '../core/errors.js';

const URL_SETTING = 'cockpit.database.url';

/** SecretStorage key of the password for one user@host:port (never the settings file). */
export const passwordKey = (config: Pick<DatabaseConfig, 'user' | 'host' | 'port'>) =>
  `cockpit.database.password/${config.user}@${config.host}:${config.port}`;

/**
 * The one database connection of the window, opened on first use (activation does no I/O) and
 * reopened when the URL setting changes.
 */
export class CockpitDatabase implements vscode.Disposable {
  private pending: Promise<Database> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(URL_SETTING)) void this.reset();
    });
  }

  /** The configured target; throws a DatabaseError naming the problem when the setting is malformed. */
  async config(): Promise<DatabaseConfig> {
    const url = vscode.workspace.getConfiguration().get<string>(URL_SETTING, '');
    const withoutPassword = parseDatabaseUrl(url);
    const password = await this.secrets.get(passwordKey(withoutPassword));
    return parseDatabaseUrl(url, password ?? withoutPassword.password);
  }

  get(): Promise<Database> {
    this.pending ??= this.open().catch((error: unknown) => {
      this.pending = undefined;
      throw error;
    });
    return this.pending;
  }

  private async open(): Promise<Database> {
    const config = await this.config();
    const database = await connect(config, { log: (m) => this.log.warn(m) });
    this.log.info(`Connected to ${describeTarget(config)}: ${database.server.dialect} ${database.server.version}.`);
    return database;
  }

  /** Stores the URL and password, connects (creating the database if needed) and migrates. */
  async connectAndMigrate(
    url: string,
    password: string | undefined,
    progress: (m: string) => void,
  ): Promise<MigrateReport> {
    const config = parseDatabaseUrl(url, password);
    const database = await connect(config, { createDatabase: true, log: (m) => this.log.warn(m) });
    try {
      const report = await migrate(database, {
        log: (m) => {
          this.log.info(m);
          progress(m);
        },
      });
      if (password !== undefined) await this.secrets.store(passwordKey(config), password);
      await vscode.workspace.getConfiguration().update(URL_SETTING, url, vscode.ConfigurationTarget.Global);
      await this.reset();
      return report;
    } finally {
      await database.close();
    }
  }

  async reset(): Promise<void> {
    const previous = this.pending;
    this.pending = undefined;
    this.changed.fire();
    await previous?.then((db) => db.close()).catch(() => undefined);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
    void this.reset();
  }
}

/** The message to show for any failure: specific, and free of secrets (DatabaseErrors already are). */
export function describeError(error: unknown): string {
  return safeMessage(error);
}

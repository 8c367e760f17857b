/**
 * The embedded store: SQLite through better-sqlite3 (WAL) and kysely. One file, no server; the default for
 * `npm start` and single-instance deployments.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { createTables, KyselyStore, type Schema, type TableDialect } from './kysely-store.js';
import { WalCheckpointer } from './sqlite-checkpoint.js';

const SQLITE_TABLES: TableDialect = {
  identity: 'integer primary key autoincrement',
  // SQLite has no `add column if not exists`: look at the table's columns first.
  async addColumn(db, table, column, definition) {
    const { rows } = await sql<{ name: string }>`pragma table_info(${sql.id(table)})`.execute(db);
    if (rows.some((row) => row.name === column)) return;
    try {
      await sql`alter table ${sql.id(table)} add column ${sql.id(column)} ${sql.raw(definition)}`.execute(db);
    } catch (error) {
      // Another process (a CLI command next to the running gateway) added it between the look and the change.
      if (!/duplicate column name/i.test((error as Error).message)) throw error;
    }
  },
};

export interface SqliteStoreOptions {
  /**
   * Run WAL checkpoints in a worker thread instead of inside commits on the main thread (see
   * sqlite-checkpoint.ts). For the long-running gateway; short CLI commands do not need the thread.
   */
  checkpointInWorker?: boolean;
  /** How often the worker checkpoints. Default 1000 ms. */
  checkpointEveryMs?: number;
  onError?: (message: string) => void;
}

export class SqliteStore extends KyselyStore {
  protected readonly db: Kysely<Schema>;
  private readonly checkpointer: WalCheckpointer | null;

  constructor(
    readonly path: string,
    options: SqliteStoreOptions = {},
  ) {
    super();
    const raw = new Database(path);
    raw.pragma('journal_mode = WAL');
    raw.pragma('busy_timeout = 5000');
    this.checkpointer =
      options.checkpointInWorker && path !== ':memory:'
        ? new WalCheckpointer(raw, path, options.checkpointEveryMs ?? 1000, options.onError)
        : null;
    this.db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: raw }) });
  }

  /** Whether checkpoints currently run in the worker thread. */
  get checkpointsInWorker(): boolean {
    return this.checkpointer?.running ?? false;
  }

  override async close(): Promise<void> {
    await this.checkpointer?.close();
    await super.close();
  }

  async migrate(): Promise<void> {
    await createTables(this.db, SQLITE_TABLES);
  }

  protected async lockChain(): Promise<void> {
    // One connection, and SQLite runs one write transaction at a time: nothing else can append meanwhile.
  }
}

/**
 * The embedded store: SQLite through better-sqlite3 (WAL) and kysely. One file, no server; the default for
 * `npm start` and single-instance deployments.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { createTables, KyselyStore, type Schema } from './kysely-store.js';

export class SqliteStore extends KyselyStore {
  protected readonly db: Kysely<Schema>;

  constructor(readonly path: string) {
    super();
    const raw = new Database(path);
    raw.pragma('journal_mode = WAL');
    raw.pragma('busy_timeout = 5000');
    this.db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: raw }) });
  }

  async migrate(): Promise<void> {
    await createTables(this.db, 'integer primary key autoincrement');
  }

  protected async lockChain(): Promise<void> {
    // One connection, and SQLite runs one write transaction at a time: nothing else can append meanwhile.
  }
}

/**
 * The embedded store: SQLite through better-sqlite3 (WAL) and kysely. One file, no server; the default for
 * `npm start` and single-instance deployments.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { createTables, KyselyStore, type Schema, type TableDialect } from './kysely-store.js';

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
    await createTables(this.db, SQLITE_TABLES);
  }

  protected async lockChain(): Promise<void> {
    // One connection, and SQLite runs one write transaction at a time: nothing else can append meanwhile.
  }
}

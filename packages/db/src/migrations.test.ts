import { expect, it } from 'vitest';
import { MEMORY_MIGRATIONS_TABLE, memoryMigrations } from './migrations/index.js';
import { describeEachDatabase } from './testing/index.js';

describeEachDatabase('versioned migrations', (ctx) => {
  it('brings a database created by an earlier version up to date, running only what is pending', async () => {
    const db = await ctx.createDb({ embeddingDimensions: 4 });
    const names = memoryMigrations(4).map((m) => m.name);
    expect((await db.query<{ name: string }>(`select name from ${MEMORY_MIGRATIONS_TABLE} order by name`)).map((r) => r.name)).toEqual(names);

    // Put the database back where the first version of this library left it.
    await db.query('drop index ix_sessions_user_id_updated_at_id');
    await db.query('drop index ix_audit_logs_actor');
    await db.query('drop index ix_audit_logs_details_user_id');
    await db.query('create index ix_sessions_user_id_updated_at on sessions (user_id, updated_at)');
    await db.query(`delete from ${MEMORY_MIGRATIONS_TABLE} where name = $1`, [names[1]]);
    await db.query(`insert into sessions (id, updated_at, status, user_id) values (gen_random_uuid(), now(), 1, 'u1')`);

    await db.initDb();

    const indexes = (await db.query<{ indexname: string }>(`select indexname from pg_indexes where schemaname = current_schema()`)).map((r) => r.indexname);
    expect(indexes).toEqual(expect.arrayContaining(['ix_sessions_user_id_updated_at_id', 'ix_audit_logs_actor', 'ix_audit_logs_details_user_id']));
    expect(indexes).not.toContain('ix_sessions_user_id_updated_at');
    expect((await db.query<{ name: string }>(`select name from ${MEMORY_MIGRATIONS_TABLE} order by name`)).map((r) => r.name)).toEqual(names);
    expect(await db.query<{ n: number }>(`select count(*)::int as n from sessions where user_id = 'u1'`)).toEqual([{ n: 1 }]);
  });
});

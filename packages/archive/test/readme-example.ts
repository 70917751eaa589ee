/* eslint-disable no-console -- the example shows its results by printing them */
// The README's example, kept runnable: `node --import tsx --conditions=@memory/source test/readme-example.ts`
import { createConversationStore } from '@memory/conversations';
import { createMemoryDb } from '@memory/db';
import { InMemoryLongTermStorage } from '@memory/longterm-core';
import { createArchiver } from '../src/index.js';

const db = createMemoryDb({ url: 'pglite://memory' });
await db.initDb();
const archiver = createArchiver({ db, storage: new InMemoryLongTermStorage() });
const store = createConversationStore(db, {
  restore: async (sessionId) => void (await archiver.restoreSession(sessionId)),
});

const session = await store.createSession({ userId: 'u1', title: 'Trip planning' });
await store.appendMessages(session.id, [{ role: 'user', content: 'Find me a hotel in Kyoto' }]);

// A year later: idle past 7 and 180 days, so the session goes cold, then deep, in one run.
const later = new Date(Date.now() + 365 * 86_400_000);
console.log(await archiver.planArchive({ now: later })); // cold: 1 session / 1 message, deep: the same
console.log(await archiver.runArchive({ now: later, onProgress: (p) => console.log(p.phase, `${p.done}/${p.total}`) }));

// The user comes back: the store restores the session from the export, then appends.
const { restored } = await store.appendMessages(session.id, [{ role: 'user', content: 'And a ryokan?' }], {
  restore: true,
});
console.log({ restored }); // { restored: true }
await db.close();

// Child process of the cross-process compare-and-swap test: increments a JSON counter object
// `increments` times with an ifMatch / ifNoneMatch retry loop, then prints how many conflicts it hit.
import { ConflictError } from '@memory/errors';
import { FileSystemLongTermStorage } from '../src/file-system-storage.js';

const [root, key, id, count] = process.argv.slice(2) as [string, string, string, string];
const storage = new FileSystemLongTermStorage(root);
let conflicts = 0;
for (let i = 0; i < Number(count); i++) {
  for (;;) {
    const head = await storage.headObject(key);
    const body = head
      ? (JSON.parse(new TextDecoder().decode((await storage.getObject(key))!)) as { n: number; last: string })
      : { n: 0, last: '' };
    const next = JSON.stringify({ n: body.n + 1, last: `${id}-${i}` });
    try {
      await storage.putObject(key, next, head ? { ifMatch: head.etag } : { ifNoneMatch: '*' });
      break;
    } catch (error) {
      if (!ConflictError.isInstance(error)) throw error;
      conflicts++;
    }
  }
}
process.stdout.write(JSON.stringify({ id, conflicts }));

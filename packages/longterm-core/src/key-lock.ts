const tails = new Map<string, Promise<void>>();

/**
 * Runs `fn` after every earlier call with the same `id` has finished: a FIFO mutex per id, inside
 * this process. The map is module-level so two backend instances on one directory share it.
 */
export async function withKeyLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(id) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => mine);
  tails.set(id, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (tails.get(id) === tail) tails.delete(id);
  }
}

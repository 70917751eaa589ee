import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Triple } from '@memory/semantics';

// The quick start of README.md must run as written (only the package import is pointed at the
// sources), and print what it promises.
const file = join(import.meta.dirname, '.readme-quickstart.tmp.ts');
afterAll(() => rm(file, { force: true }));

describe('README quick start', () => {
  it('runs and answers the questions', async () => {
    const readme = await readFile(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Quick start'));
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code).toBeDefined();
    await writeFile(file, code!.replace("from '@memory/retrieval'", "from '../src/index.js'"));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await import(file);
      const printed = log.mock.calls.map((c) => c[0] as unknown);
      expect(printed[0]).toEqual({ communication_style: '简洁，直接给代码' });
      const where = printed[1] as Triple[];
      expect(where[0]?.slice(0, 3)).toEqual(['用户', '住在', '杭州']);
      expect(where[1]?.slice(0, 3)).toEqual(['用户', '住在', '北京']);
      expect(where[1]?.[3]?.endTime).toBeTypeOf('string');
      expect((printed[2] as Triple[])[0]?.[2]).toBe('手冲咖啡，不加糖');
      // The deployment's own synonym line carries "hand drip" to 手冲.
      expect((printed[3] as Triple[])[0]?.[2]).toBe('手冲咖啡，不加糖');
    } finally {
      log.mockRestore();
    }
  });
});

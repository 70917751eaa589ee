import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { NotFoundError } from '@memory/errors';
import { Type } from 'typebox';
import type { App } from '../app-types.js';

/** The console's files: `apps/example/console/` (beside `src/` and `dist/`, so both find it). */
const CONSOLE_DIR = fileURLToPath(
  new URL('../console/', import.meta.url).href.replace(/\/(src|dist)\/console\/$/, '/console/'),
);

const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

/**
 * The memory console: `GET /` serves a small single-page app (plain HTML, CSS and one ES
 * module; no build step) that works through the service's API with the key its user enters.
 */
export function registerConsoleRoutes(app: App): void {
  const cache = new Map<string, Buffer>();
  const read = async (name: string) => {
    let file = cache.get(name);
    if (!file) {
      file = await readFile(`${CONSOLE_DIR}${name}`);
      if (process.env.NODE_ENV === 'production') cache.set(name, file);
    }
    return file;
  };
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(await read('index.html')),
  );
  app.get(
    '/console/:file',
    { schema: { hide: true, params: Type.Object({ file: Type.String() }) } },
    async (request, reply) => {
      // Own keys only: `__proto__` or `constructor` must not look like a file (it was a 500).
      const type = Object.hasOwn(ASSETS, request.params.file) ? ASSETS[request.params.file] : undefined;
      if (!type) throw new NotFoundError(`no console file ${request.params.file}`);
      return reply
        .type(type)
        .header('cache-control', 'no-cache')
        .send(await read(request.params.file));
    },
  );
}

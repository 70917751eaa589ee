// The published (non-private) packages under packages/, shared by the repo scripts that walk them
// (api-report.mjs, footprint.mjs): name, version, folder and manifest, sorted by name.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function publicPackages(root) {
  const found = [];
  for (const entry of await readdir(join(root, 'packages'), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, 'packages', entry.name);
    let manifest;
    try {
      manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    if (!manifest.private) found.push({ name: manifest.name, version: manifest.version, dir, manifest });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

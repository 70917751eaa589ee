/** Opening and closing the systems of the peers benchmark, each in a fresh database of its own. */
import { createScratch, type Scratch } from '../scratch-db.js';
import { hnswIndexDefinition } from '../schema.js';
import { langchainSystem } from './langchain-system.js';
import { mastraSystem } from './mastra-system.js';
import { memorySystem, type MemorySystem } from './memory-system.js';
import { plainSystem, type PlainSystem } from './plain-system.js';
import type { System } from './system.js';

export interface Opened {
  systems: System[];
  scratches: Scratch[];
  memory: MemorySystem;
  plain: PlainSystem;
}

/**
 * A fresh database per system (`memory_bench_peers_<label>_<system>_<random>`): ours first (its
 * HNSW definition is read back for plain's table), then Mastra and LangChain unless `peers` is
 * false, then plain `pg`.
 */
export async function openAll(adminUrl: string, label: string, { peers = true } = {}): Promise<Opened> {
  const scratches: Scratch[] = [];
  const systems: System[] = [];
  const scratch = async (system: string) => {
    const s = await createScratch(adminUrl, `memory_bench_peers_${label}_${system}`, 4);
    scratches.push(s);
    return s.url;
  };
  try {
    const memory = await memorySystem(await scratch('memory'));
    systems.push(memory);
    const hnswDef = await hnswIndexDefinition(memory.aux);
    if (peers) {
      systems.push(await mastraSystem(await scratch('mastra')));
      systems.push(await langchainSystem(await scratch('langchain')));
    }
    const plain = await plainSystem(await scratch('plain'), hnswDef);
    systems.push(plain);
    return { systems, scratches, memory, plain };
  } catch (error) {
    await closeAll({ systems, scratches });
    throw error;
  }
}

export async function closeAll(o: { systems: System[]; scratches: Scratch[] }): Promise<void> {
  for (const s of o.systems) await s.close();
  for (const s of o.scratches) await s.drop().catch(() => undefined);
}

/** The data every system of the peers benchmark is given. */
import { randomUUID } from 'node:crypto';
import { gaussian } from '../measure.js';
import { BIG_USER, CONTENT, DIMS, PER_SESSION, roleAt, SMALL_USER } from './config.js';
import type { VectorRow } from './system.js';

/** `count` messages in sessions of PER_SESSION; every 20th session belongs to the small user (1k of 20k). */
export function vectorData(
  count: number,
  next: () => number[],
): { sessions: { id: string; userId: string }[]; rows: VectorRow[][] } {
  const n = Math.ceil(count / PER_SESSION);
  const sessions = Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    userId: i % 20 === 0 ? SMALL_USER : BIG_USER,
  }));
  const rows: VectorRow[][] = sessions.map(() => []);
  for (let i = 0; i < count; i++) {
    const s = sessions[i % n]!;
    rows[i % n]!.push({
      id: randomUUID(),
      sessionId: s.id,
      userId: s.userId,
      role: roleAt(i),
      content: `vector message ${i}: ${CONTENT}`,
      vector: next(),
    });
  }
  return { sessions, rows };
}

/** Unit vectors drawn uniformly on the sphere. */
export function randomUnitVectors(seed: number): () => number[] {
  const g = gaussian(seed);
  return () => {
    const v = Array.from({ length: DIMS }, () => g());
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
}

/** The steps of a run, in the order they happen. */
export type ArchivePhase = 'cold' | 'deep' | 'deleted';

/**
 * What `onProgress` receives after every batch (cold) or session (deep, deleted).
 *
 * `done`/`total` count sessions of the current phase; `total` is the plan made when the phase
 * started, raised when more work turns up (it never ends below `done`).
 */
export interface ArchiveProgress {
  phase: ArchivePhase;
  /** Sessions of this phase processed so far. */
  done: number;
  /** Sessions this phase expects to process. */
  total: number;
  messagesDone: number;
  messagesTotal: number;
  /** Milliseconds since the phase started. */
  elapsedMs: number;
  /** Estimated milliseconds left in this phase, `null` until there is a rate to go by. */
  etaMs: number | null;
  /** Messages a second so far in this phase (0 before the first one). */
  messagesPerSecond: number;
}

/**
 * Counts what a phase has done and estimates what is left. The estimate goes by messages when
 * the phase moves any (a session's cost grows with its messages), else by sessions.
 *
 * @example
 * ```ts
 * const p = new ProgressTracker('cold', { sessions: 10, messages: 1000 });
 * p.advance(2, 200); // { done: 2, total: 10, messagesDone: 200, etaMs: …, … }
 * ```
 */
export class ProgressTracker {
  readonly phase: ArchivePhase;
  #total: number;
  #messagesTotal: number;
  #done = 0;
  #messagesDone = 0;
  readonly #started: number;
  readonly #clock: () => number;

  constructor(
    phase: ArchivePhase,
    totals: { sessions: number; messages: number },
    clock: () => number = () => performance.now(),
  ) {
    this.phase = phase;
    this.#total = totals.sessions;
    this.#messagesTotal = totals.messages;
    this.#clock = clock;
    this.#started = clock();
  }

  /** Records `sessions` and `messages` more done and returns the progress to report. */
  advance(sessions: number, messages: number): ArchiveProgress {
    this.#done += sessions;
    this.#messagesDone += messages;
    this.#total = Math.max(this.#total, this.#done);
    this.#messagesTotal = Math.max(this.#messagesTotal, this.#messagesDone);
    return this.snapshot();
  }

  /** The progress so far, without advancing. */
  snapshot(): ArchiveProgress {
    const elapsedMs = Math.max(0, this.#clock() - this.#started);
    const byMessages = this.#messagesTotal > 0;
    const done = byMessages ? this.#messagesDone : this.#done;
    const total = byMessages ? this.#messagesTotal : this.#total;
    let etaMs: number | null = null;
    if (done >= total) etaMs = 0;
    else if (done > 0 && elapsedMs > 0) etaMs = Math.round(((total - done) * elapsedMs) / done);
    return {
      phase: this.phase,
      done: this.#done,
      total: this.#total,
      messagesDone: this.#messagesDone,
      messagesTotal: this.#messagesTotal,
      elapsedMs,
      etaMs,
      messagesPerSecond: elapsedMs > 0 ? (this.#messagesDone * 1000) / elapsedMs : 0,
    };
  }
}

import type { ArchiveProgress } from '@memory/archive';

/** `1:05`, `1:02:03`, or `?` when unknown. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '?';
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** One line describing a progress snapshot: phase, counts, rate and ETA. */
export function describeProgress(p: ArchiveProgress): string {
  const rate = p.messagesPerSecond > 0 ? `, ${Math.round(p.messagesPerSecond)} msg/s` : '';
  return `${p.phase}: ${p.done}/${p.total} sessions, ${p.messagesDone}/${p.messagesTotal} messages${rate}, ETA ${formatDuration(p.etaMs)}`;
}

/** A text bar `[#####.....]` of `width` cells for `done` of `total`. */
export function renderBar(done: number, total: number, width = 24): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}%`;
}

/** Where progress goes: a redrawn bar on a terminal, one plain line per update elsewhere. */
export interface ProgressReporter {
  update(p: ArchiveProgress): void;
  /** Ends the current bar line (a terminal) so later output starts on a fresh line. */
  finish(): void;
}

/**
 * Reports archive progress on `out`: on a TTY one line redrawn in place (bar, counts, ETA), a
 * new line when the phase changes; otherwise a plain line per update, for logs and CI.
 */
export function createProgressReporter(out: { write(s: string): unknown; isTTY?: boolean }): ProgressReporter {
  let phase: string | null = null;
  let open = false;
  return {
    update(p) {
      const line = describeProgress(p);
      if (!out.isTTY) {
        out.write(`${line}\n`);
        return;
      }
      if (open && phase !== p.phase) out.write('\n');
      phase = p.phase;
      open = true;
      const byMessages = p.messagesTotal > 0;
      out.write(
        `\r\x1b[2K${renderBar(byMessages ? p.messagesDone : p.done, byMessages ? p.messagesTotal : p.total)} ${line}`,
      );
    },
    finish() {
      if (open) out.write('\n');
      open = false;
    },
  };
}

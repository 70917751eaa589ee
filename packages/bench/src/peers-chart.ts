/** A hand-written SVG chart of the peers benchmark: no browser, no chart library. */

/** One group of bars: a measure, each system's speed relative to plain `pg` (higher is better). */
export interface ChartGroup {
  label: string;
  /** Speed × plain per system (time ratios inverted so that higher is always better); NaN when not measured. */
  values: Record<string, number>;
  /** The target for this project's bar, as × plain (e.g. 0.8), if the issue sets one. */
  target?: number;
}

const COLOURS: Record<string, string> = {
  '@memory/conversations': '#2563eb',
  Mastra: '#16a34a',
  LangChain: '#d97706',
};

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Horizontal grouped bars on a log scale from 0.01× to 10× plain `pg`, a line at 1× (plain) and a
 * tick at each target. Returns the SVG text.
 */
export function peersChartSvg(title: string, subtitle: string, groups: ChartGroup[]): string {
  const systems = Object.keys(COLOURS);
  const left = 250;
  const width = 860;
  const plotW = width - left - 90;
  const barH = 14;
  const groupH = systems.length * barH + 18;
  const top = 70;
  const height = top + groups.length * groupH + 50;
  const [lo, hi] = [0.01, 10];
  const x = (v: number) =>
    Math.round(10 * (left + (plotW * (Math.log10(Math.min(hi, Math.max(lo, v))) - Math.log10(lo))) / 3)) / 10;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="bold">${escape(title)}</text>`,
    `<text x="12" y="40" fill="#555">${escape(subtitle)}</text>`,
  ];
  for (const [i, s] of systems.entries()) {
    out.push(`<rect x="${left + i * 170}" y="50" width="12" height="12" fill="${COLOURS[s]}"/>`);
    out.push(`<text x="${left + i * 170 + 16}" y="60">${escape(s)}</text>`);
  }
  const axisY = top + groups.length * groupH;
  for (const tick of [0.01, 0.1, 0.5, 1, 2, 10]) {
    const tx = x(tick);
    out.push(
      `<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${axisY}" stroke="${tick === 1 ? '#000' : '#ddd'}" stroke-width="${tick === 1 ? 1.5 : 1}"/>`,
    );
    out.push(`<text x="${tx}" y="${axisY + 16}" text-anchor="middle">${tick}×</text>`);
  }
  out.push(
    `<text x="${left + plotW / 2}" y="${axisY + 36}" text-anchor="middle" fill="#555">speed × plain pg (log scale; 1× = plain, higher is better; ▲ = this project's target)</text>`,
  );
  for (const [g, group] of groups.entries()) {
    const gy = top + g * groupH;
    out.push(`<text x="${left - 8}" y="${gy + groupH / 2}" text-anchor="end">${escape(group.label)}</text>`);
    for (const [i, s] of systems.entries()) {
      const v = group.values[s];
      const by = gy + 4 + i * barH;
      if (v === undefined || !Number.isFinite(v)) {
        out.push(`<text x="${left + 4}" y="${by + 11}" fill="#999">${escape(s)}: not measured</text>`);
        continue;
      }
      out.push(
        `<rect x="${left}" y="${by}" width="${Math.max(1, x(v) - left)}" height="${barH - 3}" fill="${COLOURS[s]}"/>`,
      );
      out.push(`<text x="${x(v) + 4}" y="${by + 10}">${v >= 10 ? v.toFixed(0) : v.toFixed(2)}×</text>`);
    }
    if (group.target !== undefined) {
      const tx = x(group.target);
      out.push(`<path d="M${tx - 5} ${gy + 4 + barH} l5 -8 l5 8 z" fill="#000"/>`);
    }
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

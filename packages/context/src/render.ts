import type { Triple } from '@memory/semantics';

/** A recent message of the current session, as the context carries it. */
export interface ContextMessage {
  id: string;
  role: string;
  content: string;
  createdAt: Date;
  /** True when the content was cut to fit the budget. */
  truncated: boolean;
}

/** The newest summary of one of the user's other sessions. */
export interface ContextSummary {
  sessionId: string;
  title: string | null;
  text: string;
  createdAt: Date;
  truncated: boolean;
}

/** Section headings of the rendered text; override them to write the prompt in another language. */
export interface ContextHeadings {
  profile: string;
  knowledge: string;
  summaries: string;
  recentMessages: string;
}

/** The default headings (English). */
export const DEFAULT_HEADINGS: ContextHeadings = {
  profile: 'What we know about the user',
  knowledge: 'Relevant facts about the user',
  summaries: 'Summaries of earlier conversations',
  recentMessages: 'Recent messages in this conversation',
};

/** Renders profile traits as bullet lines, one per trait; nested values as compact JSON. */
export function renderProfileLines(traits: Record<string, unknown>): string[] {
  return Object.entries(traits)
    .filter(([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))
    .map(
      ([k, v]) =>
        `- ${k}: ${Array.isArray(v) ? v.map(String).join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
    );
}

/** Renders one triple as the bullet line the prompt shows. */
export function renderTripleLine(t: Triple): string {
  return `- ${t[0]} ${t[1]} ${t[2]}`;
}

/** Renders one summary as the bullet line the prompt shows. */
export function renderSummaryLine(s: Pick<ContextSummary, 'title' | 'text'>): string {
  return `- ${s.title ? `${s.title}: ` : ''}${s.text}`;
}

/** Renders one message as the line the prompt shows. */
export function renderMessageLine(m: Pick<ContextMessage, 'role' | 'content'>): string {
  return `${m.role}: ${m.content}`;
}

/** Joins a heading and its lines into a section; empty when there are no lines. */
export function renderSection(heading: string, lines: readonly string[]): string {
  return lines.length === 0 ? '' : `## ${heading}\n${lines.join('\n')}`;
}

import { createConversationStore, type ConversationStore } from '@memory/conversations';
import type { MemoryDb } from '@memory/db';
import { InvalidInputError } from '@memory/errors';
import type { LongTermStorage } from '@memory/longterm-core';
import { retrieveRelevantKnowledge } from '@memory/retrieval';
import { loadUserProfile, type Triple, type UserProfile } from '@memory/semantics';
import { meterFor, truncateToFit, type ContextBudget, type Meter } from './budget.js';
import {
  DEFAULT_HEADINGS,
  renderMessageLine,
  renderProfileLines,
  renderSection,
  renderSummaryLine,
  renderTripleLine,
  type ContextHeadings,
  type ContextMessage,
  type ContextSummary,
} from './render.js';

/** Options of {@link buildMemoryContext}. */
export interface BuildMemoryContextOptions {
  /** The memory database; the short- and mid-term parts need it (or `store`). */
  db?: MemoryDb;
  /** A conversation store to read through instead of building one on `db`. */
  store?: ConversationStore;
  /** Long-term storage holding the user's profile and knowledge; the long-term parts need it. */
  storage?: LongTermStorage;
  /** Whose long-term memory and summaries to use; default the session's `userId`. */
  userId?: string | null;
  /** The conversation of this turn: its recent messages and newest summary come first. */
  sessionId?: string | null;
  /**
   * What the turn is about, for knowledge retrieval. Default: the last user message of the
   * session (its first 500 characters), or nothing (then the first facts in file order).
   */
  query?: string | null;
  /** Size limit of the rendered text; a number means characters. Default 8,000 characters. */
  budget?: ContextBudget | number;
  /** How many recent messages to consider (newest first), default 20. */
  maxMessages?: number;
  /** How many summaries to consider (this session's newest, then the user's other recent sessions), default 3. */
  maxSummaries?: number;
  /** How many knowledge triples to retrieve, default 8. */
  maxKnowledge?: number;
  /** Section headings of `text`. */
  headings?: Partial<ContextHeadings>;
}

/** The parts of a memory context, each already fitted to the budget. */
export interface MemoryContextParts {
  /** What the profile says (long term): `traits` entries and every other field but `user_id`; `null` when no profile is stored, it says nothing, or no storage/user is given. */
  profile: Record<string, unknown> | null;
  /** Relevant knowledge triples (long term), best first. */
  knowledge: Triple[];
  /** Newest summaries (mid term): this session's first, then the user's other sessions by activity. */
  summaries: ContextSummary[];
  /** The session's most recent messages (short term), oldest to newest. */
  recentMessages: ContextMessage[];
}

/** What {@link buildMemoryContext} returns. */
export interface MemoryContext {
  parts: MemoryContextParts;
  /** The parts as one system-prompt text (markdown sections), within the budget. */
  text: string;
  /** How much of the budget was used, in its unit. */
  usage: { unit: 'chars' | 'tokens'; used: number; limit: number };
  /** Items that were found but left out (or cut) to fit the budget. */
  dropped: { profileTraits: number; knowledge: number; summaries: number; messages: number; truncated: number };
  /** The user and query the long-term parts were retrieved for. */
  userId: string | null;
  query: string;
}

const SEPARATOR = '\n\n';

/**
 * The memory context of one chat turn, the original design's `get_enriched_prompt`: the
 * session's recent messages (short term), the newest summaries of this and the user's other
 * sessions (mid term), the user's profile and the knowledge relevant to the query (long term),
 * fitted to a character or token budget and returned as parts and as one system-prompt text.
 *
 * Parts are filled in order profile → knowledge → summaries → recent messages; each of the
 * first three may take its share of the budget (default 15 %, 25 %, 25 %), and what a part
 * leaves unused goes to the parts after it, so recent messages get the rest. Recent messages are
 * kept newest first; an item too long for what is left is cut with `…`.
 *
 * Without `sessionId` (or without `db`/`store`) only the long-term parts are built; without
 * `storage` or a user, only the conversation parts.
 *
 * @example
 * ```ts
 * const ctx = await buildMemoryContext({ db, storage, sessionId, budget: { maxTokens: 1500 } });
 * const messages = [{ role: 'system', content: ctx.text }, ...chatMessages];
 * ```
 */
export async function buildMemoryContext(options: BuildMemoryContextOptions): Promise<MemoryContext> {
  const meter = meterFor(options.budget);
  const maxMessages = limitOption('maxMessages', options.maxMessages, 20);
  const maxSummaries = limitOption('maxSummaries', options.maxSummaries, 3);
  const maxKnowledge = limitOption('maxKnowledge', options.maxKnowledge, 8);
  const headings = { ...DEFAULT_HEADINGS, ...options.headings };
  const store = options.store ?? (options.db ? createConversationStore(options.db) : undefined);
  const sessionId = options.sessionId ?? null;

  const session = sessionId && store ? await store.getSession(sessionId) : null;
  const userId = options.userId ?? session?.userId ?? null;

  const [history, summaries] = await Promise.all([
    session && store ? store.getHistory(session.id, { limit: maxMessages }) : Promise.resolve(null),
    store && (session || userId)
      ? loadSummaries(store, session?.id ?? null, userId, maxSummaries)
      : Promise.resolve([]),
  ]);
  const messages = history?.messages ?? [];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const query = (options.query ?? [...(lastUser?.content ?? '')].slice(0, 500).join('')).trim();

  const [profile, knowledge] = await Promise.all([
    options.storage && userId ? loadUserProfile(options.storage, userId) : Promise.resolve(null),
    options.storage && userId && maxKnowledge > 0
      ? retrieveRelevantKnowledge(options.storage, userId, query, { topK: maxKnowledge, includeEnded: false })
      : Promise.resolve([] as Triple[]),
  ]);

  return fit(
    {
      profile: profileTraits(profile),
      knowledge,
      summaries,
      recentMessages: messages.map((m) => ({
        id: m.id,
        role: m.role,
        content: m.content,
        createdAt: m.createdAt,
        truncated: false,
      })),
    },
    meter,
    options.budget && typeof options.budget === 'object' ? options.budget.shares : undefined,
    headings,
    { userId, query },
  );
}

function limitOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > 1000) {
    throw new InvalidInputError(`[memory/context] ${name} must be an integer from 0 to 1000, got ${String(value)}`);
  }
  return value;
}

/**
 * What the profile says about the user: the entries of `traits` first, then every other top-level
 * field except `user_id` (profiles written by clients often keep facts at the top level, e.g.
 * `{"name":"Alice","diet":"vegetarian"}`). A trait wins over a top-level field of the same name.
 */
function profileTraits(profile: UserProfile | null): Record<string, unknown> | null {
  if (!profile) return null;
  const { user_id: _userId, traits, ...rest } = profile as Record<string, unknown>;
  const nested =
    traits && typeof traits === 'object' && !Array.isArray(traits) ? (traits as Record<string, unknown>) : {};
  const topLevel = traits !== undefined && traits !== nested ? { ...rest, traits } : rest;
  const merged: Record<string, unknown> = { ...nested };
  for (const [key, value] of Object.entries(topLevel)) if (!(key in merged)) merged[key] = value;
  return Object.keys(merged).length > 0 ? merged : null;
}

async function loadSummaries(
  store: ConversationStore,
  sessionId: string | null,
  userId: string | null,
  max: number,
): Promise<ContextSummary[]> {
  if (max === 0) return [];
  const ids: Array<{ id: string; title: string | null }> = [];
  if (sessionId) {
    const s = await store.getSession(sessionId);
    ids.push({ id: s.id, title: s.title });
  }
  if (userId) {
    // One listing query: sessions by activity, each with its latest summary's preview; the full
    // text is then read for at most `max` of them.
    const page = await store.listSessions({ userId, limit: Math.min(200, max * 4 + 1) });
    for (const item of page.sessions) {
      if (ids.length >= max) break;
      if (item.id !== sessionId && item.latestSummary) ids.push({ id: item.id, title: item.title });
    }
  }
  const found = await Promise.all(
    ids.slice(0, max).map(async ({ id, title }) => ({ title, summary: await store.latestSummary(id) })),
  );
  return found
    .filter((f) => f.summary?.text)
    .map((f) => ({
      sessionId: f.summary!.sessionId,
      title: f.title,
      text: f.summary!.text!,
      createdAt: f.summary!.createdAt,
      truncated: false,
    }));
}

interface Section<T> {
  heading: string;
  items: T[];
  render: (item: T) => string;
  /** The item with its text shortened by `lose` characters (and an ellipsis). */
  cut: (item: T, lose: number) => T;
}

/** Lines of `section` that fit within `limit`, in the order given; the first one that does not fit is cut. */
function takeLines<T>(section: Section<T>, limit: number, meter: Meter): { kept: T[]; dropped: number; cut: number } {
  const kept: T[] = [];
  let cut = 0;
  for (const item of section.items) {
    const candidate = renderSection(section.heading, [...kept, item].map(section.render));
    if (meter.measure(candidate) <= limit) {
      kept.push(item);
      continue;
    }
    const room = limit - meter.measure(renderSection(section.heading, [...kept.map(section.render), '']));
    const line = section.render(item);
    const shortened = room > 0 ? truncateToFit(line, room, meter) : '';
    if (shortened.length > 4) {
      // Cut the item's own text by as much as its rendered line had to lose.
      const lost = [...line].length - [...shortened].length + 1;
      const cutItem = section.cut(item, lost);
      if (meter.measure(renderSection(section.heading, [...kept, cutItem].map(section.render))) <= limit) {
        kept.push(cutItem);
        cut += 1;
      }
    }
    break;
  }
  return { kept, dropped: section.items.length - kept.length, cut };
}

function cutText(text: string, lose: number): string {
  const chars = [...text];
  return chars.length - lose <= 0 ? '…' : chars.slice(0, chars.length - lose).join('') + '…';
}

function fit(
  found: MemoryContextParts,
  meter: Meter,
  shares: ContextBudget['shares'],
  headings: ContextHeadings,
  who: { userId: string | null; query: string },
  reportedLimit = meter.limit,
): MemoryContext {
  const share = { profile: 0.15, knowledge: 0.25, summaries: 0.25, ...shares };
  const sep = meter.measure(SEPARATOR);
  let carry = 0;
  let used = 0;
  const texts: string[] = [];
  const portion = (s: number) => {
    const allowed = Math.max(
      0,
      Math.min(meter.limit - used, Math.floor(meter.limit * s) + carry) - (texts.length > 0 ? sep : 0),
    );
    return allowed;
  };
  const place = (text: string, allowed: number) => {
    const size = text ? meter.measure(text) + (texts.length > 0 ? sep : 0) : 0;
    carry = Math.max(0, allowed - (text ? meter.measure(text) : 0));
    if (text) {
      texts.push(text);
      used += size;
    }
  };

  const profileEntries = found.profile ? Object.entries(found.profile) : [];
  const profileSection: Section<[string, unknown]> = {
    heading: headings.profile,
    items: profileEntries.filter(([k, v]) => renderProfileLines({ [k]: v }).length > 0),
    render: ([k, v]) => renderProfileLines({ [k]: v })[0] ?? '',
    cut: ([k, v], lose) => [
      k,
      cutText(
        Array.isArray(v) ? v.map(String).join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v),
        lose,
      ),
    ],
  };
  let allowed = portion(share.profile);
  const p = takeLines(profileSection, allowed, meter);
  place(renderSection(profileSection.heading, p.kept.map(profileSection.render)), allowed);

  const knowledgeSection: Section<Triple> = {
    heading: headings.knowledge,
    items: found.knowledge,
    render: renderTripleLine,
    cut: (t, lose) => [t[0], t[1], cutText(t[2], lose), ...(t[3] ? [t[3]] : [])] as Triple,
  };
  allowed = portion(share.knowledge);
  const k = takeLines(knowledgeSection, allowed, meter);
  place(renderSection(knowledgeSection.heading, k.kept.map(renderTripleLine)), allowed);

  const summarySection: Section<ContextSummary> = {
    heading: headings.summaries,
    items: found.summaries,
    render: renderSummaryLine,
    cut: (s, lose) => ({ ...s, text: cutText(s.text, lose), truncated: true }),
  };
  allowed = portion(share.summaries);
  const s = takeLines(summarySection, allowed, meter);
  place(renderSection(summarySection.heading, s.kept.map(renderSummaryLine)), allowed);

  // Recent messages: newest first while they fit, shown oldest to newest.
  const messageSection: Section<ContextMessage> = {
    heading: headings.recentMessages,
    items: [...found.recentMessages].reverse(),
    render: renderMessageLine,
    cut: (m, lose) => ({ ...m, content: cutText(m.content, lose), truncated: true }),
  };
  allowed = Math.max(0, meter.limit - used - (texts.length > 0 ? sep : 0));
  const m = takeLines({ ...messageSection, render: renderMessageLine }, allowed, meter);
  const recent = m.kept.reverse();
  place(renderSection(messageSection.heading, recent.map(renderMessageLine)), allowed);

  const text = texts.join(SEPARATOR);
  const over = meter.measure(text) - meter.limit;
  if (over > 0) {
    // A tokenizer that is not additive over joined sections can overshoot by a little: refit
    // against a limit lowered by the overshoot (strictly smaller each time, so this ends).
    return fit(found, { ...meter, limit: meter.limit - over }, shares, headings, who, meter.limit);
  }
  return {
    parts: {
      profile: p.kept.length > 0 ? Object.fromEntries(p.kept) : null,
      knowledge: k.kept,
      summaries: s.kept,
      recentMessages: recent,
    },
    text,
    usage: { unit: meter.unit, used: meter.measure(text), limit: reportedLimit },
    dropped: {
      profileTraits: p.dropped,
      knowledge: k.dropped,
      summaries: s.dropped,
      messages: m.dropped,
      truncated: p.cut + k.cut + s.cut + m.cut,
    },
    userId: who.userId,
    query: who.query,
  };
}

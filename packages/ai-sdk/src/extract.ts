import { InvalidInputError, MemoryError } from '@memory/errors';
import type { AddTriplesResult, Triple } from '@memory/semantics';
import { generateText, Output, type LanguageModel } from 'ai';
import { z } from 'zod';
import { externalIdToUuid } from './ids.js';
import type { Memory } from './memory.js';

/**
 * The model's extraction answer did not have the required shape or named messages that were
 * not in the batch. Nothing was stored. `details.issues` lists what was wrong.
 */
export class ExtractionFormatError extends InvalidInputError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options);
    this.name = 'ExtractionFormatError';
  }

  /** True for an {@link ExtractionFormatError}, also across copies of this package. */
  static override isInstance(value: unknown): value is ExtractionFormatError {
    return MemoryError.isInstance(value) && (value as Error).name === 'ExtractionFormatError';
  }
}

/** A message given to {@link extractMemories}: a stored message (`MessageRecord`) fits. */
export interface ExtractionInputMessage {
  id: string;
  role: string;
  content: string;
  createdAt?: Date;
  sessionId?: string;
}

/** Options of {@link extractMemories}. */
export interface ExtractMemoriesOptions {
  /** The AI SDK model to ask (one structured-output call for the whole batch). */
  model: LanguageModel;
  /** The turns to extract from, oldest first. At most 200 messages per call. */
  messages: readonly ExtractionInputMessage[];
  /** Where to apply what was found; without it (or with `apply: false`) nothing is stored. */
  memory?: Memory;
  /** Whose memory to change (required to apply). */
  userId?: string;
  /** The conversation, stored as provenance (default each message's own `sessionId`). */
  sessionId?: string;
  /** Predicates with one value at a time; the model can also mark a fact `singleValued`. */
  singleValued?: readonly string[];
  /** `false` to only return the validated proposal. Default `true` when `memory` and `userId` are given. */
  apply?: boolean;
  /** Replaces the default instructions (what to extract and how). */
  instructions?: string;
  /** Passed to `generateText` (default 2, the AI SDK's). */
  maxRetries?: number;
  abortSignal?: AbortSignal;
}

/** What {@link extractMemories} returns. */
export interface ExtractMemoriesResult {
  /** The facts proposed, as triples with provenance metadata. */
  triples: Triple[];
  /** Trait changes proposed (`null` removes a trait). */
  profile: Record<string, string | string[] | null>;
  /** What the merge did with the triples; `null` when not applied. */
  knowledge: AddTriplesResult | null;
  /** Whether profile traits were written. */
  profileUpdated: boolean;
}

const MAX_BATCH = 200;

const answerSchema = z.object({
  facts: z
    .array(
      z.object({
        subject: z.string().min(1).max(200),
        predicate: z.string().min(1).max(200),
        object: z.string().min(1).max(1000),
        sourceMessageIds: z.array(z.string()).min(1),
        confidence: z.number().min(0).max(1).optional(),
        singleValued: z.boolean().optional(),
      }),
    )
    .max(200),
  profile: z
    .array(
      z.object({
        trait: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
        value: z.union([z.string().min(1).max(1000), z.array(z.string().min(1).max(200)).max(50), z.null()]),
      }),
    )
    .max(50),
});

const DEFAULT_INSTRUCTIONS = [
  'You extract long-term memory about the user from a conversation.',
  'Return durable facts as subject, predicate, object triples (use "user" as the subject for the user),',
  'each with the ids of the messages that state it (the ids in square brackets), and changes to profile traits',
  '(communication_style, emotional_tone, preferred_topics, decision_making, or other snake_case names).',
  'Mark a fact singleValued when its predicate holds one value at a time (e.g. lives in, works at).',
  'Leave out small talk, guesses and anything said only by the assistant. Return empty lists when there is nothing.',
].join(' ');

/**
 * Extracts facts (triples with the ids of the messages that state them) and profile trait
 * changes from a batch of turns with one structured-output model call, validates the answer,
 * then applies it through the deterministic merge of `@memory/semantics` (`addKnowledgeTriples`:
 * dedupe, supersede single-valued predicates, provenance) and `updateUserProfile`.
 *
 * One model call per batch, never one per fact. A malformed answer (wrong shape, or a source id
 * that is not in the batch) throws {@link ExtractionFormatError} and changes nothing.
 *
 * @example
 * ```ts
 * const { messages } = await memory.store.getHistory(sessionId, { limit: 50 });
 * const found = await extractMemories({ model: openai('gpt-4o-mini'), messages, memory, userId: 'u1' });
 * ```
 */
export async function extractMemories(options: ExtractMemoriesOptions): Promise<ExtractMemoriesResult> {
  const { model, messages, memory, userId } = options;
  if (!model) throw new InvalidInputError('[memory/ai-sdk] extractMemories needs { model }');
  if (!Array.isArray(messages))
    throw new InvalidInputError('[memory/ai-sdk] extractMemories needs { messages: [...] }');
  if (messages.length > MAX_BATCH) {
    throw new InvalidInputError(
      `[memory/ai-sdk] extractMemories got ${messages.length} messages, over ${MAX_BATCH}: split them into batches`,
    );
  }
  const apply = options.apply ?? (memory !== undefined && userId !== undefined);
  if (apply && (!memory || !userId)) {
    throw new InvalidInputError('[memory/ai-sdk] extractMemories needs { memory, userId } to apply what it finds');
  }
  if (messages.length === 0) return { triples: [], profile: {}, knowledge: null, profileUpdated: false };

  const byId = new Map(messages.map((m) => [m.id, m]));
  const transcript = messages.map((m) => `[${m.id}] ${m.role}: ${m.content}`).join('\n');

  let answer: unknown;
  try {
    const result = await generateText({
      model,
      instructions: options.instructions ?? DEFAULT_INSTRUCTIONS,
      prompt: `Conversation:\n${transcript}`,
      output: Output.object({ schema: answerSchema }),
      maxRetries: options.maxRetries,
      abortSignal: options.abortSignal,
    });
    answer = result.output;
  } catch (error) {
    if (isNoObjectError(error)) {
      throw new ExtractionFormatError(
        '[memory/ai-sdk] the extraction model did not return the expected JSON; nothing was stored',
        { cause: error, details: { issues: [String((error as Error).message).slice(0, 500)] } },
      );
    }
    throw error;
  }

  const parsed = answerSchema.safeParse(answer);
  if (!parsed.success) {
    throw new ExtractionFormatError('[memory/ai-sdk] the extraction answer has the wrong shape; nothing was stored', {
      details: { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
    });
  }
  const unknownIds = parsed.data.facts.flatMap((f) => f.sourceMessageIds.filter((id) => !byId.has(id)));
  if (unknownIds.length > 0) {
    throw new ExtractionFormatError(
      `[memory/ai-sdk] the extraction answer cites ${unknownIds.length} message id(s) not in the batch; nothing was stored`,
      { details: { issues: unknownIds.slice(0, 20).map((id) => `unknown source message id ${JSON.stringify(id)}`) } },
    );
  }

  const singleValued = new Set(options.singleValued ?? []);
  const triples: Triple[] = parsed.data.facts.map((f) => {
    if (f.singleValued) singleValued.add(f.predicate);
    const first = byId.get(f.sourceMessageIds[0]!)!;
    const sessionId = options.sessionId ? externalIdToUuid('chat', options.sessionId) : first.sessionId;
    return [
      f.subject,
      f.predicate,
      f.object,
      {
        ...(sessionId ? { sessionId } : {}),
        messageId: first.id,
        ...(f.sourceMessageIds.length > 1 ? { messageIds: f.sourceMessageIds } : {}),
        ...(first.createdAt ? { time: first.createdAt.toISOString() } : {}),
        ...(f.confidence === undefined ? {} : { confidence: f.confidence }),
        source: 'extraction',
      },
    ];
  });
  const profile = Object.fromEntries(parsed.data.profile.map((p) => [p.trait, p.value]));

  if (!apply) return { triples, profile, knowledge: null, profileUpdated: false };
  const knowledge =
    triples.length > 0 ? await memory!.knowledge.add(userId!, triples, { singleValued: [...singleValued] }) : null;
  const profileUpdated = Object.keys(profile).length > 0;
  if (profileUpdated) await memory!.profile.updateTraits(userId!, profile);
  return { triples, profile, knowledge, profileUpdated };
}

function isNoObjectError(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? '';
  return name === 'AI_NoObjectGeneratedError' || name === 'AI_TypeValidationError' || name === 'AI_JSONParseError';
}

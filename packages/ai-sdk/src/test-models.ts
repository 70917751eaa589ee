// Test helpers (not exported from the package): AI SDK mock-model answers in the shapes the
// installed `ai` major expects.
import { MockLanguageModelV4 } from 'ai/test';

type GenerateFn = NonNullable<ConstructorParameters<typeof MockLanguageModelV4>[0]>['doGenerate'];
type Generated = Exclude<GenerateFn, undefined | ((...args: never[]) => unknown) | unknown[]>;
type Streamed = Exclude<
  NonNullable<ConstructorParameters<typeof MockLanguageModelV4>[0]>['doStream'],
  undefined | ((...args: never[]) => unknown) | unknown[]
>;
export type StreamChunk = Streamed['stream'] extends ReadableStream<infer P> ? P : never;

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 5, text: 5, reasoning: undefined },
};

/** A generate result with the given content parts. */
export function generated(content: Generated['content'], finish: 'stop' | 'tool-calls' = 'stop'): Generated {
  return { content, finishReason: { unified: finish, raw: undefined }, usage, warnings: [] };
}

/** A text answer. */
export function textAnswer(text: string): Generated {
  return generated([{ type: 'text', text }]);
}

/** Stream chunks of a text answer (with optional reasoning first), ending with `finish`. */
export function textChunks(text: string, reasoning?: string): StreamChunk[] {
  return [
    ...(reasoning
      ? ([
          { type: 'reasoning-start', id: 'r1' },
          { type: 'reasoning-delta', id: 'r1', delta: reasoning },
          { type: 'reasoning-end', id: 'r1' },
        ] as StreamChunk[])
      : []),
    { type: 'text-start', id: 't1' },
    ...[...text.matchAll(/.{1,4}/gsu)].map((m) => ({ type: 'text-delta', id: 't1', delta: m[0] }) as StreamChunk),
    { type: 'text-end', id: 't1' },
    { type: 'finish', finishReason: { unified: 'stop', raw: undefined }, usage },
  ];
}

/** A stream of the given chunks. */
export function streamOf(chunks: StreamChunk[]): Streamed {
  return {
    stream: new ReadableStream({
      start(controller) {
        for (const c of chunks) controller.enqueue(c);
        controller.close();
      },
    }),
  };
}

export { MockLanguageModelV4 };

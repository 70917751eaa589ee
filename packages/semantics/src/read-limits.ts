/**
 * How much of a stored object a read may take: the bound on memory when objects come from
 * writers one does not control (another tool, an old version, an attacker with bucket access).
 * Every load and read-modify-write of `@memory/semantics` takes these options; an object over a
 * limit is refused with `InvalidInputError` naming the key and the limit, before it is read.
 */
export interface ReadLimits {
  /**
   * Largest object read, in bytes. The storage backend refuses a larger one by its size, before
   * downloading it. Default {@link DEFAULT_MAX_PROFILE_BYTES} for profiles,
   * {@link DEFAULT_MAX_KNOWLEDGE_BYTES} for knowledge files.
   */
  maxObjectBytes?: number;
}

/** Line limit of JSONL objects (knowledge files). */
export interface LineLimits {
  /**
   * Longest line of a knowledge file, in bytes (in characters when a string is parsed). A longer
   * line is refused with `InvalidInputError` naming the key, the line and the limit, before it
   * is decoded or parsed (also in `tolerant` mode: it is not a triple anyone wrote). Default
   * {@link DEFAULT_MAX_LINE_BYTES}.
   */
  maxLineBytes?: number;
}

/** Default {@link ReadLimits.maxObjectBytes} of a profile: 4 MiB (the original's are a few kB). */
export const DEFAULT_MAX_PROFILE_BYTES = 4 * 1024 * 1024;

/** Default {@link ReadLimits.maxObjectBytes} of a knowledge file: 64 MiB (about half a million triples). */
export const DEFAULT_MAX_KNOWLEDGE_BYTES = 64 * 1024 * 1024;

/** Default {@link LineLimits.maxLineBytes}: 1 MiB (one triple with its metadata is well under 1 kB). */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

import { InvalidInputError } from '@memory/errors';
import type { SqlStatement } from './memory-types.js';

/**
 * One value bound once, however often it appears in a statement: every `${p}` of the same
 * {@link SqlParam} (also inside nested fragments) reads the same `$n`. Make one with
 * {@link sql.param}.
 */
export class SqlParam {
  /** @param value - The value bound to the placeholder. */
  constructor(readonly value: unknown) {}
}

/**
 * A piece of SQL with its values, built by the {@link sql} tag: a statement ready for
 * `db.query(fragment)` / `tx.query(fragment)`, and a fragment that nests in another `sql`
 * template (its placeholders are renumbered there). Its {@link SqlStatement} fields (`text`,
 * `values`) are computed on first read and kept: read them, never spread the object (`{ ...s }`
 * copies nothing of a class's getters); use {@link Sql.named} to name it.
 */
export class Sql implements SqlStatement {
  // Set on first read of `text` or `values` (declared, not initialised: building a fragment that is
  // only nested, never read, costs no writes).
  declare private compiledText?: string;
  declare private compiledValues?: readonly unknown[];

  /**
   * @param strings - The literal pieces (one more than `parts`).
   * @param parts - What goes between them: values (each a `$n`), nested {@link Sql} fragments,
   *   {@link SqlParam}s.
   * @param name - The prepared statement name, if any ({@link Sql.named}).
   */
  constructor(
    readonly strings: readonly string[],
    readonly parts: readonly unknown[],
    readonly name?: string,
  ) {}

  /** The SQL text with `$1`, `$2`… placeholders. */
  get text(): string {
    if (this.compiledText === undefined) this.#compile();
    return this.compiledText!;
  }

  /** The placeholders' values, in order. */
  get values(): readonly unknown[] {
    if (this.compiledValues === undefined) this.#compile();
    return this.compiledValues!;
  }

  /**
   * This statement under a prepared statement name (see `NamedStatement`): PostgreSQL prepares it
   * once per connection and then only binds it. Only for a text that never changes under that
   * name (its shape decided by code, never by values): a name sent again with another text fails.
   * When the text of a named statement changes in the code, change its name too (a version
   * suffix), because connections may still hold the old one.
   */
  named(name: string): Sql {
    if (name === '') throw new InvalidInputError('[memory/db] Sql.named: the name is empty: give the statement a name');
    return new Sql(this.strings, this.parts, name);
  }

  #compile(): void {
    if (flat(this.parts)) {
      // No fragment inside: the text depends on the literal pieces only, so a template's text is
      // built once per call site (its strings array is the same object every time).
      let text = flatTexts.get(this.strings);
      if (text === undefined) {
        text = this.strings.reduce((all, piece, i) => `${all}$${i}${piece}`);
        if (isTemplateStrings(this.strings)) flatTexts.set(this.strings, text);
      }
      this.compiledText = text;
      this.compiledValues = this.parts;
      return;
    }
    const out: Compiled = { text: '', values: [] };
    append(this, out);
    this.compiledText = out.text;
    this.compiledValues = out.values;
  }
}

interface Compiled {
  text: string;
  values: unknown[];
}

/** What a compilation notes on a {@link SqlParam}: the statement that last bound it, and its placeholder there. */
interface Bound {
  boundIn?: Compiled;
  placeholder?: string;
}

const flatTexts = new WeakMap<readonly string[], string>();

function isTemplateStrings(strings: readonly string[]): boolean {
  return Object.isFrozen(strings) && 'raw' in strings;
}

function flat(parts: readonly unknown[]): boolean {
  for (const part of parts) if (part instanceof Sql || part instanceof SqlParam) return false;
  return true;
}

function append(fragment: Sql, out: Compiled): void {
  const { strings, parts } = fragment;
  out.text += strings[0]!;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part instanceof Sql) append(part, out);
    else if (part instanceof SqlParam) {
      // Its placeholder is remembered on the param for this compilation (cheaper than a map per statement).
      const bound = part as SqlParam & Bound;
      if (bound.boundIn !== out) {
        out.values.push(part.value);
        bound.boundIn = out;
        bound.placeholder = `$${out.values.length}`;
      }
      out.text += bound.placeholder!;
    } else {
      out.values.push(part);
      out.text += `$${out.values.length}`;
    }
    out.text += strings[i + 1]!;
  }
}

const EMPTY = new Sql([''], []);

/** The helpers of the {@link sql} tag. */
export interface SqlTag {
  /**
   * Builds a statement: each `${value}` becomes a `$n` placeholder bound to the value (an array is
   * one parameter, e.g. for `= ANY($1::uuid[])`), a nested `sql` fragment is inlined with its
   * placeholders renumbered, and a {@link SqlParam} is bound once wherever it appears.
   */
  (strings: TemplateStringsArray, ...parts: unknown[]): Sql;
  /**
   * Trusted SQL spliced into the text as is: identifiers, keywords, aliases and constants decided
   * by the code. **Never** for a value that comes from a user or from the data (that is what
   * `${value}` is for): whatever it holds becomes SQL.
   */
  raw(text: string): Sql;
  /** The fragments (or values, each a placeholder) joined by `separator` (trusted SQL, e.g. `', '` or `' AND '`). */
  join(parts: readonly unknown[], separator: string | Sql): Sql;
  /** A value bound to one placeholder wherever the statement uses it (e.g. a session id in two subqueries). */
  param(value: unknown): SqlParam;
  /** The empty fragment: the branch of a condition that adds nothing. */
  readonly empty: Sql;
}

/**
 * The one way the stores write SQL: a tagged template whose values never enter the text. It
 * builds a {@link Sql} statement (a {@link SqlStatement}: `text` with `$1`, `$2`… and `values`)
 * for `db.query` and `tx.query`. Fragments compose; conditions pick a fragment or
 * {@link SqlTag.empty}. A template with no fragment inside costs about what the hand-written
 * `{ text, values }` costs: its text is built once per call site.
 *
 * @example
 * ```ts
 * import { sql } from '@memory/db';
 *
 * const session = sql.param(sessionId); // bound once, used twice
 * const role = roles ? sql` AND m.role = ANY(${roles}::text[])` : sql.empty;
 * const rows = await db.query<{ id: string }>(sql`
 *   SELECT m.id FROM messages m
 *   WHERE m.session_id = ${session}::uuid${role}
 *     AND m.created_at > (SELECT created_at FROM sessions WHERE id = ${session}::uuid)
 *   ORDER BY m.created_at ${sql.raw(newestFirst ? 'DESC' : 'ASC')} LIMIT ${limit}`);
 * // text: ... m.session_id = $1::uuid AND m.role = ANY($2::text[]) ... id = $1::uuid ... LIMIT $3
 *
 * const byId = sql`SELECT title FROM sessions WHERE id = ${id}::uuid`.named('app_session_title_v1');
 * ```
 */
export const sql: SqlTag = Object.assign(
  (strings: TemplateStringsArray, ...parts: unknown[]): Sql => new Sql(strings, parts),
  {
    raw: (text: string): Sql => new Sql([text], []),
    join: (parts: readonly unknown[], separator: string | Sql): Sql => {
      if (parts.length === 0) return EMPTY;
      if (typeof separator === 'string') {
        // The separator goes between the parts as literal text: ['', sep, sep, …, ''].
        const strings = new Array<string>(parts.length + 1).fill(separator);
        strings[0] = '';
        strings[parts.length] = '';
        return new Sql(strings, parts);
      }
      const pieces: unknown[] = [];
      parts.forEach((part, i) => {
        if (i > 0) pieces.push(separator);
        pieces.push(part);
      });
      return new Sql(['', ...pieces.map(() => '')], pieces);
    },
    param: (value: unknown): SqlParam => new SqlParam(value),
    empty: EMPTY,
  },
);

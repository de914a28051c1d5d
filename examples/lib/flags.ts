/**
 * The flags of the examples' commands: each a typed value with its validation, its help line and
 * the words that say what it accepts in error messages. `cli.ts` parses a table of them.
 */

/** One flag: its kind, help line, and how a raw value becomes a typed one. */
export interface Flag<T> {
  readonly kind: "string" | "boolean";
  readonly help: string;
  /** Placeholder in the help text (`N`, `X`, `DIR`). */
  readonly metavar: string;
  /** What the flag accepts, for error messages: "an integer ≥ 1". */
  readonly accepts: string;
  /** The value when the flag is absent. */
  readonly fallback: T;
  /** The typed value, or `undefined` when `raw` is not acceptable. */
  readonly parse: (raw: string) => T | undefined;
}

/** A command's flags by name (kebab-case, as typed: `batch-size`). */
export type FlagTable = Record<string, Flag<unknown>>;

/** The typed values of a flag table. */
export type Values<F extends FlagTable> = {
  [K in keyof F]: F[K] extends Flag<infer T> ? T : never;
};

const SAFE_INT = /^[+-]?\d+$/;

/** An integer flag ≥ `min` (default 0), with or without a default value. */
export function integer(help: string, o: { min?: number; default: number }): Flag<number>;
export function integer(help: string, o?: { min?: number }): Flag<number | undefined>;
export function integer(
  help: string,
  o: { min?: number; default?: number } = {},
): Flag<number | undefined> {
  const min = o.min ?? 0;
  return {
    kind: "string",
    help: o.default === undefined ? help : `${help} (default ${o.default})`,
    metavar: "N",
    accepts: `an integer ≥ ${min}`,
    fallback: o.default,
    parse: (raw) => {
      const n = Number(raw);
      return SAFE_INT.test(raw.trim()) && Number.isSafeInteger(n) && n >= min ? n : undefined;
    },
  };
}

/** A finite number > 0. */
export function positive(help: string, o: { default: number }): Flag<number> {
  return {
    kind: "string",
    help: `${help} (default ${o.default})`,
    metavar: "X",
    accepts: "a number > 0",
    fallback: o.default,
    parse: (raw) => {
      const x = raw.trim() === "" ? NaN : Number(raw);
      return Number.isFinite(x) && x > 0 ? x : undefined;
    },
  };
}

/** One of a fixed list of words; the first is the default. */
export function choice<const V extends string>(help: string, values: readonly V[]): Flag<V> {
  return {
    kind: "string",
    help: `${help} (default ${values[0]})`,
    metavar: values.join("|"),
    accepts: values.length === 1 ? `only ${values[0]}` : `one of ${values.join(", ")}`,
    fallback: values[0]!,
    parse: (raw) => values.find((v) => v === raw),
  };
}

/** A non-empty string such as a path, with or without a default. */
export function text(help: string, o: { metavar: string; default: string }): Flag<string>;
export function text(help: string, o: { metavar: string }): Flag<string | undefined>;
export function text(
  help: string,
  o: { metavar: string; default?: string },
): Flag<string | undefined> {
  return {
    kind: "string",
    help: o.default === undefined ? help : `${help} (default ${o.default})`,
    metavar: o.metavar,
    accepts: "a non-empty value",
    fallback: o.default,
    parse: (raw) => (raw === "" ? undefined : raw),
  };
}

/** A switch: `true` when given, and it takes no value. */
export function toggle(help: string): Flag<boolean> {
  return {
    kind: "boolean",
    help,
    metavar: "",
    accepts: "no value",
    fallback: false,
    parse: () => true,
  };
}

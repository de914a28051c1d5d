/**
 * The examples' command-line layer, over `node:util` `parseArgs`: a table of typed flags gives
 * the parser, the validation of every value and the `--help` text, and every mistake becomes one
 * `error: …` line on stderr (no stack trace). Exit status: 0 done, 1 runtime error (missing data,
 * a missing or corrupt checkpoint), 2 usage error (a bad or missing flag or value).
 */
import { parseArgs } from "node:util";
import { TsgradError } from "@tsgrad/core";
import type { FlagTable, Values } from "./flags.js";

/** A mistake on the command line: exit status 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A failure of the run that the user can fix outside the command line: exit status 1. */
export class RunError extends Error {
  override name = "RunError";
}

/** The outcome of parsing a command line: values, and which flags were given explicitly. */
export interface Parsed<F extends FlagTable> {
  values: Values<F>;
  given: ReadonlySet<keyof F & string>;
}

/** A command: how it is invoked, what it does, its flags, and extra help paragraphs. */
export interface Command<F extends FlagTable> {
  usage: string;
  summary: string;
  flags: F;
  notes?: readonly string[];
}

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        prev[j]! + 1,
        row[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length]!;
}

function unknownFlag(raw: string, names: readonly string[]): UsageError {
  const bare = raw.replace(/^-+/, "");
  const near = names.filter((n) => distance(bare, n) <= Math.max(1, Math.floor(n.length / 4)));
  const hint =
    near.length > 0
      ? `did you mean --${near[0]}?`
      : `accepted: ${names.map((n) => `--${n}`).join(", ")}`;
  return new UsageError(`unknown flag ${raw}; ${hint} (--help explains them)`);
}

/**
 * When `npm run <script> --flag value` is typed without `--`, npm keeps the flag for itself
 * (as `npm_config_flag` in the environment) and passes only the value on. Names those flags.
 */
function npmSwallowed(names: readonly string[], env: NodeJS.ProcessEnv): string[] {
  if (env["npm_lifecycle_event"] === undefined) return [];
  return names.filter((n) => env[`npm_config_${n.replace(/-/g, "_")}`] !== undefined);
}

/**
 * Parses `argv` against a command's flags. Returns `"help"` for `--help`/`-h`; throws
 * `UsageError` for an unknown, repeated or valueless flag, a stray argument or a bad value.
 */
export function parseCommand<F extends FlagTable>(
  command: Command<F>,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Parsed<F> | "help" {
  const names = Object.keys(command.flags);
  const swallowed = npmSwallowed(names, env);
  if (swallowed.length > 0) {
    const script = env["npm_lifecycle_event"]!;
    const list = swallowed.map((n) => `--${n}`).join(", ");
    throw new UsageError(
      `npm kept ${list} for itself: put the flags after "--", as in npm run ${script} -- --${swallowed[0]} …`,
    );
  }
  const args = argv[0] === "--" ? argv.slice(1) : [...argv];
  const options = Object.fromEntries(
    names.map((n) => [n, { type: command.flags[n]!.kind }] as const),
  );
  const { tokens } = parseArgs({
    args,
    options: { ...options, help: { type: "boolean", short: "h" } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  if (tokens.some((t) => t.kind === "option" && t.name === "help")) return "help";
  const raw = new Map<string, string>();
  for (const token of tokens) {
    if (token.kind === "positional") {
      throw new UsageError(
        `unexpected argument '${token.value}': flags take the form --name value (--help lists them)`,
      );
    }
    if (token.kind !== "option") continue;
    const flag = command.flags[token.name];
    if (flag === undefined || token.rawName !== `--${token.name}`) {
      throw unknownFlag(token.rawName, names);
    }
    const name = token.rawName;
    if (raw.has(token.name)) {
      throw new UsageError(`${name} is given twice; give it once`);
    }
    if (flag.kind === "boolean") {
      if (token.value !== undefined)
        throw new UsageError(`${name} takes no value (got ${name}=${token.value})`);
      raw.set(token.name, "");
      continue;
    }
    const value = token.value;
    // `--epochs --resume`: parseArgs takes the next flag as the value; `-1` stays a value
    const looksLikeFlag = !token.inlineValue && value !== undefined && /^-(?![\d.])/.test(value);
    if (value === undefined || looksLikeFlag) {
      throw new UsageError(`${name} needs a value: ${flag.accepts}`);
    }
    raw.set(token.name, value);
  }
  const values: Record<string, unknown> = {};
  for (const n of names) {
    const flag = command.flags[n]!;
    const r = raw.get(n);
    if (r === undefined) {
      values[n] = flag.fallback;
      continue;
    }
    const v = flag.parse(r);
    if (v === undefined) {
      throw new UsageError(
        `--${n}: expected ${flag.accepts}, got ${r === "" ? "an empty value" : r}`,
      );
    }
    values[n] = v;
  }
  return { values: values as Values<F>, given: new Set(raw.keys()) as Set<keyof F & string> };
}

/** Splits `text` into lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/** The `--help` text of a command, generated from its flag table. */
export function helpText<F extends FlagTable>(command: Command<F>): string {
  const rows = Object.entries(command.flags).map(([n, f]) => [
    `--${n}${f.metavar ? ` ${f.metavar}` : ""}`,
    f.help,
  ]);
  rows.push(["-h, --help", "print this help and exit"]);
  const width = Math.max(...rows.map(([left]) => left!.length)) + 2;
  const lines = [
    `Usage: ${command.usage}`,
    "",
    command.summary,
    "",
    "Flags:",
    ...rows.flatMap(([left, help]) =>
      wrap(help!, 98 - width).map((l, i) => `  ${(i === 0 ? left! : "").padEnd(width)}${l}`),
    ),
    ...(command.notes ?? []).flatMap((note) => ["", note]),
    "",
    "Exit status: 0 done, 1 runtime error (missing data or checkpoint), 2 usage error.",
  ];
  return lines.join("\n") + "\n";
}

/** The exit status for an error, or `undefined` for a bug (which keeps its stack trace). */
export function exitStatusOf(e: unknown): 1 | 2 | undefined {
  if (e instanceof UsageError) return 2;
  if (e instanceof RunError || e instanceof TsgradError) return 1;
  return undefined;
}

/**
 * The process's flags for a command whose body cannot fail in a way the user must fix: prints
 * the help and exits 0 for `--help`, prints one `error: …` line and exits 2 for a mistake.
 */
export function argsOrExit<F extends FlagTable>(command: Command<F>): Values<F> {
  try {
    const parsed = parseCommand(command, process.argv.slice(2), process.env);
    if (parsed !== "help") return parsed.values;
    process.stdout.write(helpText(command));
    process.exit(0);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`error: ${e.message}\n`);
    process.exit(2);
  }
}

/**
 * Parses the process's arguments and runs `body`, or prints the help. Usage and runtime errors
 * become one `error: …` line on stderr and exit status 2 or 1; anything else is a bug and is
 * rethrown with its stack trace.
 */
export async function runCommand<F extends FlagTable>(
  command: Command<F>,
  body: (parsed: Parsed<F>) => void | Promise<void>,
): Promise<void> {
  try {
    const parsed = parseCommand(command, process.argv.slice(2), process.env);
    if (parsed === "help") {
      process.stdout.write(helpText(command));
      return;
    }
    await body(parsed);
  } catch (e) {
    const status = exitStatusOf(e);
    if (status === undefined) throw e;
    const message = (e as Error).message.replace(/\s*\n\s*/g, " ").trim();
    process.stderr.write(`error: ${message}\n`);
    process.exit(status);
  }
}

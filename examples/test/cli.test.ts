/** The argument layer in process: parsing, validation, messages and help, case by case. */
import { describe, expect, test } from "vitest";
import { UsageError, helpText, parseCommand } from "../lib/cli.js";
import { choice, integer, positive, text, toggle } from "../lib/flags.js";
import { KillSwitch } from "../lib/kill-points.js";
import { TRAIN_COMMAND } from "../lib/train-options.js";

const COMMAND = {
  usage: "demo [flags]",
  summary: "A demo.",
  flags: {
    epochs: integer("epochs", { min: 1, default: 5 }),
    limit: integer("images", { min: 1 }),
    lr: positive("rate", { default: 0.001 }),
    schedule: choice("schedule", ["cosine", "constant"]),
    out: text("folder", { metavar: "DIR", default: "runs/x" }),
    data: text("data", { metavar: "DIR" }),
    resume: toggle("continue"),
  },
};

const parse = (...argv: string[]) => parseCommand(COMMAND, argv);
const mistake = (argv: string[], env: NodeJS.ProcessEnv = {}): string => {
  try {
    parseCommand(COMMAND, argv, env);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${argv.join(" ")}`);
};

describe("parseCommand", () => {
  test("defaults, values, and which flags were given", () => {
    expect(parse()).toEqual({
      values: {
        epochs: 5,
        limit: undefined,
        lr: 0.001,
        schedule: "cosine",
        out: "runs/x",
        data: undefined,
        resume: false,
      },
      given: new Set(),
    });
    const p = parse("--epochs", "3", "--lr=1e-2", "--resume", "--schedule", "constant");
    expect(p).toMatchObject({
      values: { epochs: 3, lr: 0.01, resume: true, schedule: "constant" },
    });
    expect(p !== "help" && [...p.given].sort()).toEqual(["epochs", "lr", "resume", "schedule"]);
  });

  test("a leading -- (as some runners pass it) is ignored", () => {
    expect(parseCommand(COMMAND, ["--", "--epochs", "2"])).toMatchObject({ values: { epochs: 2 } });
  });

  test("--help and -h win over everything else, mistakes included", () => {
    expect(parse("--help")).toBe("help");
    expect(parse("-h", "--bogus")).toBe("help");
  });

  test.each([
    [["--epochs", "two"], "--epochs: expected an integer ≥ 1, got two"],
    [["--epochs", "1.5"], "--epochs: expected an integer ≥ 1, got 1.5"],
    [["--epochs", "1e3"], "--epochs: expected an integer ≥ 1, got 1e3"],
    [
      ["--epochs", "99999999999999999999"],
      "--epochs: expected an integer ≥ 1, got 99999999999999999999",
    ],
    [["--epochs="], "--epochs: expected an integer ≥ 1, got an empty value"],
    [["--limit", "-5"], "--limit: expected an integer ≥ 1, got -5"],
    [["--lr", "0"], "--lr: expected a number > 0, got 0"],
    [["--lr", "-0.1"], "--lr: expected a number > 0, got -0.1"],
    [["--lr", "Infinity"], "--lr: expected a number > 0, got Infinity"],
    [["--lr", " "], "--lr: expected a number > 0, got  "],
    [["--schedule", "linear"], "--schedule: expected one of cosine, constant, got linear"],
    [["--out", ""], "--out: expected a non-empty value, got an empty value"],
    [["--epochs"], "--epochs needs a value: an integer ≥ 1"],
    [["--data", "--resume"], "--data needs a value: a non-empty value"],
    [["--data", "-x"], "--data needs a value: a non-empty value"],
    [["--resume=no"], "--resume takes no value (got --resume=no)"],
    [["--epochs", "1", "--epochs", "2"], "--epochs is given twice; give it once"],
    [["--resume", "--resume"], "--resume is given twice; give it once"],
    [["run"], "unexpected argument 'run': flags take the form --name value (--help lists them)"],
    [
      ["-e", "2"],
      "unknown flag -e; accepted: --epochs, --limit, --lr, --schedule, --out, --data, --resume (--help explains them)",
    ],
    [["--epoch", "2"], "unknown flag --epoch; did you mean --epochs? (--help explains them)"],
    [["--Limit", "2"], "unknown flag --Limit; did you mean --limit? (--help explains them)"],
  ])("%j → %s", (argv, message) => {
    expect(mistake(argv)).toBe(message);
  });

  test("flags npm kept for itself (npm run train --epochs 1) are named, with the fix", () => {
    const env = {
      npm_lifecycle_event: "train",
      npm_config_epochs: "true",
      npm_config_resume: "true",
    };
    expect(mistake(["1"], env)).toBe(
      'npm kept --epochs, --resume for itself: put the flags after "--", as in npm run train -- --epochs …',
    );
    // outside npm, or with npm's own settings only, nothing is reported
    expect(parseCommand(COMMAND, [], { npm_config_epochs: "true" })).not.toBe("help");
    expect(
      parseCommand(COMMAND, [], { npm_lifecycle_event: "train", npm_config_cache: "/x" }),
    ).not.toBe("help");
  });
});

describe("helpText", () => {
  test("lists every flag with its placeholder, default, and the exit statuses", () => {
    const help = helpText(COMMAND);
    expect(help).toMatch(/^Usage: demo \[flags\]\n\nA demo\.\n\nFlags:\n/);
    expect(help).toMatch(/ {2}--epochs N +epochs \(default 5\)\n/);
    expect(help).toMatch(/ {2}--schedule cosine\|constant +schedule \(default cosine\)\n/);
    expect(help).toMatch(/ {2}--resume +continue\n/);
    expect(help).toMatch(/ {2}-h, --help +print this help and exit\n/);
    expect(help).toContain(
      "Exit status: 0 done, 1 runtime error (missing data or checkpoint), 2 usage error.",
    );
  });

  test("the training command's help stays within 100 columns and documents resuming", () => {
    const help = helpText(TRAIN_COMMAND);
    for (const line of help.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
    for (const flag of Object.keys(TRAIN_COMMAND.flags)) expect(help).toContain(`--${flag}`);
    expect(help).toContain("--epochs may extend the run");
    expect(help).toContain("stretched");
  });
});

describe("KillSwitch.fromEnv", () => {
  test("accepts <point> and <point>:<n>, rejects unknown points and n = 0", () => {
    expect(() => KillSwitch.fromEnv({})).not.toThrow();
    expect(() => KillSwitch.fromEnv({ TSGRAD_KILL_AT: "mid-epoch:2" })).not.toThrow();
    expect(() => KillSwitch.fromEnv({ TSGRAD_STOP_AT: "restored" })).not.toThrow();
    expect(() => KillSwitch.fromEnv({ TSGRAD_KILL_AT: "mid-epoch:0" })).toThrow(UsageError);
    expect(() => KillSwitch.fromEnv({ TSGRAD_STOP_AT: "later" })).toThrow(
      /^TSGRAD_STOP_AT=later: expected <point> or <point>:<n ≥ 1>, the point one of restored, mid-epoch, /,
    );
  });
});

// Stack traces for `trace` (the user's source line of each op) and anomaly mode (where the
// forward op of a failing backward rule was created). tsgrad's own frames are left out, so what
// remains points at the caller's code.

/** A position in the user's code. */
export interface SourceLocation {
  /** The file, as the runtime names it (a path, or a URL in browsers). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
}

const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

/** The folder holding tsgrad's packages (core, nn, optim, datasets), from this file's place. */
const PACKAGES = toPath(new URL("../../../", import.meta.url).href);
/** Their code (sources in the repository, or a build); their tests count as user code. */
const OWN_CODE = ["core", "nn", "optim", "datasets"].flatMap((name) =>
  ["src", "dist"].map((dir) => `${PACKAGES}${name}/${dir}/`),
);

function toPath(file: string): string {
  if (!file.startsWith("file://")) return file;
  return decodeURIComponent(new URL(file).pathname);
}

/** Whether a stack frame's file belongs to tsgrad, the runtime or an installed dependency. */
function isLibraryFile(file: string): boolean {
  return (
    file.startsWith("node:") ||
    file.includes("/node_modules/") ||
    OWN_CODE.some((prefix) => file.startsWith(prefix))
  );
}

/** V8's stack depth setting (absent in other engines, where stacks are what they are). */
const V8Error = Error as { stackTraceLimit?: number };

/** The current stack (frame lines only), deep enough to reach the user's code. */
export function captureStack(): string {
  const limit = V8Error.stackTraceLimit;
  V8Error.stackTraceLimit = 64;
  const stack = new Error().stack ?? "";
  V8Error.stackTraceLimit = limit;
  // V8 starts with the message line; other engines list frames only
  return stack
    .split("\n")
    .filter((l, i) => l.trim() !== "" && !(i === 0 && l.startsWith("Error")))
    .join("\n");
}

/** The frames of `stack` outside tsgrad and its dependencies: the user's own calls. */
export function userFrames(stack: string): string[] {
  return stack.split("\n").filter((l) => {
    const m = FRAME.exec(l);
    return m !== null && !isLibraryFile(toPath(m[1]!));
  });
}

/** The innermost frame of `stack` in the user's code, or null. */
export function userLocation(stack: string): SourceLocation | null {
  const frame = userFrames(stack)[0];
  const m = frame === undefined ? null : FRAME.exec(frame);
  if (!m) return null;
  return { file: toPath(m[1]!), line: Number(m[2]), column: Number(m[3]) };
}

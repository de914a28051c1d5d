import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Environment variables that steer where datasets are looked for (a subset of `process.env`). */
export type DataEnv = Readonly<Record<string, string | undefined>>;

/** Where Debian's `dataset-*` packages install data (`/usr/share/datasets/<name>`). */
export const SYSTEM_DATA_DIR = "/usr/share/datasets";

/**
 * The per-user cache directory for a dataset: `$XDG_CACHE_HOME/tsgrad/<name>`, or
 * `~/.cache/tsgrad/<name>` when `XDG_CACHE_HOME` is unset, empty or relative (as the XDG spec
 * asks). `download()` writes here when it is given no root.
 */
export function cacheDir(name: string, env: DataEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg !== undefined && xdg.startsWith("/") ? xdg : join(homedir(), ".cache");
  return join(base, "tsgrad", name);
}

/**
 * The directories searched for a dataset's files, in order, without touching the disk.
 *
 * With an explicit `root`: `<root>` then `<root>/<name>` and nothing else, as in torchvision, so
 * a root that lacks the files is an error rather than a silent fallback to another copy.
 * Without one: `$TSGRAD_DATA` and `$TSGRAD_DATA/<name>` (if set), the user cache directory
 * ({@link cacheDir}), then `/usr/share/datasets/<name>` (Debian's `dataset-<name>` packages).
 */
export function dataSearchDirs(name: string, root?: string, env: DataEnv = process.env): string[] {
  if (root !== undefined) return [root, join(root, name)];
  const dirs: string[] = [];
  const tsgradData = env.TSGRAD_DATA;
  if (tsgradData !== undefined && tsgradData !== "") dirs.push(tsgradData, join(tsgradData, name));
  dirs.push(cacheDir(name, env), join(SYSTEM_DATA_DIR, name));
  return dirs;
}

/** Where each of a set of data files was found. */
export interface FoundFiles {
  /** The directory that holds all of them. */
  dir: string;
  /** Full paths, in the order of the requested base names. */
  paths: string[];
}

/** The outcome of {@link findDataFiles}: the files, or a line per directory saying what was missing. */
export type FindResult =
  | {
      /** The directory and files found. */
      found: FoundFiles;
    }
  | {
      /** Nothing was found. */
      found: null;
      /** Every directory looked in, in order. */
      tried: string[];
    };

/**
 * Looks for all of `baseNames` (e.g. `train-images-idx3-ubyte`) in one directory of `dirs`, each
 * either raw or gzipped (`<base>.gz`; raw wins when both exist). The first directory that holds
 * every file wins; files are never mixed across directories.
 */
export function findDataFiles(dirs: readonly string[], baseNames: readonly string[]): FindResult {
  const tried: string[] = [];
  for (const dir of dirs) {
    const paths: string[] = [];
    const missing: string[] = [];
    for (const base of baseNames) {
      const hit = [join(dir, base), join(dir, `${base}.gz`)].find(isFile);
      if (hit === undefined) missing.push(`${base}[.gz]`);
      else paths.push(hit);
    }
    if (missing.length === 0) return { found: { dir, paths } };
    const what = !existsSync(dir)
      ? "does not exist"
      : missing.length === baseNames.length
        ? "has none of the files"
        : `lacks ${missing.join(", ")}`;
    tried.push(`${dir} (${what})`);
  }
  return { found: null, tried };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

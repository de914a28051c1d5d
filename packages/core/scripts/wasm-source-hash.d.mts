/** sha256 (16 hex digits) over every `.ts` file in `sourceDir`, by name order. */
export function sourceHash(sourceDir: string): string;

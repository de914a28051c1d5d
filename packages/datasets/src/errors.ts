/**
 * The errors `@tsgrad/datasets` throws, from core's hierarchy (`TsgradError` → `DataError`,
 * `IndexError`): `DataError` for malformed or missing data files and failed downloads,
 * `IndexError` for an example index out of range.
 */
export { DataError, IndexError } from "@tsgrad/core";

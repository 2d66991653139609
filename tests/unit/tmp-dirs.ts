/** Fresh temporary directories for tests, removed after the test file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export function tempDirs(label: string): () => string {
  const root = mkdtempSync(join(tmpdir(), `sochdb-${label}-`));
  let n = 0;
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return () => join(root, `db-${n++}`);
}

// The guide's key-value code samples, run as programs.
//
// Each `guide/<name>.ts` is a guide sample kept verbatim (only the indentation the guide's web
// rendering dropped is restored); fragments that use a `db` they never open get a clearly marked
// wrapper that opens and closes one and, where the sample's effect is checkable, asserts it. Each
// sample runs in its own process (`node --import tsx`) with a fresh temporary directory as its
// working directory, because the samples write to relative paths such as `./my_database`. It imports
// `sochdb` or `@sochdb/sochdb` exactly as the guide does; npm workspaces resolve both to the built
// package.
//
// A sample passes when it exits with code 0, writes nothing to stderr (Node's own warnings aside)
// and, when `guide/<name>.expected.txt` exists (the guide's "Output:" block, copied as printed),
// prints that text. Samples whose output the guide does not print have no expected file.
//
// Output normalisation (applied to both sides, and nothing else): the guide's web rendering lost
// the leading whitespace of every line and collapsed or dropped blank lines, so we strip leading
// whitespace from each line, collapse runs of blank lines into one and drop blank lines at the
// start and end. Everything else, including trailing text, punctuation and emoji, must match.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const guideDir = path.join(here, 'guide');
const tsxLoaderUrl = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const sampleTimeoutMs = 20_000;

const samples = readdirSync(guideDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -'.ts'.length))
  .sort();

/** See the file comment: undo only what the guide's web rendering lost. */
function normaliseGuideOutput(text: string): string {
  const out: string[] = [];
  for (const raw of text.replace(/\r\n/g, '\n').split('\n')) {
    const line = raw.replace(/^\s+/, '');
    if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(line);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}

/** Node's own warnings ("(node:123) ExperimentalWarning: ...") are not the sample's output. */
function stderrWithoutNodeWarnings(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !/^\(node:\d+\) \w*Warning: /.test(l) && !l.startsWith('(Use `node --trace-'))
    .join('\n')
    .trim();
}

interface SampleRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cwd: string;
}

function runSample(name: string): Promise<SampleRun> {
  const cwd = mkdtempSync(path.join(tmpdir(), `sochdb-guide-${name}-`));
  const file = path.join(guideDir, `${name}.ts`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoaderUrl, file], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, sampleTimeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, cwd });
    });
  });
}

describe('guide samples', () => {
  it('finds the guide samples on disk', () => {
    expect(samples.length).toBeGreaterThanOrEqual(22);
  });

  it('normalises only leading whitespace and blank-line runs', () => {
    expect(normaliseGuideOutput('\n\nACME (2 users):\n  a@x (admin)\n\n\nGlobex:\n b \n\n')).toBe(
      'ACME (2 users):\na@x (admin)\n\nGlobex:\nb ',
    );
    expect(normaliseGuideOutput('Mouse: $25')).not.toBe(normaliseGuideOutput('Mouse: $25.00'));
  });

  it.concurrent.for(samples)('%s runs to completion and prints the guide\'s output', async (name, { expect }) => {
    const run = await runSample(name);
    const where = `sample guide/${name}.ts (cwd ${run.cwd})`;
    expect(run.timedOut, `${where} did not exit within ${sampleTimeoutMs} ms (a handle kept it alive?)\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(false);
    expect(run.code, `${where} exited with ${run.code ?? run.signal}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
    expect(stderrWithoutNodeWarnings(run.stderr), `${where} wrote to stderr`).toBe('');
    const expectedFile = path.join(guideDir, `${name}.expected.txt`);
    if (existsSync(expectedFile)) {
      const expected = normaliseGuideOutput(readFileSync(expectedFile, 'utf8'));
      expect(expected, `guide/${name}.expected.txt is empty`).not.toBe('');
      // toBe on strings prints a line diff of expected vs received.
      expect(normaliseGuideOutput(run.stdout), `${where}: stdout differs from the guide's Output block`).toBe(expected);
    }
    rmSync(run.cwd, { recursive: true, force: true });
  });
});

describe('guide: Best Practices 5, the bad line', () => {
  it('rejects a string key and value with a typed InvalidArgumentError and stores nothing', async () => {
    const { Database, InvalidArgumentError, SochDBError } = await import('@sochdb/sochdb');
    const dir = mkdtempSync(path.join(tmpdir(), 'sochdb-guide-bp5-'));
    const db = await Database.open(path.join(dir, 'my_db'));
    try {
      const error: unknown = await (async () => {
        // The guide's line, verbatim:
        // @ts-expect-error the guide's ❌ example passes strings where Buffers are required
        await db.put('key', '\x00\x01\x02'); // May corrupt data
      })().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, 'db.put with string key and value must throw').not.toBeNull();
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toBeInstanceOf(SochDBError);
      expect((error as { code?: string }).code).toBe('INVALID_ARGUMENT');
      expect(await db.get(Buffer.from('key'))).toBeNull();
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('guide: package names', () => {
  it('exports the names the guide imports from both sochdb and @sochdb/sochdb, as the same objects', async () => {
    const scoped: Record<string, unknown> = await import('@sochdb/sochdb');
    const alias: Record<string, unknown> = await import('sochdb');
    for (const name of [
      'Database', 'Transaction', 'InvalidArgumentError', 'SochDBError', 'Namespace', 'Collection',
      'NamespaceExistsError', 'NamespaceNotFoundError', 'CollectionExistsError', 'CollectionNotFoundError',
      'DimensionMismatchError', 'DocumentExistsError',
    ]) {
      expect(typeof scoped[name], `@sochdb/sochdb exports ${name}`).toBe('function');
      expect(alias[name], `sochdb re-exports ${name}`).toBe(scoped[name]);
    }
    expect(alias.DistanceMetric).toBe(scoped.DistanceMetric);
    expect(scoped.DistanceMetric).toEqual({ COSINE: 'cosine', EUCLIDEAN: 'l2', L2: 'l2', DOT: 'dot' });
  });
});

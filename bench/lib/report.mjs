// Shared plumbing of the benchmarks: number formats, one engine per child process, the text table,
// RSS sampling, machine load, and where results go.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const int = (x) => Math.round(x).toLocaleString('en-US');
/** Queries per second: two decimals below 10, so a slow engine does not read as 0. */
export const qps = (x) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : int(x));
export const ms = (x) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : int(x));
export const mb = (x) => x.toFixed(1);
export const ratio = (a, b) => (a === undefined || b === undefined || a === null || b === null || b === 0 ? 'n/a' : `${(a / b).toFixed(2)}×`);

/** `--name=value` flags into an object over `defaults`; `--flag` alone sets true. Unknown flags throw. */
export function parseFlags(argv, defaults) {
  const opts = { ...defaults };
  const positional = [];
  for (const arg of argv) {
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = arg.slice(2, eq < 0 ? undefined : eq);
    const name = flag.replace(/-(\w)/g, (_, c) => c.toUpperCase());
    if (!(name in defaults)) throw new Error(`unknown flag --${flag} (known: ${Object.keys(defaults).join(', ')})`);
    const raw = eq < 0 ? 'true' : arg.slice(eq + 1);
    const kind = typeof defaults[name];
    opts[name] = kind === 'number' ? Number(raw) : kind === 'boolean' ? raw !== 'false' : raw;
  }
  return { opts, positional };
}

/** Whole-process RSS in MB after a full GC (children run with --expose-gc). */
export function rssMB() {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().rss / 1e6;
}

/**
 * Runs `node <script> ...args` in its own process and returns the JSON object of its last stdout
 * line, or `{ error }` with the first line of stderr that looks like an error (e.g. a peer that is
 * not installed). Progress on stderr is shown live only when `verbose`.
 */
export function runChild(script, args, { timeoutMs = 15 * 60 * 1000, nodeArgs = [], env } = {}) {
  const child = spawnSync(process.execPath, ['--expose-gc', ...nodeArgs, path.join(benchDir, script), ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: timeoutMs,
    env: env ? { ...process.env, ...env } : process.env,
  });
  const lastLine = (child.stdout ?? '').trim().split('\n').pop() ?? '';
  if (child.status === 0 && lastLine.startsWith('{')) return JSON.parse(lastLine);
  const stderr = (child.stderr || child.error?.message || '').trim();
  const reason =
    stderr.split('\n').find((l) => /NOT_INSTALLED|Error|error/.test(l)) ??
    (child.signal ? `killed by ${child.signal} (timeout ${timeoutMs / 1000} s?)` : `exit ${child.status}`);
  return { error: reason.replace(/^.*NOT_INSTALLED: /, '').trim() };
}

/** Imports a peer package, or throws an error whose message the parent shows as "n/a (not installed)". */
export async function importPeer(name, subpath) {
  try {
    return await import(subpath ?? name);
  } catch (err) {
    if (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)/.test(String(err))) {
      throw Object.assign(new Error(`NOT_INSTALLED: not installed (${name})`), { notInstalled: true });
    }
    throw err;
  }
}

/** Renders rows of cells as an aligned text table; the first row is the header. */
export function renderTable(lines) {
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => [...String(l[c] ?? '')].length)));
  const fmtLine = (l) => l.map((cell, c) => (c === 0 ? String(cell ?? '').padEnd(widths[c]) : String(cell ?? '').padStart(widths[c]))).join(' | ');
  return [fmtLine(lines[0]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.slice(1).map(fmtLine)].join('\n');
}

/** "✓" / "✗" / "(n/a)" for a goal `value >= factor * other`. */
export function goal(value, other, factor) {
  if (value === undefined || value === null || other === undefined || other === null) return '(n/a)';
  return value >= factor * other ? '✓' : '✗';
}

/** One line about the machine and how busy it was (load average over 1 and 5 minutes). */
export function machineLine() {
  const [l1, l5] = os.loadavg();
  return `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${os.platform()} ${os.release()}; load average ${l1.toFixed(2)} (1 min), ${l5.toFixed(2)} (5 min)`;
}

/** Writes `data` to bench/results/<prefix>-<time>.json and returns the path relative to cwd. */
export function saveResults(prefix, started, data) {
  const dir = path.join(benchDir, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${prefix}-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ started: started.toISOString(), node: process.version, cpus: os.cpus().length, loadavg: os.loadavg(), ...data }, null, 2)}\n`);
  return path.relative(process.cwd(), file);
}

// Crash test: a writer process (writer.mjs) writes to one database directory and reports every write
// before it starts ("begin") and once its promise resolved ("ack"); we SIGKILL it at seeded random
// moments, chosen to land in WAL appends, fsyncs and checkpoints, then reopen the directory here and
// compare it with a model: for each key, the last acknowledged write wins; the one write in flight
// when the kill landed may be there or not, but entirely (a transaction is all or nothing). The
// cycles share one directory, so state, segments and WAL files accumulate across kills.
//
// CRASH_SEED and CRASH_CYCLES (environment) override the seed and the number of kills.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper shared with the writer, no type declarations
import { KEY_RANGES, makeValue, prng } from './ops.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const writerPath = path.join(here, 'writer.mjs');
const seed = Number(process.env.CRASH_SEED ?? 20_260_126);
const cycles = Number(process.env.CRASH_CYCLES ?? 40);
const WRITER_RUN_MS_MAX = 3_000; // a kill trigger that never fires falls back to a kill at this age

type Op =
  | { t: 'begin'; id: number; op: 'put'; key: string; tag: string; len: number }
  | { t: 'begin'; id: number; op: 'del'; key: string }
  | { t: 'begin'; id: number; op: 'txn'; keys: string[]; tag: string; len: number; countKey: string }
  | { t: 'begin'; id: number; op: 'checkpoint' };
type Event = Op | { t: 'ack'; id: number } | { t: 'ready' } | { t: 'closed' };

/** The writes an op makes: key → value (null = deleted). */
function writesOf(op: Op): Map<string, string | null> {
  const w = new Map<string, string | null>();
  if (op.op === 'put') w.set(op.key, makeValue(op.tag, op.len));
  else if (op.op === 'del') w.set(op.key, null);
  else if (op.op === 'txn') {
    const value = makeValue(op.tag, op.len) as string;
    for (const k of op.keys) w.set(k, value);
    w.set(op.countKey, String(op.keys.length));
  }
  return w;
}

type KillPlan =
  | { mode: 'after-ready-ms'; ms: number }
  | { mode: 'at-ack'; ack: number }
  | { mode: 'after-begin'; op: 'txn' | 'put' | 'checkpoint'; nth: number; ms: number };

function planKill(rand: () => number): KillPlan {
  const r = rand();
  if (r < 0.3) return { mode: 'after-ready-ms', ms: Math.floor(rand() * 400) };
  if (r < 0.45) return { mode: 'at-ack', ack: 1 + Math.floor(rand() * 80) };
  if (r < 0.7) return { mode: 'after-begin', op: 'checkpoint', nth: 1 + Math.floor(rand() * 3), ms: rand() * 6 };
  if (r < 0.9) return { mode: 'after-begin', op: 'txn', nth: 1 + Math.floor(rand() * 20), ms: rand() * 3 };
  return { mode: 'after-begin', op: 'put', nth: 1 + Math.floor(rand() * 20), ms: rand() * 2 };
}

interface CycleResult {
  acked: Op[];
  inFlight: Op | null;
  killed: boolean;
  stderr: string;
  exitCode: number | null;
}

/** Runs one writer until the plan kills it; resolves after its stdout is fully read. */
function runWriter(dir: string, cycle: number, plan: KillPlan): Promise<CycleResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writerPath, dir, String(seed), String(cycle)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const begun = new Map<number, Op>();
    const acked: Op[] = [];
    let inFlight: Op | null = null;
    let killed = false;
    let stderr = '';
    let partial = '';
    let acks = 0;
    const seenBegins = new Map<string, number>();
    const kill = () => {
      if (!killed && child.exitCode === null) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    const killSoon = (ms: number) => (ms < 0.5 ? kill() : setTimeout(kill, ms));
    const fallback = setTimeout(kill, WRITER_RUN_MS_MAX);

    let protocolError: Error | null = null;
    const check = (ok: boolean, message: string) => {
      if (!ok && protocolError === null) protocolError = new Error(`writer protocol: ${message}`);
    };
    const onEvent = (ev: Event) => {
      if (ev.t === 'ready') {
        if (plan.mode === 'after-ready-ms') killSoon(plan.ms);
      } else if (ev.t === 'begin') {
        check(inFlight === null, `op ${ev.id} began before op ${(inFlight as Op | null)?.id} was acked`);
        begun.set(ev.id, ev);
        inFlight = ev;
        const n = (seenBegins.get(ev.op) ?? 0) + 1;
        seenBegins.set(ev.op, n);
        if (plan.mode === 'after-begin' && plan.op === ev.op && plan.nth === n) killSoon(plan.ms);
      } else if (ev.t === 'ack') {
        const op = begun.get(ev.id);
        check(op !== undefined && inFlight === op, `ack for op ${ev.id}, which is not the one in flight`);
        if (op) acked.push(op);
        inFlight = null;
        acks++;
        if (plan.mode === 'at-ack' && plan.ack === acks) kill();
      }
    };

    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line) onEvent(JSON.parse(line) as Event);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(fallback);
      if (protocolError) return reject(protocolError);
      // A line cut short can only be a "begin" whose write never started, or an "ack" not yet
      // complete: neither changes what the model must accept, so it is dropped.
      resolve({ acked, inFlight, killed, stderr, exitCode: code });
    });
  });
}

/** Node's own warnings ("(node:123) ExperimentalWarning: ...") are not the writer's errors. */
function withoutNodeWarnings(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !/^\(node:\d+\) \w*Warning: /.test(l) && !l.startsWith('(Use `node --trace-'))
    .join('\n')
    .trim();
}

/** Reads every key of the writer's ranges by scan, checking key order. */
async function readAll(db: any): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  for (const [start, end] of KEY_RANGES) {
    let prev: string | null = null;
    for await (const [k, v] of db.scan(Buffer.from(start), Buffer.from(end))) {
      const key = k.toString();
      if (prev !== null) expect(key > prev, `scan order: ${key} after ${prev}`).toBe(true);
      prev = key;
      seen.set(key, v.toString());
    }
  }
  return seen;
}

describe('crash safety (SIGKILL during writes, fs storage, syncMode full)', () => {
  it(
    `keeps every acknowledged write and no partial transaction across ${cycles} kills (seed ${seed})`,
    async () => {
      const { Database } = await import('@sochdb/sochdb');
      const dir = mkdtempSync(path.join(tmpdir(), 'sochdb-crash-'));
      const rand = prng(seed);
      const model = new Map<string, string | null>(); // last acknowledged write per key
      const stats = { inFlightApplied: 0, inFlightDropped: 0, staleLocks: 0, acked: 0, killedDuring: {} as Record<string, number> };
      try {
        for (let cycle = 1; cycle <= cycles; cycle++) {
          const plan = planKill(rand);
          const run = await runWriter(dir, cycle, plan);
          const where = `cycle ${cycle} (seed ${seed}, plan ${JSON.stringify(plan)})`;
          expect(run.killed, `${where}: the writer exited by itself (code ${run.exitCode}):\n${run.stderr}`).toBe(true);
          expect(withoutNodeWarnings(run.stderr), `${where}: writer stderr`).toBe('');

          for (const op of run.acked) for (const [k, v] of writesOf(op)) model.set(k, v);
          stats.acked += run.acked.length;
          const during = run.inFlight?.op ?? 'no write in flight';
          stats.killedDuring[during] = (stats.killedDuring[during] ?? 0) + 1;
          if (existsSync(path.join(dir, 'LOCK'))) stats.staleLocks++;

          // Reopen: must succeed, taking over the killed writer's lock.
          const db = await Database.open(dir);
          try {
            const seen = await readAll(db);
            const pending = run.inFlight ? writesOf(run.inFlight) : new Map<string, string | null>();
            // The in-flight write is there entirely, or not at all.
            let applied: boolean | null = null;
            for (const [k, v] of pending) {
              const now = seen.get(k) ?? null;
              const before = model.get(k) ?? null;
              if (now === v && now === before) continue; // this key cannot tell
              const isNew = now === v;
              expect(
                isNew || now === before,
                `${where}: key ${k} holds ${JSON.stringify(now?.slice(0, 40))}, neither its last acked value ${JSON.stringify(before?.slice(0, 40))} nor the in-flight op ${run.inFlight?.id}'s`,
              ).toBe(true);
              if (applied === null) applied = isNew;
              expect(isNew, `${where}: in-flight op ${run.inFlight?.id} (${run.inFlight?.op}) is partly applied (key ${k})`).toBe(applied);
            }
            if (applied) for (const [k, v] of pending) model.set(k, v);
            if (pending.size > 0) applied ? stats.inFlightApplied++ : stats.inFlightDropped++;

            // Every key the model knows holds its last acknowledged value; no other key exists.
            for (const [k, v] of model) {
              expect(seen.get(k) ?? null, `${where}: key ${k}`).toBe(v);
              const got = await db.get(Buffer.from(k));
              expect(got === null ? null : got.toString(), `${where}: get ${k}`).toBe(v);
            }
            for (const k of seen.keys()) expect(model.has(k), `${where}: unexpected key ${k}`).toBe(true);
          } finally {
            await db.close();
          }
        }
        // The run must have exercised what it claims to.
        expect(stats.acked, 'acknowledged writes across all cycles').toBeGreaterThan(cycles * 5);
        expect(stats.staleLocks, 'cycles that reopened over a killed writer\'s LOCK').toBeGreaterThan(0);
        expect(cycles - (stats.killedDuring['no write in flight'] ?? 0), 'kills that landed with a write in flight').toBeGreaterThan(cycles / 3);
        console.log(`crash test (seed ${seed}): ${cycles} kills, ${JSON.stringify(stats)}`);
        rmSync(dir, { recursive: true, force: true });
      } catch (e) {
        console.error(`crash test failed; the database directory is kept at ${dir}`);
        throw e;
      }
    },
    120_000,
  );
});

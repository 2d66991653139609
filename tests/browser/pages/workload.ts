/**
 * The crash test's write workload, shared by the page (which runs it) and the test (which checks
 * what survived). Each writer runs ops one after another: op `n` is a put of `p:<round>:<w>:<n>`
 * or, every third op, a transaction writing `t:<round>:<w>:<n>:a|b|c` and the writer's counter
 * `c:<round>:<w>` = n. Every value is a function of its op's label, so the test can check bytes.
 */

export const TXN_KEYS = ['a', 'b', 'c'] as const;

export function opLabel(round: number, writer: number, n: number): string {
  return `${n % 3 === 2 ? 't' : 'p'}:${round}:${writer}:${n}`;
}

/** `label|` and a filler of 0 to 1,499 characters derived from the label (FNV-1a). */
export function opValue(label: string): string {
  let h = 2166136261;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619) >>> 0;
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let filler = '';
  for (let i = 0; i < h % 1500; i++) filler += alphabet[(h >>> i % 24) % alphabet.length];
  return `${label}|${filler}`;
}

/**
 * Checks a database's `entries` (every key and value) against the acknowledged op labels:
 * every acknowledged op is there with its bytes, no transaction is partly there, each writer's
 * surviving ops are a prefix 0..M of its ops (they ran one after another), and with
 * `inFlightMax` at most that many unacknowledged ops per writer survived. Returns the problems.
 */
export function checkWorkload(entries: Map<string, string>, acked: Set<string>, inFlightMax?: number): string[] {
  const problems: string[] = [];
  const present = new Map<string, Set<number>>(); // `<round>:<w>` → surviving op numbers
  const txnParts = new Map<string, number>(); // txn label → keys present
  const counters = new Map<string, number>();
  for (const [key, value] of entries) {
    const [kind, round, writer, n, part] = key.split(':');
    const label = `${kind}:${round}:${writer}:${n}`;
    if (kind === 'c') {
      counters.set(`${round}:${writer}`, Number(value));
      continue;
    }
    if (value !== opValue(label)) problems.push(`${key} holds ${value.slice(0, 40)}..., not ${label}'s value`);
    if (kind === 't') txnParts.set(label, (txnParts.get(label) ?? 0) + 1);
    else if (kind !== 'p' || part !== undefined) problems.push(`unexpected key ${key}`);
    if (kind === 'p' || (kind === 't' && part === TXN_KEYS[0])) {
      const ops = present.get(`${round}:${writer}`) ?? new Set<number>();
      ops.add(Number(n));
      present.set(`${round}:${writer}`, ops);
    }
  }
  for (const [label, parts] of txnParts) {
    if (parts !== TXN_KEYS.length) problems.push(`transaction ${label} is partly visible (${parts} of ${TXN_KEYS.length} keys)`);
  }
  for (const label of acked) {
    const [kind, round, writer, n] = label.split(':');
    if (!present.get(`${round}:${writer}`)?.has(Number(n))) problems.push(`acknowledged ${label} is missing`);
    void kind;
  }
  for (const [writer, ops] of present) {
    const last = Math.max(...ops);
    for (let n = 0; n <= last; n++) if (!ops.has(n)) problems.push(`writer ${writer}: op ${n} is missing below op ${last}`);
    const lastTxn = [...ops].filter((n) => n % 3 === 2).sort((a, b) => b - a)[0];
    if (lastTxn !== undefined && counters.get(writer) !== lastTxn) {
      problems.push(`writer ${writer}: counter ${counters.get(writer)} is not its last transaction ${lastTxn}`);
    }
    if (inFlightMax !== undefined) {
      const [round, w] = writer.split(':');
      let lastAcked = -1;
      for (let n = 0; n <= last; n++) if (acked.has(opLabel(Number(round), Number(w), n))) lastAcked = n;
      if (last - lastAcked > inFlightMax) problems.push(`writer ${writer}: ${last - lastAcked} unacknowledged ops survived`);
    }
  }
  return problems;
}

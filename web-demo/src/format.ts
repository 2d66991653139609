/** How the playground prints bytes, sizes, durations and numbers. */

const decoder = new TextDecoder('utf-8', { fatal: true });
export const encoder = new TextEncoder();

/** A key or value as readable text: UTF-8 with control bytes escaped as `\xNN`, else hex. */
export function showBytes(bytes: Uint8Array, max = 160): string {
  let text: string;
  try {
    text = decoder.decode(bytes).replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  } catch {
    text = `0x${Array.from(bytes.subarray(0, max / 2), (b) => b.toString(16).padStart(2, '0')).join('')}`;
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Runs `fn` and returns its result with the wall-clock time it took. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

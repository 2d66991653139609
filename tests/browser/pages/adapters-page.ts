/**
 * The page side of the adapter conformance run: forwards Node's calls (bytes as base64, since
 * page.evaluate carries JSON) to the adapters' worker, and returns errors as values with `code`.
 */
import { wrap } from 'comlink';
import { installErrorTransfer } from '../../../pkg-ts/src/browser/error-transfer.js';

interface AdaptersWorker {
  make(kind: string, name: string): Promise<number>;
  call(id: number, method: string, args: unknown[]): Promise<unknown>;
}

installErrorTransfer();
const worker = wrap<AdaptersWorker>(new Worker('/build/adapters-worker.js', { type: 'module' }));

const fromBase64 = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

Object.assign(globalThis, {
  adapterMake: (kind: string, name: string) => worker.make(kind, name),
  async adapterCall(id: number, method: string, args: unknown[]) {
    const decoded = args.map((a) => (typeof a === 'object' && a !== null && 'b64' in a ? fromBase64((a as { b64: string }).b64) : a));
    try {
      const result = await worker.call(id, method, decoded);
      if (result === undefined) return { undef: true }; // JSON would turn it into null
      return { ok: result instanceof Uint8Array ? { b64: toBase64(result) } : result };
    } catch (e) {
      const error = e as Error & { code?: string };
      return { error: { name: error.name, message: error.message, code: error.code } };
    }
  },
  pageReady: true,
});

/**
 * A tiny static server on 127.0.0.1 (a secure context, so OPFS and Web Locks work) serving the
 * built package at `/pkg/` (dist and wasm), the test pages at `/pages/` and the test bundles at
 * `/build/`: all same-origin, as the engine worker requires.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/** `mounts` maps a URL prefix (`/pkg/`) to a directory. */
export async function startStaticServer(mounts: Record<string, string>): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const prefix = Object.keys(mounts).find((p) => url.pathname.startsWith(p));
    const root = prefix === undefined ? undefined : path.resolve(mounts[prefix]!);
    const file = root === undefined ? undefined : path.resolve(root, '.' + decodeURIComponent(url.pathname.slice(prefix!.length - 1)));
    if (file === undefined || !file.startsWith(root! + path.sep) || !isFile(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

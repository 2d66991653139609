/** Values from the worker arrive as plain `Uint8Array`s; the API returns `Buffer`s, as in Node. */
export function asBuffer(value: Uint8Array | null): Buffer | null {
  return value === null ? null : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

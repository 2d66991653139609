/** `node:assert/strict` for the guide samples in the page: the three calls they use. */
function fail(message: string | undefined, detail: string): never {
  throw new Error(message ?? detail);
}

function ok(value: unknown, message?: string): void {
  if (!value) fail(message, `expected a truthy value, got ${String(value)}`);
}

function equal(actual: unknown, expected: unknown, message?: string): void {
  if (!Object.is(actual, expected)) fail(message, `expected ${String(expected)}, got ${String(actual)}`);
}

function deepEqual(actual: unknown, expected: unknown, message?: string): void {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) fail(message, `expected ${b}, got ${a}`);
}

export default Object.assign(ok, { ok, equal, deepEqual, strictEqual: equal, deepStrictEqual: deepEqual });

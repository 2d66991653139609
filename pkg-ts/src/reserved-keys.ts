/**
 * The reserved keys of namespaces, collections and documents in the one ordered key space: a
 * mirror of the engine's `src/doc/keys.rs`, which is a storage contract. Change both together.
 *
 * ```text
 * PREFIX = 00 73 6f 63 68 00          ("\0soch\0", 6 bytes; user keys may not start with it)
 * namespace   PREFIX 'n' <ns>
 * collection  PREFIX 'c' <ns> 00 <col>
 * document    PREFIX 'd' <ns> 00 <col> 00 <id>
 * pending drop PREFIX 'x' <the start of the dropped documents' range>   (empty value)
 * ```
 * A pending-drop record is written in the commit that deletes a collection's or namespace's
 * record and deleted once its documents are: one left at open (a drop cut short by a crash or a
 * close) is resumed in the background. The engine indexes no kind but `n`, `c` and `d`.
 * Namespace and collection names are 1..=128 bytes of `[A-Za-z0-9_.-]`; document ids 1..=512
 * bytes of UTF-8 without NUL. Names hold no NUL, so a component ends exactly at its `00`
 * separator and every range below is exactly "the keys with this prefix" (collection `a`'s
 * documents start with `a 00`, which `ab 00` does not).
 *
 * Ranges are half-open `[start, end)`, `end` being the prefix with its last byte incremented.
 */
import { CorruptionError, InvalidArgumentError } from './errors.js';

/** Every reserved key starts with these bytes. */
export const RESERVED_PREFIX: Buffer = Buffer.from([0x00, 0x73, 0x6f, 0x63, 0x68, 0x00]);
const KIND_NAMESPACE = 0x6e; // 'n'
const KIND_COLLECTION = 0x63; // 'c'
const KIND_DOCUMENT = 0x64; // 'd'
const KIND_PENDING_DROP = 0x78; // 'x'
const SEPARATOR = 0x00;

/** Namespace and collection names, in bytes (`NAME_SIZE_MAX`). */
export const NAME_SIZE_MAX = 128;
/** Document ids, in UTF-8 bytes (`DOC_ID_SIZE_MAX`). */
export const DOC_ID_SIZE_MAX = 512;

const NAME_CHAR = /^[A-Za-z0-9_.-]$/;

/** A half-open key range `[start, end)`. */
export interface KeyRange {
  start: Buffer;
  end: Buffer;
}

/** Whether `key` lies in `range`. */
export function rangeContains(range: KeyRange, key: Uint8Array): boolean {
  return Buffer.compare(range.start, key) <= 0 && Buffer.compare(key, range.end) < 0;
}

/** Whether `key` lies in the reserved space; user writes there are refused. */
export function isReserved(key: Uint8Array): boolean {
  // Buffer.compare, not equals: the browser's Buffer (the `buffer` package) refuses a plain Uint8Array in equals.
  return key.length >= RESERVED_PREFIX.length && Buffer.compare(RESERVED_PREFIX, key.subarray(0, RESERVED_PREFIX.length)) === 0;
}

/** The whole reserved space, for keeping it out of user scans. */
export function reservedRange(): KeyRange {
  return rangeOfPrefix(Buffer.from(RESERVED_PREFIX));
}

/**
 * The parts of a user scan `[start, end)` (`end` null: to the last key) outside the reserved
 * space, in key order. A scan that starts inside the reserved prefix asked for SochDB's own
 * records on purpose (a backup, a debugging tool) and gets exactly its range; any other scan that
 * would cross the reserved range skips it, so `db.scan(Buffer.alloc(0))` lists user keys only.
 */
export function userScanRanges(start: Uint8Array, end: Uint8Array | null): Array<[Uint8Array, Uint8Array | null]> {
  const reserved = reservedRange();
  const startsBefore = Buffer.compare(start, reserved.start) < 0;
  const endsAfterStart = end === null || Buffer.compare(end, reserved.start) > 0;
  if (!startsBefore || !endsAfterStart) return [[start, end]];
  const ranges: Array<[Uint8Array, Uint8Array | null]> = [[start, reserved.start]];
  if (end === null || Buffer.compare(end, reserved.end) > 0) ranges.push([reserved.end, end]);
  return ranges;
}

/**
 * Checks a namespace or collection name (`what` names it in the error): 1..=128 bytes of
 * `[A-Za-z0-9_.-]`. Throws `InvalidArgumentError` (code `INVALID_NAME`).
 */
export function validateName(what: 'namespace' | 'collection', name: unknown): asserts name is string {
  if (typeof name !== 'string') {
    throw new InvalidArgumentError(`A ${what} name must be a string, got ${name === null ? 'null' : typeof name}.`, 'INVALID_NAME');
  }
  // Every allowed character is one byte, so a too-long string of them is too long in bytes too.
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes === 0 || bytes > NAME_SIZE_MAX) {
    throw new InvalidArgumentError(`${what} name is ${bytes} bytes: use 1 to ${NAME_SIZE_MAX} bytes`, 'INVALID_NAME');
  }
  for (const c of name) {
    if (!NAME_CHAR.test(c)) {
      throw new InvalidArgumentError(
        `${what} name ${JSON.stringify(name)} contains ${JSON.stringify(c)}: use letters, digits, '_', '.' and '-'`,
        'INVALID_NAME',
      );
    }
  }
}

/**
 * Checks a document id: 1..=512 bytes of UTF-8 without NUL. A string with a lone surrogate has no
 * UTF-8 form (it would be stored as U+FFFD and read back different), so it is refused too.
 * Throws `InvalidArgumentError` (code `INVALID_DOCUMENT_ID`).
 */
export function validateDocId(id: unknown): asserts id is string {
  if (typeof id !== 'string') {
    throw new InvalidArgumentError(`A document id must be a string, got ${id === null ? 'null' : typeof id}.`, 'INVALID_DOCUMENT_ID');
  }
  const bytes = Buffer.byteLength(id, 'utf8');
  if (bytes === 0 || bytes > DOC_ID_SIZE_MAX) {
    throw new InvalidArgumentError(`document id is ${bytes} bytes: use 1 to ${DOC_ID_SIZE_MAX} bytes`, 'INVALID_DOCUMENT_ID');
  }
  if (id.includes('\0')) {
    throw new InvalidArgumentError('document id contains a NUL character', 'INVALID_DOCUMENT_ID');
  }
  if (/\p{Surrogate}/u.test(id)) {
    throw new InvalidArgumentError('document id contains a lone UTF-16 surrogate, which has no UTF-8 form', 'INVALID_DOCUMENT_ID');
  }
}

/** `PREFIX 'n' <ns>`. */
export function namespaceKey(namespace: string): Buffer {
  validateName('namespace', namespace);
  return keyOf(KIND_NAMESPACE, [namespace], false);
}

/** `PREFIX 'c' <ns> 00 <col>`. */
export function collectionKey(namespace: string, collection: string): Buffer {
  validateName('namespace', namespace);
  validateName('collection', collection);
  return keyOf(KIND_COLLECTION, [namespace, collection], false);
}

/** `PREFIX 'd' <ns> 00 <col> 00 <id>`. */
export function documentKey(namespace: string, collection: string, id: string): Buffer {
  validateName('namespace', namespace);
  validateName('collection', collection);
  validateDocId(id);
  return keyOf(KIND_DOCUMENT, [namespace, collection, id], false);
}

/** Every namespace key. */
export function namespacesRange(): KeyRange {
  return rangeOfPrefix(keyOf(KIND_NAMESPACE, [], false));
}

/** Every collection key of `namespace`. */
export function collectionsRange(namespace: string): KeyRange {
  validateName('namespace', namespace);
  return rangeOfPrefix(keyOf(KIND_COLLECTION, [namespace], true));
}

/** Every document key of every collection of `namespace`, for dropping a namespace. */
export function namespaceDocumentsRange(namespace: string): KeyRange {
  validateName('namespace', namespace);
  return rangeOfPrefix(keyOf(KIND_DOCUMENT, [namespace], true));
}

/** Every document key of `namespace`/`collection`. */
export function documentsRange(namespace: string, collection: string): KeyRange {
  validateName('namespace', namespace);
  validateName('collection', collection);
  return rangeOfPrefix(keyOf(KIND_DOCUMENT, [namespace, collection], true));
}

/** The record saying the documents of `range` (a `documentsRange` or `namespaceDocumentsRange`) are being deleted. */
export function pendingDropKey(range: KeyRange): Buffer {
  return Buffer.concat([RESERVED_PREFIX, Buffer.of(KIND_PENDING_DROP), range.start]);
}

/** Every pending-drop record. */
export function pendingDropsRange(): KeyRange {
  return rangeOfPrefix(keyOf(KIND_PENDING_DROP, [], false));
}

/** The documents' range a pending-drop record names. Throws `CorruptionError` if it names none. */
export function pendingDropRange(key: Uint8Array): KeyRange {
  const start = Buffer.from(components(key, KIND_PENDING_DROP, 'pending drop'));
  if (!isReserved(start) || start[RESERVED_PREFIX.length] !== KIND_DOCUMENT || start[start.length - 1] !== SEPARATOR) {
    throw new CorruptionError('a pending-drop record does not name a range of documents');
  }
  return rangeOfPrefix(start);
}

/** The namespace of a namespace key. Throws `InvalidArgumentError` for another kind of key, `CorruptionError` for a malformed one. */
export function parseNamespaceKey(key: Uint8Array): string {
  return component(components(key, KIND_NAMESPACE, 'namespace'), 'namespace name', checkName);
}

/** `[namespace, collection]` of a collection key. Errors as `parseNamespaceKey`. */
export function parseCollectionKey(key: Uint8Array): [namespace: string, collection: string] {
  const rest = components(key, KIND_COLLECTION, 'collection');
  const split = splitAtSeparator(rest);
  if (split === null) throw new CorruptionError('collection key has no separator');
  return [component(split[0], 'namespace name', checkName), component(split[1], 'collection name', checkName)];
}

/** The parts of a document key. Errors as `parseNamespaceKey`. */
export function parseDocumentKey(key: Uint8Array): { namespace: string; collection: string; id: string } {
  const rest = components(key, KIND_DOCUMENT, 'document');
  const first = splitAtSeparator(rest);
  const second = first === null ? null : splitAtSeparator(first[1]);
  if (first === null || second === null) throw new CorruptionError('document key lacks a separator');
  return {
    namespace: component(first[0], 'namespace name', checkName),
    collection: component(second[0], 'collection name', checkName),
    id: component(second[1], 'document id', validateDocId),
  };
}

// --- plumbing --------------------------------------------------------------------------------

function keyOf(kind: number, parts: string[], trailingSeparator: boolean): Buffer {
  const chunks: Buffer[] = [RESERVED_PREFIX, Buffer.of(kind)];
  parts.forEach((part, i) => {
    if (i > 0) chunks.push(Buffer.of(SEPARATOR));
    chunks.push(Buffer.from(part, 'utf8'));
  });
  if (trailingSeparator) chunks.push(Buffer.of(SEPARATOR));
  return Buffer.concat(chunks);
}

/** All keys starting with `prefix` (which never ends in 0xff: ours end in a kind byte or 00). */
function rangeOfPrefix(prefix: Buffer): KeyRange {
  const end = Buffer.from(prefix);
  end[end.length - 1]! += 1;
  return { start: prefix, end };
}

function components(key: Uint8Array, kind: number, what: string): Uint8Array {
  if (!isReserved(key) || key[RESERVED_PREFIX.length] !== kind) {
    throw new InvalidArgumentError(`key is not a ${what} key`);
  }
  return key.subarray(RESERVED_PREFIX.length + 1);
}

function splitAtSeparator(bytes: Uint8Array): [Uint8Array, Uint8Array] | null {
  const i = bytes.indexOf(SEPARATOR);
  return i < 0 ? null : [bytes.subarray(0, i), bytes.subarray(i + 1)];
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A reserved key that fails its own rules was not written by SochDB: corruption. */
function component(bytes: Uint8Array, what: string, check: (text: string) => void): string {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new CorruptionError(`stored ${what} is not UTF-8`);
  }
  try {
    check(text);
  } catch (e) {
    throw new CorruptionError(`stored key holds a bad ${what}: ${(e as Error).message}`);
  }
  return text;
}

function checkName(name: string): void {
  validateName('namespace', name);
}

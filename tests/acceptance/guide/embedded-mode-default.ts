// Guide: "Embedded vs External" → "Embedded Mode (Default)".
// ── wrapper (not in the guide): imports ──
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Database } from 'sochdb';
// ── guide sample, verbatim ──
const db = await Database.open('./my_db');
// ✅ Fast: No IPC overhead
// ✅ Simple: Single process
// ❌ Limited: One connection per database
// ── wrapper (not in the guide): the database exists on disk and closes ──
assert.ok(existsSync('./my_db'), 'Database.open(./my_db) created the directory');
await db.close();

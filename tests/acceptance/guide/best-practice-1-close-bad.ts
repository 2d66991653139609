// Guide: "Best Practices" → "1. Always Close Database", the ❌ part. It leaks the handle; the
// process must still exit by itself (the test fails on a hang or a non-zero exit).
// ── wrapper (not in the guide): import ──
import { Database } from 'sochdb';
// ── guide sample, verbatim ──
// ❌ Bad: Might leak resources
const db = await Database.open('./my_db');
await db.put(Buffer.from('key'), Buffer.from('value'));
// Forgot to close!

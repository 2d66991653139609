import { describe, expect, it } from 'vitest';
import { selectColumns, toonRecord, toonTable } from '../../pkg-ts/src/toon.js';

describe('toonRecord', () => {
  it("prints a record on one line as the guide does: result[1]{name,price}:Laptop,999", () => {
    expect(toonRecord({ name: 'Laptop', price: 999 })).toBe('result[1]{name,price}:Laptop,999');
  });

  it('quotes strings that would read as another type or break the row', () => {
    const line = toonRecord({ a: 'true', b: '42', c: 'x,y', d: '', e: ' pad', f: 'say "hi"', g: 'null', h: '-3.5' });
    expect(line).toBe('result[1]{a,b,c,d,e,f,g,h}:"true","42","x,y",""," pad","say \\"hi\\"","null","-3.5"');
  });

  it('escapes newlines so the record stays on one line', () => {
    expect(toonRecord({ note: 'line1\nline2' })).toBe('result[1]{note}:"line1\\nline2"');
  });

  it('writes numbers, booleans and null bare', () => {
    expect(toonRecord({ n: 25.5, t: true, f: false, z: null, neg: -7 })).toBe('result[1]{n,t,f,z,neg}:25.5,true,false,null,-7');
  });

  it('quotes field names that are not identifiers', () => {
    expect(toonRecord({ 'first name': 'Ada' })).toBe('result[1]{"first name"}:Ada');
  });

  it('falls back to multi-line TOON when a value is nested', () => {
    const text = toonRecord({ name: 'x', tags: ['a', 'b'] });
    expect(text.split('\n').length).toBeGreaterThan(1);
    expect(text.startsWith('result[1]')).toBe(true);
  });
});

describe('toonTable', () => {
  it('prints all records as one table, a row a line', () => {
    expect(toonTable([{ name: 'Laptop', price: 999 }, { name: 'Mouse', price: 25 }])).toBe(
      'result[2]{name,price}:\n  Laptop,999\n  Mouse,25',
    );
  });

  it('prints an empty table for no records', () => {
    expect(toonTable([])).toBe('result: []');
  });
});

describe('selectColumns', () => {
  it('keeps the selected fields in the given order, null for missing ones', () => {
    expect(selectColumns({ price: 1, name: 'a', stock: 3 }, ['name', 'price', 'color'])).toEqual({ name: 'a', price: 1, color: null });
    expect(Object.keys(selectColumns({ price: 1, name: 'a' }, ['name', 'price']))).toEqual(['name', 'price']);
  });

  it('does not read inherited properties as fields', () => {
    expect(selectColumns({}, ['toString', 'constructor'])).toEqual({ toString: null, constructor: null });
  });

  it('keeps the whole record without a selection', () => {
    const record = { a: 1 };
    expect(selectColumns(record, null)).toBe(record);
  });
});

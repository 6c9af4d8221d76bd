import { CUSTOMER_FIELDS, DAY_BUCKET_KINDS, SESSION_FIELDS } from './redis-layout';

const LUA_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

describe('the Redis layout', () => {
  it.each([
    ['customer', CUSTOMER_FIELDS],
    ['session', SESSION_FIELDS],
  ])('names each %s hash field once, as a Lua identifier', (_hash, fields) => {
    const names = Object.values(fields);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect([name, LUA_IDENTIFIER.test(name)]).toEqual([name, true]);
  });

  it('gives each day bucket count its own letter', () => {
    const letters = Object.values(DAY_BUCKET_KINDS);
    expect(letters.every((l) => /^[a-z]$/.test(l))).toBe(true);
    expect(new Set(letters).size).toBe(letters.length);
  });
});

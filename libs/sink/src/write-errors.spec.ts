import { errorMessage, isPermanentWriteError } from './write-errors';

describe('isPermanentWriteError', () => {
  it.each([
    ['MySQL duplicate key', { errno: 1062 }],
    ['MySQL data too long', { errno: 1406 }],
    ['MySQL missing parent', { errno: 1452 }],
    ['MariaDB check constraint', { errno: 4025 }],
    ['MySQL check constraint', { errno: 3819 }],
    ['PostgreSQL invalid text', { code: '22P02' }],
    ['PostgreSQL foreign key', { code: '23503' }],
    ['MongoDB document validation', { code: 121 }],
  ])('%s is permanent: the data is refused', (_, err) => {
    expect(isPermanentWriteError(err)).toBe(true);
  });

  it.each([
    ['MySQL deadlock', { errno: 1213 }],
    ['MySQL lock wait timeout', { errno: 1205 }],
    ['PostgreSQL serialization failure', { code: '40001' }],
    ['PostgreSQL too many connections', { code: '53300' }],
    ['a lost connection', { code: 'ECONNRESET' }],
    ['MongoDB network timeout', { code: 89 }],
    ['a plain error', new Error('boom')],
    ['not an object', 'boom'],
    ['null', null],
  ])('%s is transient: the write is retried', (_, err) => {
    expect(isPermanentWriteError(err)).toBe(false);
  });
});

describe('errorMessage', () => {
  it('takes an error message, or the value as text', () => {
    expect(errorMessage(new Error('x'))).toBe('x');
    expect(errorMessage(42)).toBe('42');
  });
});

import { DEAD_LETTER_ORIGINAL_CHARS } from '@amato/contracts';
import type { KafkaRecord, RecordBatch } from '@amato/kafka';
import { deadLetterOf } from './dead-letters';

const record = (value: Buffer | null): KafkaRecord => ({
  key: 'SESS_1',
  value,
  offset: '41',
  timestamp: '0',
  headers: {},
});
const batch = (r: KafkaRecord): RecordBatch => ({
  topic: 'shop.clickstream',
  partition: 3,
  records: [r],
  highWatermark: '42',
});
const letter = (value: Buffer | null) => {
  const r = record(value);
  return deadLetterOf(batch(r), r, 'sink:validate', 'not JSON', []);
};

describe(deadLetterOf.name, () => {
  it('keeps a small record whole, and says where it came from', () => {
    const d = letter(Buffer.from('{"event_id": '));
    expect(d.original).toBe('{"event_id": ');
    expect(d.original_bytes).toBeUndefined();
    expect(d.source).toEqual({
      topic: 'shop.clickstream',
      partition: 3,
      offset: '41',
      key: 'SESS_1',
    });
    expect(letter(null).original).toBeNull();
  });

  it('cuts a large record to its first characters and says how long it was', () => {
    const exact = letter(Buffer.from('a'.repeat(DEAD_LETTER_ORIGINAL_CHARS)));
    expect(exact.original).toHaveLength(DEAD_LETTER_ORIGINAL_CHARS);
    expect(exact.original_bytes).toBeUndefined();
    const big = Buffer.from('é'.repeat(300_000));
    const cut = letter(big);
    expect(cut.original).toBe('é'.repeat(DEAD_LETTER_ORIGINAL_CHARS));
    expect(cut.original_bytes).toBe(600_000);
  });
});

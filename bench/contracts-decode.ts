/**
 * Event validation throughput: decodeEvent (JSON.parse + compiled schema + rules) on every event
 * type, valid and invalid, single-threaded. Prints events/s and per-event latency.
 *
 *   npx tsx bench/contracts-decode.ts [--events 300000]
 */
import { parseArgs } from 'node:util';
import { decodeEvent, encodeEvent, EVENT_TYPES } from '@amato/contracts';
import { anyValidEvent, validEvent } from '@amato/testing';
import { printTable } from './support/report';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '300000' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  console.log('usage: npx tsx bench/contracts-decode.ts [--events N]');
  process.exit(0);
}
const total = Number(values.events);
if (!Number.isInteger(total) || total < 1) {
  console.error(`--events must be a positive integer, got "${values.events}"`);
  process.exit(2);
}

function measure(label: string, records: Buffer[]): [string, string, string] {
  const now = Date.parse('2024-06-01T00:00:00Z');
  let ok = 0;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    if (decodeEvent(records[i % records.length] ?? null, now).ok) ok += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  return [
    label,
    Math.round(total / seconds).toLocaleString('en'),
    `${((seconds * 1e6) / total).toFixed(2)} µs (${ok === 0 ? 'all rejected' : 'all accepted'})`,
  ];
}

const valid = EVENT_TYPES.map((type) => Buffer.from(encodeEvent(anyValidEvent(type)).value));
const clickstream = (
  [
    'page.viewed',
    'interaction.occurred',
    'product.interacted',
    'search.performed',
    'session.ended',
  ] as const
).map((type) => Buffer.from(encodeEvent(anyValidEvent(type)).value));
const order = Buffer.from(encodeEvent(anyValidEvent('transaction.created')).value);
const invalid = [
  Buffer.from(JSON.stringify(validEvent('transaction.created', { total_amount: 1 }))),
];

const rows = [
  measure('every type, valid', valid),
  measure('clickstream, valid', clickstream),
  measure('order with 2 items, valid', [order]),
  measure('order failing a rule', invalid),
];
printTable(
  `decodeEvent, ${total.toLocaleString('en')} events per row, one core: events/s, per event`,
  rows.map(([label, rate, latency]) => [label, `${rate} events/s, ${latency}`] as const),
);

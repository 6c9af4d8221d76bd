import { decodeEvent, type AmatoEvent } from '@amato/contracts';
import { Dataset } from './dataset';
import { trickle } from './trickle';

const dataset = new Dataset({ seed: 3, scale: 0.01, end: new Date('2026-01-01T00:00:00Z') });
const from = new Date('2026-03-01T12:00:00Z');

function take(n: number, gapMs = 1000): [number, AmatoEvent][] {
  const out: [number, AmatoEvent][] = [];
  for (const entry of dataset.liveSessions(from, { seed: 9, gapMs })) {
    out.push(entry);
    if (out.length >= n) break;
  }
  return out;
}

describe('Dataset.liveSessions', () => {
  const events = take(3_000);

  it('yields valid events in time order, from the start on', () => {
    for (let i = 1; i < events.length; i++) {
      expect(events[i]?.[0]).toBeGreaterThanOrEqual(events[i - 1]?.[0] ?? 0);
    }
    expect(events[0]?.[0]).toBeGreaterThanOrEqual(from.getTime());
    for (const [time, event] of events) {
      expect(Date.parse(event.event_time)).toBe(time);
      // Every event passes the contracts the stream applies at its edge.
      const decoded = decodeEvent(JSON.stringify(event), time);
      expect(decoded.ok ? 'valid' : JSON.stringify(decoded)).toBe('valid');
    }
  });

  it("gives new sessions of the data set's customers, with orders, under ids of their own", () => {
    const ended = events.filter((e) => e[1].event_type === 'session.ended').map((e) => e[1]);
    expect(ended.length).toBeGreaterThan(20);
    const ids = new Set(ended.map((e) => (e.payload as { session_id: string }).session_id));
    expect(ids.size).toBe(ended.length);
    for (const id of ids) expect(id).toMatch(/^SESS_L[0-9a-z]+$/);
    const customers = ended
      .map((e) => (e.payload as { customer_id: string | null }).customer_id)
      .filter((c): c is string => c !== null);
    expect(customers.length).toBeGreaterThan(ended.length / 2);
    const known = dataset.expected.customers;
    for (const c of customers) expect(Number(c.slice(5))).toBeLessThanOrEqual(known);
    const orders = events.filter((e) => e[1].event_type === 'transaction.created');
    expect(orders.length).toBeGreaterThan(0);
    for (const [, o] of orders) {
      expect((o.payload as { transaction_id: string }).transaction_id).toMatch(/^TXN_\d{17}$/);
    }
  });

  it('starts a session every gap, and is the same for the same start and seed', () => {
    const starts = take(400, 5_000)
      .filter((e) => e[1].event_type === 'page.viewed')
      .filter((e) => (e[1].payload as { sequence_number: number }).sequence_number === 1)
      .map((e) => e[0]);
    expect(starts.slice(0, 5)).toEqual([0, 1, 2, 3, 4].map((k) => from.getTime() + k * 5_000));
    expect(take(50)).toEqual(take(50));
  });

  it('refuses a gap that is not above 0', () => {
    expect(() => dataset.liveSessions(from, { gapMs: 0 }).next()).toThrow(/gapMs/);
  });
});

describe('trickle', () => {
  it('publishes each event when its time comes, and stops when asked', async () => {
    let clock = from.getTime();
    const sent: string[] = [];
    const controller = new AbortController();
    const published = trickle(
      dataset,
      { customers: 'c', transactions: 't', campaigns: 'k', clickstream: 's', dlq: 'd' },
      {
        sendBatch: (batches) => {
          for (const b of batches) for (const r of b.records) sent.push(r.value);
          return Promise.resolve();
        },
      },
      {
        sessionsPerMinute: 120,
        tickMs: 1,
        now: () => clock,
        onPublished: () => {
          // Ten seconds of event time per send; stop after a simulated minute.
          clock += 10_000;
          if (clock - from.getTime() > 60_000) controller.abort();
        },
        signal: controller.signal,
      },
    );
    const n = await published;
    expect(n).toBe(sent.length);
    expect(n).toBeGreaterThan(10);
    const times = sent.map((v) => Date.parse((JSON.parse(v) as { event_time: string }).event_time));
    expect(Math.max(...times)).toBeLessThanOrEqual(clock);
  });

  it.each([0, -1, 70_000])('refuses %p sessions per minute', async (rate) => {
    await expect(
      trickle(
        dataset,
        {} as never,
        { sendBatch: () => Promise.resolve() },
        { sessionsPerMinute: rate },
      ),
    ).rejects.toThrow(/sessions per minute/);
  });
});

import { streamOf, topicsFor } from '@amato/contracts';
import { Dataset } from './dataset';
import { publish, type RecordSink } from './publisher';

const END = new Date('2026-01-01T00:00:00Z');

class RecordingSink implements RecordSink {
  readonly calls: { topic: string; keys: string[]; ids: string[] }[][] = [];
  inFlight = 0;
  maxInFlight = 0;

  async sendBatch(batches: Parameters<RecordSink['sendBatch']>[0]): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.calls.push(
      batches.map((b) => ({
        topic: b.topic,
        keys: b.records.map((r) => r.key),
        ids: b.records.map((r) => (JSON.parse(r.value) as { event_id: string }).event_id),
      })),
    );
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.inFlight--;
  }
}

describe(publish.name, () => {
  const topics = topicsFor('t');

  it('publishes every event once, to its stream, in the order given, one request in flight', async () => {
    const dataset = new Dataset({ seed: 3, scale: 0.01, end: END });
    const sink = new RecordingSink();
    const summary = await publish(dataset.events(), topics, sink, { batchSize: 700 });
    expect(summary.published).toBe(dataset.totalEvents);
    expect(sink.maxInFlight).toBe(1);
    expect(sink.calls.every((call) => call.reduce((n, b) => n + b.ids.length, 0) <= 700)).toBe(
      true,
    );
    const sent = sink.calls.flatMap((call) =>
      call.flatMap((b) => b.ids.map((id) => ({ id, topic: b.topic }))),
    );
    const expected = [...dataset.events()];
    expect(sent).toHaveLength(expected.length);
    // Per topic, the order is the generator's (event-time) order.
    for (const topic of Object.values(topics)) {
      const want = expected
        .filter((e) => topics[streamOf(e.event_type)] === topic)
        .map((e) => e.event_id);
      expect(sent.filter((s) => s.topic === topic).map((s) => s.id)).toEqual(want);
    }
  });

  it('counts events by type', async () => {
    const dataset = new Dataset({ seed: 3, scale: 0.01, end: END });
    const summary = await publish(dataset.events(), topics, new RecordingSink(), {
      batchSize: 5000,
    });
    expect(summary.byType['page.viewed']).toBe(dataset.expected.page_views);
    expect(summary.byType['transaction.created']).toBe(dataset.expected.transactions);
  });

  it('keeps to the requested rate', async () => {
    const dataset = new Dataset({ seed: 3, scale: 0.01, end: END });
    const events = [...dataset.events()].slice(0, 600);
    const summary = await publish(events, topics, new RecordingSink(), {
      batchSize: 5000,
      rate: 2000,
    });
    expect(summary.seconds).toBeGreaterThan(0.25);
  });
});

import { setLogLevel } from '@amato/common';
import { FAULTS, formatReport, runFaults } from './faults/scenario';

/**
 * The platform on a bad day: while a known data set streams through the sink and the processor
 * (real processes), both are SIGKILLed (apart and together), the Kafka broker and Redis are
 * killed and started again, MySQL, PostgreSQL and MongoDB are cut off for a while, and poison
 * records and a hot key are published among the events. Afterwards every valid event must be
 * in the stores and in Redis exactly once and every poison record in the DLQ with its reason,
 * with no service having exited by itself. `./amato soak` runs the same for longer.
 */
describe('the stream under faults', () => {
  it('loses nothing, doubles nothing, and dead-letters every bad record', async () => {
    // The test's own clients log every refused connection of the outages it causes.
    setLogLevel('fatal');
    const report = await runFaults({
      seed: 21,
      scale: 0.02,
      faults: FAULTS,
      publishSeconds: 80,
      hotKeyEvents: 3000,
      outageSeconds: 6,
      settleSeconds: 150,
      say: () => undefined,
    });
    process.stdout.write(`${formatReport(report)}\n`);

    expect(report.faults.map((f) => f.fault)).toEqual(FAULTS);
    expect(report.stores.filter((s) => s.stored !== s.expected)).toEqual([]);
    expect(report.redis).toMatchObject({ differing: 0, eventsLost: 0, eventsDuplicated: 0 });
    expect(report.dlq.missing).toEqual([]);
    expect(report.dlq.unexpected).toEqual([]);
    expect(report.unexpectedExits).toEqual([]);
    expect({ lost: report.lost, duplicated: report.duplicated }).toEqual({
      lost: 0,
      duplicated: 0,
    });
    // The faults struck with records still to be handled (each waits up to 5 s for some; a
    // moment with nothing in flight is possible, but not for most of them).
    expect(report.faults.filter((f) => f.behind > 0).length).toBeGreaterThanOrEqual(6);
  }, 600_000);
});

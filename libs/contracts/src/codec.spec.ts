import { decodeEvent, encodeEvent, MAX_EVENT_BYTES, partitionKey, validateEvent } from './codec';
import { EVENT_TYPES } from './registry';
import { anyValidEvent, validEvent } from '@amato/testing';
import { PARTITIONS, STREAMS, topicsFor, topicSpecs } from './topics';

const NOW = Date.parse('2024-06-01T00:00:00Z');

function rejection(value: unknown): { reason: string; problems: string[] } {
  const result =
    typeof value === 'string' || value === null
      ? decodeEvent(value, NOW)
      : validateEvent(value, NOW);
  if (result.ok) throw new Error('expected a rejection');
  return { reason: result.reason, problems: result.problems.map((p) => `${p.path}: ${p.message}`) };
}

describe(validateEvent.name, () => {
  it.each(EVENT_TYPES)('accepts a valid %s', (type) => {
    const result = validateEvent(anyValidEvent(type), NOW);
    expect(result.ok ? 'ok' : result.reason).toBe('ok');
  });

  it.each(EVENT_TYPES)('round-trips a %s through encode and decode unchanged', (type) => {
    const event = anyValidEvent(type);
    const record = encodeEvent(event);
    expect(record.headers).toEqual({ 'event-type': type, 'schema-version': '1' });
    const decoded = decodeEvent(Buffer.from(record.value), NOW);
    expect(decoded).toEqual({ ok: true, event });
  });

  it('rejects a record with no value, and one that is not JSON, saying so', () => {
    expect(rejection(null).reason).toBe('empty message: (root): the record has no value');
    expect(rejection('{"event_id": ').reason).toMatch(/^not JSON: \(root\): /);
  });

  it('refuses a record above the size limit before parsing it, and takes one just under it', () => {
    const event = validEvent('page.viewed');
    const padded = (bytes: number): string => {
      const bare = JSON.stringify({ ...event, payload: { ...event.payload, page_url: '' } });
      const url = `https://shop.example/${'x'.repeat(bytes - bare.length - 'https://shop.example/'.length)}`;
      return JSON.stringify({ ...event, payload: { ...event.payload, page_url: url } });
    };
    expect(Buffer.byteLength(padded(MAX_EVENT_BYTES + 1))).toBe(MAX_EVENT_BYTES + 1);
    expect(rejection(padded(MAX_EVENT_BYTES + 1)).reason).toBe(
      `too large: (root): the record is ${MAX_EVENT_BYTES + 1} bytes, above the limit of ${MAX_EVENT_BYTES}`,
    );
    // Multi-byte characters count as the bytes they take.
    expect(rejection('é'.repeat(MAX_EVENT_BYTES / 2 + 1)).reason).toMatch(/^too large: /);
    const under = decodeEvent(padded(MAX_EVENT_BYTES), NOW);
    expect(under.ok ? 'accepted' : under.reason).not.toMatch(/too large/);
  });

  it('names every missing or malformed envelope field', () => {
    const { reason, problems } = rejection({
      event_type: 'page.viewed',
      schema_version: 0,
      event_time: 'yesterday',
      payload: {},
    });
    expect(reason).toMatch(/^invalid event envelope: /);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^event_id: /),
        expect.stringMatching(/^schema_version: .*1/),
        'event_time: must be an ISO 8601 date-time with zone, e.g. 2024-01-15T10:30:00Z, got "yesterday"',
      ]),
    );
  });

  it('rejects an unknown event type, listing the known ones', () => {
    const { reason } = rejection({ ...validEvent('page.viewed'), event_type: 'page.clicked' });
    expect(reason).toMatch(
      /^unknown event type: event_type: must be one of customer\.created, .*got "page\.clicked"/,
    );
  });

  it('rejects a schema version it does not support', () => {
    expect(rejection({ ...validEvent('page.viewed'), schema_version: 2 }).reason).toBe(
      'unsupported version of page.viewed: schema_version: must be 1, got 2',
    );
  });

  it('rejects an event more than a day in the future', () => {
    expect(
      rejection({ ...validEvent('page.viewed'), event_time: '2024-06-03T00:00:00Z' }).problems,
    ).toEqual(['event_time: is more than a day in the future: 2024-06-03T00:00:00Z']);
  });

  it('names the payload field, the expectation and the value', () => {
    const event = validEvent('customer.created');
    const bad = {
      ...event,
      payload: {
        ...event.payload,
        email: 'not-an-email',
        gender: 'x',
        country: 'Germany',
        demographics: { ...event.payload.demographics, household_size: 0 },
      },
    };
    expect(rejection(bad).problems).toEqual([
      'payload.email: must be an e-mail address, got "not-an-email"',
      'payload.gender: must be one of "female", "male", "non_binary", "undisclosed", got "x"',
      'payload.country: must be an ISO 3166 alpha-2 country code, got "Germany"',
      'payload.demographics.household_size: expected integer to be greater or equal to 1, got 0',
    ]);
  });

  it('rejects missing and unexpected payload fields', () => {
    const { payload, ...envelope } = validEvent('search.performed');
    const { query, ...rest } = payload;
    expect(query).toBe('blue mug');
    const problems = rejection({ ...envelope, payload: { ...rest, surprise: 1 } }).problems;
    expect(problems).toContainEqual(expect.stringMatching(/^payload\.query: /));
    expect(problems).toContainEqual(expect.stringMatching(/^payload\.surprise: /));
  });

  it('names each malformed field of an A/B test exposure', () => {
    const { reason, problems } = rejection(
      validEvent('ab_test.exposure.recorded', {
        test_id: 'AB_1',
        customer_id: 'CUST_1',
        variant: 'both' as never,
        exposed_at: '2024-03-02',
      }),
    );
    expect(reason).toMatch(/^invalid ab_test\.exposure\.recorded: payload\.test_id: /);
    expect(problems).toEqual([
      'payload.test_id: must be an A/B test id TEST_0001, got "AB_1"',
      'payload.customer_id: must be a customer id like CUST_000001, got "CUST_1"',
      'payload.variant: must be one of "control", "treatment", got "both"',
      'payload.exposed_at: must be an ISO 8601 date-time with zone, e.g. 2024-01-15T10:30:00Z, got "2024-03-02"',
    ]);
  });

  it('rejects an A/B test exposure without a customer', () => {
    const { payload, ...envelope } = validEvent('ab_test.exposure.recorded');
    const { customer_id, ...rest } = payload;
    expect(customer_id).toBe('CUST_000001');
    expect(rejection({ ...envelope, payload: rest }).problems).toContainEqual(
      expect.stringMatching(/^payload\.customer_id: /),
    );
  });

  it('points into line items by index', () => {
    const event = validEvent('transaction.created');
    const items = event.payload.items.map((item, i) => (i === 1 ? { ...item, quantity: 0 } : item));
    expect(rejection({ ...event, payload: { ...event.payload, items } }).problems[0]).toMatch(
      /^payload\.items\[1\]\.quantity: /,
    );
  });

  describe('transaction rules', () => {
    it('requires the total to equal the sum of line totals', () => {
      const { problems } = rejection(validEvent('transaction.created', { total_amount: 60 }));
      expect(problems).toEqual([
        'payload.total_amount: must equal the sum of line totals 59.97, got 60',
      ]);
    });

    it('requires each line total to be quantity × unit price − discount', () => {
      const event = validEvent('transaction.created');
      const items = event.payload.items.map((item, i) =>
        i === 0 ? { ...item, line_total: 26.98 } : item,
      );
      const { problems } = rejection({
        ...event,
        payload: { ...event.payload, items, total_amount: 60.97 },
      });
      expect(problems).toEqual([
        'payload.items[0].line_total: must be quantity × unit_price − discount_amount = 25.98, got 26.98',
      ]);
    });

    it('rejects amounts with more than two decimals and repeated line numbers', () => {
      const event = validEvent('transaction.created');
      const items = event.payload.items.map((item) => ({ ...item, line_number: 1 }));
      const problems = rejection({
        ...event,
        payload: { ...event.payload, items, total_amount: 59.971 },
      }).problems;
      expect(problems).toContain('payload.total_amount: must have at most 2 decimals, got 59.971');
      expect(problems).toContain('payload.items[1].line_number: line 1 appears twice');
    });
  });

  it.each([
    [
      'campaign.upserted',
      { end_date: '2024-02-01' },
      'payload.end_date: must not be before start_date (2024-03-01), got 2024-02-01',
    ],
    [
      'campaign.performance.recorded',
      { clicks: 20000 },
      'payload.clicks: must not exceed impressions (10000), got 20000',
    ],
    [
      'campaign.performance.recorded',
      { conversions: 300 },
      'payload.conversions: must not exceed clicks (250), got 300',
    ],
    [
      'ab_test.upserted',
      { traffic_split: 1 },
      'payload.traffic_split: must be strictly between 0 and 1, got 1',
    ],
    [
      'ab_test.result.recorded',
      { conversions: 5001 },
      'payload.conversions: must not exceed participants (5000), got 5001',
    ],
    [
      'session.ended',
      { duration_seconds: 10 },
      'payload.duration_seconds: must match end_time − start_time (450 s), got 10',
    ],
    [
      'session.ended',
      { is_bounce: true },
      'payload.is_bounce: a bounce has at most 1 page view, this session has 5',
    ],
    [
      'search.performed',
      { clicked_result_position: 25 },
      'payload.clicked_result_position: must not exceed results_count (24), got 25',
    ],
  ] as const)('%s: enforces %j', (type, overrides, message) => {
    expect(rejection(validEvent(type, overrides as never)).problems).toEqual([message]);
  });

  it('keeps the event id and type of a rejected event, for the dead-letter record', () => {
    const result = validateEvent(validEvent('search.performed', { results_count: -1 }), NOW);
    expect(result).toMatchObject({
      ok: false,
      eventType: 'search.performed',
      eventId: '0b8f4a8e-6a43-4d3f-9c1e-2f6d3c1a9b7e',
    });
  });
});

describe(partitionKey.name, () => {
  it('keys customer and order events by customer, campaign events by campaign or test, clickstream by session', () => {
    expect(partitionKey(validEvent('customer.updated'))).toBe('CUST_000001');
    expect(partitionKey(validEvent('transaction.created'))).toBe('CUST_000001');
    expect(partitionKey(validEvent('campaign.performance.recorded'))).toBe('CAMP_0001');
    expect(partitionKey(validEvent('ab_test.result.recorded'))).toBe('TEST_0001');
    expect(partitionKey(validEvent('ab_test.exposure.recorded'))).toBe('TEST_0001');
    expect(partitionKey(validEvent('page.viewed'))).toBe('SESS_0000000001');
  });
});

describe(topicsFor.name, () => {
  it('names every stream under the prefix, with its partition count', () => {
    const topics = topicsFor('t_1');
    expect(topics.clickstream).toBe('t_1.clickstream');
    expect(topicSpecs(topics)).toHaveLength(STREAMS.length);
    expect(topicSpecs(topics)).toContainEqual({ topic: 't_1.dlq', partitions: PARTITIONS.dlq });
  });
});

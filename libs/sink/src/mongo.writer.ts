import { type AnyBulkWriteOperation, type Document, MongoBulkWriteError } from 'mongodb';
import type { AmatoEvent } from '@amato/contracts';
import type { MongoService } from '@amato/mongo';

const DUPLICATE_KEY = 11000;

/** The clickstream collection and document of a clickstream event; its id is the event id. */
export function clickstreamDocument(
  event: AmatoEvent,
): { collection: string; document: Document } | undefined {
  const at = new Date(event.event_time);
  switch (event.event_type) {
    case 'session.ended': {
      const p = event.payload;
      return {
        collection: 'sessions',
        document: { ...p, start_time: new Date(p.start_time), end_time: new Date(p.end_time) },
      };
    }
    case 'page.viewed':
      return {
        collection: 'page_views',
        document: { page_view_id: event.event_id, ...event.payload, timestamp: at },
      };
    case 'interaction.occurred': {
      const { interaction_type, ...rest } = event.payload;
      return {
        collection: 'events',
        document: {
          event_id: event.event_id,
          ...rest,
          event_type: interaction_type,
          timestamp: at,
        },
      };
    }
    case 'product.interacted':
      return {
        collection: 'product_interactions',
        document: { interaction_id: event.event_id, ...event.payload, timestamp: at },
      };
    case 'search.performed':
      return {
        collection: 'search_queries',
        document: { search_id: event.event_id, ...event.payload, timestamp: at },
      };
    default:
      return undefined;
  }
}

/** Documents per bulk insert: each request then finishes in well under the driver's timeouts. */
const CHUNK = 1000;

/** Clickstream records into MongoDB: unordered bulk inserts; a duplicate (redelivery) is a no-op. */
export class MongoWriter {
  constructor(
    private readonly mongo: MongoService,
    private readonly database: string,
  ) {}

  async write(events: readonly AmatoEvent[]): Promise<void> {
    const byCollection = new Map<string, AnyBulkWriteOperation[]>();
    for (const event of events) {
      const target = clickstreamDocument(event);
      if (!target) continue;
      const ops = byCollection.get(target.collection) ?? [];
      ops.push({ insertOne: { document: target.document } });
      byCollection.set(target.collection, ops);
    }
    for (const [collection, ops] of byCollection) {
      for (let start = 0; start < ops.length; start += CHUNK) {
        await this.insert(collection, ops.slice(start, start + CHUNK));
      }
    }
  }

  private async insert(collection: string, ops: AnyBulkWriteOperation[]): Promise<void> {
    try {
      await this.mongo.db(this.database).collection(collection).bulkWrite(ops, { ordered: false });
    } catch (err) {
      // Unordered: every other document went in; duplicates are records already written.
      const errors = err instanceof MongoBulkWriteError ? [err.writeErrors].flat() : [];
      if (errors.length === 0 || errors.some((e) => e.code !== DUPLICATE_KEY)) throw err;
    }
  }
}

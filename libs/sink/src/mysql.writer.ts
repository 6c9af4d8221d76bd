import type { EventEnvelope } from '@amato/contracts';
import type { MysqlService } from '@amato/mysql';
import { latestByKey, mysqlTime } from './store-targets';

type CustomerEvent = EventEnvelope<'customer.created'> | EventEnvelope<'customer.updated'>;
type TransactionEvent = EventEnvelope<'transaction.created'>;

const CUSTOMER_COLUMNS = [
  'customer_id',
  'email',
  'first_name',
  'last_name',
  'phone',
  'date_of_birth',
  'gender',
  'country',
  'city',
  'postal_code',
  'registration_date',
  'acquisition_channel',
  'customer_status',
  'is_email_subscribed',
] as const;
const DEMOGRAPHIC_COLUMNS = [
  'age_group',
  'income_bracket',
  'education_level',
  'occupation',
  'marital_status',
  'household_size',
] as const;

/** Column updates that keep a row's state from its latest event by event time. */
function latestWins(columns: readonly string[]): string {
  return columns
    .map((c) => `${c} = IF(VALUES(updated_at) >= updated_at, VALUES(${c}), ${c})`)
    .join(', ');
}

/** Customers, orders and their line items into MySQL, as idempotent bulk upserts. */
export class MysqlWriter {
  constructor(
    private readonly mysql: MysqlService,
    private readonly database: string,
  ) {}

  private table(name: string): string {
    return `\`${this.database}\`.${name}`;
  }

  async writeCustomers(events: readonly CustomerEvent[]): Promise<void> {
    const latest = latestByKey(events, (e) => e.payload.customer_id);
    if (latest.length === 0) return;
    const customers = latest.map((e) => {
      const p = e.payload;
      return [
        p.customer_id,
        p.email,
        p.first_name,
        p.last_name,
        p.phone,
        p.date_of_birth,
        p.gender,
        p.country,
        p.city,
        p.postal_code,
        mysqlTime(p.registration_date),
        p.acquisition_channel,
        p.customer_status,
        p.is_email_subscribed,
        mysqlTime(e.event_time),
        mysqlTime(e.event_time),
      ];
    });
    const demographics = latest.map((e) => [
      e.payload.customer_id,
      ...DEMOGRAPHIC_COLUMNS.map((c) => e.payload.demographics[c]),
      mysqlTime(e.event_time),
    ]);
    await this.mysql.transaction(async (connection) => {
      await connection.query(
        `INSERT INTO ${this.table('customers')} (${CUSTOMER_COLUMNS.join(', ')}, created_at, updated_at) VALUES ?
         ON DUPLICATE KEY UPDATE ${latestWins(CUSTOMER_COLUMNS.slice(1))},
           created_at = LEAST(created_at, VALUES(created_at)),
           updated_at = GREATEST(updated_at, VALUES(updated_at))`,
        [customers],
      );
      await connection.query(
        `INSERT INTO ${this.table('customer_demographics')} (customer_id, ${DEMOGRAPHIC_COLUMNS.join(', ')}, updated_at) VALUES ?
         ON DUPLICATE KEY UPDATE ${latestWins(DEMOGRAPHIC_COLUMNS)}, updated_at = GREATEST(updated_at, VALUES(updated_at))`,
        [demographics],
      );
    });
  }

  /** The customer ids among these that exist. */
  async existingCustomers(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.mysql.query<{ customer_id: string }>(
      `SELECT customer_id FROM ${this.table('customers')} WHERE customer_id IN (?)`,
      [[...new Set(ids)]],
    );
    return new Set(rows.map((r) => r.customer_id));
  }

  /** Orders are immutable: a redelivered one matches its rows and changes nothing. */
  async writeTransactions(events: readonly TransactionEvent[]): Promise<void> {
    const orders = latestByKey(events, (e) => e.payload.transaction_id);
    if (orders.length === 0) return;
    const transactions = orders.map((e) => {
      const p = e.payload;
      return [
        p.transaction_id,
        p.customer_id,
        mysqlTime(e.event_time),
        p.total_amount.toFixed(2),
        p.currency,
        p.payment_method,
        p.order_status,
        p.channel,
        p.session_id,
      ];
    });
    const items = orders.flatMap((e) =>
      e.payload.items.map((i) => [
        e.payload.transaction_id,
        i.line_number,
        i.product_id,
        i.product_name,
        i.category,
        i.quantity,
        i.unit_price.toFixed(2),
        i.discount_amount.toFixed(2),
        i.line_total.toFixed(2),
      ]),
    );
    await this.mysql.transaction(async (connection) => {
      await connection.query(
        `INSERT INTO ${this.table('transactions')} (transaction_id, customer_id, transaction_date, total_amount, currency,
           payment_method, order_status, channel, session_id) VALUES ?
         ON DUPLICATE KEY UPDATE transaction_id = transaction_id`,
        [transactions],
      );
      await connection.query(
        `INSERT INTO ${this.table('transaction_items')} (transaction_id, line_number, product_id, product_name, category,
           quantity, unit_price, discount_amount, line_total) VALUES ?
         ON DUPLICATE KEY UPDATE item_id = item_id`,
        [items],
      );
    });
  }
}

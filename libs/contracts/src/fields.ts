import { Type as T } from '@sinclair/typebox';
import './formats';

/** Field types shared by the event schemas; `expected` says in words what a value must be. */
export const DateTime = T.String({
  format: 'date-time',
  expected: 'an ISO 8601 date-time with zone, e.g. 2024-01-15T10:30:00Z',
});
export const DateOnly = T.String({ format: 'date', expected: 'a date YYYY-MM-DD' });
export const Uuid = T.String({ format: 'uuid', expected: 'a UUID' });
/** A customer id, in events and in the API's paths alike. */
export const CustomerId = T.String({
  pattern: '^CUST_[0-9]{6,}$',
  expected: 'a customer id like CUST_000001',
});
export const TransactionId = T.String({
  pattern: '^TXN_[0-9]{8,}$',
  expected: 'a transaction id TXN_00000001',
});
export const ProductId = T.String({
  pattern: '^PROD_[0-9]{5,}$',
  expected: 'a product id PROD_00001',
});
export const CampaignId = T.String({
  pattern: '^CAMP_[0-9]{4,}$',
  expected: 'a campaign id CAMP_0001',
});
export const TestId = T.String({
  pattern: '^TEST_[0-9]{4,}$',
  expected: 'an A/B test id TEST_0001',
});
/** A session id, in events and in the API's paths alike. */
export const SessionId = T.String({
  pattern: '^SESS_[0-9A-Za-z]{8,}$',
  expected: 'a session id like SESS_0000abcd',
});
export const Money = T.Number({
  minimum: 0,
  maximum: 1e9,
  expected: 'an amount >= 0 with at most 2 decimals',
});
export const Count = T.Integer({ minimum: 0 });
export const Text = (maxLength: number) => T.String({ minLength: 1, maxLength });
export const Currency = T.String({ pattern: '^[A-Z]{3}$', expected: 'an ISO 4217 code, e.g. EUR' });
export const Ratio = T.Number({ minimum: 0, maximum: 1 });
export const Nullable = <S extends Parameters<typeof T.Union>[0][number]>(schema: S) =>
  T.Union([schema, T.Null()]);
export const OneOf = <V extends string>(values: readonly V[]) =>
  T.Union(values.map((v) => T.Literal(v)));

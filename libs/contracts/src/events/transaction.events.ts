import { type Static, Type as T } from '@sinclair/typebox';
import {
  Currency,
  CustomerId,
  Money,
  Nullable,
  OneOf,
  ProductId,
  SessionId,
  Text,
  TransactionId,
} from '../fields';

export const PAYMENT_METHODS = [
  'card',
  'paypal',
  'bank_transfer',
  'apple_pay',
  'google_pay',
  'gift_card',
] as const;
export const ORDER_STATUSES = [
  'completed',
  'shipped',
  'delivered',
  'returned',
  'cancelled',
] as const;
export const SALES_CHANNELS = ['web', 'mobile_app', 'store'] as const;
export const PRODUCT_CATEGORIES = [
  'electronics',
  'fashion',
  'home',
  'beauty',
  'sports',
  'books',
  'toys',
  'grocery',
] as const;

export const LineItem = T.Object(
  {
    line_number: T.Integer({ minimum: 1, maximum: 100 }),
    product_id: ProductId,
    product_name: Text(200),
    category: OneOf(PRODUCT_CATEGORIES),
    quantity: T.Integer({ minimum: 1, maximum: 1000 }),
    unit_price: Money,
    discount_amount: Money,
    line_total: Money,
  },
  { additionalProperties: false },
);
export type LineItem = Static<typeof LineItem>;

/** An order with its line items; the envelope's event_time is when it was placed. */
export const TransactionPayload = T.Object(
  {
    transaction_id: TransactionId,
    customer_id: CustomerId,
    total_amount: Money,
    currency: Currency,
    payment_method: OneOf(PAYMENT_METHODS),
    order_status: OneOf(ORDER_STATUSES),
    channel: OneOf(SALES_CHANNELS),
    session_id: Nullable(SessionId),
    items: T.Array(LineItem, { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type TransactionPayload = Static<typeof TransactionPayload>;

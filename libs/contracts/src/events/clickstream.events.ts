import { type Static, Type as T } from '@sinclair/typebox';
import {
  CampaignId,
  Count,
  CustomerId,
  DateTime,
  Money,
  Nullable,
  OneOf,
  ProductId,
  Ratio,
  SessionId,
  Text,
  TransactionId,
} from '../fields';
import { PRODUCT_CATEGORIES } from './transaction.events';

export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet'] as const;
export const TRAFFIC_SOURCES = [
  'direct',
  'organic_search',
  'paid_search',
  'social',
  'email',
  'referral',
  'display',
  'affiliate',
] as const;
export const PAGE_TYPES = [
  'home',
  'category',
  'product',
  'search',
  'cart',
  'checkout',
  'confirmation',
  'account',
  'content',
] as const;
export const INTERACTION_TYPES = [
  'add_to_cart',
  'remove_from_cart',
  'wishlist_add',
  'checkout_start',
  'purchase',
  'coupon_applied',
  'signup',
  'login',
] as const;
export const PRODUCT_INTERACTION_TYPES = [
  'view',
  'zoom',
  'image_swipe',
  'review_read',
  'compare',
  'size_guide',
] as const;

/** A finished session's summary; the envelope's event_time is its end. customer_id null: anonymous. */
export const SessionPayload = T.Object(
  {
    session_id: SessionId,
    customer_id: Nullable(CustomerId),
    start_time: DateTime,
    end_time: DateTime,
    duration_seconds: Count,
    page_views: Count,
    device_type: OneOf(DEVICE_TYPES),
    browser: Text(50),
    os: Text(50),
    traffic_source: OneOf(TRAFFIC_SOURCES),
    campaign_id: Nullable(CampaignId),
    landing_page: Text(500),
    exit_page: Text(500),
    is_bounce: T.Boolean(),
    converted: T.Boolean(),
  },
  { additionalProperties: false },
);
export type SessionPayload = Static<typeof SessionPayload>;

/** One page view; its id is the envelope's event_id and its time the event_time. */
export const PageViewPayload = T.Object(
  {
    session_id: SessionId,
    customer_id: Nullable(CustomerId),
    page_url: Text(500),
    page_type: OneOf(PAGE_TYPES),
    referrer: Nullable(Text(500)),
    time_on_page_seconds: Count,
    scroll_depth: Ratio,
    product_id: Nullable(ProductId),
    category: Nullable(OneOf(PRODUCT_CATEGORIES)),
    sequence_number: T.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);
export type PageViewPayload = Static<typeof PageViewPayload>;

/** A shopper action within a session (add to cart, purchase, ...). */
export const InteractionPayload = T.Object(
  {
    session_id: SessionId,
    customer_id: Nullable(CustomerId),
    interaction_type: OneOf(INTERACTION_TYPES),
    product_id: Nullable(ProductId),
    value: Nullable(Money),
    quantity: Nullable(T.Integer({ minimum: 1, maximum: 1000 })),
    transaction_id: Nullable(TransactionId),
  },
  { additionalProperties: false },
);
export type InteractionPayload = Static<typeof InteractionPayload>;

/** Time spent with one product (viewing, zooming, reading reviews, ...). */
export const ProductInteractionPayload = T.Object(
  {
    session_id: SessionId,
    customer_id: Nullable(CustomerId),
    product_id: ProductId,
    category: OneOf(PRODUCT_CATEGORIES),
    interaction_type: OneOf(PRODUCT_INTERACTION_TYPES),
    duration_seconds: Count,
    price: Money,
  },
  { additionalProperties: false },
);
export type ProductInteractionPayload = Static<typeof ProductInteractionPayload>;

export const SearchPayload = T.Object(
  {
    session_id: SessionId,
    customer_id: Nullable(CustomerId),
    query: Text(200),
    results_count: Count,
    clicked_result_position: Nullable(T.Integer({ minimum: 1 })),
    category_filter: Nullable(OneOf(PRODUCT_CATEGORIES)),
    converted: T.Boolean(),
  },
  { additionalProperties: false },
);
export type SearchPayload = Static<typeof SearchPayload>;

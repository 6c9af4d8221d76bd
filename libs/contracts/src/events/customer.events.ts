import { type Static, Type as T } from '@sinclair/typebox';
import { CustomerId, DateOnly, DateTime, Nullable, OneOf, Text } from '../fields';

export const GENDERS = ['female', 'male', 'non_binary', 'undisclosed'] as const;
export const ACQUISITION_CHANNELS = [
  'organic',
  'paid_search',
  'social',
  'email',
  'referral',
  'affiliate',
  'display',
] as const;
export const CUSTOMER_STATUSES = ['active', 'inactive', 'churned'] as const;
export const AGE_GROUPS = ['18-24', '25-34', '35-44', '45-54', '55-64', '65+'] as const;
export const INCOME_BRACKETS = [
  '<25k',
  '25k-50k',
  '50k-75k',
  '75k-100k',
  '100k-150k',
  '150k+',
] as const;
export const EDUCATION_LEVELS = [
  'secondary',
  'vocational',
  'bachelor',
  'master',
  'doctorate',
] as const;
export const MARITAL_STATUSES = ['single', 'married', 'divorced', 'widowed', 'partnered'] as const;

export const Demographics = T.Object(
  {
    age_group: OneOf(AGE_GROUPS),
    income_bracket: OneOf(INCOME_BRACKETS),
    education_level: OneOf(EDUCATION_LEVELS),
    occupation: Text(100),
    marital_status: OneOf(MARITAL_STATUSES),
    household_size: T.Integer({ minimum: 1, maximum: 20 }),
  },
  { additionalProperties: false },
);

/** A customer as the shop knows them now: sent when created and on every change. */
export const CustomerPayload = T.Object(
  {
    customer_id: CustomerId,
    email: T.String({ format: 'email', maxLength: 255, expected: 'an e-mail address' }),
    first_name: Text(100),
    last_name: Text(100),
    phone: Nullable(T.String({ pattern: '^[+0-9 ()./x-]{5,40}$', expected: 'a phone number' })),
    date_of_birth: Nullable(DateOnly),
    gender: OneOf(GENDERS),
    country: T.String({ pattern: '^[A-Z]{2}$', expected: 'an ISO 3166 alpha-2 country code' }),
    city: Text(100),
    postal_code: Nullable(T.String({ minLength: 1, maxLength: 20 })),
    registration_date: DateTime,
    acquisition_channel: OneOf(ACQUISITION_CHANNELS),
    customer_status: OneOf(CUSTOMER_STATUSES),
    is_email_subscribed: T.Boolean(),
    demographics: Demographics,
  },
  { additionalProperties: false },
);
export type CustomerPayload = Static<typeof CustomerPayload>;

import { type CustomerFeatures, CustomerFeaturesSchema } from '@amato/features';

/**
 * A customer's online features as one flat object, by the training dataset's column names:
 * `recency_days`, `avg_order_value`, `windows.revenue_90d`, `device_mix.mobile`.
 */
export type OnlineFeatureValues = Readonly<Record<string, number>>;

/** What the scorer takes for a customer: deriveFeatures' output, or the flat values. */
export type CustomerRevenueInput = CustomerFeatures | OnlineFeatureValues;

const SEGMENTATION = Object.keys(CustomerFeaturesSchema.properties.features.properties);
const WINDOWS = Object.keys(CustomerFeaturesSchema.properties.windows.properties);
const DEVICES = Object.keys(CustomerFeaturesSchema.properties.device_mix.properties);

/**
 * Every online feature, what the stream keeps per customer (deriveFeatures), in the training
 * dataset's column order: the 36 segmentation features, the average order value, the windows and
 * the device mix. A model may read any of them, in any order: its artifact lists which.
 */
export const ONLINE_FEATURES: readonly string[] = [
  ...SEGMENTATION,
  'avg_order_value',
  ...WINDOWS.map((name) => `windows.${name}`),
  ...DEVICES.map((name) => `device_mix.${name}`),
];

const KNOWN = new Set(ONLINE_FEATURES);

export function isOnlineFeature(name: string): boolean {
  return KNOWN.has(name);
}

/**
 * A value the scorer cannot use: missing, not a number, or not finite. Names the row (its index
 * in the batch, and the customer when known) and the field as it is spelled in the input.
 */
export class CustomerRevenueInputError extends RangeError {
  constructor(
    readonly row: number,
    readonly field: string,
    readonly problem: string,
    customerId?: string,
  ) {
    const who = customerId === undefined ? '' : ` (customer ${customerId})`;
    super(`customer revenue input row ${row}${who}: ${field} ${problem}`);
  }
}

type Fields = Readonly<Record<string, unknown>>;

/** Where a CustomerFeatures holds one feature: in which of its objects, under which key. */
interface Place {
  readonly group: 'features' | 'windows' | 'device_mix' | undefined;
  readonly key: string;
}

function placeOf(name: string): Place {
  if (!isOnlineFeature(name)) throw new RangeError(`${name} is no online feature`);
  if (name === 'avg_order_value') return { group: undefined, key: name };
  for (const group of ['windows', 'device_mix'] as const) {
    if (name.startsWith(`${group}.`)) return { group, key: name.slice(group.length + 1) };
  }
  return { group: 'features', key: name };
}

/** A CustomerFeatures rather than flat values: it holds its segmentation features as an object. */
function isCustomerFeatures(row: Fields): boolean {
  return typeof row.features === 'object' && row.features !== null;
}

/** How a value reads in a message: NaN and Infinity as such, a string quoted. */
function shown(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  return typeof value;
}

/** Writes customers' vectors, in the model's feature order, into one flat float32 batch. */
export interface CustomerRevenueFeaturizer {
  readonly featureNames: readonly string[];
  readonly width: number;
  /** Row `index` of a batch, at `offset`; a CustomerRevenueInputError for an unusable value. */
  encodeInto(row: CustomerRevenueInput, index: number, target: Float32Array, offset: number): void;
}

/**
 * The featurizer of a feature list, each name an online feature (isOnlineFeature). A
 * CustomerFeatures is read where deriveFeatures puts each value (`features.recency_days`,
 * `windows.revenue_90d`), flat values by the names themselves; errors name the field so.
 */
export function createCustomerRevenueFeaturizer(
  names: readonly string[],
): CustomerRevenueFeaturizer {
  const places = names.map(placeOf);
  return {
    featureNames: names,
    width: names.length,
    encodeInto(input, index, target, offset) {
      const row = input as Fields;
      const nested = isCustomerFeatures(row);
      const customer = typeof row.customer_id === 'string' ? row.customer_id : undefined;
      const fail = (field: string, problem: string): never => {
        throw new CustomerRevenueInputError(index, field, problem, customer);
      };
      places.forEach((place, k) => {
        const name = names[k] as string;
        let value: unknown = row[name];
        let field = name;
        if (nested) {
          const holder: unknown = place.group === undefined ? row : row[place.group];
          if (typeof holder !== 'object' || holder === null) {
            fail(place.group ?? name, `is ${shown(holder)}, expected an object`);
          }
          value = (holder as Fields)[place.key];
          field = place.group === undefined ? place.key : `${place.group}.${place.key}`;
        }
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          fail(
            field,
            value === undefined ? 'is missing' : `is ${shown(value)}, expected a finite number`,
          );
        }
        target[offset + k] = value as number;
      });
    },
  };
}

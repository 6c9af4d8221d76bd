import { type Static, Type as T } from '@sinclair/typebox';
import { CustomerId } from '@amato/contracts';
import { CustomerFeaturesSchema } from '@amato/features';
import { MODEL_NAMES } from '@amato/models';

const strict = { additionalProperties: false };

export const ModelType = T.Union([T.Literal('kmeans'), T.Literal('hdbscan')], {
  expected: 'kmeans or hdbscan',
  default: 'kmeans',
});

/** The 36 segmentation features, every one required and finite. */
export const SegmentationFeaturesBody = T.Object(
  Object.fromEntries(
    Object.entries(CustomerFeaturesSchema.properties.features.properties).map(([name, schema]) => [
      name,
      T.Number({
        description: (schema as { description?: string }).description,
        expected: 'a number',
      }),
    ]),
  ),
  {
    ...strict,
    description:
      'The segmentation vector, as GET /customers/{id}/features returns it under features',
  },
);

export const SegmentCustomerBody = T.Object(
  {
    customer_id: T.Optional(CustomerId),
    features: T.Optional(SegmentationFeaturesBody),
    model_type: T.Optional(ModelType),
  },
  {
    ...strict,
    description:
      'A customer id (its features come from the stream, as of now), a feature vector, or both (the vector is used, the id is echoed)',
  },
);
export type SegmentCustomerRequest = Static<typeof SegmentCustomerBody>;

export const SegmentBatchBody = T.Object(
  {
    customers: T.Array(
      T.Object(
        { customer_id: T.Optional(CustomerId), features: T.Optional(SegmentationFeaturesBody) },
        strict,
      ),
      { minItems: 1, maxItems: 10_000, expected: 'a list of 1 to 10,000 customers' },
    ),
    model_type: T.Optional(ModelType),
  },
  strict,
);
export type SegmentBatchRequest = Static<typeof SegmentBatchBody>;

const NullableNum = T.Union([T.Number(), T.Null()]);
export const SegmentCharacteristicsSchema = T.Object({
  segment: T.Integer(),
  segment_type: T.String(),
  customer_count: T.Integer(),
  avg_monetary_value: NullableNum,
  avg_frequency: NullableNum,
  avg_recency_days: NullableNum,
  avg_engagement_score: NullableNum,
});

export const SegmentResponseSchema = T.Object({
  customer_id: T.Union([T.String(), T.Null()]),
  segment: T.Integer({ description: '-1: noise (hdbscan only)' }),
  segment_type: T.String(),
  confidence_score: T.Number({ minimum: 0, maximum: 1 }),
  model_used: T.String(),
  model_version: T.Integer(),
  inference_timestamp: T.String({ format: 'date-time' }),
  segment_characteristics: SegmentCharacteristicsSchema,
});

export const ModelVersionSchema = T.Object({
  name: T.String(),
  version: T.Integer(),
  format: T.String(),
  sha256: T.String(),
  bytes: T.Integer(),
  metadata: T.Record(T.String(), T.Unknown()),
  createdAt: T.String(),
  active: T.Boolean(),
  activatedAt: T.Union([T.String(), T.Null()]),
});

export const ModelsResponseSchema = T.Object({
  versions: T.Array(
    T.Composite([
      ModelVersionSchema,
      T.Object({
        headline: T.String({
          description:
            "the version's headline figure against its baseline, from its metrics ('' when it has none)",
        }),
      }),
    ]),
  ),
  serving: T.Array(
    T.Object({
      name: T.String(),
      version: T.Union([T.Integer(), T.Null()]),
      loadedAt: T.Union([T.String(), T.Null()]),
      lastError: T.Union([T.String(), T.Null()]),
    }),
  ),
});

export const ModelNameParam = T.String({
  pattern: `^(${MODEL_NAMES.join('|')})$`,
  expected: `${MODEL_NAMES.slice(0, -1).join(', ')} or ${MODEL_NAMES.at(-1) ?? ''}`,
});
export const VersionParam = T.String({
  pattern: '^[1-9][0-9]{0,8}$',
  expected: 'a version number such as 3',
});

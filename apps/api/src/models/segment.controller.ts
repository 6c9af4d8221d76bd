import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Inject,
  NotFoundException,
  Post,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Type as T } from '@sinclair/typebox';
import { deriveFeatures, FeatureStore } from '@amato/features';
import { type Segmenter, segmentationVector } from '@amato/models';
import { API_KEY_SCHEME } from '../auth/api-key.guard';
import { SchemaBodyPipe } from '../validation/schema-body.pipe';
import {
  SegmentBatchBody,
  type SegmentBatchRequest,
  SegmentCustomerBody,
  type SegmentCustomerRequest,
  SegmentResponseSchema,
} from './models.schemas';
import { ApiModels } from './serving';

const schema = (s: unknown) => s as SchemaObject;

type Customer = { customer_id?: string; features?: Record<string, number> };

/** Which segment a customer is in, by the active k-means or HDBSCAN version. */
@ApiTags('segments')
@ApiSecurity(API_KEY_SCHEME)
@ApiBadRequestResponse({ description: 'a field missing or out of range, named in the message' })
@ApiConflictResponse({ description: 'the model type has no active version yet' })
@Controller('segment')
export class SegmentController {
  constructor(
    @Inject(ApiModels) private readonly models: ApiModels,
    @Inject(FeatureStore) private readonly store: FeatureStore,
  ) {}

  @Post('customer')
  @HttpCode(200)
  @ApiOperation({
    summary: "A customer's segment, from a feature vector or from the stream's features",
  })
  @ApiBody({ schema: schema(SegmentCustomerBody) })
  @ApiOkResponse({ schema: schema(SegmentResponseSchema) })
  async customer(@Body(new SchemaBodyPipe(SegmentCustomerBody)) body: SegmentCustomerRequest) {
    const served = await this.models.require<Segmenter>(body.model_type ?? 'kmeans');
    const [result] = await this.segment(served.model, served.version, [body]);
    return result;
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'The segments of up to 10,000 customers in one call' })
  @ApiBody({ schema: schema(SegmentBatchBody) })
  @ApiOkResponse({ schema: schema(T.Object({ results: T.Array(SegmentResponseSchema) })) })
  async batch(@Body(new SchemaBodyPipe(SegmentBatchBody)) body: SegmentBatchRequest) {
    const served = await this.models.require<Segmenter>(body.model_type ?? 'kmeans');
    return { results: await this.segment(served.model, served.version, body.customers) };
  }

  private async segment(model: Segmenter, version: number, customers: readonly Customer[]) {
    const at = Date.now();
    const inference = new Date(at).toISOString();
    const bySegment = new Map(model.segments.map((s) => [s.segment, s]));
    const vectors = await Promise.all(
      customers.map(async (c, i) => {
        const where = customers.length > 1 ? `customers[${i}]: ` : '';
        if (c.features) return segmentationVector(c.features, model.features);
        if (!c.customer_id) {
          throw new BadRequestException(`${where}give customer_id or features`);
        }
        const aggregates = await this.store.read(c.customer_id);
        if (!aggregates) {
          throw new NotFoundException(
            `${where}no features for ${c.customer_id}: no event of theirs has arrived; send features instead`,
          );
        }
        return segmentationVector(deriveFeatures(aggregates, at).features, model.features);
      }),
    );
    return vectors.map((vector, i) => {
      const a = model.assign(vector);
      return {
        customer_id: customers[i]?.customer_id ?? null,
        segment: a.segment,
        segment_type: a.segmentType,
        confidence_score: a.confidence,
        model_used: model.modelType,
        model_version: version,
        inference_timestamp: inference,
        segment_characteristics: bySegment.get(a.segment),
      };
    });
  }
}

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
import { type Segmenter, type SegmentResult, segmentationVector } from '@amato/models';
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

/** How long a batch assigns before it lets other requests run, ms. */
const SLICE_MS = 10;

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
  @ApiOperation({
    summary: 'The segments of up to 10,000 customers in one call',
    description:
      'k-means answers 10,000 customers in about 0.2 s. HDBSCAN compares each customer with every training customer, about 1 ms each at 8,000 of them, so a full batch takes seconds; other requests are answered meanwhile.',
  })
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
    // Assigned in slices of about 10 ms, yielding between them: an HDBSCAN assignment scans
    // every training point (about 1 ms at 8,000), so 10,000 customers would otherwise hold the
    // event loop for seconds, and a request needs several turns of it to be answered.
    const assignments: SegmentResult[] = [];
    let slice = performance.now();
    for (const vector of vectors) {
      if (performance.now() - slice > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      assignments.push(model.assign(vector));
    }
    return assignments.map((a, i) => {
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

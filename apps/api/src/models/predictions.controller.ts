import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Type as T } from '@sinclair/typebox';
import {
  CustomerId,
  JourneyPredictionSchema,
  SegmentPredictionSchema,
  SessionId,
} from '@amato/contracts';
import { PredictionStore } from '@amato/models';
import { API_KEY_SCHEME } from '../auth/api-key.guard';
import { SchemaParamPipe } from '../validation/schema-param.pipe';
import { SchemaQueryPipe } from '../validation/schema-query.pipe';
import { ModelType } from './models.schemas';

const schema = (s: unknown) => s as SchemaObject;
const SegmentQuery = T.Object(
  { model_type: T.Optional(ModelType) },
  { additionalProperties: false },
);

/** The latest predictions the stream made, as the processor recorded them beside the features. */
@ApiTags('predictions')
@ApiSecurity(API_KEY_SCHEME)
@ApiBadRequestResponse({ description: 'a malformed id or parameter' })
@ApiNotFoundResponse({ description: 'the stream has made no such prediction yet' })
@Controller()
export class PredictionsController {
  constructor(@Inject(PredictionStore) private readonly predictions: PredictionStore) {}

  @Get('customers/:customerId/segment')
  @ApiOperation({ summary: "A customer's latest segment, as the stream last predicted it" })
  @ApiParam({ name: 'customerId', schema: { type: 'string', pattern: CustomerId.pattern } })
  @ApiQuery({
    name: 'model_type',
    required: false,
    schema: { type: 'string', enum: ['kmeans', 'hdbscan'] },
  })
  @ApiOkResponse({ schema: schema(SegmentPredictionSchema) })
  async segment(
    @Param('customerId', new SchemaParamPipe(CustomerId)) customerId: string,
    @Query(new SchemaQueryPipe(SegmentQuery)) q: { model_type?: 'kmeans' | 'hdbscan' },
  ) {
    const model = q.model_type ?? 'kmeans';
    const found = await this.predictions.segment(model, customerId);
    if (!found) {
      throw new NotFoundException(
        `no ${model} segment for ${customerId} yet: the processor predicts one when an event of theirs arrives while a ${model} version is active`,
      );
    }
    return found;
  }

  @Get('sessions/:sessionId/prediction')
  @ApiOperation({ summary: "A live session's latest conversion probability, from the stream" })
  @ApiParam({ name: 'sessionId', schema: { type: 'string', pattern: SessionId.pattern } })
  @ApiOkResponse({ schema: schema(JourneyPredictionSchema) })
  async journey(@Param('sessionId', new SchemaParamPipe(SessionId)) sessionId: string) {
    const found = await this.predictions.journey(sessionId);
    if (!found) {
      throw new NotFoundException(
        `no prediction for ${sessionId}: unknown or expired, or no journey version was active when its events arrived`,
      );
    }
    return found;
  }
}

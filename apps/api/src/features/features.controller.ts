import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Query,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiSecurity,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { CustomerId, SessionId } from '@amato/contracts';
import {
  type CustomerFeatures,
  CustomerFeaturesSchema,
  deriveFeatures,
  FeatureStore,
  type JourneyState,
  JourneyStateSchema,
} from '@amato/features';
import { API_KEY_SCHEME } from '../auth/api-key.guard';
import { ErrorBodySchema } from '../errors/error-body';
import { SchemaParamPipe } from '../validation/schema-param.pipe';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function asOfMs(value: string | undefined): number {
  if (value === undefined) return Date.now();
  const ms = ISO_TIME.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw new BadRequestException(
      `as_of: expected an ISO 8601 date-time with a zone, e.g. 2026-01-31T12:00:00Z; got ${JSON.stringify(value)}`,
    );
  }
  return ms;
}

@ApiTags('features')
@ApiSecurity(API_KEY_SCHEME)
@ApiUnauthorizedResponse({ description: 'no API key, or an unknown one' })
@ApiServiceUnavailableResponse({
  description: 'Redis, where features are read from, cannot answer now; retry in a few seconds',
  schema: ErrorBodySchema as unknown as SchemaObject,
})
@Controller()
export class FeaturesController {
  constructor(@Inject(FeatureStore) private readonly store: FeatureStore) {}

  @Get('customers/:customerId/features')
  @ApiOperation({
    summary: "A customer's real-time features",
    description:
      'RFM, engagement, rolling windows and the segmentation feature vector, as kept current by the stream processor. Definitions: docs/features.md.',
  })
  @ApiParam({
    name: 'customerId',
    schema: { type: 'string', pattern: CustomerId.pattern },
    example: 'CUST_000001',
  })
  @ApiQuery({
    name: 'as_of',
    required: false,
    description: 'The moment the features describe (recency, windows); default now.',
    example: '2026-01-31T12:00:00Z',
  })
  @ApiOkResponse({ schema: CustomerFeaturesSchema as unknown as SchemaObject })
  @ApiBadRequestResponse({ description: 'a malformed customer id or as_of' })
  @ApiNotFoundResponse({ description: 'the stream has seen no event of this customer' })
  async customerFeatures(
    @Param('customerId', new SchemaParamPipe(CustomerId)) customerId: string,
    @Query('as_of') asOf?: string,
  ): Promise<CustomerFeatures> {
    const at = asOfMs(asOf);
    const aggregates = await this.store.read(customerId);
    if (!aggregates) {
      throw new NotFoundException(`no features for ${customerId}: no event of theirs has arrived`);
    }
    return deriveFeatures(aggregates, at);
  }

  @Get('sessions/:sessionId/journey')
  @ApiOperation({
    summary: "A live session's journey so far",
    description:
      'The state a conversion model reads; kept for features.sessionTtlHours after the last event.',
  })
  @ApiParam({
    name: 'sessionId',
    schema: { type: 'string', pattern: SessionId.pattern },
    example: 'SESS_0000abcd',
  })
  @ApiOkResponse({ schema: JourneyStateSchema as unknown as SchemaObject })
  @ApiBadRequestResponse({ description: 'a malformed session id' })
  @ApiNotFoundResponse({ description: 'no live session with this id' })
  async journey(
    @Param('sessionId', new SchemaParamPipe(SessionId)) sessionId: string,
  ): Promise<JourneyState> {
    const journey = await this.store.readJourney(sessionId);
    if (!journey) {
      throw new NotFoundException(`no live session ${sessionId}: unknown, or expired`);
    }
    return journey;
  }
}

import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
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
import { type Static, Type as T } from '@sinclair/typebox';
import { CustomerId } from '@amato/contracts';
import { MongoService } from '@amato/mongo';
import { API_KEY_SCHEME } from '../auth/api-key.guard';
import { SchemaParamPipe } from '../validation/schema-param.pipe';
import { SchemaQueryPipe } from '../validation/schema-query.pipe';

const SessionsQuery = T.Object(
  {
    limit: T.Integer({ minimum: 1, maximum: 50, default: 5, expected: 'an integer from 1 to 50' }),
  },
  { additionalProperties: false },
);

const Time = T.Union([T.String({ format: 'date-time' }), T.Null()]);
export const CustomerSession = T.Object({
  session_id: T.String(),
  start_time: Time,
  end_time: Time,
  duration_seconds: T.Union([T.Number(), T.Null()]),
  page_views: T.Union([T.Number(), T.Null()]),
  device_type: T.Union([T.String(), T.Null()]),
  browser: T.Union([T.String(), T.Null()]),
  traffic_source: T.Union([T.String(), T.Null()]),
  campaign_id: T.Union([T.String(), T.Null()]),
  converted: T.Union([T.Boolean(), T.Null()]),
});
type CustomerSession = Static<typeof CustomerSession>;

const iso = (v: unknown): string | null =>
  v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : null;
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** A customer's sessions as the clickstream store holds them, newest first. */
@ApiTags('features')
@ApiSecurity(API_KEY_SCHEME)
@ApiUnauthorizedResponse({ description: 'no API key, or an unknown one' })
@Controller()
export class CustomerSessionsController {
  constructor(@Inject(MongoService) private readonly mongo: MongoService) {}

  @Get('customers/:customerId/sessions')
  @ApiOperation({
    summary: "A customer's latest sessions, from the clickstream store (MongoDB)",
    description:
      'Newest first. A session still live has its journey at GET /sessions/{id}/journey and its conversion probability at GET /sessions/{id}/prediction. An unknown customer has none: an empty list.',
  })
  @ApiParam({ name: 'customerId', schema: { type: 'string', pattern: CustomerId.pattern } })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 50, default: 5 },
  })
  @ApiOkResponse({ schema: T.Array(CustomerSession) as unknown as SchemaObject })
  @ApiBadRequestResponse({ description: 'a malformed customer id or limit' })
  @ApiServiceUnavailableResponse({ description: 'MongoDB does not answer' })
  async sessions(
    @Param('customerId', new SchemaParamPipe(CustomerId)) customerId: string,
    @Query(new SchemaQueryPipe(SessionsQuery)) q: Static<typeof SessionsQuery>,
  ): Promise<CustomerSession[]> {
    const docs: Record<string, unknown>[] = await this.mongo.read((db) =>
      db
        .collection('sessions')
        .find({ customer_id: customerId }, { projection: { _id: 0 } })
        .sort({ start_time: -1 })
        .limit(q.limit)
        .toArray(),
    );
    return docs.map((d) => ({
      session_id: String(d.session_id),
      start_time: iso(d.start_time),
      end_time: iso(d.end_time),
      duration_seconds: num(d.duration_seconds),
      page_views: num(d.page_views),
      device_type: str(d.device_type),
      browser: str(d.browser),
      traffic_source: str(d.traffic_source),
      campaign_id: str(d.campaign_id),
      converted: typeof d.converted === 'boolean' ? d.converted : null,
    }));
  }
}

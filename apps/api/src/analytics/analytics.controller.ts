import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { TObject, TSchema } from '@sinclair/typebox';
import { Type as T } from '@sinclair/typebox';
import { AnalyticsReader } from '@amato/batch';
import { TestId } from '@amato/contracts';
import { API_KEY_SCHEME } from '../auth/api-key.guard';
import { SchemaParamPipe } from '../validation/schema-param.pipe';
import { SchemaQueryPipe } from '../validation/schema-query.pipe';
import {
  BatchRunSchema,
  CampaignPerformance,
  type CampaignsQuery,
  CampaignsQuerySchema,
  ChannelEfficiency,
  DataQualityCheck,
  type DataQualityQuery,
  DataQualityQuerySchema,
  DepthConversion,
  EmptyQuerySchema,
  ExperimentDetail,
  ExperimentListItem,
  type ExperimentsQuery,
  ExperimentsQuerySchema,
  PagedSchema,
  type PageQuery,
  PageQuerySchema,
  PageTransition,
  RfmCustomer,
  type RfmCustomersQuery,
  RfmCustomersQuerySchema,
  RfmSegment,
  TopPath,
  type TransitionsQuery,
  TransitionsQuerySchema,
} from './analytics.schemas';

const schema = (s: TSchema) => s as unknown as SchemaObject;

/** The OpenAPI description of a query schema's parameters. */
function queryDocs(s: TObject): MethodDecorator {
  const decorators = Object.entries(s.properties).map(([name, p]) =>
    ApiQuery({
      name,
      required: false,
      schema: schema(p),
      description: typeof p.expected === 'string' ? p.expected : undefined,
    }),
  );
  return (target, key, descriptor) => {
    for (const d of decorators) d(target, key, descriptor);
  };
}

/**
 * The batch layer's results, read from PostgreSQL's analytics schema (./amato batch writes it).
 * Lists are paged (limit, offset) and every filter is validated; before the first batch run a
 * read is a 404 that says so.
 */
@ApiTags('analytics')
@ApiSecurity(API_KEY_SCHEME)
@ApiUnauthorizedResponse({ description: 'no API key, or an unknown one' })
@ApiBadRequestResponse({ description: 'a query parameter out of its range, named in the message' })
@ApiNotFoundResponse({ description: 'no batch has produced these results yet' })
@Controller('analytics')
export class AnalyticsController {
  constructor(@Inject(AnalyticsReader) private readonly reader: AnalyticsReader) {}

  @Get('data-quality')
  @ApiOperation({ summary: 'Data-quality checks across the three stores, with failing rows' })
  @queryDocs(DataQualityQuerySchema)
  @ApiOkResponse({ schema: schema(PagedSchema(DataQualityCheck)) })
  dataQuality(@Query(new SchemaQueryPipe(DataQualityQuerySchema)) q: DataQualityQuery) {
    return this.reader.dataQuality({ severity: q.severity, failingOnly: q.failing }, q);
  }

  @Get('rfm/segments')
  @ApiOperation({ summary: 'RFM segments: customers, share and mean recency, frequency, monetary' })
  @ApiOkResponse({ schema: schema(T.Array(RfmSegment)) })
  rfmSegments(@Query(new SchemaQueryPipe(EmptyQuerySchema)) _q: Record<string, never>) {
    return this.reader.rfmSegments();
  }

  @Get('rfm/customers')
  @ApiOperation({ summary: "Customers' RFM scores, segment and lifetime value, by monetary value" })
  @queryDocs(RfmCustomersQuerySchema)
  @ApiOkResponse({ schema: schema(PagedSchema(RfmCustomer)) })
  rfmCustomers(@Query(new SchemaQueryPipe(RfmCustomersQuerySchema)) q: RfmCustomersQuery) {
    return this.reader.rfmCustomers({ segment: q.segment }, q);
  }

  @Get('campaigns')
  @ApiOperation({
    summary: 'Campaign performance: CTR, CPC, CPA, ROAS, ROI, tier, traffic brought',
  })
  @queryDocs(CampaignsQuerySchema)
  @ApiOkResponse({ schema: schema(PagedSchema(CampaignPerformance)) })
  campaigns(@Query(new SchemaQueryPipe(CampaignsQuerySchema)) q: CampaignsQuery) {
    return this.reader.campaigns({ channel: q.channel, tier: q.tier }, q);
  }

  @Get('channels')
  @ApiOperation({ summary: 'Channel efficiency: totals, ratios, ranks and shares per channel' })
  @ApiOkResponse({ schema: schema(T.Array(ChannelEfficiency)) })
  channels(@Query(new SchemaQueryPipe(EmptyQuerySchema)) _q: Record<string, never>) {
    return this.reader.channels();
  }

  @Get('journeys/transitions')
  @ApiOperation({ summary: 'Page-to-page transition probabilities, with ENTRY and EXIT' })
  @queryDocs(TransitionsQuerySchema)
  @ApiOkResponse({ schema: schema(T.Array(PageTransition)) })
  transitions(@Query(new SchemaQueryPipe(TransitionsQuerySchema)) q: TransitionsQuery) {
    return this.reader.transitions({ fromPage: q.from_page });
  }

  @Get('journeys/paths')
  @ApiOperation({ summary: 'The most common paths (first five pages) and their conversion' })
  @queryDocs(PageQuerySchema)
  @ApiOkResponse({ schema: schema(PagedSchema(TopPath)) })
  paths(@Query(new SchemaQueryPipe(PageQuerySchema)) q: PageQuery) {
    return this.reader.topPaths(q);
  }

  @Get('journeys/depth')
  @ApiOperation({ summary: 'Sessions and conversion rate by pages viewed' })
  @ApiOkResponse({ schema: schema(T.Array(DepthConversion)) })
  depth(@Query(new SchemaQueryPipe(EmptyQuerySchema)) _q: Record<string, never>) {
    return this.reader.conversionByDepth();
  }

  @Get('experiments')
  @ApiOperation({
    summary: 'A/B tests: verdict, and per treatment the lift with its always-valid interval',
  })
  @queryDocs(ExperimentsQuerySchema)
  @ApiOkResponse({ schema: schema(PagedSchema(ExperimentListItem)) })
  experiments(@Query(new SchemaQueryPipe(ExperimentsQuerySchema)) q: ExperimentsQuery) {
    return this.reader.experiments({ decision: q.decision }, q);
  }

  @Get('experiments/:testId')
  @ApiOperation({
    summary:
      "One A/B test's whole analysis: rates, lifts, intervals, tests, Bayesian, CUPED, sequential, MDE",
  })
  @ApiParam({
    name: 'testId',
    description: 'the test, e.g. TEST_0001',
    schema: { type: 'string', pattern: TestId.pattern },
  })
  @ApiOkResponse({ schema: schema(ExperimentDetail) })
  experiment(
    @Param('testId', new SchemaParamPipe(TestId)) testId: string,
    @Query(new SchemaQueryPipe(EmptyQuerySchema)) _q: Record<string, never>,
  ) {
    return this.reader.experiment(testId);
  }

  @Get('batch/last')
  @ApiOperation({
    summary: "The last batch run: cutoff, outcome, and each step's duration and rows",
  })
  @ApiOkResponse({ schema: schema(BatchRunSchema) })
  lastRun(@Query(new SchemaQueryPipe(EmptyQuerySchema)) _q: Record<string, never>) {
    return this.reader.lastRun();
  }
}

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
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { type Static, Type as T } from '@sinclair/typebox';
import { AnalyticsReader } from '@amato/batch';
import { SessionId } from '@amato/contracts';
import { FeatureStore } from '@amato/features';
import { type JourneyModel, type PageTransition, simulateJourneys } from '@amato/models';
import { API_KEY_SCHEME } from '../auth/api-key.guard';
import { SchemaBodyPipe } from '../validation/schema-body.pipe';
import { ApiModels } from './serving';

const schema = (s: unknown) => s as SchemaObject;

export const SimulateBody = T.Object(
  {
    start_page: T.Optional(
      T.String({
        pattern: '^[A-Za-z_]{1,30}$',
        expected: 'a page type such as product, or ENTRY (a new session)',
      }),
    ),
    session_id: T.Optional(SessionId),
    simulations: T.Optional(
      T.Integer({
        minimum: 1,
        maximum: 100_000,
        default: 10_000,
        expected: 'a whole number from 1 to 100,000',
      }),
    ),
    max_steps: T.Optional(
      T.Integer({
        minimum: 1,
        maximum: 200,
        default: 50,
        expected: 'a whole number from 1 to 200',
      }),
    ),
    seed: T.Optional(
      T.Integer({
        minimum: 0,
        maximum: 2 ** 31 - 1,
        default: 42,
        expected: 'a whole number from 0 to 2147483647',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Where the simulated sessions start: a page type, or a live session (its deepest page so far); default ENTRY',
  },
);
type SimulateRequest = Static<typeof SimulateBody>;

/** Journeys simulated on the batch's page-transition probabilities. */
@ApiTags('journeys')
@ApiSecurity(API_KEY_SCHEME)
@Controller('journey')
export class JourneyController {
  constructor(
    @Inject(AnalyticsReader) private readonly analytics: AnalyticsReader,
    @Inject(FeatureStore) private readonly store: FeatureStore,
    @Inject(ApiModels) private readonly models: ApiModels,
  ) {}

  @Post('simulate')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Simulate sessions from a page or a live session: conversion probability, expected steps, likely next pages and paths',
    description:
      "A first-order chain over the page_transitions of the last batch run, seeded for reproducibility; the exact conversion probability of the chain is given beside the simulated one. For a live session the active journey model's conversion probability of its state is included.",
  })
  @ApiBody({ schema: schema(SimulateBody) })
  @ApiOkResponse({ description: 'the simulation' })
  @ApiBadRequestResponse({
    description: 'a field out of range, or a start page the chain does not know',
  })
  @ApiNotFoundResponse({ description: 'no batch results yet, or no such live session' })
  async simulate(@Body(new SchemaBodyPipe(SimulateBody)) body: SimulateRequest) {
    if (body.start_page && body.session_id) {
      throw new BadRequestException('give start_page or session_id, not both');
    }
    let start = body.start_page ?? 'ENTRY';
    let session: {
      session_id: string;
      pages: number;
      model_conversion_probability: number | null;
      model_version: number | null;
    } | null = null;
    if (body.session_id) {
      const journey = await this.store.readJourney(body.session_id);
      if (!journey)
        throw new NotFoundException(`no live session ${body.session_id}: unknown, or expired`);
      start = journey.last_page_type ?? 'ENTRY';
      const served = this.models.serving.current<JourneyModel>('journey');
      const [probability] = served ? await served.model.score([journey]) : [];
      session = {
        session_id: journey.session_id,
        pages: journey.pages,
        model_conversion_probability: probability ?? null,
        model_version: served?.version ?? null,
      };
    }
    const transitions = (await this.analytics.transitions({})) as unknown as PageTransition[];
    try {
      const result = simulateJourneys(transitions, start, {
        simulations: body.simulations ?? 10_000,
        maxSteps: body.max_steps ?? 50,
        seed: body.seed ?? 42,
      });
      return { ...result, seed: body.seed ?? 42, maxSteps: body.max_steps ?? 50, session };
    } catch (err) {
      if (err instanceof RangeError) throw new BadRequestException(err.message);
      throw err;
    }
  }
}

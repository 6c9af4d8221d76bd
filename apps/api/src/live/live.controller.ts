import {
  type BeforeApplicationShutdown,
  Controller,
  Get,
  Inject,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiSecurity,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TailedRecord } from '@amato/kafka';
import { API_KEY_SCHEME } from '../auth/api-key.guard';
import { SchemaQueryPipe } from '../validation/schema-query.pipe';
import { LiveTopics, PREDICTIONS_KEPT } from './live-topics';

const LiveQuery = T.Object(
  {
    backlog: T.Integer({
      minimum: 0,
      maximum: PREDICTIONS_KEPT,
      default: 200,
      expected: `an integer from 0 to ${PREDICTIONS_KEPT}`,
    }),
  },
  { additionalProperties: false },
);

/** A comment line every so often, so proxies and the browser keep an idle stream open. */
const KEEP_ALIVE_MS = 15_000;

/** One server-sent event: `segment` or `journey`, its id where it sits on its topic. */
export function sseEvent(type: string, record: TailedRecord): string {
  return `id: ${record.topic}:${record.partition}:${record.offset}\nevent: ${type}\ndata: ${record.value.replace(/\n/g, '')}\n\n`;
}

/** The stream's predictions as they are published, for the dashboard's live feed. */
@ApiTags('predictions')
@ApiSecurity(API_KEY_SCHEME)
@ApiUnauthorizedResponse({ description: 'no API key, or an unknown one' })
@Controller('predictions')
export class LiveController implements BeforeApplicationShutdown {
  /** The streams open now, ended before the server closes (it would wait for them). */
  private readonly open = new Set<() => void>();

  constructor(@Inject(LiveTopics) private readonly live: LiveTopics) {}

  beforeApplicationShutdown(): void {
    for (const end of [...this.open]) end();
  }

  @Get('live')
  @ApiOperation({
    summary: 'Segment and journey predictions as the processor publishes them (server-sent events)',
    description:
      "A text/event-stream: first the newest `backlog` predictions this API has seen (oldest first), then each new one as it is published to the prediction topics. Events are `segment` (a customer changed segment) and `journey` (a live session's chance to convert), each `data` one prediction as JSON (the schemas of the prediction topics), each `id` its topic, partition and offset. Send the key in X-API-Key (a fetch stream; EventSource cannot send headers). A 503 says whether Kafka is down or the topics do not exist yet.",
  })
  @ApiProduces('text/event-stream')
  @ApiQuery({
    name: 'backlog',
    required: false,
    schema: { type: 'integer', minimum: 0, maximum: PREDICTIONS_KEPT, default: 200 },
  })
  @ApiOkResponse({ description: 'the stream; it stays open until the client closes it' })
  @ApiServiceUnavailableResponse({ description: 'Kafka down, or no prediction topics yet' })
  async stream(
    @Query(new SchemaQueryPipe(LiveQuery)) q: Static<typeof LiveQuery>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { segments, journey } = this.live.predictionTopics;
    // Before the reply is taken over: a failure is still an ordinary 503 with its message.
    const tail = await this.live.started(
      this.live.predictions,
      'predictions',
      [segments, journey],
      'the processor',
    );
    const typeOf = (topic: string) => (topic === segments ? 'segment' : 'journey');
    const backlog = [...tail.recent(segments), ...tail.recent(journey)]
      .sort((a, b) => a.timestamp - b.timestamp)
      .slice(q.backlog === 0 ? Number.POSITIVE_INFINITY : -q.backlog);

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(`retry: 3000\n\n`);
    for (const record of backlog) raw.write(sseEvent(typeOf(record.topic), record));
    const unsubscribe = tail.subscribe((record) => {
      raw.write(sseEvent(typeOf(record.topic), record));
    });
    const beat = setInterval(() => raw.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    const end = () => {
      if (!this.open.delete(end)) return;
      unsubscribe();
      clearInterval(beat);
      raw.end();
    };
    this.open.add(end);
    request.raw.on('close', end);
    raw.on('error', end);
  }
}

import {
  type ArgumentsHost,
  Catch,
  type RpcExceptionFilter,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { BaseRpcContext, type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { lastValueFrom, type Observable, tap, throwError } from 'rxjs';
import type { KafkaService } from '@amato/kafka';
import { ConsumerMetrics } from '@amato/metrics';
import type { Registry } from 'prom-client';
import type { ConsumedStream, Rejection, StreamBatch, StreamHandler } from './stream-batch';
import { StreamRunner, type StreamRunnerOptions } from './stream-runner';

/** The context of an `@EventPattern(<stream>)` handler: `@Ctx() ctx: StreamContext`. */
export class StreamContext extends BaseRpcContext<[StreamBatch]> {
  get batch(): StreamBatch {
    return this.getArgs()[0];
  }
}

/**
 * A Nest microservice transport over AMATO's batch consumers (Nest's own Kafka transport hands
 * over one message at a time and commits on its own). Handlers are `@EventPattern(<stream>)`
 * methods that receive a `StreamBatch` and resolve with its rejections; `StreamRunner` does
 * the decoding, retries, DLQ and commits. `NestMicroservice.close()` closes the transport
 * before any module's shutdown hook runs, so the consumers drain and commit while the stores
 * and the producer are still open.
 */
export class StreamTransport extends Server implements CustomTransportStrategy {
  private runner?: StreamRunner;
  private dependencies?: { kafka: KafkaService; registry?: Registry };

  constructor(private readonly options: Omit<StreamRunnerOptions, 'registry'>) {
    super();
  }

  /** The app's Kafka client and metrics registry; called once the app exists, before listen. */
  use(kafka: KafkaService, registry?: Registry): this {
    this.dependencies = { kafka, registry };
    return this;
  }

  listen(callback: (err?: unknown) => void): void {
    const { dependencies } = this;
    if (!dependencies) {
      callback(new Error('StreamTransport.use(kafka) must be called before listen'));
      return;
    }
    try {
      const runner = new StreamRunner(
        dependencies.kafka,
        { ...this.options, registry: dependencies.registry },
        (stream) => this.handlerOf(stream),
      );
      this.runner = runner;
      runner.start().then(() => {
        callback();
      }, callback);
    } catch (err) {
      callback(err);
    }
  }

  /** Drains: the batches in flight finish and commit, then the consumers leave their groups. */
  async close(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    await runner?.stop();
  }

  on(): never {
    throw new Error('StreamTransport has no events to listen to');
  }

  unwrap(): never {
    throw new Error('StreamTransport wraps no single client');
  }

  private handlerOf(stream: ConsumedStream): StreamHandler {
    const handler = this.getHandlerByPattern(stream);
    if (!handler) {
      throw new Error(
        `the ${this.options.service} reads ${stream} but no @EventPattern('${stream}') handler is registered`,
      );
    }
    return async (batch) => {
      const result: unknown = await handler(batch, new StreamContext([batch]));
      const rejected = await lastValueFrom(
        this.transformToObservable(result as Observable<readonly Rejection[] | undefined>),
        { defaultValue: undefined },
      );
      return rejected ?? [];
    };
  }
}

/**
 * Gives a handler's error back to the transport as it was thrown: whether it is transient, a
 * refusal or a bug decides how the batch is retried, and Nest's default RPC filter would turn
 * it into a plain `{ status, message }`.
 */
@Catch()
export class RethrowToTransport implements RpcExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

/** Consumer metrics (records, batch sizes and durations, failures, lag) around every handler. */
export class ConsumerMetricsInterceptor implements NestInterceptor {
  private readonly metrics: ConsumerMetrics;

  constructor(registry: Registry) {
    this.metrics = new ConsumerMetrics(registry);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const batch = context.switchToRpc().getData<StreamBatch>();
    const done = this.metrics.begin({ ...batch, records: batch.records.length });
    return next.handle().pipe(
      tap({
        complete: () => {
          done(true);
        },
        error: () => {
          done(false);
        },
      }),
    );
  }
}

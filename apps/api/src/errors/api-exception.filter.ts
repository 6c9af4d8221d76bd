import { STATUS_CODES } from 'node:http';
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AmatoError, assertUnreachable, createLogger } from '@amato/common';
import type { ErrorBody } from './error-body';

export interface HttpOutcome {
  readonly status: HttpStatus;
  /** Whether the error's own message is the answer; if not, it is logged and a generic one sent. */
  readonly expose: boolean;
}

/**
 * What each AmatoError code means to an HTTP client. Exhaustive: a new code does not compile
 * until it has a status here.
 */
export function httpOutcomeOf(err: AmatoError): HttpOutcome {
  switch (err.code) {
    case 'DEPENDENCY_UNAVAILABLE':
      return { status: HttpStatus.SERVICE_UNAVAILABLE, expose: true };
    case 'TRINO_QUERY_FAILED':
      return { status: HttpStatus.BAD_GATEWAY, expose: true };
    // A batch run's failure, met by an endpoint that reads its results: they are not there.
    case 'BATCH_STEP_FAILED':
      return { status: HttpStatus.SERVICE_UNAVAILABLE, expose: true };
    // The caller sent statistics that cannot describe an experiment; the message names the test,
    // the variant and the field to correct.
    case 'EXPERIMENT_INPUT_INVALID':
      return { status: HttpStatus.BAD_REQUEST, expose: true };
    // A model version whose artifact cannot be served: the request to activate it is refused.
    case 'MODEL_ARTIFACT_INVALID':
      return { status: HttpStatus.UNPROCESSABLE_ENTITY, expose: true };
    // Errors of starting a command; met while answering a request they are a bug, and their
    // message (configuration values, ports) is for the operator, not the client.
    case 'CONFIG_INVALID':
    case 'PORT_TAKEN':
    case 'USAGE':
      return { status: HttpStatus.INTERNAL_SERVER_ERROR, expose: false };
    default:
      return assertUnreachable(err.code, 'error code');
  }
}

function body(status: number, message: string): ErrorBody {
  return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
}

const INTERNAL =
  'internal error: it is logged; if it persists, report it with the time of the request';

/**
 * Every error of a request, as one JSON body `{ statusCode, error, message }`: Nest's
 * HttpExceptions keep their status and body, AmatoErrors get the status of their code, and
 * anything else is a 500 with a generic message, logged with its stack.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = createLogger(ApiExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const { status, payload } = this.answer(exception, {
      method: request.method,
      url: request.url,
    });
    void reply.status(status).send(payload);
  }

  private answer(
    exception: unknown,
    context: Record<string, string>,
  ): { status: number; payload: object } {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      return {
        status,
        payload: typeof response === 'string' ? body(status, response) : response,
      };
    }
    if (exception instanceof AmatoError) {
      const { status, expose } = httpOutcomeOf(exception);
      if (expose) {
        this.logger.warn({ ...context, code: exception.code, status }, exception.message);
        return { status, payload: body(status, exception.message) };
      }
      this.logger.error({ ...context, code: exception.code, err: exception }, 'request failed');
      return { status, payload: body(status, INTERNAL) };
    }
    this.logger.error({ ...context, err: exception }, 'request failed');
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      payload: body(HttpStatus.INTERNAL_SERVER_ERROR, INTERNAL),
    };
  }
}

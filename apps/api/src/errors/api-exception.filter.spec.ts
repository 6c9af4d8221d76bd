import type { ArgumentsHost } from '@nestjs/common';
import { HttpException, HttpStatus, NotFoundException } from '@nestjs/common';
import {
  ConfigError,
  DependencyUnavailableError,
  PortTakenError,
  setLogLevel,
} from '@amato/common';
import { ApiExceptionFilter, httpOutcomeOf } from './api-exception.filter';

// Before the filter makes its logger: the errors it logs are expected here.
setLogLevel('silent');

interface Answer {
  status?: number;
  payload?: unknown;
}

function answerTo(exception: unknown): Answer {
  const answer: Answer = {};
  const reply = {
    status(code: number) {
      answer.status = code;
      return reply;
    },
    send(payload: unknown) {
      answer.payload = payload;
      return reply;
    },
  };
  const host = {
    switchToHttp: () => ({
      getResponse: () => reply,
      getRequest: () => ({ method: 'GET', url: '/customers/CUST_000001/features' }),
    }),
  } as unknown as ArgumentsHost;
  new ApiExceptionFilter().catch(exception, host);
  return answer;
}

describe(httpOutcomeOf.name, () => {
  it('maps an unavailable dependency to 503, and tells the client why', () => {
    const err = new DependencyUnavailableError('Redis', 'h:1', new Error('refused'));
    expect(httpOutcomeOf(err)).toEqual({ status: HttpStatus.SERVICE_UNAVAILABLE, expose: true });
  });

  it("maps start-up errors to 500, and keeps their message (the operator's) to the log", () => {
    expect(httpOutcomeOf(new ConfigError([{ key: 'a', problem: 'b' }], 'x.yaml'))).toEqual({
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      expose: false,
    });
    expect(httpOutcomeOf(new PortTakenError('api.port', 'h', 1, 'X', '')).expose).toBe(false);
  });
});

describe(ApiExceptionFilter.name, () => {
  it('answers an unavailable dependency with 503 and a body naming it', () => {
    const err = new DependencyUnavailableError(
      'Redis',
      '127.0.0.1:1',
      new Error('refused'),
      'retry',
    );
    expect(answerTo(err)).toEqual({
      status: 503,
      payload: {
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'Redis at 127.0.0.1:1 is unavailable: refused (retry)',
      },
    });
  });

  it("keeps an HttpException's status and body", () => {
    expect(answerTo(new NotFoundException('no features for CUST_000001'))).toEqual({
      status: 404,
      payload: { statusCode: 404, error: 'Not Found', message: 'no features for CUST_000001' },
    });
    expect(answerTo(new HttpException('slow down', HttpStatus.TOO_MANY_REQUESTS))).toEqual({
      status: 429,
      payload: { statusCode: 429, error: 'Too Many Requests', message: 'slow down' },
    });
  });

  it('answers anything else with 500 and a generic message, without its details', () => {
    const answer = answerTo(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(answer.status).toBe(500);
    expect(answer.payload).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: expect.stringMatching(/^internal error/),
    });
    expect(JSON.stringify(answer.payload)).not.toContain('undefined');
  });

  it('answers a start-up error met in a request with 500, without its message', () => {
    const answer = answerTo(new ConfigError([{ key: 'mysql.password', problem: 'secret' }], 'x'));
    expect(answer.status).toBe(500);
    expect(JSON.stringify(answer.payload)).not.toContain('secret');
  });
});

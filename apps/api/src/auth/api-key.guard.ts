import { timingSafeEqual } from 'node:crypto';
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ConfigService } from '@amato/config';

const PUBLIC = 'amato:public';

/** Marks a controller or route as open without an API key (health checks). */
export const Public = () => SetMetadata(PUBLIC, true);

/** The OpenAPI security scheme name of the API key. */
export const API_KEY_SCHEME = 'api-key';

/** The API key a request presents, if any. */
export function presented(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  return undefined;
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Every route needs one of the configured keys (api.apiKeys) in X-API-Key, or as
 * `Authorization: Bearer <key>` (what Prometheus sends), unless marked @Public().
 * /docs is served outside the controllers and stays open.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: readonly string[];

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ConfigService) config: ConfigService,
  ) {
    this.keys = config.api.apiKeys;
  }

  canActivate(context: ExecutionContext): boolean {
    const open = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (open) return true;
    const key = presented(context.switchToHttp().getRequest<FastifyRequest>());
    if (key === undefined) {
      throw new UnauthorizedException(
        'missing API key: send it in the X-API-Key header (or Authorization: Bearer <key>)',
      );
    }
    if (!this.keys.some((k) => equal(k, key))) {
      throw new UnauthorizedException('unknown API key: use one of the keys in api.apiKeys');
    }
    return true;
  }
}

import type { Redis } from 'ioredis';
import { DependencyUnavailableError, isTransientError } from '@amato/common';

/**
 * A failed Redis command as what it means to its caller: Redis unreachable, or unable to answer
 * now (loading its data, busy; see isTransientError), becomes a DependencyUnavailableError
 * naming Redis and its endpoint; anything else (a wrong type, a script error) is returned as
 * it is. `hint` says what the caller's user can do about it.
 */
export function redisCommandError(client: Redis, err: unknown, hint?: string): unknown {
  if (err instanceof DependencyUnavailableError || !isTransientError(err)) return err;
  const { host, port, maxRetriesPerRequest } = client.options;
  return new DependencyUnavailableError(
    'Redis',
    `${host ?? 'localhost'}:${port ?? 6379}`,
    // ioredis gives a queued command up with a message about its own option; say what it means.
    err instanceof Error && err.name === 'MaxRetriesPerRequestError'
      ? new Error(`no connection after ${maxRetriesPerRequest ?? 0} attempts to reconnect`, {
          cause: err,
        })
      : err,
    hint,
  );
}

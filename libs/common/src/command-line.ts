import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors';

/**
 * node:util's parseArgs for AMATO's commands: an unknown option or a missing value becomes a
 * UsageError (exit code 2, "see --help") with parseArgs's own message, which names the option.
 */
export function parseCommandLine<T extends ParseArgsConfig>(
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

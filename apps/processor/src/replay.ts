import 'reflect-metadata';
import {
  createLogger,
  exitOnFailure,
  parseCommandLine,
  setLogLevel,
  UsageError,
} from '@amato/common';
import { loadConfig } from '@amato/config';
import { topicsFor } from '@amato/contracts';
import { processorGroups } from '@amato/features';
import { KafkaService, type PartitionRewind, planRewind } from '@amato/kafka';
import { RedisService } from '@amato/redis';

const HELP = `amato replay: the processor reads the feature topics again, into Redis.

usage: ./amato replay --since TIME [--dry-run]
       ./amato replay --rebuild [--dry-run]

For a Redis that lost writes the processor had already committed: a crash of the machine under
an append-only file fsynced every second loses up to about two seconds; a restore from an older
copy loses everything since. --since moves the processor's group (<processor.groupId>) back, on
every partition of <kafka.topicPrefix>.customers|transactions|clickstream, to the first record
written at or after TIME (ISO 8601, e.g. 2026-12-01T10:00:00Z; take a margin before the loss),
never forward. The next processor start reads them again: what Redis still holds is skipped,
event by event (applied event ids are kept for features.dedupeHours), and what it lost is
applied once. So TIME must be within features.dedupeHours of now.

--rebuild goes back to the start of every log: Redis is rebuilt from the topics (as far as
their retention reaches). It needs an empty Redis under features.keyPrefix, since events applied
longer ago than features.dedupeHours are no longer recognised as applied.

Kafka moves a group's offsets only while no member runs: stop the processor first.
--dry-run prints the plan and moves nothing.
Settings come from config/default.yaml and AMATO_* variables (see README.md).`;

const logger = createLogger('replay');

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** --since as epoch ms: an ISO 8601 time with its zone, in the past, within the dedupe horizon. */
export function parseSince(text: string, nowMs: number, dedupeHours: number): number {
  const ms = ISO.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms))
    throw new UsageError(
      `--since must be an ISO 8601 time with its zone, e.g. 2026-12-01T10:00:00Z, got "${text}"`,
    );
  if (ms > nowMs) throw new UsageError(`--since ${text} is in the future`);
  const horizon = nowMs - dedupeHours * 3_600_000;
  if (ms < horizon)
    throw new UsageError(
      `--since ${text} is more than features.dedupeHours (${dedupeHours} h) ago: events applied ` +
        'before then are no longer recognised as applied and would count twice; use --rebuild ' +
        'on an empty Redis instead',
    );
  return ms;
}

function table(rows: readonly PartitionRewind[]): string {
  const lines = ['topic                                 part  committed         to   replayed'];
  for (const r of rows)
    lines.push(
      `${r.topic.padEnd(36)} ${String(r.partition).padStart(5)} ${String(r.committed ?? '-').padStart(10)} ${String(r.to).padStart(10)} ${String(r.replayed).padStart(10)}`,
    );
  return lines.join('\n');
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseCommandLine({
    args: [...argv],
    options: {
      since: { type: 'string' },
      rebuild: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  if ((values.since === undefined) === (values.rebuild !== true))
    throw new UsageError('give exactly one of --since TIME and --rebuild');
  const config = loadConfig();
  setLogLevel(config.log.level);
  const since =
    values.since === undefined
      ? undefined
      : parseSince(values.since, Date.now(), config.features.dedupeHours);
  const kafka = new KafkaService(config.kafka);
  const redis = new RedisService(config.redis);
  try {
    await kafka.connect();
    const [group] = processorGroups(config.processor.groupId);
    if (!group) throw new Error('the processor has no consumer group');
    const { members } = await kafka.describeGroup(group.groupId);
    if (members > 0)
      throw new UsageError(
        `the processor's group ${group.groupId} has ${members} member(s) running: stop the ` +
          'processor first (Kafka moves a group offsets only while no member runs)',
      );
    if (values.rebuild) {
      await redis.connect();
      const prefix = config.features.keyPrefix;
      const [, keys] = await redis.client.scan('0', 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0)
        throw new UsageError(
          `Redis at ${redis.endpoint} still holds keys under ${prefix}: (e.g. ${keys[0] ?? ''}). ` +
            'A rebuild reads every event again, and those applied longer ago than ' +
            'features.dedupeHours would count twice. Delete them first ' +
            `(redis-cli --scan --pattern '${prefix}:*' | xargs redis-cli unlink), or use --since`,
        );
    }
    const topics = topicsFor(config.kafka.topicPrefix);
    const plan: PartitionRewind[] = [];
    for (const stream of group.streams) {
      const topic = topics[stream];
      const [partitions, committed, target] = await Promise.all([
        kafka.partitionOffsets(topic),
        kafka.committedOffsets(group.groupId, topic),
        since === undefined ? ('beginning' as const) : kafka.offsetsAtTime(topic, since),
      ]);
      plan.push(...planRewind(topic, partitions, committed, target));
    }
    console.log(table(plan));
    const replayed = plan.reduce((n, p) => n + p.replayed, 0);
    if (values['dry-run']) {
      console.log(`dry run: ${replayed} records would be read again; nothing moved`);
      return;
    }
    for (const stream of group.streams) {
      const moves = plan
        .filter((p) => p.topic === topics[stream] && p.replayed > 0)
        .map((p) => ({ partition: p.partition, offset: p.to }));
      if (moves.length > 0) await kafka.setGroupOffsets(group.groupId, topics[stream], moves);
    }
    logger.info({ groupId: group.groupId, replayed, since }, 'group moved back');
    console.log(
      `moved ${group.groupId} back: ${replayed} records will be read again when the processor ` +
        'starts (what Redis still holds is skipped event by event)',
    );
  } finally {
    await Promise.allSettled([kafka.close(), redis.close()]);
  }
}

if (require.main === module)
  main(process.argv.slice(2)).catch(
    exitOnFailure('replay', logger, (err) => err instanceof UsageError),
  );

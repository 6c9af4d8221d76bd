import type { StackService } from '../context';
import { kafka } from './kafka';
import { mariadb } from './mariadb';
import { mongo } from './mongo';
import { postgres } from './postgres';
import { redis } from './redis';
import { trino } from './trino';

/** Every service of the local stack, in start order (Trino last: its catalogs read the stores). */
export const SERVICES: readonly StackService[] = [redis, postgres, mariadb, kafka, mongo, trino];

import 'reflect-metadata';
import { runStreamService } from '@amato/stream';
import { sinkService } from './sink.service';

if (require.main === module) runStreamService(sinkService, process.argv.slice(2));

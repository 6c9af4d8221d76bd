import 'reflect-metadata';
import { runStreamService } from '@amato/stream';
import { processorService } from './processor.service';

if (require.main === module) runStreamService(processorService, process.argv.slice(2));

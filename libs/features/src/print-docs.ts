import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { featuresMarkdown } from './features-doc';

/** Writes docs/features.md from the specification: `npm run docs:features`. */
const target = resolve(__dirname, '../../../docs/features.md');
writeFileSync(target, featuresMarkdown());
console.log(`wrote ${target}`);

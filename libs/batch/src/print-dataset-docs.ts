import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dataDictionaryMarkdown } from './training-dataset';

/** Writes docs/training-dataset.md from the dataset's one definition: `npm run docs:dataset`. */
const target = resolve(__dirname, '../../../docs/training-dataset.md');
writeFileSync(target, dataDictionaryMarkdown());
console.log(`wrote ${target}`);

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { emptyAggregates, deriveFeatures } from '@amato/features';
import { comparableValues } from './offline-features';
import { dataDictionaryMarkdown, TRAINING_COLUMNS } from './training-dataset';

describe('the training dataset', () => {
  it('has a column, with a meaning, for every feature the specification derives', () => {
    const derived = Object.keys(
      comparableValues(deriveFeatures(emptyAggregates('CUST_000001'), 0)),
    );
    const features = TRAINING_COLUMNS.filter((c) => c.source === 'feature').map((c) => c.name);
    expect(features.sort()).toEqual(derived.sort());
    expect(TRAINING_COLUMNS.every((c) => c.description.length > 5)).toBe(true);
    expect(TRAINING_COLUMNS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(TRAINING_COLUMNS.map((c) => c.name)).size).toBe(TRAINING_COLUMNS.length);
  });

  it('keeps its labels apart, as labels', () => {
    expect(TRAINING_COLUMNS.filter((c) => c.source === 'label').map((c) => c.name)).toEqual([
      'label_revenue_next_90d',
      'label_churned_next_90d',
    ]);
  });

  it('is what docs/training-dataset.md says (regenerate with npm run docs:dataset)', () => {
    const file = readFileSync(resolve(__dirname, '../../../docs/training-dataset.md'), 'utf8');
    expect(file).toBe(dataDictionaryMarkdown());
  });
});

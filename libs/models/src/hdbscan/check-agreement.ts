/**
 * Replays a trained model's holdout in TypeScript and times the assignments:
 *
 *   npx tsx libs/models/src/hdbscan/check-agreement.ts DIR
 *
 * DIR holds hdbscan.json and hdbscan-holdout.json as `python -m amato_ml.segmentation train`
 * writes them (or holdout.json, as in fixtures/). Exits 1 when a label or probability differs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HdbscanModel } from './hdbscan-model';
import { compareWithHoldout, parseHoldout } from './holdout-agreement';

const PROBABILITY_TOLERANCE = 1e-9;

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Microseconds per assignment over at least a second of repeated assignMany calls. */
function timeAssignments(model: HdbscanModel, points: readonly (readonly number[])[]): number {
  model.assignMany(points); // warm-up: let the JIT compile the search
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < 1000) {
    model.assignMany(points);
    count += points.length;
  }
  return ((performance.now() - start) * 1000) / count;
}

function main(dir: string | undefined): number {
  if (dir === undefined) {
    console.error('usage: check-agreement.ts DIR (with hdbscan.json and hdbscan-holdout.json)');
    return 2;
  }
  const holdoutPath = ['hdbscan-holdout.json', 'holdout.json']
    .map((name) => join(dir, name))
    .find((path) => existsSync(path));
  if (holdoutPath === undefined) {
    console.error(`no hdbscan-holdout.json or holdout.json in ${dir}`);
    return 2;
  }
  const loadStart = performance.now();
  const model = HdbscanModel.fromArtifact(readJson(join(dir, 'hdbscan.json')));
  const loadMs = performance.now() - loadStart;
  const holdout = parseHoldout(readJson(holdoutPath));
  const agreement = compareWithHoldout(model, holdout);
  const same = agreement.customers - agreement.labelDisagreements.length;
  console.log(
    `${model.trainingSize} training points × ${model.features.length} features, ` +
      `${model.clusters.length} clusters, loaded in ${loadMs.toFixed(0)} ms`,
  );
  console.log(
    `labels: ${same}/${agreement.customers} equal to approximate_predict; ` +
      `max |Δ probability| ${agreement.maxProbabilityDifference.toExponential(2)}`,
  );
  for (const d of agreement.labelDisagreements.slice(0, 10)) {
    console.log(
      `  ${d.customerId}: expected ${d.expected.label} (${d.expected.probability}), got ${d.actual.label} (${d.actual.probability})`,
    );
  }
  if (holdout.points.length > 0) {
    console.log(`${timeAssignments(model, holdout.points).toFixed(1)} µs per assignment`);
  }
  const agrees =
    agreement.labelDisagreements.length === 0 &&
    agreement.maxProbabilityDifference <= PROBABILITY_TOLERANCE;
  return agrees ? 0 : 1;
}

process.exitCode = main(process.argv[2]);

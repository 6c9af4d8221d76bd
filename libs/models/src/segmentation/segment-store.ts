import type { MysqlService } from '@amato/mysql';

/** A segment of one model version, as customer_segments describes it. */
export interface StoredSegment {
  /** The model's own label; -1 for the customers a density model leaves as noise. */
  readonly label: number;
  readonly name: string;
  readonly profile: Readonly<Record<string, number>>;
}

export interface SegmentAssignmentRow {
  readonly customerId: string;
  readonly label: number;
  readonly confidence: number;
}

/** `kmeans:v3`: how customer_segment_mapping.model_version names a model version. */
export const modelVersionTag = (model: string, version: number) => `${model}:v${version}`;

/**
 * Writes a model version's segments to customer_segments (one row per segment and version,
 * its criteria naming the model, version, label and profile) and every customer's assignment
 * to customer_segment_mapping (one row per customer and version, upserted: a rerun rewrites
 * it). Segment ids are allocated after the highest in use, under a lock, so versions never
 * collide; a version's segments written before are reused.
 */
export async function writeSegmentAssignments(
  mysql: MysqlService,
  database: string,
  model: string,
  version: number,
  segments: readonly StoredSegment[],
  assignments: readonly SegmentAssignmentRow[],
  assignedAt: Date = new Date(),
): Promise<{ segments: number; assignments: number }> {
  const tag = modelVersionTag(model, version);
  const db = `\`${database}\``;
  const ids = await mysql.transaction(async (c) => {
    await c.query(`SELECT GET_LOCK(?, 30)`, [`amato:segments:${database}`]);
    try {
      const [existing] = await c.query(
        `SELECT segment_id, JSON_UNQUOTE(JSON_EXTRACT(criteria, '$.label')) AS label
         FROM ${db}.customer_segments WHERE JSON_UNQUOTE(JSON_EXTRACT(criteria, '$.model_version')) = ?`,
        [tag],
      );
      const byLabel = new Map(
        (existing as { segment_id: number; label: string }[]).map((r) => [
          Number(r.label),
          r.segment_id,
        ]),
      );
      const [[top]] = (await c.query(
        `SELECT COALESCE(MAX(segment_id), 0) AS top FROM ${db}.customer_segments`,
      )) as unknown as [[{ top: number | string }]];
      // MySQL returns COALESCE(MAX(...)) as a decimal string.
      let next = Number(top.top);
      for (const s of segments) {
        if (byLabel.has(s.label)) continue;
        next += 1;
        await c.query(
          `INSERT INTO ${db}.customer_segments (segment_id, segment_name, description, criteria, created_at)
           VALUES (?, ?, ?, ?, ?)`,
          [
            next,
            `${s.name} (${tag})`.slice(0, 100),
            `${s.name}: segment ${s.label} of ${model} version ${version}`,
            JSON.stringify({
              model,
              version,
              model_version: tag,
              label: s.label,
              profile: s.profile,
            }),
            assignedAt,
          ],
        );
        byLabel.set(s.label, next);
      }
      return byLabel;
    } finally {
      await c.query(`SELECT RELEASE_LOCK(?)`, [`amato:segments:${database}`]);
    }
  });
  for (let i = 0; i < assignments.length; i += 2000) {
    const chunk = assignments.slice(i, i + 2000);
    const values = chunk.map((a) => {
      const segmentId = ids.get(a.label);
      if (segmentId === undefined)
        throw new RangeError(
          `customer ${a.customerId}: label ${a.label} is not a segment of ${tag}`,
        );
      return [
        a.customerId,
        segmentId,
        assignedAt,
        Math.min(1, Math.max(0, Number(a.confidence.toFixed(4)))),
        tag,
      ];
    });
    await mysql.execute(
      `INSERT INTO ${db}.customer_segment_mapping
         (customer_id, segment_id, assigned_at, confidence_score, model_version) VALUES ?
       ON DUPLICATE KEY UPDATE segment_id = VALUES(segment_id), assigned_at = VALUES(assigned_at),
         confidence_score = VALUES(confidence_score)`,
      [values],
    );
  }
  return { segments: ids.size, assignments: assignments.length };
}

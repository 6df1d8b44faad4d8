/**
 * Fills a commune database for `bench:report`: citizens spread over hamlets
 * and target groups, their first passes (quiz_passes), programme completions
 * when they passed every core quiz, some finished attempts with answers, and
 * a few anonymous counts left by erased residents. One transaction, prepared
 * inserts, deterministic (no randomness), so every run measures the same data.
 */
import type { Db } from '../../src/storage/sqlite/db.js';

export interface FillShape {
  readonly communeId: string;
  readonly hamlets: number;
  readonly groups: readonly string[];
  /** Core quizzes as the catalog has them: attempts are written on their version, so the failed-question view reads them. */
  readonly quizzes: readonly { readonly id: string; readonly version: string; readonly questions: number }[];
  /** Total quiz_passes rows to write. */
  readonly passes: number;
  /** Finished attempts (with answers_json) to write, for the quiz and failed-question views. */
  readonly attempts: number;
  /** First day (UTC) of the spread. */
  readonly firstDay: string;
  readonly days: number;
}

export interface FillResult {
  readonly citizens: number;
  readonly passes: number;
  readonly completions: number;
  readonly attempts: number;
}

const DAY_MS = 86_400_000;

/**
 * Citizens alternate between passing 3 and all 5 core quizzes (4 on average),
 * so `passes / 4` citizens give exactly `passes` pass rows, and half of them
 * complete the programme on the day of their last pass.
 */
export function fillReportData(db: Db, shape: FillShape): FillResult {
  const start = Date.parse(`${shape.firstDay}T00:00:00.000Z`);
  const citizens = Math.ceil(shape.passes / 4);
  const citizen = db.prepare(
    `INSERT INTO citizens (commune_id, id, consent, hamlet, target_group, created_at, updated_at)
     VALUES (?, ?, 'given', ?, ?, ?, ?)`,
  );
  const pass = db.prepare(
    `INSERT INTO quiz_passes (commune_id, citizen_id, quiz_id, attempt_id, score, passed_at) VALUES (?, ?, ?, ?, 1, ?)`,
  );
  const programme = db.prepare(
    `INSERT INTO programme_completions (commune_id, citizen_id, completed_at) VALUES (?, ?, ?)`,
  );
  const attempt = db.prepare(
    `INSERT INTO quiz_attempts (commune_id, id, citizen_id, quiz_id, quiz_version, status, current, correct,
                                order_json, answers_json, started_at, updated_at, finished_at, score, passed)
     VALUES (?, ?, ?, ?, ?, 'finished', ?, ?, '[]', ?, ?, ?, ?, ?, ?)`,
  );
  const anonymous = db.prepare(
    `INSERT INTO anonymous_passes (commune_id, hamlet, target_group, quiz_id, passed_on, passes) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  let written = 0;
  let completions = 0;
  let attempts = 0;
  db.transaction(() => {
    for (let i = 0; i < citizens && written < shape.passes; i++) {
      const id = `c${i}`;
      const hamlet = `xom-${(i % shape.hamlets) + 1}`;
      const group = shape.groups[Math.floor(i / shape.hamlets) % shape.groups.length] ?? null;
      const day = (i * 7919) % shape.days;
      const created = new Date(start + day * DAY_MS + (i % 86_400) * 1000).toISOString();
      citizen.run(shape.communeId, id, hamlet, group, created, created);
      const count = Math.min(i % 2 === 0 ? 3 : shape.quizzes.length, shape.passes - written);
      let lastAt = created;
      for (let q = 0; q < count; q++) {
        const quiz = shape.quizzes[q]?.id ?? 'x';
        lastAt = new Date(Date.parse(created) + q * 3_600_000).toISOString();
        pass.run(shape.communeId, id, quiz, `a${i}-${q}`, lastAt);
        written++;
      }
      if (count === shape.quizzes.length) {
        programme.run(shape.communeId, id, lastAt);
        completions++;
      }
      if (attempts < shape.attempts) {
        const quiz = shape.quizzes[i % shape.quizzes.length];
        const length = quiz?.questions ?? 1;
        // Options 0 and 1 alternate by learner, so about half of the answers of every question are wrong.
        const answers = Array.from({ length }, (_, k) => (i + k) % 2);
        const correct = Math.ceil(length / 2);
        const score = correct / length;
        attempt.run(
          shape.communeId,
          `t${i}`,
          id,
          quiz?.id ?? 'x',
          quiz?.version ?? '',
          length,
          correct,
          JSON.stringify(answers),
          created,
          created,
          created,
          score,
          score >= 0.7 ? 1 : 0,
        );
        attempts++;
      }
    }
    for (let h = 1; h <= shape.hamlets; h++) {
      anonymous.run(shape.communeId, `xom-${h}`, shape.groups[0] ?? '', shape.quizzes[0]?.id ?? 'x', shape.firstDay, 2);
    }
  })();
  return { citizens, passes: written, completions, attempts };
}

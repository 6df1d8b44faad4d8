/**
 * Follow-up conversations for `bench:qa` (bench/followups/*.jsonl): a first
 * question, then short questions that lean on it ("làm ở đâu", "cần giấy tờ
 * gì", "còn passcode thì sao") or name a new topic of their own. The team
 * wrote them (no public source holds residents' follow-ups as they typed
 * them), so they measure the follow-up mechanism, not the answers to real
 * questions: each turn names the page that answers it and, for a follow-up,
 * the key facts of the section that answers what is asked, checked against
 * the knowledge files when the set is loaded.
 *
 * `conversations.jsonl` is the set the follow-up rules were tuned on;
 * `holdout.jsonl` was written before it was first run and is only reported.
 *
 * A follow-up is right when the reply is a confident answer from one of the
 * named pages and holds every key fact. The baseline asks the same follow-up
 * with no conversation before it, which is what a stateless assistant does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { holdsFacts } from './realSet.js';

const Turn = z.object({
  q: z.string().min(1),
  doc: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  facts: z.array(z.array(z.string().min(1)).min(1)).optional(),
});
const Conversation = z.object({ turns: z.array(Turn).min(2) });

export interface FollowUpTurn {
  readonly q: string;
  readonly docs: readonly string[];
  readonly facts: readonly (readonly string[])[];
}

export interface FollowUpConversation {
  /** The file it came from: `holdout.jsonl` is never tuned on, the other files are. */
  readonly file: string;
  readonly turns: readonly FollowUpTurn[];
}

/** Loads every conversation, and fails on a named fact that its pages do not hold (a typo would count as a miss). */
export function loadFollowUps(dir: string, knowledgeDir: string): FollowUpConversation[] {
  const out: FollowUpConversation[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        const c = Conversation.parse(JSON.parse(line));
        const turns = c.turns.map((t) => ({
          q: t.q,
          docs: typeof t.doc === 'string' ? [t.doc] : t.doc,
          facts: t.facts ?? [],
        }));
        for (const t of turns) {
          const text = t.docs.map((d) => readFileSync(join(knowledgeDir, d), 'utf8')).join('\n');
          if (!holdsFacts(text, t.facts))
            throw new Error(`${file}:${i + 1}: "${t.q}": a fact is not in ${t.docs.join(', ')}`);
        }
        out.push({ file, turns });
      });
  }
  return out;
}

/** What one reply said, as the judge reads it. */
export interface ReplyView {
  readonly confident: boolean;
  readonly ref?: string;
  readonly text: string;
}

export function rightAnswer(turn: FollowUpTurn, reply: ReplyView): boolean {
  return (
    reply.confident && reply.ref !== undefined && turn.docs.includes(reply.ref) && holdsFacts(reply.text, turn.facts)
  );
}

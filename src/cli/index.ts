/**
 * @module cli
 *
 * `npm run -s cli -- <command>`: the commune's command line. Every command
 * reads the same environment as `npm start` (DATABASE_PATH, KNOWLEDGE_DIR, …),
 * so one install can index and answer from another folder into another
 * database. Output meant for programs goes to stdout; logs go to stderr.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { runAsk } from './ask.js';
import { runChat } from './chat.js';
import { runExport } from './export.js';
import { runIngest } from './ingest.js';
import { runQuiz } from './quiz.js';
import { runServe } from './serve.js';
import { runZalo } from './zalo.js';

const USAGE = `Hocvuso – trợ lý Bình dân học vụ số (command line)

Usage: npm run -s cli -- <command> [options]

Commands:
  ask [--json] ["question"]   Answer one question; with no question, answer one per line from stdin
                              (with --json: one JSON object per line, JSON Lines).
  chat                        Talk to the assistant in the terminal (type a number to pick a button).
  ingest [--force]            Index the knowledge folder into the database (only changed files).
  serve                       Start the HTTP server (same as npm start).
  quiz check                  Check the quiz banks and commune.yaml; list every problem (exit 1 if any).
  export --format csv [--out FILE]
                              Completion counts per hamlet × target group × quiz as CSV for Excel
                              (to stdout, or to FILE).
  zalo set-token <token> | zalo status [--json]
                              Zalo OA: store the refresh token; show token expiry, last error, waiting replies.
  help                        Show this help.

Environment: DATABASE_PATH, KNOWLEDGE_DIR, PORT, HOST, LOG_LEVEL, COMMUNE_ID, … (see .env.example).`;

export interface CliContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly args: string[];
  readonly stdout: NodeJS.WritableStream;
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 1;
  }
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Invalid configuration:\n${err.issues.map((i) => `  - ${i}`).join('\n')}\n`);
      return 2;
    }
    throw err;
  }
  // Questions on stdout must stay machine-readable: only warnings reach stderr unless asked for more.
  const quiet = command === 'ask' && process.env.LOG_LEVEL === undefined;
  const logger = createLogger(quiet ? 'warn' : config.LOG_LEVEL);
  const ctx: CliContext = { config, logger, args: rest, stdout: process.stdout };
  switch (command) {
    case 'ask':
      return runAsk(ctx, parseArgs({ args: rest, options: { json: { type: 'boolean' } }, allowPositionals: true }));
    case 'chat':
      return runChat(ctx);
    case 'ingest':
      return runIngest(ctx, parseArgs({ args: rest, options: { force: { type: 'boolean' } } }).values.force === true);
    case 'serve':
      return runServe(ctx);
    case 'quiz':
      return runQuiz(ctx, rest);
    case 'export':
      return runExport(
        ctx,
        parseArgs({ args: rest, options: { format: { type: 'string' }, out: { type: 'string' } } }).values,
      );
    case 'zalo':
      return runZalo(ctx, rest);
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}\n`);
      return 1;
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);

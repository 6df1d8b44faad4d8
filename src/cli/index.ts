/**
 * @module cli
 *
 * `npm run -s cli -- <command>`: the commune's command line. Every command
 * reads the same environment as `npm start` (DATABASE_PATH, KNOWLEDGE_DIR, …),
 * so one install can index and answer from another folder into another
 * database. Output meant for programs goes to stdout; logs go to stderr.
 */
import { parseArgs } from 'node:util';
import { ConfigError, describeConfigError, loadConfig, type Config } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { BAD_SETTING_EXIT, badSettingMessage } from '../startupError.js';

const USAGE = `Hocvuso – trợ lý Bình dân học vụ số (command line)

Usage: npm run -s cli -- <command> [options]

Commands:
  ask [--json] ["question"]   Answer one question; with no question, answer one per line from stdin
                              (with --json: one JSON object per line, JSON Lines).
  chat                        Talk to the assistant in the terminal (type a number to pick a button).
  ingest [--force]            Index the knowledge folder into the database (only changed files).
  serve                       Start the HTTP server (same as npm start).
  quiz check [--commune ID]   Check the quiz banks and commune.yaml; list every problem (exit 1 if any).
                              --commune: that commune's, its folder knowledge/communes/<ID>/ over the national ones.
  export --format csv|xlsx [--year 2026] [--hamlet ID] [--group ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
         [--sep semicolon|comma] [--out FILE]
                              Progress against the plan's targets (indicators a–đ, hamlets, groups, weeks,
                              quizzes, failed questions) for Excel, to stdout or FILE (xlsx: FILE, or a pipe).
                              --format completions-csv: passes per hamlet × group × quiz.
  zalo set-token <token> | zalo status [--json]
                              Zalo OA: store the refresh token; show token expiry, last error, waiting replies.
  population import FILE.csv  Import the population per hamlet × target group (and VNeID-certified counts)
                              from the settings template; nothing is saved if any line is wrong (exit 1).
  population template         Print the population CSV template (current hamlets, groups and figures).
  unanswered [--limit N] [--groups]
                              The latest questions the assistant was not sure about (personal data masked);
                              --groups: grouped as in the console, most residents first.
  prune                       Remove rows older than their retention (RETENTION_*), as the service does hourly.
  backup FILE                 Copy the SQLite database to FILE while the service runs (SQLite's online backup);
                              refuses an existing FILE. On PostgreSQL use pg_dump.
  staff add --name "…" --role admin|hamlet|province [--hamlet ID] | staff list | staff disable --id ID | staff reset --id ID
                              Staff console accounts; add and reset print a one-time password set-up link.
                              --commune ID: another commune of a PostgreSQL install (links into /x/ID/staff).
  migrate-to-pg [--from FILE] [--to URL] [--replace] [--app-role NAME] [--schema-only]
                              Move the install to PostgreSQL: copy every row of the SQLite file (DATABASE_PATH)
                              into the database DATABASE_URL names, connected as the tables' owner, in one
                              transaction; print the row counts per table (exit 0 only when all match). Refuses a
                              database that holds rows unless --replace; --app-role grants the service's role;
                              --schema-only: a new install with no SQLite file, make the tables only.
  channel add telegram|zalo --commune ID [--app-id N] | channel list [--commune ID] | channel disable KEY
                              Channels as rows (one bot per commune, webhook /webhooks/<kind>/<key>);
                              tokens are read from stdin, never from the command line.
  commune add ID --name "Tên xã" | commune list [--json]
                              Communes of a many-commune install: add makes the commune's row (PostgreSQL with
                              DATABASE_URL, else SQLite) and knowledge/communes/<ID>/commune.yaml to fill in, and
                              says what to do next; an existing commune is left unchanged. Web chat page: /x/<ID>.
  help                        Show this help.

Environment: DATABASE_PATH, DATABASE_URL, KNOWLEDGE_DIR, PORT, HOST, LOG_LEVEL, COMMUNE_ID, … (see .env.example).`;

// Each command is imported when it runs, so `cli export` does not pay for loading LangChain and Hono.

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
      process.stderr.write(describeConfigError(err));
      return BAD_SETTING_EXIT;
    }
    throw err;
  }
  // Questions on stdout must stay machine-readable: only warnings reach stderr unless asked for more.
  const quiet = command === 'ask' && process.env.LOG_LEVEL === undefined;
  const logger = createLogger(quiet ? 'warn' : config.LOG_LEVEL);
  const ctx: CliContext = { config, logger, args: rest, stdout: process.stdout };
  switch (command) {
    case 'ask':
      return (await import('./ask.js')).runAsk(
        ctx,
        parseArgs({ args: rest, options: { json: { type: 'boolean' } }, allowPositionals: true }),
      );
    case 'chat':
      return (await import('./chat.js')).runChat(ctx);
    case 'ingest':
      return (await import('./ingest.js')).runIngest(
        ctx,
        parseArgs({ args: rest, options: { force: { type: 'boolean' } } }).values.force === true,
      );
    case 'serve':
      return (await import('./serve.js')).runServe(ctx);
    case 'quiz':
      return (await import('./quiz.js')).runQuiz(ctx, rest);
    case 'export':
      return (await import('./export.js')).runExport(ctx, rest);
    case 'zalo':
      return (await import('./zalo.js')).runZalo(ctx, rest);
    case 'population':
      return (await import('./population.js')).runPopulation(ctx, rest);
    case 'unanswered': {
      const { values } = parseArgs({ args: rest, options: { limit: { type: 'string' }, groups: { type: 'boolean' } } });
      return (await import('./unanswered.js')).runUnanswered(ctx, values.limit, values.groups === true);
    }
    case 'prune':
      return (await import('./prune.js')).runPrune(ctx);
    case 'backup':
      return (await import('./backup.js')).runBackup(ctx, rest);
    case 'staff':
      return (await import('./staff.js')).runStaff(ctx, rest);
    case 'migrate-to-pg':
      return (await import('./migrateToPg.js')).runMigrateToPg(ctx, rest);
    case 'channel':
      return (await import('./channel.js')).runChannel(ctx, rest);
    case 'commune':
      return (await import('./commune.js')).runCommune(ctx, rest);
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
    // A bad setting found after the config was read (an unusable DATABASE_PATH, a channel's variables).
    const bad = badSettingMessage(err);
    process.stderr.write(bad ?? `Error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = bad === undefined ? 1 : BAD_SETTING_EXIT;
  },
);

/**
 * @module staff/modules
 *
 * The staff console's modules, in order, from the commune's parts as ports,
 * so the SQLite server (server.ts) and the PostgreSQL one (pgServer.ts) show
 * the same console from their own stores. Each module registers its routes
 * under /staff, behind the login. Append new modules here; give them `audit`
 * to record exports and changes. A module that registers GET '/' replaces the
 * built-in landing page (staff/homeModule.ts).
 */
import type { LiveCommune } from '../content/liveCommune.js';
import type { Clock } from '../core/ports.js';
import type { Quiz } from '../core/quiz/types.js';
import type { Logger } from '../logger.js';
import { createAccountModule, type AccountModuleDeps } from './accountModule.js';
import { createDashboardModule } from './dashboardModule.js';
import { createHandoffModule, type HandoffModuleDeps } from './handoffModule.js';
import { createLearningModule, type LearningModuleDeps } from './learningModule.js';
import { createPasswordModule, type PasswordModuleDeps } from './passwordModule.js';
import { createProvinceModule, type ProvinceModuleDeps } from './provinceModule.js';
import { createReportsModule, type ReportsModuleDeps } from './reportsModule.js';
import { createSettingsModule, type SettingsModuleDeps } from './settingsModule.js';
import type { AuditLog } from './types.js';
import type { StaffModule } from './types.js';

export interface StaffModuleSources {
  readonly commune: LiveCommune;
  readonly quizzes: () => readonly Quiz[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly audit: AuditLog;
  readonly handoff: Pick<HandoffModuleDeps, 'store' | 'actions'>;
  /** The console's FAQ entries, what the bot searches, and how an approval goes live. */
  readonly learning: Pick<LearningModuleDeps, 'questions' | 'entries' | 'index' | 'search' | 'publish'>;
  readonly reports: ReportsModuleDeps['reports'];
  readonly population: SettingsModuleDeps['population'];
  readonly settings: SettingsModuleDeps['settings'];
  readonly province: ProvinceModuleDeps['province'];
  readonly chats: AccountModuleDeps['links'];
  readonly accounts: PasswordModuleDeps['store'];
}

export function staffModules(s: StaffModuleSources): StaffModule[] {
  const { commune, clock, audit } = s;
  return [
    // First: it counts the open threads the navigation bar of every later page shows.
    createHandoffModule({
      ...s.handoff,
      audit,
      clock,
      learning: { entries: s.learning.entries, index: s.learning.index, publish: s.learning.publish },
      hamlets: () => commune.hamlets,
      logger: s.logger,
    }),
    createDashboardModule({ commune: () => commune, clock }),
    createReportsModule({
      reports: s.reports,
      population: s.population,
      commune: () => commune,
      quizzes: s.quizzes,
      clock,
      audit,
    }),
    createSettingsModule({ commune, settings: s.settings, population: s.population, audit, clock }),
    // "Toàn tỉnh": only province accounts reach it (and only it, with their password page; see staff/provinceGate.ts).
    createProvinceModule({ province: s.province, audit }),
    createAccountModule({ links: s.chats, audit, clock }),
    createPasswordModule({ store: s.accounts, audit, clock }),
    createLearningModule({ ...s.learning, audit, clock }),
  ];
}

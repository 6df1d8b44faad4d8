/**
 * @module channelSettings
 *
 * The optional channels' settings, parsed once at start-up next to the core
 * settings (config.ts): each channel's variables validated with its own zod
 * schema, so a bad value stops the start with the variable named (exit 2),
 * and the channels themselves get typed settings, never the environment.
 */
import { loadTelegramConfig, type TelegramConfig } from './channels/telegram/config.js';
import { loadZaloConfig, type ZaloConfig } from './channels/zalo/config.js';
import { proxyConfigured } from './channels/zalo/http.js';

export interface ZaloSettings {
  readonly config: ZaloConfig;
  /** Whether an HTTP(S)_PROXY is set for the calls to Zalo (axios then reads it itself). */
  readonly envProxy: boolean;
  /** The removed ZALO_HANDLER_THREADS is still set: said once at start so an old .env is cleaned up. */
  readonly removedThreadsSetting: boolean;
}

/** Each channel's settings; a channel left out is switched off. */
export interface ChannelSettings {
  readonly telegram?: TelegramConfig;
  readonly zalo?: ZaloSettings;
}

/** Parses every channel's variables; throws ConfigError naming the bad ones. */
export function loadChannelSettings(env: Record<string, string | undefined>): ChannelSettings {
  const telegram = loadTelegramConfig(env);
  const zaloConfig = loadZaloConfig(env);
  return {
    ...(telegram ? { telegram } : {}),
    ...(zaloConfig
      ? {
          zalo: {
            config: zaloConfig,
            envProxy: proxyConfigured(env),
            removedThreadsSetting: Boolean(env.ZALO_HANDLER_THREADS?.trim()),
          },
        }
      : {}),
  };
}

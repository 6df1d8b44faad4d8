/**
 * @module settingSchemas
 *
 * Schemas shared by the settings of every part (config.ts, limitsConfig.ts,
 * the channels' config.ts).
 * A number is read only from plain decimal digits: `z.coerce.number()` takes
 * whatever `Number()` takes, so `PORT=0x50` listened on port 80 and
 * `PORT=1e3` on 1000 without a word.
 */
import { z } from 'zod';

/** An integer written in decimal digits (surrounding spaces allowed), from `min` to `max`. */
export function decimalInteger(min: number, max: number, note = '') {
  return z
    .string()
    .trim()
    .regex(/^\d{1,15}$/, `phải là số nguyên viết bằng chữ số thập phân, từ ${min} đến ${max}${note}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `phải từ ${min} đến ${max}${note}`);
}

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

/** A yes/no setting: true/false, 1/0, yes/no or on/off, any case; `fallback` when unset. */
export function flag(fallback: boolean) {
  return z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => TRUE_WORDS.includes(v) || FALSE_WORDS.includes(v), 'phải là true hoặc false (hoặc 1/0)')
    .transform((v) => TRUE_WORDS.includes(v))
    .default(fallback);
}

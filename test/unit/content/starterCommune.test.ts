/**
 * The commune.yaml `cli commune add` writes (content/starterCommune) and the
 * commune a commune without a file runs on (content/communeContent): the
 * name given, the plan's groups and core quizzes, and nothing invented — no
 * hamlet, no target, no contact.
 */
import { describe, expect, it } from 'vitest';
import { communeWithoutFile } from '../../../src/content/communeContent.js';
import { DEFAULT_COMMUNE, parseCommune } from '../../../src/content/loadCommune.js';
import { starterCommuneYaml } from '../../../src/content/starterCommune.js';

describe('starterCommuneYaml', () => {
  it('reads back with no problem: the name given, the plan groups and core quizzes, no hamlets or targets', () => {
    const { commune, problems } = parseCommune(Buffer.from(starterCommuneYaml('hung-nguyen', 'Xã Hưng Nguyên')));
    expect(problems).toEqual([]);
    expect(commune.name).toBe('Xã Hưng Nguyên');
    expect(commune.hamlets).toEqual([]);
    expect(commune.groups).toEqual(DEFAULT_COMMUNE.groups);
    expect(commune.targets).toEqual([]);
    expect(commune.coreQuizzes).toEqual(DEFAULT_COMMUNE.coreQuizzes);
    expect(commune.contacts).toEqual(DEFAULT_COMMUNE.contacts);
  });

  it('keeps a name with quotes and a colon as written, and names the check to run for this commune', () => {
    const text = starterCommuneYaml('xa-a', 'Phường "Trung Đô": khối 1');
    expect(parseCommune(Buffer.from(text)).commune.name).toBe('Phường "Trung Đô": khối 1');
    expect(text).toContain('quiz check --commune xa-a');
  });

  it('writes no phone number and no percentage', () => {
    const text = starterCommuneYaml('xa-a', 'Xã A');
    expect(text).not.toMatch(/\b0\d{9,10}\b/);
    expect(text.split('\n').filter((l) => !l.trimStart().startsWith('#'))).not.toContainEqual(
      expect.stringMatching(/:\s*\d+\s*$/),
    );
  });
});

describe('communeWithoutFile', () => {
  it('takes the row name and the plan groups, and none of the bundled commune targets', () => {
    const c = communeWithoutFile('Xã B');
    expect(c).toMatchObject({ name: 'Xã B', hamlets: [], targets: [], groups: DEFAULT_COMMUNE.groups });
  });
});

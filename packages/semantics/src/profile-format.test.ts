import { InvalidInputError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import { parseProfile, serializeProfile, validateProfile } from './profile-format.js';
import { PROFILE_TRAIT_KEYS, userProfileSchema } from './profile-schema.js';

describe('profile format', () => {
  it('writes one Python-style JSON object with non-ASCII kept', () => {
    const text = serializeProfile({
      user_id: '中文用户',
      traits: { communication_style: '简洁', preferred_topics: ['AI', '部署'] },
    });
    expect(text).toBe(
      '{"user_id": "中文用户", "traits": {"communication_style": "简洁", "preferred_topics": ["AI", "部署"]}}',
    );
  });

  it('reads compact, Python-style and indented objects alike', () => {
    const expected = { user_id: 'u1', traits: { communication_style: 'concise' } };
    expect(parseProfile('{"user_id":"u1","traits":{"communication_style":"concise"}}')).toEqual(expected);
    expect(parseProfile(Buffer.from('{"user_id": "u1", "traits": {"communication_style": "concise"}}'))).toEqual(
      expected,
    );
    expect(
      parseProfile('{\n  "user_id": "u1",\n  "traits": {\n    "communication_style": "concise"\n  }\n}\n'),
    ).toEqual(expected);
  });

  it('throws a typed error for JSON that is not an object, and for text that is not JSON', () => {
    expect(() => parseProfile('["u1"]', { key: 'profiles/u1.json' })).toThrow(
      /profiles\/u1\.json must hold a JSON object, found an array/,
    );
    expect(() => parseProfile('null', { key: 'profiles/u1.json' })).toThrow(InvalidInputError);
    expect(() => parseProfile('{"user_id":', { key: 'profiles/u1.json' })).toThrow(/profiles\/u1\.json is not JSON/);
  });

  it('round-trips unknown keys and nested values', () => {
    const profile = {
      user_id: 'u1',
      traits: { decision_making: 'data-driven', mood_2026: { q1: 'calm' } },
      plan: 'pro',
      score: 0.25,
      ok: true,
      none: null,
    };
    expect(parseProfile(serializeProfile(profile))).toEqual(profile);
  });
});

describe('profile schema', () => {
  it('names the four conventional traits', () => {
    expect(PROFILE_TRAIT_KEYS).toEqual([
      'communication_style',
      'emotional_tone',
      'preferred_topics',
      'decision_making',
    ]);
  });

  it('keeps unknown keys at both levels', () => {
    const parsed = userProfileSchema.parse({
      user_id: 'u1',
      plan: 'pro',
      traits: { humour: 'dry', preferred_topics: 'AI' },
    });
    expect(parsed).toEqual({ user_id: 'u1', plan: 'pro', traits: { humour: 'dry', preferred_topics: 'AI' } });
  });

  it('refuses wrongly typed known traits with the path in the message', () => {
    expect(() => validateProfile({ traits: { preferred_topics: [1, 2] } }, { key: 'profiles/u1.json' })).toThrow(
      /traits\.preferred_topics: expected a list of strings or one string/,
    );
    expect(() => validateProfile({ traits: 'x' })).toThrow(InvalidInputError);
  });
});
